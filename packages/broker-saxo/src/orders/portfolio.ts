import type { SpreadLegs } from '@aegis/strategy-core';
import { DEFAULT_ROOT_UNDERLYINGS, formatOccTicker } from '../instruments/contracts.js';
import type { ResolvedOption } from '../instruments/resolver.js';
import type { SpreadSide } from './body.js';
import type { OrderRow, PositionRow } from './portfolio-schemas.js';

/** One option position leg as the broker reports it. */
export interface BrokerLeg {
  uic: number;
  root: string | null;
  underlying: string | null;
  expiry: string | null;
  putCall: 'Put' | 'Call' | null;
  strike: number | null;
  /** Signed contracts: negative is short. */
  amount: number;
  openPrice: number | null;
  externalReference: string | null;
  sourceOrderId: string | null;
}

/** A bull put spread reconstructed from broker positions. */
export interface BrokerSpread extends SpreadLegs {
  quantity: number;
  externalReference: string | null;
  shortUic: number;
  longUic: number;
  /** Net credit per share from the legs' open prices; null when a leg has none. */
  openCredit: number | null;
}

export interface BrokerPositions {
  spreads: BrokerSpread[];
  /** Option legs that do not pair into a bull put spread, and any non-put or unmapped leg. */
  unpaired: BrokerLeg[];
}

/** A working multi-leg order mapped to the domain. */
export interface BrokerOpenOrder {
  orderId: string;
  externalReference: string | null;
  side: SpreadSide | null;
  /** Null when the legs do not form a bull put spread (then see `legs`). */
  spread: SpreadLegs | null;
  quantity: number;
  limitPrice: number | null;
  status: string | null;
  legs: BrokerLeg[];
}

type Lookup = (uic: number) => ResolvedOption | undefined;

const underlyingOf = (root: string, overrides: Readonly<Record<string, string>>): string =>
  overrides[root] ?? DEFAULT_ROOT_UNDERLYINGS[root] ?? root;

/** `SPY/31H26C690:xcbf` → `SPY`. */
const rootFromSymbol = (symbol: string | undefined): string | null => {
  const root = symbol?.split('/')[0]?.split(':')[0]?.trim();
  return root ? root.toUpperCase() : null;
};

function legFrom(
  uic: number,
  amount: number,
  options:
    | { PutCall?: 'Put' | 'Call' | undefined; Strike?: number | undefined; ExpiryDate?: string | undefined }
    | undefined,
  symbol: string | undefined,
  extra: { openPrice: number | null; externalReference: string | null; sourceOrderId: string | null },
  lookup: Lookup,
  rootUnderlyings: Readonly<Record<string, string>>,
): BrokerLeg {
  const known = lookup(uic);
  const root = rootFromSymbol(symbol) ?? known?.root ?? null;
  return {
    uic,
    root,
    underlying: root ? underlyingOf(root, rootUnderlyings) : null,
    expiry: options?.ExpiryDate?.slice(0, 10) ?? known?.expiry ?? null,
    putCall: options?.PutCall ?? known?.putCall ?? null,
    strike: options?.Strike ?? known?.strike ?? null,
    amount,
    ...extra,
  };
}

export function parsePositionLeg(
  row: PositionRow,
  lookup: Lookup,
  rootUnderlyings: Readonly<Record<string, string>>,
): BrokerLeg {
  const base = row.PositionBase;
  return legFrom(
    base.Uic,
    base.Amount,
    base.OptionsData ?? (base.ExpiryDate ? { ExpiryDate: base.ExpiryDate } : undefined),
    row.DisplayAndFormat?.Symbol,
    {
      openPrice: base.OpenPrice ?? null,
      externalReference: base.ExternalReference ?? null,
      sourceOrderId: base.SourceOrderId ?? null,
    },
    lookup,
    rootUnderlyings,
  );
}

export function parseOrderLeg(
  row: OrderRow,
  lookup: Lookup,
  rootUnderlyings: Readonly<Record<string, string>>,
): BrokerLeg {
  return legFrom(
    row.Uic,
    row.BuySell === 'Sell' ? -row.Amount : row.Amount,
    row.OptionsData,
    row.DisplayAndFormat?.Symbol,
    { openPrice: null, externalReference: row.ExternalReference ?? null, sourceOrderId: row.OrderId },
    lookup,
    rootUnderlyings,
  );
}

const isPutLeg = (leg: BrokerLeg): boolean =>
  leg.putCall === 'Put' && leg.root !== null && leg.expiry !== null && leg.strike !== null;

function toSpread(
  short: BrokerLeg,
  long: BrokerLeg,
  quantity: number,
  externalReference: string | null,
): BrokerSpread {
  const root = short.root as string;
  const expiry = short.expiry as string;
  const shortStrike = short.strike as number;
  const longStrike = long.strike as number;
  return {
    underlying: short.underlying as string,
    optionType: 'put',
    expiry,
    shortStrike,
    longStrike,
    shortTicker: formatOccTicker(root, expiry, 'Put', shortStrike),
    longTicker: formatOccTicker(root, expiry, 'Put', longStrike),
    quantity,
    externalReference,
    shortUic: short.uic,
    longUic: long.uic,
    openCredit:
      short.openPrice !== null && long.openPrice !== null
        ? Math.round((short.openPrice - long.openPrice) * 100) / 100
        : null,
  };
}

/**
 * Pairs position legs into bull put spreads. Legs sharing an external reference pair first (one
 * short and one long put, same root and expiry, equal size, long strike below short). The rest is
 * netted per Uic and paired greedily per root and expiry: each short put, highest strike first,
 * takes the nearest lower-strike long put. Whatever is left is reported in `unpaired`.
 */
export function pairPositions(legs: readonly BrokerLeg[]): BrokerPositions {
  const spreads: BrokerSpread[] = [];
  const pool: BrokerLeg[] = [];
  const byRef = new Map<string, BrokerLeg[]>();
  for (const leg of legs) {
    if (leg.externalReference !== null && isPutLeg(leg)) {
      const group = byRef.get(leg.externalReference) ?? [];
      group.push(leg);
      byRef.set(leg.externalReference, group);
    } else {
      pool.push(leg);
    }
  }
  for (const [ref, group] of byRef) {
    const shorts = group.filter((l) => l.amount < 0);
    const longs = group.filter((l) => l.amount > 0);
    const short = shorts[0];
    const long = longs[0];
    if (
      group.length === 2 &&
      short &&
      long &&
      short.root === long.root &&
      short.expiry === long.expiry &&
      -short.amount === long.amount &&
      (long.strike as number) < (short.strike as number)
    ) {
      spreads.push(toSpread(short, long, long.amount, ref));
    } else {
      pool.push(...group);
    }
  }

  // Net the remaining legs per Uic (FIFO netting can report several rows per contract).
  const netted = new Map<number, BrokerLeg>();
  const unpaired: BrokerLeg[] = [];
  for (const leg of pool) {
    if (!isPutLeg(leg)) {
      unpaired.push(leg);
      continue;
    }
    const prior = netted.get(leg.uic);
    netted.set(
      leg.uic,
      prior ? { ...prior, amount: prior.amount + leg.amount, externalReference: null } : { ...leg },
    );
  }
  const groups = new Map<string, BrokerLeg[]>();
  for (const leg of netted.values()) {
    if (leg.amount === 0) continue;
    const key = `${leg.root}|${leg.expiry}`;
    groups.set(key, [...(groups.get(key) ?? []), leg]);
  }
  for (const group of groups.values()) {
    const shorts = group
      .filter((l) => l.amount < 0)
      .sort((a, b) => (b.strike as number) - (a.strike as number));
    const longs = group
      .filter((l) => l.amount > 0)
      .sort((a, b) => (b.strike as number) - (a.strike as number));
    for (const short of shorts) {
      for (const long of longs) {
        if (short.amount === 0) break;
        if (long.amount === 0 || (long.strike as number) >= (short.strike as number)) continue;
        const quantity = Math.min(-short.amount, long.amount);
        spreads.push(toSpread(short, long, quantity, short.externalReference ?? long.externalReference));
        short.amount += quantity;
        long.amount -= quantity;
      }
    }
    for (const leg of group) if (leg.amount !== 0) unpaired.push(leg);
  }
  return { spreads, unpaired };
}

/** Groups order rows (one per leg) into multi-leg orders and maps each to a spread when it is one. */
export function groupOpenOrders(
  rows: readonly OrderRow[],
  lookup: Lookup,
  rootUnderlyings: Readonly<Record<string, string>>,
): BrokerOpenOrder[] {
  const groups = new Map<string, OrderRow[]>();
  for (const row of rows) {
    const id = row.MultiLegOrderDetails?.MultiLegOrderId ?? row.OrderId;
    groups.set(id, [...(groups.get(id) ?? []), row]);
  }
  const orders: BrokerOpenOrder[] = [];
  for (const [orderId, group] of groups) {
    const legs = group.map((row) => parseOrderLeg(row, lookup, rootUnderlyings));
    const head = group[0] as OrderRow;
    const toOpenClose = head.ToOpenClose;
    const side: SpreadSide | null =
      toOpenClose === 'ToOpen' ? 'open' : toOpenClose === 'ToClose' ? 'close' : null;
    let spread: SpreadLegs | null = null;
    let quantity = Math.abs(head.MultiLegOrderDetails?.Amount ?? head.Amount);
    const [a, b] = legs;
    if (
      legs.length === 2 &&
      a &&
      b &&
      isPutLeg(a) &&
      isPutLeg(b) &&
      a.root === b.root &&
      a.expiry === b.expiry
    ) {
      const [high, low] = (a.strike as number) > (b.strike as number) ? [a, b] : [b, a];
      // Open: the higher strike is sold; close: it is bought back.
      const consistent =
        side === 'open'
          ? high.amount < 0 && low.amount > 0
          : side === 'close' && high.amount > 0 && low.amount < 0;
      if (consistent && Math.abs(high.amount) === Math.abs(low.amount)) {
        const base = toSpread(high, low, Math.abs(high.amount), null);
        spread = {
          underlying: base.underlying,
          optionType: 'put',
          expiry: base.expiry,
          shortStrike: base.shortStrike,
          longStrike: base.longStrike,
          shortTicker: base.shortTicker,
          longTicker: base.longTicker,
        };
        quantity = Math.abs(high.amount);
      }
    }
    orders.push({
      orderId,
      externalReference: head.ExternalReference ?? null,
      side,
      spread,
      quantity,
      limitPrice: head.MultiLegOrderDetails?.Price ?? head.Price ?? null,
      status: head.Status ?? null,
      legs,
    });
  }
  return orders;
}
