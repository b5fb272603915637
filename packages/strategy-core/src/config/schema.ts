import { z } from 'zod';
import { isValidTradeDate } from '../calendar/civil.js';

/**
 * Scenario configuration schemas (schema_version 1). Keys stay snake_case exactly as written in
 * the YAML so that an error's key path is the path the operator typed.
 */

const fraction = z.number().min(0).max(1);
const positive = z.number().positive();
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time "HH:MM" (America/New_York)');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date "YYYY-MM-DD"')
  .refine(isValidTradeDate, 'a real calendar date "YYYY-MM-DD"');
const scenarioId = z.string().regex(/^[A-Z0-9_]+$/, 'an id of [A-Z0-9_]+');
const role = z.enum(['live_capable', 'paper']);

export const UniverseEntrySchema = z.strictObject({
  /** Domain symbol used in records (`SPY`, `SPX`). */
  underlying: z.string().regex(/^[A-Z]{1,6}$/, 'an upper-case symbol such as SPY'),
  /** Vendor ticker of the underlying; defaults to `underlying` (`I:SPX` for the index). */
  vendor_ticker: z
    .string()
    .regex(/^(I:)?[A-Z0-9.]{1,10}$/, 'a vendor ticker such as SPY or I:SPX')
    .optional(),
  /** OCC roots traded; defaults to `[underlying]` (`[SPXW]` for PM-settled SPX). */
  option_roots: z
    .array(z.string().regex(/^[A-Z]{1,6}$/, 'an upper-case OCC root such as SPXW'))
    .min(1)
    .optional(),
  width: positive,
  tick: positive,
  dividend_yield: z.number().min(0).max(0.2),
});

const rangeWithTarget = (lo: number, hi: number) =>
  z
    .strictObject({
      min: z.number().min(lo).max(hi),
      max: z.number().min(lo).max(hi),
      target: z.number().min(lo).max(hi),
    })
    .refine((r) => r.min <= r.target && r.target <= r.max, { message: 'expected min <= target <= max' });

const levels = z
  .strictObject({ warn: fraction, reduce_only: fraction, halt: fraction })
  .refine((l) => l.warn <= l.reduce_only && l.reduce_only <= l.halt, {
    message: 'expected warn <= reduce_only <= halt',
  });

export const ScenarioSchema = z.strictObject({
  schema_version: z.literal(1),
  id: scenarioId,
  role,
  description: z.string().optional(),
  capital: z.strictObject({ starting_equity: positive }),
  universe: z
    .array(UniverseEntrySchema)
    .min(1)
    .refine((u) => new Set(u.map((e) => e.underlying)).size === u.length, {
      message: 'each underlying at most once',
    }),
  entry: z.strictObject({
    dte: rangeWithTarget(0, 3650),
    short_delta: rangeWithTarget(0, 1),
    max_width_multiple: z.number().min(1),
    min_credit: z.strictObject({ fraction_of_width: fraction, absolute: z.number().min(0) }),
    liquidity: z.strictObject({
      max_leg_spread_abs: z.number().min(0),
      max_leg_spread_fraction_of_mid: z.number().min(0),
      min_open_interest: z.number().int().min(0),
    }),
    max_quote_age_seconds: positive,
    limit_price: z.enum(['mid', 'natural']),
    vix: z
      .strictObject({ min: z.number().min(0), max: z.number().min(0) })
      .refine((v) => v.min <= v.max, { message: 'expected min <= max' }),
    window: z.strictObject({
      after_open_minutes: z.number().min(0),
      before_close_minutes: z.number().min(0),
    }),
  }),
  sizing: z.strictObject({
    risk_per_trade_fraction: fraction,
    max_contracts: z.number().int().min(1),
  }),
  limits: z.strictObject({
    max_open_positions: z.number().int().min(0),
    max_per_underlying: z.number().int().min(0),
    max_per_expiry: z.number().int().min(0),
    max_portfolio_risk_fraction: fraction,
  }),
  exit: z.strictObject({
    profit_target_fraction: fraction.nullable(),
    stop_loss_multiple: z.number().positive().nullable(),
    dte_exit: z.number().int().min(0).nullable(),
    expiration_day_close_time: hhmm,
  }),
  pricing: z.strictObject({
    risk_free_rate: z.number().min(-0.05).max(0.5),
    fees_per_contract_per_leg: z.number().min(0),
  }),
  circuit_breaker: z.strictObject({
    daily_loss_fraction: levels,
    drawdown_fraction: levels,
    consecutive_stop_losses: z.number().int().min(1),
  }),
});

export const CalendarExtrasSchema = z.strictObject({
  extra_closures: z.array(isoDate).default([]),
  extra_early_closes: z.array(isoDate).default([]),
});

/** Run order: lower first; scenarios without one run after those with one, in file order. */
const priority = z.number().int().optional();

/** `{ file: lt_rc.yaml, priority: 1 }`: a single scenario file, used as is. */
export const ScenarioFileRefSchema = z.strictObject({ file: z.string().min(1), priority });

/**
 * `{ id, extends: lt_rc.yaml, role?, description?, priority?, overrides? }`: a variant of a single
 * scenario file; `overrides` deep-merges into it (arrays replace) and `role` defaults to the file's.
 */
export const ScenarioExtendsRefSchema = z.strictObject({
  id: scenarioId,
  extends: z.string().min(1),
  role: role.optional(),
  description: z.string().optional(),
  priority,
  overrides: z.record(z.string(), z.unknown()).optional(),
});

/** One entry of the multi wrapper's `scenarios` list: a file reference or an extension of one. */
export const ScenarioRefSchema = z.union([ScenarioFileRefSchema, ScenarioExtendsRefSchema]);

export const MultiScenarioSchema = z.strictObject({
  schema_version: z.literal(1),
  shared_scan_interval_sec: z.number().int().positive(),
  comparison_every_batches: z.number().int().positive().default(20),
  calendar: CalendarExtrasSchema.default({ extra_closures: [], extra_early_closes: [] }),
  circuit_breaker: z
    .strictObject({ max_consecutive_failed_scans: z.number().int().min(1).default(3) })
    .default({ max_consecutive_failed_scans: 3 }),
  scenarios: z.array(ScenarioRefSchema).min(1),
});

export type UniverseEntry = z.infer<typeof UniverseEntrySchema>;
export type ScenarioConfig = z.infer<typeof ScenarioSchema>;
export type CalendarExtras = z.infer<typeof CalendarExtrasSchema>;
export type MultiScenarioConfig = z.infer<typeof MultiScenarioSchema>;
export type ScenarioRef = z.infer<typeof ScenarioRefSchema>;

/** A scenario ready to run: validated, with its run order. */
export interface ResolvedScenario extends ScenarioConfig {
  priority: number;
  /** Where it came from, for messages (`lt_wft.yaml#scenarios[3]`). */
  origin: string;
}

/** Everything a run needs, single or multi mode: what the engine's `runScan` takes. */
export interface RunConfig {
  mode: 'single' | 'multi';
  /** The file the run was loaded from (for the comparison-log default name). */
  sourceFile: string;
  /** From `shared_scan_interval_sec` in multi mode; null in single mode (the CLI flag decides). */
  scanIntervalSec: number | null;
  comparisonEveryBatches: number;
  calendar: CalendarExtras;
  globalBreaker: { max_consecutive_failed_scans: number };
  /** In run order: priority, then file order. */
  scenarios: ResolvedScenario[];
}
