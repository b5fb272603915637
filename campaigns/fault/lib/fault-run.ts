/**
 * The fault campaign: one dry-run session of the real service over the fake Polygon server (in this
 * process, faults switched on and off between scans) and the fake Saxo server, with the token file and
 * the parity log's disk under the campaign's control. Phases are switched when the state file shows the
 * boundary scan completed; what each scan actually got is then read from the records and the fake
 * server's request log, never assumed from the schedule.
 */

import { readFileSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFakeJwt, writeTokenFile } from '@aegis/broker-saxo/testing';
import {
  type FakePolygonServer,
  type FaultConfig,
  startFakePolygonServer,
} from '@aegis/market-polygon/testing';
import {
  INTERVAL_MS,
  type JsonRecord,
  ofKind,
  type RunDirs,
  readJsonFile,
  readJsonlFile,
  runArgs,
  runDirs,
  SESSION_START,
  startService,
  waitFor,
} from '../../crash/lib/service.js';
import { type CampaignBroker, startCampaignBroker } from '../../crash/lib/venues.js';

const DISK_FULL_SHIM = new URL('../testing/disk-full.mjs', import.meta.url).href;
const STORM = 1_000_000_000;

export type FaultName =
  | 'clean'
  | '429 storm'
  | '5xx storm'
  | 'malformed QQQ pages'
  | 'truncated SPY pages'
  | 'repeating SPY cursor'
  | 'IWM ticker error'
  | 'latency 150 ms per request'
  | 'token expired'
  | 'token rotated'
  | 'token file removed'
  | 'parity log disk full (2 appends)';

export interface Phase {
  fault: FaultName;
  /** Scans (by the state's count) the phase lasts. */
  scans: number;
}

/** The schedule: every fault followed by clean scans, so recovery is observed each time. */
export const FAULT_SCHEDULE: readonly Phase[] = [
  { fault: 'clean', scans: 3 },
  { fault: '429 storm', scans: 6 },
  { fault: 'clean', scans: 3 },
  { fault: '5xx storm', scans: 5 },
  { fault: 'clean', scans: 3 },
  { fault: 'malformed QQQ pages', scans: 3 },
  { fault: 'truncated SPY pages', scans: 3 },
  { fault: 'repeating SPY cursor', scans: 3 },
  { fault: 'IWM ticker error', scans: 3 },
  { fault: 'clean', scans: 2 },
  { fault: 'latency 150 ms per request', scans: 2 },
  { fault: 'token expired', scans: 3 },
  { fault: 'token rotated', scans: 3 },
  { fault: 'token file removed', scans: 3 },
  { fault: 'clean', scans: 3 },
  { fault: 'parity log disk full (2 appends)', scans: 3 },
  { fault: 'clean', scans: 3 },
];

export interface PhaseSpan {
  fault: FaultName;
  /** Scan counts completed while the fault was set (the switch races at most one scan). */
  fromScan: number;
  toScan: number;
}

export interface FaultRunResult {
  dirs: RunDirs;
  spans: PhaseSpan[];
  scans: JsonRecord[];
  log: JsonRecord[];
  polygon: FakePolygonServer;
  broker: CampaignBroker;
  exitCode: number | null;
  secrets: string[];
  stdout: string;
  stderr: string;
}

function polygonFaults(fault: FaultName): FaultConfig {
  switch (fault) {
    case '429 storm':
      return { rateLimit: { count: STORM } };
    case '5xx storm':
      return { serverError: { count: STORM, status: 503 } };
    case 'malformed QQQ pages':
      return { malformed: { count: STORM, match: '/v3/snapshot/options/QQQ' } };
    case 'truncated SPY pages':
      return { truncated: { count: STORM, match: '/v3/snapshot/options/SPY' } };
    case 'repeating SPY cursor':
      return { repeatCursor: { match: '/v3/snapshot/options/SPY' } };
    case 'IWM ticker error':
      return { tickerErrors: { IWM: 'NOT_FOUND' } };
    case 'latency 150 ms per request':
      return { latencyMs: 150 };
    default:
      return {};
  }
}

export async function runFaultCampaign(o: {
  root: string;
  schedule?: readonly Phase[];
}): Promise<FaultRunResult> {
  const schedule = o.schedule ?? FAULT_SCHEDULE;
  await mkdir(o.root, { recursive: true });
  const dirs = runDirs(join(o.root, 'run'));
  const diskFull = join(o.root, 'disk-full');
  await writeFile(diskFull, '0');
  const broker = await startCampaignBroker(o.root);
  const apiKey = 'FAKEPOLYKEY-campaign-0123456789';
  // The fake market serves the instant of the scan in progress: the state's last scan + the interval.
  const startMs = Date.parse(SESSION_START);
  let cached: { mtimeMs: number; nowMs: number } | null = null;
  const serverNow = () => {
    try {
      const st = statSync(dirs.statePath);
      if (cached?.mtimeMs !== st.mtimeMs) {
        const last = (
          JSON.parse(readFileSync(dirs.statePath, 'utf8')) as { engine: { lastScanAt: string | null } }
        ).engine.lastScanAt;
        cached = { mtimeMs: st.mtimeMs, nowMs: last === null ? startMs : Date.parse(last) + INTERVAL_MS };
      }
      return cached.nowMs;
    } catch {
      return cached?.nowMs ?? startMs;
    }
  };
  const polygon = await startFakePolygonServer({ source: { kind: 'sim', seed: 7 }, apiKey, now: serverNow });
  const total = schedule.reduce((n, p) => n + p.scans, 0);
  const spans: PhaseSpan[] = [];
  const proc = startService(
    runArgs(dirs, {
      market: 'polygon',
      broker: 'saxo',
      extra: ['--dry-run', `--clock=virtual:${SESSION_START}`, `--max-scans=${total + 2}`],
    }),
    {
      env: {
        ...broker.env,
        POLYGON_API_KEY: apiKey,
        POLYGON_BASE_URL: polygon.baseUrl,
        CAMPAIGN_DISK_FULL_FILE: diskFull,
      },
      preload: [DISK_FULL_SHIM],
      keepStdout: true,
    },
  );
  let exited = false;
  void proc.done.then(() => {
    exited = true;
  });
  const scanCount = async () =>
    (await readJsonFile<{ engine: { scanCount: number } }>(dirs.statePath))?.engine.scanCount ?? 0;
  let boundary = 0;
  const rotated = makeFakeJwt({ expMs: Date.UTC(2100, 0, 1), sub: 'campaign-rotated-SECRET' });
  try {
    for (const phase of schedule) {
      const from = await scanCount();
      // Set the fault for the next scans.
      polygon.setFaults(polygonFaults(phase.fault));
      if (phase.fault === 'token expired') {
        await writeTokenFile(broker.tokenFile, {
          accessToken: broker.accessToken,
          expiresAt: Date.now() - 60_000,
        });
      } else if (phase.fault === 'token rotated') {
        broker.server.setTokens({ valid: [rotated] });
        await writeTokenFile(broker.tokenFile, { accessToken: rotated });
      } else if (phase.fault === 'token file removed') {
        await rm(broker.tokenFile, { force: true });
      } else if (phase.fault === 'parity log disk full (2 appends)') {
        await writeFile(diskFull, '2');
      } else if (phase.fault === 'clean' && spans.at(-1)?.fault === 'token file removed') {
        await writeTokenFile(broker.tokenFile, { accessToken: rotated });
      }
      boundary += phase.scans;
      await waitFor(
        `scan ${boundary} (${phase.fault})`,
        async () => (exited || (await scanCount()) >= boundary ? true : undefined),
        120_000,
        2,
      );
      spans.push({ fault: phase.fault, fromScan: from + 1, toScan: await scanCount() });
      if (exited) break;
    }
    polygon.setFaults({});
    const exit = await proc.done;
    const log = (await readJsonlFile(dirs.parityLog)).records;
    return {
      dirs,
      spans,
      scans: ofKind(log, 'scan'),
      log,
      polygon,
      broker,
      exitCode: exit.code,
      secrets: [apiKey, broker.accessToken, rotated],
      stdout: proc.stdout(),
      stderr: proc.stderr(),
    };
  } finally {
    proc.killHard();
    await polygon.close();
    await broker.server.close();
  }
}
