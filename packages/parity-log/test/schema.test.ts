import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParityRecordSchema, parityLogJsonSchema, ScanRecordSchema } from '../src/schema.js';
import { fastCheckRecord } from '../src/validate.js';
import { scanRecord } from './helpers.js';

describe('v1 schemas', () => {
  it('accepts the scan record of the contract and ignores unknown fields', () => {
    const parsed = ScanRecordSchema.parse({ ...scanRecord(1234), future_field: { x: 1 } });
    expect(parsed.scan_count).toBe(1234);
    expect(parsed.entries_proposed[0]?.intent_id).toBe('LT_RC:2026-04-10:SPY:20260515:495:490:open:17');
    expect('future_field' in parsed).toBe(false);
  });

  it('rejects a spread whose long strike is not below the short strike, naming the path', () => {
    const bad = scanRecord(1);
    bad.entries_proposed[0]!.long_strike = 500;
    const result = ScanRecordSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['entries_proposed', 0, 'long_strike']);
  });

  it('requires a reason on a blocked entry', () => {
    const bad = scanRecord(1);
    bad.entries_proposed[0]!.status = 'blocked';
    expect(ScanRecordSchema.safeParse(bad).success).toBe(false);
    bad.entries_proposed[0]!.reason = 'max_open_positions';
    expect(ScanRecordSchema.safeParse(bad).success).toBe(true);
  });

  it('rejects timestamps without milliseconds or Z', () => {
    expect(ScanRecordSchema.safeParse(scanRecord(1, { ts: '2026-04-10T14:30:45Z' })).success).toBe(false);
    expect(ScanRecordSchema.safeParse(scanRecord(1, { ts: '2026-04-10T14:30:45.123+00:00' })).success).toBe(
      false,
    );
  });

  it('parses every record kind through the union', () => {
    const kinds = [
      {
        schema_version: 1,
        record_kind: 'startup',
        ts: '2026-04-10T13:29:00.000Z',
        run_id: 'r',
        source: 's',
        version: '0.1.0',
        mode: 'live',
        config_hash: 'h',
        scenario_ids: ['LT_RC'],
        flags: { live: true },
      },
      {
        schema_version: 1,
        record_kind: 'shutdown',
        ts: '2026-04-10T20:00:00.000Z',
        run_id: 'r',
        reason: 'SIGTERM',
      },
      {
        schema_version: 1,
        record_kind: 'breaker',
        ts: '2026-04-10T15:00:00.000Z',
        scenario: 'WFT_A',
        from: 'ok',
        to: 'reduce_only',
        cause: 'daily_loss',
      },
      {
        schema_version: 1,
        record_kind: 'comparison',
        ts: '2026-04-10T15:00:00.000Z',
        trade_date: '2026-04-10',
        batch: 40,
        scan_count: 40,
        scenarios: [
          {
            scenario: 'LT_RC',
            equity: 100123.45,
            realized_pnl: 80.1,
            unrealized_pnl: 43.35,
            open_positions: 2,
            trade_count: 5,
            closed_count: 3,
            breaker: 'ok',
          },
        ],
      },
    ];
    expect(kinds.map((k) => ParityRecordSchema.parse(k).record_kind)).toEqual([
      'startup',
      'shutdown',
      'breaker',
      'comparison',
    ]);
    expect(ParityRecordSchema.safeParse({ ...kinds[2], to: 'panic' }).success).toBe(false);
  });

  it('fast check agrees with zod on the fields it covers and names the field', () => {
    expect(fastCheckRecord(scanRecord(3) as unknown as Record<string, unknown>)).toBeNull();
    const bad = { ...scanRecord(3), scan_count: '7' } as unknown as Record<string, unknown>;
    expect(fastCheckRecord(bad)).toBe('scan_count: expected integer, got "7"');
    const badEntry = scanRecord(3) as unknown as { entries_proposed: Record<string, unknown>[] };
    badEntry.entries_proposed[0]!.short_strike = '495';
    expect(fastCheckRecord(badEntry as unknown as Record<string, unknown>)).toBe(
      'entries_proposed[0].short_strike: expected number, got "495"',
    );
  });

  it('the committed JSON Schema is up to date (run `pnpm --filter @aegis/parity-log gen:schema`)', () => {
    const committed = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'schema', 'parity-log.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(parityLogJsonSchema())));
    const scan = (
      committed.oneOf as { properties: { record_kind: { const: string } }; required: string[] }[]
    ).find((s) => s.properties.record_kind.const === 'scan');
    expect(scan?.required).toEqual(
      expect.arrayContaining([
        'schema_version',
        'ts',
        'trade_date',
        'scan_count',
        'run_id',
        'entries_proposed',
        'duration_ms',
      ]),
    );
  });
});
