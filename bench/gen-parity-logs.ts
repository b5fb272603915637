/**
 * Seeded parity log generator (CLI).
 *
 *   node --conditions=@aegis/source --import tsx bench/gen-parity-logs.ts --out DIR [--seed 1] [--days 5]
 *        [--layout single|daily] [--gzip] [--diff '{"candidate":{"vixOffset":0.3}}']
 *   node --conditions=@aegis/source --import tsx bench/gen-parity-logs.ts --single FILE --target-mb 1024 [--seed 1]
 *
 * The first form writes DIR/candidate and DIR/reference (parity and comparison logs, with the
 * differences of --diff injected); the second writes one side's parity log of about the given size.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateParityLines, type ParityDifferences, writeParityLogs } from '@aegis/parity-log/testing';

/** About 350 KB of parity log per side per trading day with the default scenario set. */
const BYTES_PER_DAY_ESTIMATE = 330_000;

/** Writes one side's parity log (scan, breaker, startup, shutdown lines) of at least `targetBytes`. */
export async function writeSingleParityLog(path: string, targetBytes: number, seed = 1): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.partial`;
  const out = createWriteStream(tmp, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let buffer: string[] = [];
  let buffered = 0;
  const days = Math.ceil(targetBytes / BYTES_PER_DAY_ESTIMATE) + 2;
  for (const line of generateParityLines({ seed, tradingDays: days, sides: ['candidate'] })) {
    if (line.log !== 'parity') continue;
    buffer.push(line.text);
    buffered += line.text.length;
    if (buffered > 1 << 20) {
      if (!out.write(buffer.join(''))) await once(out, 'drain');
      bytes += buffered;
      buffer = [];
      buffered = 0;
      // Stop at a day boundary once big enough, so the log ends with a shutdown record.
      if (bytes >= targetBytes && line.text.includes('"record_kind":"shutdown"')) break;
    }
  }
  out.write(buffer.join(''));
  bytes += buffered;
  out.end();
  await once(out, 'close');
  await rename(tmp, path);
  return bytes;
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      single: { type: 'string' },
      'target-mb': { type: 'string' },
      seed: { type: 'string', default: '1' },
      days: { type: 'string', default: '5' },
      layout: { type: 'string', default: 'single' },
      gzip: { type: 'boolean', default: false },
      diff: { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  if (values.single) {
    const mb = Number(values['target-mb'] ?? '100');
    const bytes = await writeSingleParityLog(values.single, mb * 1024 * 1024, seed);
    process.stdout.write(`wrote ${values.single}: ${(bytes / 1048576).toFixed(1)} MB\n`);
    return;
  }
  if (!values.out) throw new Error('--out DIR or --single FILE is required');
  const differences = values.diff
    ? (JSON.parse(values.diff) as { candidate?: ParityDifferences; reference?: ParityDifferences })
    : undefined;
  const written = await writeParityLogs(values.out, {
    seed,
    tradingDays: Number(values.days),
    layout: values.layout === 'daily' ? 'daily' : 'single',
    gzip: values.gzip,
    ...(differences ? { differences } : {}),
  });
  process.stdout.write(
    `wrote ${written.files.length} files, ${written.lines} lines, ${(written.bytes / 1048576).toFixed(1)} MB under ${values.out}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli().catch((error: unknown) => {
    process.stderr.write(`gen-parity-logs: ${(error as Error).message}\n`);
    process.exitCode = 2;
  });
}
