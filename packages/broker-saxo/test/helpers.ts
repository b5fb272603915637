import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpreadLegs } from '@aegis/strategy-core';
import {
  createSaxoClient,
  createTokenSource,
  type SaxoClient,
  type SaxoClientOptions,
  type TokenSource,
} from '../src/index.js';
import {
  type CaptureLogger,
  createCaptureLogger,
  createFakeClock,
  type FakeClock,
  type FakeSaxoOptions,
  type FakeSaxoServer,
  startFakeSaxoServer,
  writeTokenFile,
} from '../src/testing/index.js';

export const TOKEN_A = 'tok-A-7f3c9e1d2b4a';
export const TOKEN_B = 'tok-B-0e8d6c4b2a19';
export const HOUR_MS = 3_600_000;

export function spySpread(short = 495, long = 490, expiry = '2026-05-15'): SpreadLegs {
  const t = (k: number) => `O:SPY${expiry.slice(2).replaceAll('-', '')}P${String(k * 1000).padStart(8, '0')}`;
  return {
    underlying: 'SPY',
    optionType: 'put',
    expiry,
    shortStrike: short,
    longStrike: long,
    shortTicker: t(short),
    longTicker: t(long),
  };
}

export function spxwSpread(short = 5100, long = 5050, expiry = '2026-05-15'): SpreadLegs {
  const t = (k: number) =>
    `O:SPXW${expiry.slice(2).replaceAll('-', '')}P${String(k * 1000).padStart(8, '0')}`;
  return {
    underlying: 'SPX',
    optionType: 'put',
    expiry,
    shortStrike: short,
    longStrike: long,
    shortTicker: t(short),
    longTicker: t(long),
  };
}

export interface Harness {
  dir: string;
  tokenPath: string;
  server: FakeSaxoServer;
  clock: FakeClock;
  logger: CaptureLogger;
  tokens: TokenSource;
  client: SaxoClient;
  errors: unknown[];
  close(): Promise<void>;
}

export async function setup(
  options: {
    server?: Partial<FakeSaxoOptions>;
    client?: Partial<SaxoClientOptions>;
    token?: string | null;
    tokens?: TokenSource;
  } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'broker-saxo-'));
  const tokenPath = join(dir, 'saxobank_tokens.json');
  const token = options.token === undefined ? TOKEN_A : options.token;
  if (token !== null)
    await writeTokenFile(tokenPath, { accessToken: token, expiresAt: Date.now() + HOUR_MS });
  const clock = createFakeClock(Date.now());
  const server = await startFakeSaxoServer({
    tokens: { valid: [TOKEN_A] },
    now: clock.now,
    ...options.server,
  });
  const logger = createCaptureLogger();
  const tokens =
    options.tokens ??
    createTokenSource({ path: tokenPath, now: () => Date.now(), logger, halfWrittenDelayMs: 1 });
  const client = createSaxoClient({
    baseUrl: server.url,
    tokens,
    logger,
    now: clock.now,
    sleep: clock.sleep,
    limits: { requestTimeoutMs: 2000 },
    ...options.client,
  });
  return {
    dir,
    tokenPath,
    server,
    clock,
    logger,
    tokens,
    client,
    errors: [],
    async close() {
      tokens.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn`, returning what it threw (or fails the test if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
