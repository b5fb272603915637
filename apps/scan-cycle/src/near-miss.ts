/**
 * "Why did this scenario not trade?" For each scenario, the closest spread that selection turned
 * down at one instant, with the numbers behind the refusal. The demo prints it for the scenarios
 * that made no entry, so an empty book is explained rather than a mystery.
 */
import type {
  MarketSnapshot,
  ResolvedScenario,
  ShortAttempt,
  UnderlyingSelection,
} from '@aegis/strategy-core';
import { SnapshotIndex, selectEntries } from '@aegis/strategy-core';

export interface NearMiss {
  scenario: string;
  underlying: string;
  expiry: string;
  attempt: ShortAttempt;
}

/** The refused short whose credit came closest to its floor (as a fraction of the floor). */
function closest(selection: UnderlyingSelection, floorOf: (width: number) => number): NearMiss | null {
  let best: NearMiss | null = null;
  let bestRatio = -1;
  for (const expiry of selection.expiries) {
    for (const attempt of expiry.attempts) {
      if (attempt.outcome === 'ok' || attempt.credit === null || attempt.width === null) continue;
      const ratio = attempt.credit / floorOf(attempt.width);
      if (ratio > bestRatio) {
        bestRatio = ratio;
        best = {
          scenario: selection.scenario,
          underlying: selection.underlying,
          expiry: expiry.expiry,
          attempt,
        };
      }
    }
  }
  return best;
}

/** The nearest miss per scenario (over its whole universe), or the reason no short was even tried. */
export function nearMisses(
  snapshot: MarketSnapshot,
  scenarios: readonly ResolvedScenario[],
  nowMs: number,
): { scenario: string; miss: NearMiss | null; reasons: string[] }[] {
  const index = new SnapshotIndex(snapshot, nowMs);
  return scenarios.map((scenario) => {
    const floorOf = (width: number) =>
      Math.max(scenario.entry.min_credit.absolute, scenario.entry.min_credit.fraction_of_width * width);
    const selections = selectEntries(snapshot, scenario, nowMs, undefined, index);
    let miss: NearMiss | null = null;
    let missRatio = -1;
    for (const s of selections) {
      const m = closest(s, floorOf);
      if (m && m.attempt.credit !== null && m.attempt.width !== null) {
        const ratio = m.attempt.credit / floorOf(m.attempt.width);
        if (ratio > missRatio) {
          missRatio = ratio;
          miss = m;
        }
      }
    }
    const reasons = selections.filter((s) => s.reason !== null).map((s) => `${s.underlying}: ${s.reason}`);
    return { scenario: scenario.id, miss, reasons };
  });
}

/** One line per scenario, e.g. `LT_RC  SPY 2026-05-15 562/557 Δ-0.291 credit 1.18: credit 1.18 < floor 1.5`. */
export function formatNearMisses(rows: ReturnType<typeof nearMisses>): string[] {
  const width = Math.max(...rows.map((r) => r.scenario.length));
  return rows.map((r) => {
    const id = r.scenario.padEnd(width);
    if (!r.miss) return `${id}  no short was tried (${r.reasons.join(', ') || 'no eligible short'})`;
    const a = r.miss.attempt;
    return `${id}  ${r.miss.underlying} ${r.miss.expiry} ${a.shortStrike}/${a.longStrike} Δ${a.shortDelta.toFixed(3)}: ${a.detail}`;
  });
}
