/**
 * The live crash campaign: the service trades live against the fake Saxo server (in this process, so
 * its order log survives every service process), and is SIGKILLed around order placement:
 *
 * - `journaled-not-sent`: the next order request is swallowed by the server (a `timeout` fault: it is
 *   neither processed nor answered), so when the kill lands the intent is journaled and nothing reached
 *   the broker;
 * - `sent-no-response`: the kill is sent from inside the server's verdict hook, after the request
 *   arrived and before the order is stored and answered;
 * - `after-response`: the kill lands a random 0–20 ms after the server answered.
 *
 * Each start reconciles the book with the broker (fail closed on any difference); after the campaign the
 * broker's order log and positions are compared with the journal, the parity log and the book.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFakeUic, fakeUic } from '@aegis/broker-saxo/testing';
import { mulberry32, type Rng } from '@aegis/parity-log/testing';
import {
  type JsonRecord,
  type RunDirs,
  readJsonFile,
  readJsonlFile,
  runArgs,
  runDirs,
  SESSION_START,
  sleep,
  startService,
  waitFor,
} from './service.js';
import { type CampaignBroker, startCampaignBroker } from './venues.js';

export type LiveKillKind = 'journaled-not-sent' | 'sent-no-response' | 'after-response';
export const LIVE_KILL_KINDS: readonly LiveKillKind[] = [
  'journaled-not-sent',
  'sent-no-response',
  'after-response',
];

const ORDER_PATH = '/trade/v2/orders/multileg';

export interface JournalFile {
  entries: { intent: { intentId: string; attempt: number }; state: string; orderId: string | null }[];
}

export interface LiveKill {
  index: number;
  kind: LiveKillKind;
  /** Intent ids the journal holds in an in-flight state right after the kill. */
  inFlight: { intentId: string; state: string }[];
  /** Orders the broker holds for those intents right after the kill. */
  ordersAtBroker: number;
}

const orderPosts = (broker: CampaignBroker) =>
  broker.server.requests.filter((r) => r.method === 'POST' && r.path === ORDER_PATH);

async function stateScanCount(dirs: RunDirs): Promise<number> {
  return (await readJsonFile<{ engine: { scanCount: number } }>(dirs.statePath))?.engine.scanCount ?? 0;
}

export async function readJournal(dirs: RunDirs): Promise<JournalFile | null> {
  return readJsonFile<JournalFile>(join(dirs.stateDir, 'intents.json'));
}

/** Arms one kill of `kind` on the process; resolves when it fired or the process ended first. */
async function armKill(
  broker: CampaignBroker,
  proc: ReturnType<typeof startService>,
  kind: LiveKillKind,
  skip: number,
  rng: Rng,
): Promise<void> {
  let dead = false;
  void proc.done.then(() => {
    dead = true;
  });
  const base = orderPosts(broker).length;
  if (kind === 'sent-no-response') {
    let left = skip;
    await new Promise<void>((resolve) => {
      broker.onOrder = (order) => {
        if (order.kind !== 'place' || left-- > 0) return;
        proc.killHard();
        broker.onOrder = null;
        resolve();
      };
      void proc.done.then(() => resolve());
    });
    broker.onOrder = null;
    return;
  }
  if (kind === 'journaled-not-sent') {
    await waitFor(
      'order posts to skip',
      () => (dead || orderPosts(broker).length >= base + skip ? true : undefined),
      120_000,
    );
    if (dead) return;
    const faultFrom = orderPosts(broker).length;
    broker.server.addFault({ method: 'POST', path: ORDER_PATH, fault: { type: 'timeout' }, times: 1 });
    await waitFor(
      'the swallowed order request',
      () =>
        dead ||
        orderPosts(broker)
          .slice(faultFrom)
          .some((r) => r.status === 'fault')
          ? true
          : undefined,
      120_000,
      1,
    );
    proc.killHard();
    return;
  }
  await waitFor(
    'an answered order request',
    () =>
      dead ||
      orderPosts(broker)
        .slice(base + skip)
        .some((r) => typeof r.status === 'number')
        ? true
        : undefined,
    120_000,
    1,
  );
  await sleep(Math.floor(rng() * 20));
  proc.killHard();
}

export interface LiveTrialOptions {
  root: string;
  seed: number;
  kind: LiveKillKind;
  /** Order placements let through before the kill fires. */
  skip: number;
  scans: number;
  /** From `writeLiveApproval`; one approval serves every trial. */
  approvalPath: string;
  /** Wall time between the kill and the restart (a container restart policy's delay). */
  restartDelayMs?: number;
}

export interface LiveTrialResult {
  dirs: RunDirs;
  kill: LiveKill | null;
  processes: number;
  finalStdout: string;
  broker: CampaignBroker['server'];
  journal: JournalFile | null;
  log: JsonRecord[];
}

/**
 * One trial: a fresh live session and a fresh broker, one kill of `kind` at the `skip`+1-th order
 * placement, a restart on the same state directory that runs the remaining scans. A trial per kill keeps
 * the kills independent: a halted live-capable scenario places no further orders to kill around.
 */
export async function runLiveTrial(o: LiveTrialOptions): Promise<LiveTrialResult> {
  const rng = mulberry32(o.seed);
  await mkdir(o.root, { recursive: true });
  const broker = await startCampaignBroker(o.root);
  const dirs = runDirs(join(o.root, 'live'));
  const argsFor = (remaining: number) =>
    runArgs(dirs, {
      market: 'sim:7',
      broker: 'saxo',
      extra: [
        '--live',
        `--live-approval=${o.approvalPath}`,
        `--clock=virtual:${SESSION_START}`,
        `--max-scans=${remaining}`,
      ],
    });
  let processes = 0;
  let kill: LiveKill | null = null;
  try {
    const proc = startService(argsFor(o.scans), { env: broker.env });
    processes++;
    await armKill(broker, proc, o.kind, o.skip, rng);
    const exit = await proc.done;
    if (exit.signal === 'SIGKILL') {
      const journal = await readJournal(dirs);
      const inFlight = (journal?.entries ?? [])
        .filter((e) => ['recorded', 'sent', 'unknown'].includes(e.state))
        .map((e) => ({ intentId: e.intent.intentId, state: e.state }));
      const ids = new Set(inFlight.map((e) => e.intentId));
      kill = {
        index: 1,
        kind: o.kind,
        inFlight,
        ordersAtBroker: broker.server.orders.filter((x) => ids.has(x.externalReference ?? '')).length,
      };
      if (o.restartDelayMs) await sleep(o.restartDelayMs);
    } else if (exit.code !== 0) {
      throw new Error(`live service exited with ${exit.code}: ${proc.stderr().slice(-2000)}`);
    }
    const remaining = Math.max(1, o.scans - (await stateScanCount(dirs)));
    const last = startService(argsFor(remaining), { env: broker.env, keepStdout: true });
    processes++;
    const lastExit = await last.done;
    if (lastExit.code !== 0)
      throw new Error(`live service exited with ${lastExit.code}: ${last.stderr().slice(-2000)}`);
    // One more start, one scan: its startup reconciliation judges the book the session ended with.
    const verify = startService(argsFor(1), { env: broker.env, keepStdout: true });
    processes++;
    const verifyExit = await verify.done;
    if (verifyExit.code !== 0)
      throw new Error(`live service exited with ${verifyExit.code}: ${verify.stderr().slice(-2000)}`);
    return {
      dirs,
      kill,
      processes,
      finalStdout: verify.stdout(),
      broker: broker.server,
      journal: await readJournal(dirs),
      log: (await readJsonlFile(dirs.parityLog)).records,
    };
  } finally {
    await broker.server.close();
  }
}

/** Net amount per instrument the book implies (short legs negative) vs what the broker holds. */
export function bookVersusBroker(
  state: { engine: { scenarios: Record<string, { open: JsonRecord[] }> } } | null,
  scenario: string,
  positions: readonly { uic: number; amount: number }[],
): { book: Record<string, number>; broker: Record<string, number> } {
  const book: Record<string, number> = {};
  const add = (into: Record<string, number>, key: string, n: number) => {
    into[key] = (into[key] ?? 0) + n;
    if (into[key] === 0) delete into[key];
  };
  const name = (uic: number) => {
    const c = decodeFakeUic(uic);
    return c === null ? `uic ${uic}` : `${c.root} ${c.expiry} ${c.putCall} ${c.strike}`;
  };
  for (const p of state?.engine.scenarios[scenario]?.open ?? []) {
    const leg = (strike: number) =>
      fakeUic({ root: p.underlying as string, expiry: p.expiry as string, putCall: 'Put', strike });
    add(book, name(leg(p.shortStrike as number)), -(p.quantity as number));
    add(book, name(leg(p.longStrike as number)), p.quantity as number);
  }
  const broker: Record<string, number> = {};
  for (const p of positions) add(broker, name(p.uic), p.amount);
  return { book, broker };
}
