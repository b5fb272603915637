import type { ScanOutcome } from '@aegis/strategy-core';
import { describe, expect, it } from 'vitest';
import { roundTo, toComparisonRecord, toScanRecord } from './records.js';

const outcome: ScanOutcome = {
  scanCount: 17,
  ts: '2026-04-10T14:30:45.123Z',
  tradeDate: '2026-04-10',
  vix: 17.4249,
  underlyings: { SPY: { price: 512.3449 }, SPX: { price: 5123.455 } },
  decisions: {
    entries: [
      {
        scenario: 'LT_RC',
        underlying: 'SPY',
        optionType: 'put',
        expiry: '2026-05-15',
        shortStrike: 495,
        longStrike: 490,
        shortTicker: 'O:SPY260515P00495000',
        longTicker: 'O:SPY260515P00490000',
        quantity: 3,
        credit: 1.52,
        shortDelta: -0.251349,
        width: 5,
        status: 'precheck_rejected',
        reason: 'token_missing',
        intentId: 'LT_RC:2026-04-10:SPY:20260515:495:490:open:1',
      },
    ],
    exits: [
      {
        scenario: 'WFT_C',
        underlying: 'QQQ',
        optionType: 'put',
        expiry: '2026-04-24',
        shortStrike: 420,
        longStrike: 415,
        shortTicker: 'a',
        longTicker: 'b',
        quantity: 2,
        debit: 0.6100000001,
        closeReason: 'profit_target',
        status: 'paper_filled',
        reason: null,
        intentId: 'WFT_C:x:close',
        positionSeq: 4,
      },
    ],
  },
  errors: [
    {
      source: 'polygon',
      code: 'rate_limited',
      message: '[GET] /v3/snapshot/options/IWM: 429',
      underlying: 'IWM',
    },
  ],
  breaker: { global: 'ok', scenarios: { LT_RC: 'ok', WFT_C: 'warn' } },
  breakerChanges: [],
  summaries: [
    {
      scenario: 'LT_RC',
      equity: 100123.454,
      realizedPnl: 80.1,
      unrealizedPnl: 43.354,
      openPositions: 2,
      tradeCount: 5,
      closedCount: 3,
      breaker: 'ok',
    },
  ],
};

describe('records', () => {
  it('rounds half away from zero without binary noise', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(-1.005, 2)).toBe(-1.01);
    expect(roundTo(0.12345, 4)).toBe(0.1235);
    expect(roundTo(-0.0001, 2)).toBe(0);
  });

  it('maps an outcome to the SPEC 6.1 scan record', () => {
    const r = toScanRecord(outcome, { runId: 'r1', source: 'scan-cycle/0.1.0', mode: 'dry-run' }, 412.4);
    expect(Object.keys(r)).toEqual([
      'schema_version',
      'record_kind',
      'ts',
      'trade_date',
      'scan_count',
      'run_id',
      'source',
      'mode',
      'vix',
      'underlyings',
      'entries_proposed',
      'exits_proposed',
      'errors',
      'circuit_breaker',
      'duration_ms',
    ]);
    expect(r.vix).toBe(17.42);
    expect(r.underlyings).toEqual({ SPY: { price: 512.34 }, SPX: { price: 5123.46 } });
    expect(r.entries_proposed[0]).toEqual({
      scenario: 'LT_RC',
      underlying: 'SPY',
      option_type: 'put',
      expiry: '2026-05-15',
      short_strike: 495,
      long_strike: 490,
      quantity: 3,
      credit: 1.52,
      short_delta: -0.2513,
      status: 'precheck_rejected',
      reason: 'token_missing',
      intent_id: 'LT_RC:2026-04-10:SPY:20260515:495:490:open:1',
    });
    expect(r.exits_proposed[0]).toMatchObject({
      debit: 0.61,
      close_reason: 'profit_target',
      status: 'paper_filled',
    });
    expect(r.errors).toEqual([
      {
        source: 'polygon',
        code: 'rate_limited',
        message: '[GET] /v3/snapshot/options/IWM: 429',
        underlying: 'IWM',
      },
    ]);
    expect(r.duration_ms).toBe(412);
    expect(r.circuit_breaker).toEqual({ global: 'ok', scenarios: { LT_RC: 'ok', WFT_C: 'warn' } });
  });

  it('maps summaries to the comparison record', () => {
    expect(toComparisonRecord(outcome)).toEqual({
      schema_version: 1,
      record_kind: 'comparison',
      ts: '2026-04-10T14:30:45.123Z',
      trade_date: '2026-04-10',
      batch: 17,
      scan_count: 17,
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
    });
  });
});
