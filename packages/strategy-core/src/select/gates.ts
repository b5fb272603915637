/**
 * Sizing and the entry gates of SPEC 4.2, evaluated in the spec's order; the first failure names the gate.
 */

import type { SessionBounds } from '../calendar/index.js';
import type { ScenarioConfig } from '../config/schema.js';
import type { OpenPosition } from '../domain/state.js';
import type { BreakerLevel, GateReason, TradeDate } from '../domain/types.js';
import { EPS } from '../math/rounding.js';

const MS_PER_MINUTE = 60_000;

/** quantity = min(max_contracts, floor(starting_equity × risk_per_trade_fraction / ((W − C) × 100))). */
export function sizeQuantity(scenario: ScenarioConfig, width: number, credit: number): number {
  const riskPerContract = (width - credit) * 100;
  if (!(riskPerContract > 0)) return 0;
  const budget = scenario.capital.starting_equity * scenario.sizing.risk_per_trade_fraction;
  return Math.max(0, Math.min(scenario.sizing.max_contracts, Math.floor(budget / riskPerContract + EPS)));
}

/** Max loss of an open position in dollars: (W − C) × 100 × qty. */
export const positionRisk = (p: Pick<OpenPosition, 'width' | 'entryCredit' | 'quantity'>): number =>
  (p.width - p.entryCredit) * 100 * p.quantity;

export interface GateInput {
  underlying: string;
  expiry: TradeDate;
  shortStrike: number;
  width: number;
  credit: number;
}

export interface GateContext {
  scenario: ScenarioConfig;
  /** The scenario's open positions, including entries filled earlier in this scan. */
  open: readonly OpenPosition[];
  nowMs: number;
  /** Today's session; null only if called outside a trading day. */
  session: SessionBounds | null;
  vix: number | null;
  /** Governing level: the higher of the scenario's own and the global level. */
  level: BreakerLevel;
}

export type GateResult = { ok: true; quantity: number } | { ok: false; reason: GateReason; quantity: number };

export function evaluateGates(c: GateInput, ctx: GateContext): GateResult {
  const { scenario: s, open } = ctx;
  const quantity = sizeQuantity(s, c.width, c.credit);
  const blocked = (reason: GateReason): GateResult => ({ ok: false, reason, quantity });
  if (!inEntryWindow(s, ctx.session, ctx.nowMs)) return blocked('session_window');
  if (ctx.vix === null || ctx.vix < s.entry.vix.min - EPS || ctx.vix > s.entry.vix.max + EPS)
    return blocked('vix');
  if (ctx.level === 'reduce_only' || ctx.level === 'halted') return blocked('breaker');
  if (
    open.some(
      (p) =>
        p.underlying === c.underlying &&
        p.expiry === c.expiry &&
        Math.abs(p.shortStrike - c.shortStrike) <= EPS,
    )
  ) {
    return blocked('duplicate');
  }
  if (open.length >= s.limits.max_open_positions) return blocked('max_open_positions');
  if (open.filter((p) => p.underlying === c.underlying).length >= s.limits.max_per_underlying) {
    return blocked('max_per_underlying');
  }
  if (open.filter((p) => p.expiry === c.expiry).length >= s.limits.max_per_expiry)
    return blocked('max_per_expiry');
  if (quantity < 1) return blocked('size');
  let risk = (c.width - c.credit) * 100 * quantity;
  for (const p of open) risk += positionRisk(p);
  if (risk > s.limits.max_portfolio_risk_fraction * s.capital.starting_equity + EPS)
    return blocked('portfolio_risk');
  return { ok: true, quantity };
}

/** [open + after_open_minutes, close − before_close_minutes). */
export function inEntryWindow(s: ScenarioConfig, session: SessionBounds | null, nowMs: number): boolean {
  if (!session) return false;
  const from = session.openMs + s.entry.window.after_open_minutes * MS_PER_MINUTE;
  const to = session.closeMs - s.entry.window.before_close_minutes * MS_PER_MINUTE;
  return nowMs >= from && nowMs < to;
}
