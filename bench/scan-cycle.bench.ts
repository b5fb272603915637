/**
 * scan-cycle: a full synthetic trading day (~520 scans at 45 s, the shipped lt_wft.yaml: 11 scenarios,
 * 4 underlyings) run by the real service over loopback from the fake Polygon server, with the time
 * split into fetch (HTTP + fake server), parse (vendor JSON to domain) and decide (engine); then the
 * service keeps going for ten trading days and its RSS is compared with the RSS after day one.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { parseOptionChainPage, parseSnapshotItems } from '@aegis/market-polygon';
import { createSilentLogger, parseScanCycleArgs, type RunOptions, runService } from '@aegis/scan-cycle';
import type { BenchRow } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const CONFIG = resolve(here, '..', 'configs', 'scenarios', 'lt_wft.yaml');
const SCANS_PER_DAY = 520;
const START = '2026-04-06T13:30:00Z'; // Monday 09:30 New York

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function options(dir: string, extra: string[]): RunOptions {
  const cmd = parseScanCycleArgs([
    'run',
    `--scenario-multi-yaml=${CONFIG}`,
    `--state-dir=${join(dir, 'state')}`,
    `--parity-log=${join(dir, 'logs', 'parity_log.jsonl')}`,
    '--dry-run',
    '--market=sim:7',
    '--broker=sim',
    `--clock=virtual:${START}`,
    '--health-addr=127.0.0.1:0',
    ...extra,
  ]);
  if (cmd.command !== 'run') throw new Error('bench: run options expected');
  return cmd.options;
}

const silent = createSilentLogger();

function rssMb(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().rss / (1 << 20);
}

/** Vendor-JSON to domain parse time per scan, measured on the raw responses of a recorded session. */
async function parseMsPerScan(dir: string): Promise<number> {
  const recording = join(dir, 'market');
  const scans = 20;
  await runService(
    options(join(dir, 'rec'), [`--max-scans=${scans}`, `--record-market=${recording}`]),
    {},
    {
      logger: silent,
      noHealthServer: true,
    },
  );
  const exchanges: { path: string; body: string }[] = [];
  for (const f of (await readdir(recording)).sort()) {
    const text = gunzipSync(await readFile(join(recording, f))).toString('utf8');
    for (const line of text.split('\n')) if (line.trim() !== '') exchanges.push(JSON.parse(line));
  }
  const t0 = performance.now();
  for (let round = 0; round < 3; round++) {
    for (const ex of exchanges) {
      const body: unknown = JSON.parse(ex.body);
      const src = { method: 'GET', path: ex.path };
      if (ex.path.startsWith('/v3/snapshot/options/')) {
        const underlying = decodeURIComponent(ex.path.slice('/v3/snapshot/options/'.length)).replace(
          /^I:/,
          '',
        );
        parseOptionChainPage(body, underlying, src);
      } else if (ex.path.startsWith('/v3/snapshot')) {
        parseSnapshotItems(body, src);
      }
    }
  }
  return (performance.now() - t0) / 3 / scans;
}

export default async function scanCycleBench(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-scan-cycle-'));
  try {
    const bench = 'scan-cycle';
    let fetchMs = 0;
    let decideMs = 0;
    let brokerMs = 0;
    let persistMs = 0;
    let scans = 0;
    let rssDay1 = 0;
    const t0 = performance.now();
    let dayMs = 0;
    await runService(
      options(join(dir, 'day'), [`--max-scans=${SCANS_PER_DAY * 10}`]),
      {},
      {
        logger: silent,
        noHealthServer: true,
        onScan: (result) => {
          scans++;
          if (result.ok && scans <= SCANS_PER_DAY) {
            fetchMs += result.timings.fetchMs;
            decideMs += result.timings.decideMs;
            brokerMs += result.timings.brokerMs;
            persistMs += result.timings.persistMs + result.timings.appendMs;
          }
          if (scans === SCANS_PER_DAY) {
            dayMs = performance.now() - t0;
            rssDay1 = rssMb();
          }
        },
      },
    );
    const rssDay10 = rssMb();
    const parsePerScan = await parseMsPerScan(dir);
    const parseMs = parsePerScan * SCANS_PER_DAY;
    const growth = (rssDay10 - rssDay1) / rssDay1;
    return [
      {
        bench,
        metric: 'one synthetic day (520 scans, 11 scenarios, 4 underlyings)',
        value: dayMs / 1000,
        unit: 's',
        target: '< 60 s',
        pass: dayMs < 60_000,
      },
      {
        bench,
        metric: 'fetch (loopback HTTP + fake server), per day',
        value: (fetchMs - parseMs) / 1000,
        unit: 's',
        target: '',
        pass: null,
      },
      {
        bench,
        metric: 'parse (vendor JSON to domain), per day',
        value: parseMs / 1000,
        unit: 's',
        target: '',
        pass: null,
      },
      {
        bench,
        metric: 'decide (engine, all scenarios), per day',
        value: decideMs / 1000,
        unit: 's',
        target: '',
        pass: null,
      },
      {
        bench,
        metric: 'broker prechecks (fake Saxo), per day',
        value: brokerMs / 1000,
        unit: 's',
        target: '',
        pass: null,
      },
      {
        bench,
        metric: 'persist state + append records, per day',
        value: persistMs / 1000,
        unit: 's',
        target: '',
        pass: null,
      },
      { bench, metric: 'mean scan', value: dayMs / SCANS_PER_DAY, unit: 'ms', target: '', pass: null },
      { bench, metric: 'RSS after 1 day', value: rssDay1, unit: 'MB', target: '', pass: null },
      {
        bench,
        metric: `RSS after 10 days (${scans} scans)`,
        value: rssDay10,
        unit: 'MB',
        target: '<= day 1 + 10%',
        pass: growth <= 0.1,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
