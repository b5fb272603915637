/**
 * Composition root: the only place that builds the undici Agent and the adapters, each with its own
 * child logger. Fake venues (`--market sim|replay`, `--broker sim`) run in-process on loopback and are
 * reached through the same adapters as the real ones.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createSaxoClient, createTokenSource, type SaxoClient, type TokenSource } from '@aegis/broker-saxo';
import { makeFakeJwt, startFakeSaxoServer, writeTokenFile } from '@aegis/broker-saxo/testing';
import { createPolygonClient } from '@aegis/market-polygon';
import { type FakeMarketSource, startFakePolygonServer } from '@aegis/market-polygon/testing';
import type { RunConfig } from '@aegis/strategy-core';
import type { Logger } from 'pino';
import { Agent } from 'undici';
import { type BrokerPort, createLiveBroker, createPrecheckBroker } from './broker.js';
import type { BrokerChoice, MarketChoice } from './cli.js';
import type { MarketPort } from './cycle.js';
import type { ScanCycleEnv } from './env.js';
import type { ScanMetrics } from './health.js';
import { READ_BACK_SETTLE_MS } from './live/adopt.js';
import type { FileIntentJournal } from './live/journal.js';
import { createRollingRecorder, type RollingRecorder } from './recording.js';

/** The simulated broker's token: a fixed, far-future fake JWT (it opens nothing real). */
export const SIM_SAXO_TOKEN = makeFakeJwt({ expMs: Date.UTC(2100, 0, 1), sub: 'scan-cycle-sim' });
export const SIM_TOKEN_FILE = 'sim-saxo-token.json';

export interface MarketComposition {
  market: MarketPort;
  /** Venue origin for the HTTP metrics. */
  origin: string;
  recorder: RollingRecorder | null;
  /** The recording's time span (replay only): the virtual clock starts at its beginning. */
  replaySpan: { fromMs: number; toMs: number } | null;
  close(): Promise<void>;
}

export async function composeMarket(options: {
  choice: MarketChoice;
  env: ScanCycleEnv;
  agent: Agent;
  logger: Logger;
  nowMs: () => number;
  recordDir: string | null;
}): Promise<MarketComposition> {
  const { choice, env, agent } = options;
  const logger = options.logger.child({ component: 'market-polygon' });
  let baseUrl = env.polygonBaseUrl;
  let apiKey = env.polygonApiKey ?? '';
  let closeFake: () => Promise<void> = async () => {};
  let replaySpan: MarketComposition['replaySpan'] = null;
  if (choice.kind !== 'polygon') {
    // A per-process key for the loopback fake: it proves the adapter sends one, and it is never a secret.
    apiKey = `sim-${randomBytes(8).toString('hex')}`;
    const fake = await startFakeMarket(
      choice.kind === 'sim' ? { kind: 'sim', seed: choice.seed } : { kind: 'replay', dir: choice.dir },
      apiKey,
      options.nowMs,
    );
    baseUrl = fake.baseUrl;
    replaySpan = fake.replaySpan;
    closeFake = () => fake.close();
    logger.info({ market: choice.kind, url: fake.baseUrl }, 'in-process fake market server started');
  }
  const recorder =
    options.recordDir === null
      ? null
      : createRollingRecorder({
          dir: options.recordDir,
          secrets: [apiKey],
          onError: (error) => logger.error({ err: error.message }, 'market recording write failed'),
        });
  const client = createPolygonClient({
    baseUrl,
    apiKey,
    dispatcher: agent,
    logger,
    now: options.nowMs,
    ...(recorder === null ? {} : { recorder }),
  });
  return {
    market: {
      fetchScanSnapshot: (plan) => client.fetchScanSnapshot(plan),
    },
    origin: new URL(baseUrl).origin,
    recorder,
    replaySpan,
    async close() {
      if (recorder !== null) await recorder.flush().catch(() => {});
      await closeFake();
    },
  };
}

interface FakeMarket {
  baseUrl: string;
  replaySpan: { fromMs: number; toMs: number } | null;
  close(): Promise<void>;
}

/** The fake Polygon server on loopback in this process, serving the market as of the scan time. */
async function startFakeMarket(
  source: FakeMarketSource,
  apiKey: string,
  nowMs: () => number,
): Promise<FakeMarket> {
  const server = await startFakePolygonServer({ source, apiKey, now: nowMs });
  return {
    baseUrl: server.baseUrl,
    replaySpan: server.replay?.spanMs ?? null,
    close: () => server.close(),
  };
}

export interface BrokerComposition {
  port: BrokerPort | null;
  client: SaxoClient | null;
  tokens: TokenSource | null;
  origin: string | null;
  close(): Promise<void>;
}

export async function composeBroker(options: {
  choice: BrokerChoice;
  mode: 'dry-run' | 'live';
  env: ScanCycleEnv;
  stateDir: string;
  tokenFileFlag: string | null;
  agent: Agent;
  logger: Logger;
  journal: FileIntentJournal | null;
  /** Live mode: the run and its live-capable scenario, whose in-flight intents the port resolves. */
  live?: { run: RunConfig; scenario: string };
}): Promise<BrokerComposition> {
  if (options.choice === 'none') {
    return { port: null, client: null, tokens: null, origin: null, close: async () => {} };
  }
  const logger = options.logger.child({ component: 'broker-saxo' });
  let baseUrl = options.env.saxoBaseUrl ?? '';
  let tokenFile = options.env.saxoTokenFile ?? '';
  let closeFake: () => Promise<void> = async () => {};
  let limits = {};
  if (options.choice === 'sim') {
    const fake = await startFakeSaxoServer({ tokens: { valid: [SIM_SAXO_TOKEN] } });
    baseUrl = fake.url;
    closeFake = () => fake.close();
    tokenFile = options.tokenFileFlag ?? join(options.stateDir, SIM_TOKEN_FILE);
    const exists = await access(tokenFile).then(
      () => true,
      () => false,
    );
    // Written once; afterwards the file is the operator's (tests remove and restore it).
    if (!exists && options.tokenFileFlag === null) {
      await mkdir(dirname(tokenFile), { recursive: true });
      await writeTokenFile(tokenFile, { accessToken: SIM_SAXO_TOKEN });
    }
    // The loopback fake has no rate limit to respect; a virtual-clock day must not wait on real time.
    limits = { requestsPerMinute: 1_000_000, ordersPerSecond: 1_000 };
    logger.info({ url: fake.url, token_file: tokenFile }, 'in-process fake Saxo server started');
  }
  const tokens = createTokenSource({ path: tokenFile, now: Date.now, logger });
  const client = createSaxoClient({
    baseUrl,
    tokens,
    dispatcher: options.agent,
    logger,
    limits,
    readBackSettleMs: READ_BACK_SETTLE_MS,
    ...(options.env.saxoAccountKey === null ? {} : { accountKey: options.env.saxoAccountKey }),
  });
  let port: BrokerPort;
  if (options.mode === 'live') {
    if (options.journal === null) throw new Error('live mode needs the intent journal');
    if (options.live === undefined) throw new Error('live mode needs the live-capable scenario');
    port = createLiveBroker({
      client,
      journal: options.journal,
      logger,
      run: options.live.run,
      scenario: options.live.scenario,
    });
  } else {
    port = createPrecheckBroker({ client, logger });
  }
  return {
    port,
    client,
    tokens,
    origin: new URL(baseUrl).origin,
    async close() {
      tokens.close();
      await closeFake();
    },
  };
}

/** One keep-alive Agent for every outgoing request of the process. */
export function createAgent(): Agent {
  return new Agent({ keepAliveTimeout: 10_000, connections: 16 });
}

export function venueOfOriginFn(market: string, broker: string | null): (origin: string) => string | null {
  return (origin) => (origin === market ? 'polygon' : origin === broker ? 'saxo' : null);
}

export type { ScanMetrics };
