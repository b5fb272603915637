import { SaxoError } from '../errors.js';

export type OptionAssetType = 'StockOption' | 'StockIndexOption';

/** Roots of cash-settled index options (Saxo `StockIndexOption`); every other root is a `StockOption`. */
export const INDEX_OPTION_ROOTS: ReadonlySet<string> = new Set([
  'SPX',
  'SPXW',
  'XSP',
  'NDX',
  'NDXP',
  'RUT',
  'RUTW',
  'VIX',
  'VIXW',
  'DJX',
]);

/** Domain underlying of an option root where they differ (SPXW options are on SPX). */
export const DEFAULT_ROOT_UNDERLYINGS: Readonly<Record<string, string>> = {
  SPXW: 'SPX',
  NDXP: 'NDX',
  RUTW: 'RUT',
  VIXW: 'VIX',
};

export function assetTypeForRoot(root: string): OptionAssetType {
  return INDEX_OPTION_ROOTS.has(root) ? 'StockIndexOption' : 'StockOption';
}

const OCC = /^O:([A-Z0-9.]{1,6})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;

export interface OccContract {
  root: string;
  expiry: string;
  putCall: 'Put' | 'Call';
  strike: number;
}

/** Parses `O:SPY260515P00495000`; null when the ticker is not in OCC form. */
export function parseOccTicker(ticker: string): OccContract | null {
  const m = OCC.exec(ticker);
  if (!m) return null;
  const [, root, yy, mm, dd, pc, strike] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    root,
    expiry: `20${yy}-${mm}-${dd}`,
    putCall: pc === 'P' ? 'Put' : 'Call',
    strike: Number(strike) / 1000,
  };
}

/** `O:SPY260515P00495000` from its parts. */
export function formatOccTicker(
  root: string,
  expiry: string,
  putCall: 'Put' | 'Call',
  strike: number,
): string {
  const [y, m, d] = expiry.split('-');
  const strikeMilli = Math.round(strike * 1000);
  return `O:${root}${(y ?? '').slice(2)}${m}${d}${putCall === 'Put' ? 'P' : 'C'}${String(strikeMilli).padStart(8, '0')}`;
}

/** OCC root of a spread: from its tickers when they are OCC, else the underlying itself. */
export function rootOfSpread(spread: {
  underlying: string;
  shortTicker: string;
  longTicker: string;
}): string {
  const short = parseOccTicker(spread.shortTicker);
  const long = parseOccTicker(spread.longTicker);
  if (short && long && short.root !== long.root) {
    throw new SaxoError({
      kind: 'invalid_input',
      message: `spread: short leg root ${short.root} differs from long leg root ${long.root}`,
    });
  }
  return short?.root ?? long?.root ?? spread.underlying;
}

export const isIsoDate = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
