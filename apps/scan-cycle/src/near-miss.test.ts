import { selectEntries } from '@aegis/strategy-core';
import { makeScenario, makeSyntheticSnapshot } from '@aegis/strategy-core/testing';
import { describe, expect, it } from 'vitest';
import { formatNearMisses, nearMisses } from './near-miss.js';

const asOfMs = Date.parse('2026-04-10T16:00:00.000Z'); // 12:00 New York
const snapshot = makeSyntheticSnapshot({
  seed: 3,
  asOfMs,
  underlyings: ['SPY'],
  contractsPerUnderlying: 2000,
});
const universe = [{ underlying: 'SPY', width: 5, tick: 0.01, dividend_yield: 0.013 }];

describe('nearMisses', () => {
  it('names the refused spread whose credit came closest to the floor', () => {
    // A floor no 5-wide spread can meet: every short is refused on credit.
    const strict = makeScenario({
      id: 'STRICT',
      universe,
      entry: { min_credit: { fraction_of_width: 0.9 } },
    });
    const [row] = nearMisses(snapshot, [strict], asOfMs);
    const attempts = selectEntries(snapshot, strict, asOfMs)
      .flatMap((s) => s.expiries.flatMap((e) => e.attempts))
      .filter((a) => a.outcome === 'credit_below_floor');
    const best = Math.max(...attempts.map((a) => a.credit ?? 0));
    expect(attempts.length).toBeGreaterThan(0);
    expect(row?.miss?.attempt.outcome).toBe('credit_below_floor');
    expect(row?.miss?.attempt.credit).toBe(best);
    expect(formatNearMisses([row!])[0]).toMatch(
      /^STRICT {2}SPY \d{4}-\d{2}-\d{2} \d+\/\d+ Δ-0\.\d{3}: credit/,
    );
  });

  it('says why when no short was even tried', () => {
    const noExpiry = makeScenario({
      id: 'FAR',
      universe,
      entry: { dte: { min: 900, max: 950, target: 920 } },
    });
    const [row] = nearMisses(snapshot, [noExpiry], asOfMs);
    expect(row?.miss).toBeNull();
    expect(row?.reasons).toEqual(['SPY: no_expiry_in_window']);
  });
});
