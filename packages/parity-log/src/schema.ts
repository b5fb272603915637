/**
 * Parity log and comparison log, schema version 1.
 *
 * One JSON object per line. Readers ignore unknown fields (zod strips them) and unknown record kinds.
 */
import { z } from 'zod';

export const SCHEMA_VERSION = 1 as const;

/** `2026-04-10T14:30:45.123Z`: UTC, milliseconds, `Z`. */
export const IsoUtcSchema = z
  .string()
  .regex(
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    'expected ISO-8601 UTC with milliseconds, e.g. 2026-04-10T14:30:45.123Z',
  );
/** America/New_York calendar date. */
export const TradeDateSchema = z.string().regex(/^\d{4}-\d\d-\d\d$/, 'expected YYYY-MM-DD');

export const BreakerLevelSchema = z.enum(['ok', 'warn', 'reduce_only', 'halted']);
export const DecisionStatusSchema = z.enum([
  'proposed',
  'paper_filled',
  'precheck_ok',
  'precheck_rejected',
  'submitted',
  'filled',
  'rejected',
  'blocked',
]);
export const CloseReasonSchema = z.enum([
  'expired',
  'expiration_day',
  'stop_loss',
  'profit_target',
  'dte_exit',
]);
export const ModeSchema = z.enum(['dry-run', 'live']);

const price = z.number().finite();
const strike = z.number().finite().positive();
const quantity = z.number().int().positive();

export const EntryRecordSchema = z
  .object({
    scenario: z.string().min(1),
    underlying: z.string().min(1),
    option_type: z.enum(['put', 'call']),
    expiry: TradeDateSchema,
    short_strike: strike,
    long_strike: strike,
    quantity,
    credit: price,
    short_delta: z.number().finite().nullable().optional(),
    status: DecisionStatusSchema,
    reason: z.string().nullable().optional(),
    intent_id: z.string().min(1),
  })
  .refine((e) => e.long_strike < e.short_strike, {
    message: 'long_strike must be below short_strike',
    path: ['long_strike'],
  })
  .refine((e) => e.status !== 'blocked' || (typeof e.reason === 'string' && e.reason.length > 0), {
    message: 'a blocked entry needs a reason (gate name)',
    path: ['reason'],
  });

export const ExitRecordSchema = z
  .object({
    scenario: z.string().min(1),
    underlying: z.string().min(1),
    option_type: z.enum(['put', 'call']).optional(),
    expiry: TradeDateSchema,
    short_strike: strike,
    long_strike: strike,
    quantity,
    debit: price,
    close_reason: CloseReasonSchema,
    status: DecisionStatusSchema,
    reason: z.string().nullable().optional(),
    intent_id: z.string().min(1),
  })
  .refine((e) => e.long_strike < e.short_strike, {
    message: 'long_strike must be below short_strike',
    path: ['long_strike'],
  });

export const ScanErrorRecordSchema = z.object({
  source: z.string().min(1),
  code: z.string().min(1),
  message: z.string(),
  underlying: z.string().optional(),
  scenario: z.string().optional(),
});

export const CircuitBreakerRecordSchema = z.object({
  global: BreakerLevelSchema,
  scenarios: z.record(z.string(), BreakerLevelSchema),
});

const envelope = {
  schema_version: z.literal(SCHEMA_VERSION),
  ts: IsoUtcSchema,
};

export const ScanRecordSchema = z.object({
  ...envelope,
  record_kind: z.literal('scan'),
  trade_date: TradeDateSchema,
  scan_count: z.number().int().positive(),
  run_id: z.string().min(1),
  source: z.string().min(1),
  mode: ModeSchema,
  vix: z.number().finite().nullable(),
  underlyings: z.record(z.string(), z.object({ price: z.number().finite() })),
  entries_proposed: z.array(EntryRecordSchema),
  exits_proposed: z.array(ExitRecordSchema),
  errors: z.array(ScanErrorRecordSchema),
  circuit_breaker: CircuitBreakerRecordSchema,
  duration_ms: z.number().finite().nonnegative(),
});

export const ScenarioComparisonSchema = z.object({
  scenario: z.string().min(1),
  equity: z.number().finite(),
  realized_pnl: z.number().finite(),
  unrealized_pnl: z.number().finite(),
  open_positions: z.number().int().nonnegative(),
  trade_count: z.number().int().nonnegative(),
  closed_count: z.number().int().nonnegative(),
  breaker: BreakerLevelSchema,
});

export const ComparisonRecordSchema = z.object({
  ...envelope,
  record_kind: z.literal('comparison'),
  trade_date: TradeDateSchema,
  batch: z.number().int().nonnegative(),
  scan_count: z.number().int().nonnegative(),
  scenarios: z.array(ScenarioComparisonSchema),
});

export const StartupRecordSchema = z.object({
  ...envelope,
  record_kind: z.literal('startup'),
  run_id: z.string().min(1),
  source: z.string().min(1),
  version: z.string().min(1),
  mode: ModeSchema,
  config_hash: z.string().min(1),
  scenario_ids: z.array(z.string().min(1)),
  flags: z.record(z.string(), z.unknown()),
});

export const ShutdownRecordSchema = z.object({
  ...envelope,
  record_kind: z.literal('shutdown'),
  run_id: z.string().min(1),
  reason: z.string().min(1),
});

export const BreakerRecordSchema = z.object({
  ...envelope,
  record_kind: z.literal('breaker'),
  trade_date: TradeDateSchema.optional(),
  run_id: z.string().min(1).optional(),
  /** Scenario id, or `global`. */
  scenario: z.string().min(1),
  from: BreakerLevelSchema,
  to: BreakerLevelSchema,
  cause: z.string().min(1),
});

export const ParityRecordSchema = z.discriminatedUnion('record_kind', [
  ScanRecordSchema,
  ComparisonRecordSchema,
  StartupRecordSchema,
  ShutdownRecordSchema,
  BreakerRecordSchema,
]);

export type EntryRecord = z.infer<typeof EntryRecordSchema>;
export type ExitRecord = z.infer<typeof ExitRecordSchema>;
export type ScanErrorRecord = z.infer<typeof ScanErrorRecordSchema>;
export type ScanRecord = z.infer<typeof ScanRecordSchema>;
export type ScenarioComparison = z.infer<typeof ScenarioComparisonSchema>;
export type ComparisonRecord = z.infer<typeof ComparisonRecordSchema>;
export type StartupRecord = z.infer<typeof StartupRecordSchema>;
export type ShutdownRecord = z.infer<typeof ShutdownRecordSchema>;
export type BreakerRecord = z.infer<typeof BreakerRecordSchema>;
export type ParityRecord = z.infer<typeof ParityRecordSchema>;
export type RecordKind = ParityRecord['record_kind'];
export const RECORD_KINDS: readonly RecordKind[] = ['scan', 'comparison', 'startup', 'shutdown', 'breaker'];

/** zod issues as one line: `entries_proposed.0.long_strike: long_strike must be below short_strike`. */
export function formatIssues(error: z.ZodError, max = 3): string {
  const parts = error.issues
    .slice(0, max)
    .map((i) => `${i.path.length ? i.path.join('.') : '(record)'}: ${i.message}`);
  if (error.issues.length > max) parts.push(`… ${error.issues.length - max} more`);
  return parts.join('; ');
}

/** The JSON Schema (draft 2020-12) of every v1 record kind, as written to `schema/parity-log.schema.json`. */
export function parityLogJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ParityRecordSchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://aegis.invalid/schemas/parity-log.v1.schema.json',
    title: 'aegis parity log record (schema version 1)',
    description:
      'One JSON object per line of a parity log or comparison log. Readers ignore unknown fields and unknown record_kind values.',
    ...schema,
  };
}
