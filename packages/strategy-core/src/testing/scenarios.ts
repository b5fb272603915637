/**
 * Scenario builders for tests, benches and notebooks: the live-capable scenario of the specification's
 * example file and its paper variants, built in code.
 */
import type { CalendarExtras, ResolvedScenario, RunConfig, ScenarioConfig } from '../config/schema.js';

/** Run position of a scenario without `priority` in a multi-scenario file. */
const UNSET_PRIORITY = 100;

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | null }
    : T;

/** Deep merge: objects merge key by key, arrays and scalars replace. Returns a new object. */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch as T;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return patch as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    out[k] = deepMerge((base as Record<string, unknown>)[k], v);
  }
  return out as T;
}

/** The live-capable scenario as in the specification's example (`LT_RC`). */
export function baseScenario(): ScenarioConfig {
  return {
    schema_version: 1,
    id: 'LT_RC',
    role: 'live_capable',
    description: 'live-capable reference scenario',
    capital: { starting_equity: 100_000 },
    universe: [
      { underlying: 'SPY', width: 5, tick: 0.01, dividend_yield: 0.013 },
      { underlying: 'QQQ', width: 5, tick: 0.01, dividend_yield: 0.006 },
      { underlying: 'IWM', width: 3, tick: 0.01, dividend_yield: 0.012 },
    ],
    entry: {
      dte: { min: 30, max: 45, target: 38 },
      short_delta: { min: 0.2, max: 0.3, target: 0.25 },
      max_width_multiple: 2,
      min_credit: { fraction_of_width: 0.3, absolute: 0.3 },
      liquidity: { max_leg_spread_abs: 0.05, max_leg_spread_fraction_of_mid: 0.1, min_open_interest: 100 },
      max_quote_age_seconds: 120,
      limit_price: 'mid',
      vix: { min: 12, max: 30 },
      window: { after_open_minutes: 30, before_close_minutes: 30 },
    },
    sizing: { risk_per_trade_fraction: 0.02, max_contracts: 10 },
    limits: {
      max_open_positions: 6,
      max_per_underlying: 2,
      max_per_expiry: 3,
      max_portfolio_risk_fraction: 0.4,
    },
    exit: {
      profit_target_fraction: 0.5,
      stop_loss_multiple: 2,
      dte_exit: 21,
      expiration_day_close_time: '15:45',
    },
    pricing: { risk_free_rate: 0.04, fees_per_contract_per_leg: 0.65 },
    circuit_breaker: {
      daily_loss_fraction: { warn: 0.01, reduce_only: 0.02, halt: 0.04 },
      drawdown_fraction: { warn: 0.1, reduce_only: 0.15, halt: 0.2 },
      consecutive_stop_losses: 3,
    },
  };
}

/** `baseScenario()` with a deep patch (arrays replace) and a run priority. */
export function makeScenario(patch: DeepPartial<ScenarioConfig> = {}, priority = 1): ResolvedScenario {
  const s = deepMerge(baseScenario(), patch);
  return { ...s, priority, origin: `${s.id} (built in code)` };
}

export function makeRunConfig(
  scenarios: ResolvedScenario[],
  options: { calendar?: CalendarExtras; maxConsecutiveFailedScans?: number } = {},
): RunConfig {
  return {
    mode: scenarios.length > 1 ? 'multi' : 'single',
    sourceFile: 'in-code.yaml',
    scanIntervalSec: scenarios.length > 1 ? 45 : null,
    comparisonEveryBatches: 20,
    calendar: options.calendar ?? { extra_closures: [], extra_early_closes: [] },
    globalBreaker: { max_consecutive_failed_scans: options.maxConsecutiveFailedScans ?? 3 },
    scenarios,
  };
}

/**
 * The eleven scenarios of the shipped multi-scenario file (`configs/scenarios/lt_wft.yaml`), built in
 * code with the same values and run positions (LT_RC priority 1, the others unset = 100): LT_RC, nine
 * one-factor variants and PT_XW (adds SPX on SPXW expiries, double width on the ETFs).
 */
export function shippedLikeScenarios(): ResolvedScenario[] {
  // Paper variants have no priority in the shipped file: the loader's default.
  const paper = (id: string, patch: DeepPartial<ScenarioConfig>) =>
    makeScenario({ ...patch, id, role: 'paper' }, UNSET_PRIORITY);
  return [
    makeScenario({}, 1),
    paper('WFT_A', {
      entry: { short_delta: { min: 0.12, max: 0.2, target: 0.16 }, min_credit: { fraction_of_width: 0.2 } },
    }),
    paper('WFT_B', {
      entry: {
        short_delta: { min: 0.25, max: 0.35, target: 0.3 },
        min_credit: { fraction_of_width: 0.3333333333 },
      },
    }),
    paper('WFT_C', { entry: { dte: { min: 21, max: 30, target: 25 } } }),
    paper('WFT_D', { entry: { dte: { min: 45, max: 60, target: 52 } } }),
    paper('WFT_E', { exit: { profit_target_fraction: 0.65 } }),
    paper('WFT_F', { exit: { profit_target_fraction: 0.35 } }),
    paper('WFT_G', { exit: { stop_loss_multiple: 1 } }),
    paper('WFT_H', { exit: { stop_loss_multiple: null } }),
    paper('WFT_I', { exit: { dte_exit: null } }),
    paper('PT_XW', {
      universe: [
        { underlying: 'SPY', width: 10, tick: 0.01, dividend_yield: 0.013 },
        { underlying: 'QQQ', width: 10, tick: 0.01, dividend_yield: 0.006 },
        { underlying: 'IWM', width: 6, tick: 0.01, dividend_yield: 0.012 },
        {
          underlying: 'SPX',
          vendor_ticker: 'I:SPX',
          option_roots: ['SPXW'],
          width: 25,
          tick: 0.05,
          dividend_yield: 0.013,
        },
      ],
    }),
  ];
}
