/**
 * Polygon/Massive snapshot payloads (options chain page, universal snapshot, indices snapshot) in
 * the vendor's JSON shape, and mutations of them: missing and extra fields, wrong types, NaN-ish
 * strings, out-of-range JSON numbers, nulls and nested garbage.
 */
import fc from 'fast-check';
import { formatPath, nodesOf, type Seg, withNode } from './scenario-yaml.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export type PayloadKind = 'chain' | 'universal' | 'indices';

/** Nanosecond vendor timestamps around 2026-04-10 (above 2^53: JSON.parse rounds them, as upstream). */
const nanos = fc.integer({ min: 1_775_800_000, max: 1_775_900_000 }).map((s) => s * 1e9);
const price = (lo: number, hi: number) => fc.integer({ min: lo * 100, max: hi * 100 }).map((c) => c / 100);

const optionResult = fc
  .record({
    root: fc.constantFrom('SPY', 'QQQ', 'SPXW'),
    expiry: fc.constantFrom('2026-05-15', '2026-06-19', '2026-04-24'),
    type: fc.constantFrom('put', 'call'),
    strike: fc.integer({ min: 100, max: 6000 }),
    bid: price(0, 30),
    spread: price(0, 1),
    updated: nanos,
    delta: fc.integer({ min: -9999, max: 9999 }).map((d) => d / 10000),
    iv: fc.integer({ min: 1, max: 3000 }).map((v) => v / 10000),
    oi: fc.integer({ min: 0, max: 200_000 }),
    withGreeks: fc.boolean(),
  })
  .map((o): Obj => {
    const ymd = o.expiry.slice(2).replaceAll('-', '');
    const ticker = `O:${o.root}${ymd}${o.type === 'put' ? 'P' : 'C'}${String(o.strike * 1000).padStart(8, '0')}`;
    const out: Obj = {
      break_even_price: o.strike - o.bid,
      day: {},
      details: {
        contract_type: o.type,
        exercise_style: 'american',
        expiration_date: o.expiry,
        shares_per_contract: 100,
        strike_price: o.strike,
        ticker,
      },
      implied_volatility: o.iv,
      last_quote: {
        ask: Math.round((o.bid + o.spread) * 100) / 100,
        ask_size: 41,
        bid: o.bid,
        bid_size: 118,
        midpoint: o.bid,
        last_updated: o.updated,
        timeframe: 'REAL-TIME',
      },
      open_interest: o.oi,
      underlying_asset: {
        ticker: o.root === 'SPXW' ? 'I:SPX' : o.root,
        price: 541.87,
        timeframe: 'REAL-TIME',
      },
    };
    if (o.withGreeks) out.greeks = { delta: o.delta, gamma: 0.0112, theta: -0.1841, vega: 0.4876 };
    return out;
  });

const chainPage = fc
  .record({ results: fc.array(optionResult, { minLength: 1, maxLength: 4 }), next: fc.boolean() })
  .map(
    ({ results, next }): Obj => ({
      status: 'OK',
      request_id: '6a7e466379af0a71039d60cc78e72282',
      ...(next
        ? { next_url: 'https://api.massive.com/v3/snapshot/options/SPY?cursor=YXA9TyUzQVNQWTI2MDYxOVA' }
        : {}),
      results,
    }),
  );

const stockItem = fc.record({ px: price(50, 700), updated: nanos, tradeFirst: fc.boolean() }).map(
  ({ px, updated, tradeFirst }): Obj => ({
    ticker: 'SPY',
    type: 'stocks',
    name: 'SPDR S&P 500 ETF Trust',
    market_status: 'open',
    last_quote: { ask: px + 0.01, ask_size: 5, bid: px - 0.01, bid_size: 3, last_updated: updated },
    ...(tradeFirst
      ? { last_trade: { id: '4064', price: px, size: 100, exchange: 4, last_updated: updated } }
      : {}),
    session: {
      price: px,
      change: 1.92,
      open: px - 1,
      high: px + 1,
      low: px - 2,
      close: px,
      previous_close: px - 1,
    },
  }),
);
const indexItem = (ticker: string) =>
  fc.record({ value: price(5, 7000), updated: nanos }).map(
    ({ value, updated }): Obj => ({
      ticker,
      type: 'indices',
      name: ticker,
      value,
      market_status: 'regular_trading',
      last_updated: updated,
      session: {
        change: 0.61,
        close: value,
        high: value + 1,
        low: value - 1,
        open: value,
        previous_close: value,
      },
    }),
  );
const errorItem = fc
  .tuple(fc.constantFrom('APx', 'ZZZZ'), fc.constantFrom('NOT_FOUND', 'NOT_ENTITLED'))
  .map(([ticker, error]): Obj => ({ ticker, error, message: 'Ticker not found.' }));
const optionItem = optionResult.map((o): Obj => {
  const details = o.details as Obj;
  const { details: _d, ...rest } = o;
  return {
    ...rest,
    ticker: details.ticker as string,
    type: 'options',
    name: 'option',
    details: { ...details },
  };
});

const universal = fc
  .tuple(stockItem, indexItem('I:SPX'), optionItem, errorItem)
  .map((items): Obj => ({ status: 'OK', request_id: 'abc123', results: items }));
const indices = fc
  .tuple(indexItem('I:VIX'), errorItem)
  .map((items): Obj => ({ status: 'OK', request_id: '6a7e4663', results: items }));

export const basePayload = (kind: PayloadKind): fc.Arbitrary<Obj> =>
  kind === 'chain' ? chainPage : kind === 'universal' ? universal : indices;

/** Field names the parsers read: an "extra" field must be none of these. */
const READ_FIELDS = new Set([
  'results',
  'next_url',
  'details',
  'ticker',
  'contract_type',
  'expiration_date',
  'strike_price',
  'last_quote',
  'bid',
  'ask',
  'last_updated',
  'greeks',
  'delta',
  'implied_volatility',
  'open_interest',
  'type',
  'error',
  'message',
  'value',
  'last_trade',
  'price',
  'sip_timestamp',
  'session',
  'close',
  'underlying_asset',
]);

/** Chain fields read on every contract: a wrong type there can only be schema drift. */
const ALWAYS_READ =
  /^results\[\d+\]\.(details\.(ticker|contract_type|expiration_date|strike_price)|last_quote\.(bid|ask|last_updated)|greeks\.delta|implied_volatility|open_interest)$/;

export type Mutation =
  | {
      op: 'delete' | 'null' | 'wrong_type' | 'nan_string' | 'json_number' | 'garbage';
      path: Seg[];
      value?: Json;
      text?: string;
    }
  | { op: 'extra_field'; path: Seg[]; key: string; value: Json };

export interface PayloadCase {
  kind: PayloadKind;
  base: Obj;
  json: string;
  mutation: Mutation;
  /** The only field path an error may name (the mutated node, inside it or around it). */
  at: string;
  /** Schema drift is the only acceptable answer. */
  mustFail: boolean;
  /** Parsing must give exactly the unmutated payload's result. */
  sameAsBase: boolean;
}

const NAN_STRINGS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '',
  ' ',
  '0x10',
  '1,234.5',
  'null',
  'undefined',
  '5.',
];
const JSON_NUMBERS = ['1e999', '-1e999', '-0', '1e-400', '123456789012345678901234567890', '0.1e1'];
const SLOT = '"__NUMBER_SLOT__"';

function wrongTypeValue(v: Json): fc.Arbitrary<Json> {
  const options: fc.Arbitrary<Json>[] = [fc.constant([]), fc.constant({ x: 1 }), fc.constant(true)];
  if (typeof v !== 'string') options.push(fc.constantFrom('1', 'abc'));
  if (typeof v !== 'number') options.push(fc.constantFrom(0, 1, -1, 2.5));
  return fc.oneof(...options);
}

export function payloadCase(kind: PayloadKind): fc.Arbitrary<PayloadCase> {
  return basePayload(kind)
    .chain((base) => {
      const nodes = nodesOf(base).filter((n) => n.path.length > 0);
      const objects = nodesOf(base).filter(
        (n) => typeof n.value === 'object' && n.value !== null && !Array.isArray(n.value),
      );
      const keyed = nodes.filter((n) => typeof n.path[n.path.length - 1] === 'string');
      const mutation: fc.Arbitrary<Mutation> = fc.oneof(
        fc.constantFrom(...keyed).map((n): Mutation => ({ op: 'delete', path: n.path })),
        fc.constantFrom(...nodes).map((n): Mutation => ({ op: 'null', path: n.path, value: null })),
        fc
          .constantFrom(...nodes)
          .chain((n) =>
            wrongTypeValue(n.value).map((value): Mutation => ({ op: 'wrong_type', path: n.path, value })),
          ),
        fc
          .tuple(fc.constantFrom(...nodes), fc.constantFrom(...NAN_STRINGS))
          .map(([n, value]): Mutation => ({ op: 'nan_string', path: n.path, value })),
        fc
          .tuple(fc.constantFrom(...nodes), fc.constantFrom(...JSON_NUMBERS))
          .map(([n, text]): Mutation => ({ op: 'json_number', path: n.path, text })),
        fc
          .tuple(fc.constantFrom(...nodes), fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>)
          .map(([n, value]): Mutation => ({ op: 'garbage', path: n.path, value })),
        fc
          .tuple(
            fc.constantFrom(...objects),
            fc.stringMatching(/^[a-z_]{1,12}$/).filter((k) => !READ_FIELDS.has(k)),
            fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
          )
          .map(([n, key, value]): Mutation => ({ op: 'extra_field', path: n.path, key, value })),
      );
      return mutation.map((m): PayloadCase => {
        let json: string;
        if (m.op === 'extra_field') {
          json = JSON.stringify(withNode(base, [...m.path, m.key], m.value));
        } else if (m.op === 'delete') {
          json = JSON.stringify(withNode(base, m.path, undefined));
        } else if (m.op === 'json_number') {
          json = JSON.stringify(withNode(base, m.path, SLOT.slice(1, -1))).replace(SLOT, m.text ?? '0');
        } else {
          json = JSON.stringify(withNode(base, m.path, m.value ?? null));
        }
        const at = formatPath(m.op === 'extra_field' ? m.path : m.path);
        const stringField = /\.(ticker|contract_type|expiration_date)$/.test(at);
        const mustFail =
          kind === 'chain' &&
          ALWAYS_READ.test(at) &&
          (m.op === 'wrong_type' ||
            m.op === 'nan_string' ||
            (m.op === 'json_number' && (stringField || m.text === '1e999' || m.text === '-1e999')));
        return {
          kind,
          base,
          json,
          mutation: m,
          at: m.op === 'extra_field' ? formatPath([...m.path, m.key]) : at,
          mustFail,
          sameAsBase: m.op === 'extra_field',
        };
      });
    })
    .map((c) =>
      Object.assign(c, {
        [fc.toStringMethod]: () =>
          JSON.stringify({ kind: c.kind, mutation: c.mutation, at: c.at, json: c.json.slice(0, 2000) }),
      }),
    );
}

/** Where a drift message says the problem is: `[GET] /path: schema drift at FIELD: expected …, got …`. */
export const DRIFT = /^\[GET\] (\S+): schema drift at (\S+): expected (.+), got (.+)$/s;
