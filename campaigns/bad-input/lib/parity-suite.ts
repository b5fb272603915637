import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  type CampaignSize,
  fcParams,
  guardUnhandledRejections,
  mustSettle,
  OracleFailure,
  Tally,
} from './harness.js';
import type { Ops } from './outcome.js';
import { type FileSpec, fileBytes, type LineExpect, type ParityCase, parityCase } from './parity-lines.js';
import { createSandbox } from './sandbox.js';

export interface ParitySuiteOptions {
  maxFiles: number;
  maxLines: number;
  /** Range of the reader's `maxLineBytes` (small, so over-long lines stay cheap). */
  maxLineBytes: [number, number];
}

type Result = Ops['readParityLog']['result'];

const word = (m: string) =>
  new RegExp(`(^|[^A-Za-z_])${m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z_]|$)`);

function reasonMatches(reason: string, mention: string): boolean {
  if (mention === 'not JSON') return reason.startsWith('not JSON');
  if (mention.includes(' ')) return reason.includes(mention);
  return word(mention).test(reason);
}

/**
 * What the reader must do with line `i` (1-based) of a file. A line longer than `maxLineBytes` plus
 * one read chunk is always refused as too long (it cannot be held whole); one longer than
 * `maxLineBytes` alone may be read or refused, depending on where the chunk boundaries fall.
 */
function expectationAt(f: FileSpec, i: number, c: ParityCase): LineExpect {
  const spec = f.lines[i - 1];
  if (!spec) return { do: 'ignored' };
  const length = spec.bytes.length;
  if (length > c.maxLineBytes) {
    // Decompressed chunks are large: an over-long line may fit in one and be read whole.
    if (f.gz !== 'plain' || length <= c.maxLineBytes + c.chunkBytes) return { do: 'any' };
    return { do: 'bad', mention: 'line longer than' };
  }
  if (f.torn && i === f.lines.length) return { do: 'bad', mention: 'torn final line' };
  if (spec.expect.do === 'bad' && spec.expect.mention === 'line longer than') return { do: 'any' };
  return spec.expect;
}

/** Checks the reader's output for one file against the per-line expectations. */
function checkFile(f: FileSpec, path: string, out: Result, c: ParityCase): string | null {
  const entries = out.entries.filter((e) => e.file === path);
  const bad = out.bad.filter((b) => b.file === path);
  const other = out.other.filter((o) => o.file === path);
  const gzipBad = bad.filter((b) => b.reason.startsWith('gzip stream unreadable'));

  for (let k = 1; k < entries.length; k++) {
    if ((entries[k]?.line ?? 0) <= (entries[k - 1]?.line ?? 0)) return `${f.name}: records out of line order`;
  }
  if (f.gz === 'not-gzip') {
    if (entries.length > 0 || other.length > 0) return `${f.name}: records read from a file that is not gzip`;
    if (bad.length > 1 || bad.some((b) => !b.reason.startsWith('gzip stream unreadable'))) {
      return `${f.name}: expected one "gzip stream unreadable" report`;
    }
    return f.lines.length > 0 && gzipBad.length === 0 ? `${f.name}: non-gzip .gz file not reported` : null;
  }
  const truncated = f.gz === 'gzip-truncated';
  if (truncated && gzipBad.length > 1) return `${f.name}: more than one gzip report`;
  if (!truncated && gzipBad.length > 0) return `${f.name}: a valid gzip file reported unreadable`;

  for (const e of entries) {
    const want = expectationAt(f, e.line, c);
    if (want.do === 'any') continue;
    if (want.do !== 'record') return `${f.name}:${e.line}: yielded a record, expected ${want.do}`;
    if (e.kind !== want.kind) return `${f.name}:${e.line}: record_kind ${e.kind}, expected ${want.kind}`;
    const sc = (e.record as { scan_count?: unknown }).scan_count;
    if (want.scanCount !== undefined && sc !== want.scanCount) return `${f.name}:${e.line}: scan_count ${sc}`;
  }
  for (const b of bad) {
    if (b.reason.startsWith('gzip stream unreadable')) continue;
    const want = expectationAt(f, b.line, c);
    if (want.do === 'any') continue;
    if (want.do !== 'bad') return `${f.name}:${b.line}: reported bad (${b.reason}), expected ${want.do}`;
    if (!reasonMatches(b.reason, want.mention)) {
      return `${f.name}:${b.line}: reason ${JSON.stringify(b.reason)} does not name ${JSON.stringify(want.mention)}`;
    }
  }
  for (const o of other) {
    const want = expectationAt(f, o.line, c);
    if (want.do !== 'other' && want.do !== 'any') return `${f.name}:${o.line}: reported as another version`;
  }
  if (truncated) return null;

  // Complete files: every line got exactly its fate, nothing was lost or invented.
  for (let i = 1; i <= f.lines.length; i++) {
    const want = expectationAt(f, i, c);
    const got = {
      record: entries.filter((e) => e.line === i).length,
      bad: bad.filter((b) => b.line === i).length,
      other: other.filter((o) => o.line === i).length,
    };
    const total = got.record + got.bad + got.other;
    if (want.do === 'any') {
      if (total > 1) return `${f.name}:${i}: reported ${total} times`;
      continue;
    }
    const ok =
      want.do === 'ignored'
        ? total === 0
        : total === 1 && got[want.do === 'record' ? 'record' : want.do === 'bad' ? 'bad' : 'other'] === 1;
    if (!ok) return `${f.name}:${i}: expected ${want.do}, got ${JSON.stringify(got)}`;
  }
  const beyond = [...entries, ...bad, ...other].filter((x) => x.line > f.lines.length);
  if (beyond.length > 0) return `${f.name}: report beyond the last line (${beyond[0]?.line})`;
  return null;
}

export function defineParityLogSuite(size: CampaignSize, opts: ParitySuiteOptions): void {
  describe(`parity log lines (${size.label})`, () => {
    const tally = new Tally('parity-log', size);
    const sandbox = createSandbox({ caseTimeoutMs: size.caseTimeoutMs });
    const guard = guardUnhandledRejections();
    let dir = '';
    let n = 0;
    let lines = 0;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'aegis-bad-parity-'));
    });
    afterAll(async () => {
      await sandbox.close();
      guard.dispose();
      await rm(dir, { recursive: true, force: true });
      tally.claim(`${lines} lines in total`);
      tally.claim('no crash, no untyped throw, no hang, no unhandled rejection');
      tally.claim(
        'every line of a complete file yielded, reported at its file:line with a reason naming the field, or skipped as documented',
      );
      tally.claim('corrupt or non-gzip .gz files reported once, the other files still read');
      tally.report();
    });

    it('readParityLog: every line is a record or a bad line at its file:line, and reading goes on', async () => {
      await tally.check('readParityLog', async () => {
        await fc.assert(
          fc.asyncProperty(parityCase(opts.maxFiles, opts.maxLines, opts.maxLineBytes), async (c) => {
            const caseDir = join(dir, `case-${++n}`);
            await mkdir(caseDir);
            await writeFile(join(caseDir, 'notes.txt'), 'not a log file\n');
            for (const f of c.files) {
              await writeFile(join(caseDir, f.name), fileBytes(f));
              lines += f.lines.length;
            }
            const outcome = mustSettle(
              await sandbox.run('readParityLog', {
                path: caseDir,
                validate: c.validate,
                chunkBytes: c.chunkBytes,
                maxLineBytes: c.maxLineBytes,
              }),
              c,
              ['ParityLogError'],
            );
            if (outcome.status !== 'ok')
              throw new OracleFailure('reading a readable directory threw', outcome.error);
            const out = outcome.value;
            tally.record(
              'readParityLog',
              outcome,
              out.bad.length === 0 && out.other.length === 0 ? 'all lines read' : 'some lines reported',
            );
            const seen = new Set(c.files.map((f) => join(caseDir, f.name)));
            for (const x of [...out.entries, ...out.bad, ...out.other]) {
              if (!seen.has(x.file))
                throw new OracleFailure(`report for a file that is not a log: ${x.file}`, c);
              if (!Number.isInteger(x.line) || x.line < 1)
                throw new OracleFailure(`line number ${x.line}`, c);
            }
            for (const f of c.files) {
              const problem = checkFile(f, join(caseDir, f.name), out, c);
              if (problem) throw new OracleFailure(problem, { bad: out.bad.slice(0, 10), case: String(c) });
            }
            await rm(caseDir, { recursive: true, force: true });
          }),
          fcParams(size, 4),
        );
        guard.check();
      });
    });

    it('readParityLog on paths that are not logs: a typed ParityLogError naming the path', async () => {
      const cases = [
        { path: join(dir, 'does-not-exist.jsonl'), kind: 'not_found' },
        { path: join(dir, 'empty-dir'), kind: 'not_found', mkdir: true },
      ];
      for (const k of cases) {
        if (k.mkdir) await mkdir(k.path, { recursive: true });
        const outcome = mustSettle(
          await sandbox.run('readParityLog', { path: k.path, validate: 'fast' }),
          k,
          ['ParityLogError'],
        );
        tally.record('paths', outcome);
        if (outcome.status !== 'typed') throw new OracleFailure('expected a ParityLogError', outcome);
        if (outcome.error.kind !== k.kind || !outcome.error.message.includes(k.path)) {
          throw new OracleFailure('wrong kind or path not named', outcome.error);
        }
      }
    });
  });
}
