import { addDays, type SnapshotPlan, tradeDateOf } from '@aegis/strategy-core';
import { createPolygonClient, type PolygonClientOptions, type PolygonLogger } from '../src/index.js';

export const API_KEY = 'pk_test_SECRET_7f3a9c1e5b';

/** 2026-04-10 is a Friday; 11:00 New York (EDT). */
export const T0 = Date.parse('2026-04-10T15:00:00.000Z');

/** The shipped multi-scenario universe: three ETFs and SPX (SPXW), entry DTE union 21–60. */
export function planFor(tMs: number, legTickers: string[] = [], minDte = 21, maxDte = 60): SnapshotPlan {
  const tradeDate = tradeDateOf(tMs);
  const window = { expiryFrom: addDays(tradeDate, minDte), expiryTo: addDays(tradeDate, maxDte) };
  return {
    asOfMs: tMs,
    tradeDate,
    vixTicker: 'I:VIX',
    underlyings: [
      { symbol: 'SPY', vendorTicker: 'SPY', optionRoots: ['SPY'], ...window },
      { symbol: 'QQQ', vendorTicker: 'QQQ', optionRoots: ['QQQ'], ...window },
      { symbol: 'IWM', vendorTicker: 'IWM', optionRoots: ['IWM'], ...window },
      { symbol: 'SPX', vendorTicker: 'I:SPX', optionRoots: ['SPXW'], ...window },
    ],
    legTickers: [...new Set(legTickers)].sort(),
  };
}

export interface CapturedLog {
  level: string;
  obj: object;
  msg: string | undefined;
}

export function captureLogger(): { logger: PolygonLogger; lines: CapturedLog[]; text(): string } {
  const lines: CapturedLog[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  return {
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    lines,
    text: () => lines.map((l) => `${l.level} ${JSON.stringify(l.obj)} ${l.msg ?? ''}`).join('\n'),
  };
}

/** A client whose backoff sleeps are recorded and skipped, so retry tests run instantly. */
export function fastClient(baseUrl: string, extra: Partial<PolygonClientOptions> = {}) {
  const sleeps: number[] = [];
  const client = createPolygonClient({
    baseUrl,
    apiKey: API_KEY,
    timeoutMs: 5_000,
    retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  return { client, sleeps };
}
