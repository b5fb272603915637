import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BreakerLevel, type EngineState, initialState, levelRank, runScan } from '../src/index.js';
import { makeRunConfig, makeScenario } from '../src/testing/index.js';
import { NOW_MS, put, q, snapshot, spyChain } from './helpers.js';

const SPY = { underlying: 'SPY', width: 5, tick: 0.01, dividend_yield: 0.013 };
const marks = (shortMid: number, longMid: number) =>
  snapshot({
    SPY: {
      price: 512.34,
      puts: [
        put({ strike: 490, ...q(longMid), delta: -0.5 }),
        put({ strike: 495, ...q(shortMid), delta: -0.5 }),
      ],
    },
  });

describe('drawdown', () => {
  it('measures 1 − equity / high-water mark against the drawdown thresholds', () => {
    const dd = makeScenario({
      id: 'WFT_D',
      role: 'paper',
      universe: [SPY],
      exit: { stop_loss_multiple: null },
      circuit_breaker: {
        daily_loss_fraction: { warn: 0.5, reduce_only: 0.6, halt: 0.7 },
        drawdown_fraction: { warn: 0.005, reduce_only: 0.02, halt: 0.5 },
      },
    });
    const r = makeRunConfig([dd]);
    const s1 = runScan(
      snapshot({ SPY: { price: 512.34, puts: spyChain() } }),
      initialState(r),
      r,
      NOW_MS,
    ).nextState;
    expect(s1.scenarios.WFT_D!.highWaterMark).toBe(100_000);
    // Mark 2.62: equity 100,000 − 6.50 − 510 = 99,483.50 → drawdown 0.52% → warn.
    const hit = runScan(marks(3.0, 0.38), s1, r, NOW_MS + 60_000);
    expect(hit.outcome.breaker.scenarios.WFT_D).toBe('warn');
    expect(hit.outcome.breakerChanges[0]!.cause).toBe('drawdown 0.52% from high-water mark');
  });
});

describe('latching (property)', () => {
  const tight = makeScenario({
    id: 'WFT_T',
    role: 'paper',
    universe: [SPY],
    circuit_breaker: {
      daily_loss_fraction: { warn: 0.002, reduce_only: 0.006, halt: 0.012 },
      drawdown_fraction: { warn: 0.004, reduce_only: 0.008, halt: 0.016 },
      consecutive_stop_losses: 2,
    },
  });
  const r = makeRunConfig([tight]);

  it('a scenario level never falls within a trade date', () => {
    const step = fc.oneof(
      fc.constant(null),
      fc.record({
        shortMid: fc.double({ min: 0.05, max: 5.5, noNaN: true }),
        longMid: fc.double({ min: 0.02, max: 0.6, noNaN: true }),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 14 }), (steps) => {
        let state: EngineState = initialState(r);
        let previous: BreakerLevel = 'ok';
        steps.forEach((s, i) => {
          const snap =
            s === null
              ? snapshot({ SPY: { price: 512.34, puts: spyChain() } })
              : marks(s.shortMid, s.longMid);
          const { outcome, nextState } = runScan(snap, state, r, NOW_MS + i * 60_000);
          const level = outcome.breaker.scenarios.WFT_T!;
          expect(levelRank(level)).toBeGreaterThanOrEqual(levelRank(previous));
          previous = level;
          state = nextState;
        });
      }),
      { numRuns: 150 },
    );
  });
});
