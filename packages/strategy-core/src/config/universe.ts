import type { UniverseEntry } from './schema.js';

/**
 * Cash-settled indices whose vendor ticker carries the `I:` prefix and whose traded options use a
 * PM-settled root: the defaults when a universe entry does not say.
 */
const INDEX_DEFAULTS: Readonly<Record<string, { vendorTicker: string; optionRoots: readonly string[] }>> = {
  SPX: { vendorTicker: 'I:SPX', optionRoots: ['SPXW'] },
  NDX: { vendorTicker: 'I:NDX', optionRoots: ['NDXP'] },
  RUT: { vendorTicker: 'I:RUT', optionRoots: ['RUTW'] },
  XSP: { vendorTicker: 'I:XSP', optionRoots: ['XSP'] },
};

type TickerFields = Pick<UniverseEntry, 'underlying' | 'vendor_ticker' | 'option_roots'>;

/** Vendor ticker of the underlying: `vendor_ticker`, else `I:SPX` for known indices, else the symbol. */
export function vendorTickerOf(entry: TickerFields): string {
  return entry.vendor_ticker ?? INDEX_DEFAULTS[entry.underlying]?.vendorTicker ?? entry.underlying;
}

/** OCC roots to trade: `option_roots`, else `[SPXW]` for SPX (and the like), else `[underlying]`. */
export function optionRootsOf(entry: TickerFields): string[] {
  return [...(entry.option_roots ?? INDEX_DEFAULTS[entry.underlying]?.optionRoots ?? [entry.underlying])];
}
