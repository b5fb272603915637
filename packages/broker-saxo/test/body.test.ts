import { describe, expect, it } from 'vitest';
import {
  buildMultiLegOrder,
  createRateLimiter,
  formatOccTicker,
  parseOccTicker,
  roundLimitPrice,
  type SaxoError,
} from '../src/index.js';
import { createFakeClock } from '../src/testing/index.js';
import { spySpread } from './helpers.js';

const base = {
  spread: spySpread(),
  quantity: 3,
  limitPrice: 1.52,
  externalReference: 'LT_RC:2026-04-10:SPY:20260515:495:490:open:17',
  accountKey: 'acct==',
  shortUic: 111,
  longUic: 222,
  assetType: 'StockOption' as const,
  manualOrder: false,
};

describe('buildMultiLegOrder', () => {
  it('opens a bull put: sell the short put to open, buy the long put to open, positive net credit', () => {
    expect(buildMultiLegOrder({ ...base, side: 'open' })).toEqual({
      AccountKey: 'acct==',
      OrderType: 'Limit',
      OrderPrice: 1.52,
      OrderDuration: { DurationType: 'DayOrder' },
      ManualOrder: false,
      ExternalReference: base.externalReference,
      Legs: [
        { Uic: 111, AssetType: 'StockOption', BuySell: 'Sell', Amount: 3, ToOpenClose: 'ToOpen' },
        { Uic: 222, AssetType: 'StockOption', BuySell: 'Buy', Amount: 3, ToOpenClose: 'ToOpen' },
      ],
    });
  });

  it('closes it: buy back the short put, sell the long put, positive net debit', () => {
    const body = buildMultiLegOrder({ ...base, side: 'close', limitPrice: 0.61 });
    expect(body.OrderPrice).toBe(0.61);
    expect(body.Legs).toEqual([
      { Uic: 111, AssetType: 'StockOption', BuySell: 'Buy', Amount: 3, ToOpenClose: 'ToClose' },
      { Uic: 222, AssetType: 'StockOption', BuySell: 'Sell', Amount: 3, ToOpenClose: 'ToClose' },
    ]);
  });

  it('rounds a credit up and a debit down to the cent, keeping float noise on the cent', () => {
    expect(roundLimitPrice(1.523, 'open')).toBe(1.53);
    expect(roundLimitPrice(0.617, 'close')).toBe(0.61);
    expect(roundLimitPrice(0.1 + 0.2, 'open')).toBe(0.3);
    expect(roundLimitPrice(1.15, 'close')).toBe(1.15);
  });

  it('names the bad field and value', () => {
    const message = (over: Partial<typeof base> & { side?: 'open' | 'close' }) => {
      try {
        buildMultiLegOrder({ ...base, side: 'open', ...over });
      } catch (error) {
        expect((error as SaxoError).kind).toBe('invalid_input');
        return (error as SaxoError).message;
      }
      return 'no error';
    };
    expect(message({ quantity: 0 })).toBe('quantity: expected a positive integer, got 0');
    expect(message({ quantity: 1.5 })).toBe('quantity: expected a positive integer, got 1.5');
    expect(message({ limitPrice: -1.2 })).toBe(
      'limitPrice: expected a positive net price per share, got -1.2',
    );
    expect(message({ limitPrice: 5 })).toBe('limitPrice: 5 is not below the spread width 5');
    expect(message({ spread: spySpread(490, 495) })).toBe(
      'spread: a bull put needs shortStrike > longStrike, got short 490 and long 495',
    );
    expect(message({ externalReference: 'x'.repeat(51) })).toBe(
      `externalReference: expected 1..50 characters, got 51 (${'x'.repeat(51)})`,
    );
    expect(message({ side: 'roll' as 'open' })).toBe("side: expected 'open' or 'close', got roll");
  });
});

describe('OCC tickers', () => {
  it('parses and formats both ways', () => {
    expect(parseOccTicker('O:SPXW260515P05100000')).toEqual({
      root: 'SPXW',
      expiry: '2026-05-15',
      putCall: 'Put',
      strike: 5100,
    });
    expect(parseOccTicker('O:SPY260515P00495500')?.strike).toBe(495.5);
    expect(formatOccTicker('SPY', '2026-05-15', 'Put', 495.5)).toBe('O:SPY260515P00495500');
    expect(parseOccTicker('SPY 260515P495')).toBeNull();
  });
});

describe('createRateLimiter', () => {
  it('lets 120 through in a minute, then holds the 121st until the oldest leaves the window', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ limit: 120, windowMs: 60_000, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 120; i++) {
      expect(await limiter.acquire()).toBe(0);
      clock.advance(100);
    }
    expect(clock.now()).toBe(12_000);
    expect(await limiter.acquire()).toBe(48_000);
    expect(clock.now()).toBe(60_000);
  });

  it('spaces orders one second apart and honours a pause', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, now: clock.now, sleep: clock.sleep });
    const waits = [await limiter.acquire(), await limiter.acquire(), await limiter.acquire()];
    expect(waits).toEqual([0, 1000, 1000]);
    limiter.pauseUntil(clock.now() + 7000);
    expect(await limiter.acquire()).toBe(7000);
  });

  it('queues concurrent callers in arrival order', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, now: clock.now, sleep: clock.sleep });
    const order: number[] = [];
    await Promise.all([0, 1, 2].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2]);
    expect(clock.sleeps).toEqual([1000, 1000]);
  });
});
