/**
 * `scan-cycle demo`: the embedded default. No keys, no network: the shipped `lt_wft.yaml` over one
 * synthetic trading day in dry-run (in-process fake Polygon and fake Saxo on loopback, virtual clock),
 * recording the market session; then the recording is replayed into a second log and parity-diff
 * compares the two.
 */
import { access, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPolygonClient } from '@aegis/market-polygon';
import { startFakePolygonServer } from '@aegis/market-polygon/testing';
import { initialState, nyTimeToUtcMs, planSnapshot, summarizeScenarios } from '@aegis/strategy-core';
import { pino } from 'pino';
import type { RunOptions } from './cli.js';
import { compareLogs } from './compare.js';
import { ExitError } from './errors.js';
import { formatNearMisses, nearMisses } from './near-miss.js';
import { type RunSummary, runService } from './run.js';

export interface DemoOptions {
  outDir: string;
  print: (line: string) => void;
  signal?: AbortSignal;
  /** The synthetic trading day (New York date); default a regular full session. */
  tradeDate?: string;
  seed?: number;
  /** The wrapper to run; default the shipped `configs/scenarios/lt_wft.yaml`. */
  configFile?: string;
}

export const DEMO_TRADE_DATE = '2026-04-10';
export const DEMO_SEED = 7;

/** Where the shipped configs are: the repository (source or dist run) or the image's /app/configs. */
export async function findShippedConfig(name: string): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    resolve(here, '../../../configs/scenarios', name),
    resolve(here, '../configs/scenarios', name),
    resolve('configs/scenarios', name),
    join('/config/scenarios', name),
  ];
  for (const c of candidates) {
    if (
      await access(c).then(
        () => true,
        () => false,
      )
    )
      return c;
  }
  throw new ExitError(1, `cannot find the shipped ${name}; looked in:\n  ${candidates.join('\n  ')}`);
}

function runOptions(args: {
  configFile: string;
  dir: string;
  market: RunOptions['market'];
  startMs: number;
  recordDir: string | null;
}): RunOptions {
  return {
    configFile: null,
    multiYaml: args.configFile,
    stateDir: join(args.dir, 'state'),
    parityLog: join(args.dir, 'logs', 'parity_log.jsonl'),
    mode: 'dry-run',
    scanIntervalSec: null,
    comparisonLog: null,
    market: args.market,
    broker: 'sim',
    saxoEnv: null,
    saxoTokenFile: null,
    once: false,
    recordMarket: args.recordDir,
    healthAddr: { host: '127.0.0.1', port: 0 },
    liveApproval: null,
    clock: { kind: 'virtual', startMs: args.startMs, startIso: new Date(args.startMs).toISOString() },
    maxScans: null,
  };
}

const money = (v: number) =>
  v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function table(summary: RunSummary): string[] {
  const rows = summarizeScenarios(summary.state.engine);
  const order = summary.effective.scenarioIds;
  rows.sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario));
  const head = ['scenario', 'equity', 'realized', 'unrealized', 'trades', 'closed', 'open', 'breaker'];
  const body = rows.map((r) => [
    r.scenario,
    money(r.equity),
    money(r.realizedPnl),
    money(r.unrealizedPnl),
    String(r.tradeCount),
    String(r.closedCount),
    String(r.openPositions),
    r.breaker,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 7 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const print = options.print;
  const outDir = resolve(options.outDir);
  const configFile = options.configFile ?? (await findShippedConfig('lt_wft.yaml'));
  const tradeDate = options.tradeDate ?? DEMO_TRADE_DATE;
  const seed = options.seed ?? DEMO_SEED;
  const startMs = nyTimeToUtcMs(tradeDate, '09:30');
  const liveDir = join(outDir, 'live-sim');
  const replayDir = join(outDir, 'replay');
  const marketDir = join(outDir, 'market');
  // A demo run starts from nothing: earlier demo output in these folders is replaced.
  for (const d of [liveDir, replayDir, marketDir]) await rm(d, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const logFile = join(outDir, 'scan-cycle.log');
  const logger = pino(
    { level: 'info', timestamp: pino.stdTimeFunctions.isoTime, base: { service: 'scan-cycle' } },
    pino.destination({ dest: logFile, sync: true, mkdir: true, append: false }),
  );

  print(`scan-cycle demo: ${configFile}`);
  print(
    `one synthetic trading day (${tradeDate}, seed ${seed}), dry-run, fake Polygon + fake Saxo on loopback`,
  );
  const t0 = performance.now();
  let dots = 0;
  const progress = () => {
    dots++;
    if (dots % 52 === 0) process.stderr.write('.');
  };
  const first = await runService(
    runOptions({ configFile, dir: liveDir, market: { kind: 'sim', seed }, startMs, recordDir: marketDir }),
    {},
    {
      logger,
      stopAtSessionEnd: true,
      noHealthServer: true,
      onScan: progress,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  process.stderr.write('\n');
  const t1 = performance.now();
  print(
    `\n${first.result.scans} scans in ${((t1 - t0) / 1000).toFixed(1)} s (scan_count ${first.state.engine.scanCount})\n`,
  );
  for (const l of table(first)) print(l);
  const idle = summarizeScenarios(first.state.engine)
    .filter((r) => r.tradeCount === 0)
    .map((r) => r.scenario);
  if (idle.length > 0) {
    print(`\nwhy no entry: the closest spread each idle scenario turned down at 12:00 New York`);
    for (const l of await explainIdle(first, idle, seed, nyTimeToUtcMs(tradeDate, '12:00'))) print(`  ${l}`);
  }

  print('\nreplaying the recorded session into a second log …');
  const second = await runService(
    runOptions({
      configFile,
      dir: replayDir,
      market: { kind: 'replay', dir: marketDir },
      startMs,
      recordDir: null,
    }),
    {},
    {
      logger,
      stopAtSessionEnd: true,
      noHealthServer: true,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  const t2 = performance.now();
  print(`${second.result.scans} scans replayed in ${((t2 - t1) / 1000).toFixed(1)} s`);

  const firstLog = join(liveDir, 'logs', 'parity_log.jsonl');
  const secondLog = join(replayDir, 'logs', 'parity_log.jsonl');
  const verdict = await compareLogs({
    candidateLog: secondLog,
    referenceLog: firstLog,
    reportFile: join(outDir, 'parity-diff.txt'),
  });
  print('\nparity-diff compare --candidate-log replay --reference-log live-sim');
  for (const l of verdict.lines) print(`  ${l}`);
  print(
    `\n${verdict.pass ? 'PASS' : 'FAIL'}: the replayed session ${verdict.pass ? 'matches' : 'differs from'} the original run`,
  );
  print('\nfiles:');
  print(`  parity log      ${firstLog}`);
  print(`  comparison log  ${join(liveDir, 'logs', 'lt_wft_comparison.jsonl')}`);
  print(`  replay log      ${secondLog}`);
  print(`  state           ${join(liveDir, 'state')}`);
  print(`  market session  ${marketDir}`);
  print(`  service logs    ${logFile}`);
  print(`  parity report   ${join(outDir, 'parity-diff.txt')}`);
  print(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  logger.flush();
  return verdict.pass ? 0 : 1;
}

/** Nearest misses of the idle scenarios at one instant of the same synthetic market. */
async function explainIdle(
  summary: RunSummary,
  idle: string[],
  seed: number,
  atMs: number,
): Promise<string[]> {
  const { run } = summary.effective;
  const apiKey = 'demo-explain';
  const server = await startFakePolygonServer({ source: { kind: 'sim', seed }, apiKey, now: () => atMs });
  try {
    const client = createPolygonClient({ baseUrl: server.baseUrl, apiKey, now: () => atMs });
    const snapshot = await client.fetchScanSnapshot(planSnapshot(initialState(run), run, atMs));
    const scenarios = run.scenarios.filter((s) => idle.includes(s.id));
    return formatNearMisses(nearMisses(snapshot, scenarios, atMs));
  } finally {
    await server.close();
  }
}
