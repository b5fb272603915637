import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioConfig } from '../node/index.js';
import { shippedLikeScenarios } from '../testing/index.js';
import type { ResolvedScenario } from './schema.js';
import { optionRootsOf, vendorTickerOf } from './universe.js';

const scenariosDir = fileURLToPath(new URL('../../../../configs/scenarios/', import.meta.url));

/** Every leaf path where two plain-JSON values differ (arrays compared whole). */
function diffPaths(a: unknown, b: unknown, path = ''): string[] {
  const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isMap(a) && isMap(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffPaths(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

/** What a variant is about: everything but its identity. */
const strategyOf = ({ id, role, description, priority, origin, ...rest }: ResolvedScenario) => rest;

describe('shipped scenario configs', () => {
  const files = readdirSync(scenariosDir).filter((f) => f.endsWith('.yaml'));

  it('ships lt_rc.yaml and lt_wft.yaml', () => {
    expect(files).toEqual(expect.arrayContaining(['lt_rc.yaml', 'lt_wft.yaml']));
  });

  for (const file of files) {
    it(`${file} loads`, () => {
      const run = loadScenarioConfig(`${scenariosDir}${file}`);
      expect(run.scenarios.length).toBeGreaterThan(0);
    });
  }

  it('lt_rc.yaml is the SPEC 3.1 scenario', () => {
    const run = loadScenarioConfig(`${scenariosDir}lt_rc.yaml`);
    expect(run.mode).toBe('single');
    const [lt] = run.scenarios;
    expect(strategyOf(lt!)).toEqual({
      schema_version: 1,
      capital: { starting_equity: 100000 },
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
    });
    expect(lt).toMatchObject({ id: 'LT_RC', role: 'live_capable' });
  });

  describe('lt_wft.yaml', () => {
    const run = loadScenarioConfig(`${scenariosDir}lt_wft.yaml`);
    const byId = new Map(run.scenarios.map((s) => [s.id, s]));
    const lt = byId.get('LT_RC')!;

    it('holds the 11 scenarios in run order with their roles', () => {
      expect(run).toMatchObject({
        mode: 'multi',
        scanIntervalSec: 45,
        comparisonEveryBatches: 20,
        calendar: { extra_closures: [], extra_early_closes: [] },
        globalBreaker: { max_consecutive_failed_scans: 3 },
      });
      expect(run.scenarios.map((s) => s.id)).toEqual([
        'LT_RC',
        'WFT_A',
        'WFT_B',
        'WFT_C',
        'WFT_D',
        'WFT_E',
        'WFT_F',
        'WFT_G',
        'WFT_H',
        'WFT_I',
        'PT_XW',
      ]);
      expect(run.scenarios.map((s) => s.role)).toEqual(['live_capable', ...Array(10).fill('paper')]);
      expect(lt.priority).toBe(1);
    });

    const variants: [string, Record<string, unknown>][] = [
      [
        'WFT_A',
        {
          'entry.short_delta': { min: 0.12, max: 0.2, target: 0.16 },
          'entry.min_credit.fraction_of_width': 0.2,
        },
      ],
      [
        'WFT_B',
        {
          'entry.short_delta': { min: 0.25, max: 0.35, target: 0.3 },
          'entry.min_credit.fraction_of_width': 1 / 3,
        },
      ],
      ['WFT_C', { 'entry.dte': { min: 21, max: 30 } }],
      ['WFT_D', { 'entry.dte': { min: 45, max: 60 } }],
      ['WFT_E', { 'exit.profit_target_fraction': 0.65 }],
      ['WFT_F', { 'exit.profit_target_fraction': 0.35 }],
      ['WFT_G', { 'exit.stop_loss_multiple': 1 }],
      ['WFT_H', { 'exit.stop_loss_multiple': null }],
      ['WFT_I', { 'exit.dte_exit': null }],
    ];
    const get = (s: unknown, path: string) =>
      path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], s);

    for (const [id, change] of variants) {
      it(`${id} changes exactly one factor of LT_RC`, () => {
        const variant = byId.get(id)!;
        const changed = diffPaths(strategyOf(lt), strategyOf(variant));
        const factors = Object.keys(change);
        // Every difference lies under the factor's keys, and every factor key differs.
        for (const path of changed)
          expect(
            factors.some((f) => path === f || path.startsWith(`${f}.`)),
            path,
          ).toBe(true);
        for (const [path, value] of Object.entries(change)) {
          if (value !== null && typeof value === 'object') expect(get(variant, path)).toMatchObject(value);
          else if (typeof value === 'number') expect(get(variant, path)).toBeCloseTo(value, 9);
          else expect(get(variant, path)).toBe(value);
        }
      });
    }

    it('WFT_C and WFT_D target a DTE inside their window', () => {
      for (const id of ['WFT_C', 'WFT_D']) {
        const { min, max, target } = byId.get(id)!.entry.dte;
        expect(target).toBeGreaterThanOrEqual(min);
        expect(target).toBeLessThanOrEqual(max);
      }
    });

    it('PT_XW adds SPX and trades the ETFs at double width, nothing else changed', () => {
      const xw = byId.get('PT_XW')!;
      expect(diffPaths(strategyOf(lt), strategyOf(xw))).toEqual(['universe']);
      expect(xw.universe.map((u) => u.underlying)).toEqual(['SPY', 'QQQ', 'IWM', 'SPX']);
      for (const base of lt.universe) {
        const wide = xw.universe.find((u) => u.underlying === base.underlying)!;
        expect(wide).toEqual({ ...base, width: base.width * 2 });
      }
      const spx = xw.universe[3]!;
      expect(spx).toEqual({
        underlying: 'SPX',
        vendor_ticker: 'I:SPX',
        option_roots: ['SPXW'],
        width: 25,
        tick: 0.05,
        dividend_yield: 0.013,
      });
      expect(vendorTickerOf(spx)).toBe('I:SPX');
      expect(optionRootsOf(spx)).toEqual(['SPXW']);
    });

    it('is what shippedLikeScenarios() builds in code, value for value and in run order', () => {
      const inCode = shippedLikeScenarios();
      expect(inCode.map((s) => [s.id, s.role, s.priority])).toEqual(
        run.scenarios.map((s) => [s.id, s.role, s.priority]),
      );
      expect(inCode.map(strategyOf)).toEqual(run.scenarios.map(strategyOf));
    });

    it('covers SPY, QQQ, IWM and SPX across the run', () => {
      const union = new Set(run.scenarios.flatMap((s) => s.universe.map((u) => u.underlying)));
      expect([...union].sort()).toEqual(['IWM', 'QQQ', 'SPX', 'SPY']);
    });
  });
});
