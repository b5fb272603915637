import { SaxoError } from '../errors.js';
import type { Http } from '../http/transport.js';
import { parseVenue } from '../parse.js';
import type { Logger, NowMs } from '../ports.js';
import { assetTypeForRoot, isIsoDate, type OptionAssetType } from './contracts.js';
import {
  type ContractOption,
  ContractOptionSpaceSchema,
  InstrumentSearchResponseSchema,
  type InstrumentSummary,
} from './schemas.js';

export interface OptionRoot {
  root: string;
  optionRootId: number;
  assetType: OptionAssetType;
  symbol: string | null;
}

export interface OptionContractRef {
  root: string;
  expiry: string;
  putCall: 'Put' | 'Call';
  strike: number;
}

export interface ResolvedOption extends OptionContractRef {
  uic: number;
  assetType: OptionAssetType;
  tradingStatus: string | null;
}

export interface InstrumentResolver {
  findRoot(root: string): Promise<OptionRoot>;
  resolveOption(ref: OptionContractRef): Promise<ResolvedOption>;
  /** A contract resolved earlier in this process, by Uic. */
  lookupUic(uic: number): ResolvedOption | undefined;
}

interface SpaceCache {
  assetType: OptionAssetType;
  byKey: Map<string, ContractOption>;
  fetchedAtMs: number;
}

const optionKey = (putCall: string, strike: number): string => `${putCall}:${Math.round(strike * 1000)}`;

export function createInstrumentResolver(options: {
  http: Http;
  logger: Logger;
  now: NowMs;
  /** Known option root ids (e.g. `{ SPXW: 128 }`) that skip the search. */
  optionRootIds?: Readonly<Record<string, number>>;
  /** A strike missing from a cached option space triggers a re-fetch when the cache is older than this (default 60 s). */
  refetchAfterMs?: number;
}): InstrumentResolver {
  const { http, logger, now } = options;
  const refetchAfterMs = options.refetchAfterMs ?? 60_000;
  const roots = new Map<string, Promise<OptionRoot>>();
  // Promises, so the two legs of one spread share a single fetch.
  const spaces = new Map<string, Promise<SpaceCache>>();
  const byUic = new Map<number, ResolvedOption>();

  async function searchRoot(root: string): Promise<OptionRoot> {
    const assetType = assetTypeForRoot(root);
    const known = options.optionRootIds?.[root];
    if (known !== undefined) return { root, optionRootId: known, assetType, symbol: null };
    const path = '/ref/v1/instruments';
    const { body } = await http.call({
      method: 'GET',
      path,
      query: { Keywords: root, AssetTypes: assetType, IncludeNonTradable: false, $top: 50 },
      callClass: 'read',
    });
    const data = parseVenue(InstrumentSearchResponseSchema, body, 'GET', path).Data;
    const pick = pickRoot(root, assetType, data);
    if (!pick) {
      throw new SaxoError({
        kind: 'instrument_not_found',
        message: `option root ${root}: no ${assetType} ContractOptionRoot found by search`,
      });
    }
    logger.info({ root, optionRootId: pick.Identifier, symbol: pick.Symbol }, 'option root resolved');
    return { root, optionRootId: pick.Identifier, assetType, symbol: pick.Symbol ?? null };
  }

  function findRoot(root: string): Promise<OptionRoot> {
    let found = roots.get(root);
    if (!found) {
      found = searchRoot(root);
      roots.set(root, found);
      // A failed search is not cached, so the next call retries it.
      found.catch(() => roots.delete(root));
    }
    return found;
  }

  async function loadSpace(root: OptionRoot, expiry: string): Promise<SpaceCache> {
    const path = `/ref/v1/instruments/contractoptionspaces/${root.optionRootId}`;
    const { body } = await http.call({
      method: 'GET',
      path,
      query: { OptionSpaceSegment: 'SpecificDates', ExpiryDates: expiry },
      callClass: 'read',
    });
    const space = parseVenue(ContractOptionSpaceSchema, body, 'GET', path);
    if (space.CanParticipateInMultiLegOrder === false) {
      throw new SaxoError({
        kind: 'instrument_not_tradable',
        message: `option root ${root.root} (${root.optionRootId}) cannot take part in multi-leg orders`,
      });
    }
    // The expiry filter is not applied to the list by every server: match `Expiry`, never `DisplayExpiry`.
    const entry = space.OptionSpace.find((e) => e.Expiry.slice(0, 10) === expiry && e.SpecificOptions);
    const byKey = new Map<string, ContractOption>();
    for (const option of entry?.SpecificOptions ?? [])
      byKey.set(optionKey(option.PutCall, option.StrikePrice), option);
    const assetType = space.AssetType === 'StockIndexOption' ? 'StockIndexOption' : 'StockOption';
    const cache = { assetType, byKey, fetchedAtMs: now() } satisfies SpaceCache;
    logger.debug({ root: root.root, expiry, contracts: byKey.size }, 'option space loaded');
    return cache;
  }

  async function resolveOption(ref: OptionContractRef): Promise<ResolvedOption> {
    if (!isIsoDate(ref.expiry)) {
      throw new SaxoError({
        kind: 'invalid_input',
        message: `expiry: expected YYYY-MM-DD, got ${ref.expiry}`,
      });
    }
    if (!Number.isFinite(ref.strike) || ref.strike <= 0) {
      throw new SaxoError({
        kind: 'invalid_input',
        message: `strike: expected a positive number, got ${ref.strike}`,
      });
    }
    const root = await findRoot(ref.root);
    const key = optionKey(ref.putCall, ref.strike);
    const cacheKey = `${ref.root}|${ref.expiry}`;
    const pending = spaces.get(cacheKey);
    let space = pending ? await pending.catch(() => undefined) : undefined;
    if (!space || (!space.byKey.has(key) && now() - space.fetchedAtMs >= refetchAfterMs)) {
      // Another caller may have started the re-fetch meanwhile.
      const current = spaces.get(cacheKey);
      const fetching = current !== pending && current ? current : loadSpace(root, ref.expiry);
      if (fetching !== current) {
        spaces.set(cacheKey, fetching);
        fetching.catch(() => {
          if (spaces.get(cacheKey) === fetching) spaces.delete(cacheKey);
        });
      }
      space = await fetching;
    }
    const option = space.byKey.get(key);
    if (!option) {
      throw new SaxoError({
        kind: 'instrument_not_found',
        message: `${ref.root} ${ref.expiry} ${ref.putCall} ${ref.strike}: not in option space of root ${root.optionRootId}`,
      });
    }
    if (option.TradingStatus === 'NonTradable') {
      throw new SaxoError({
        kind: 'instrument_not_tradable',
        message: `${ref.root} ${ref.expiry} ${ref.putCall} ${ref.strike} (Uic ${option.Uic}): NonTradable`,
      });
    }
    const resolved: ResolvedOption = {
      ...ref,
      uic: option.Uic,
      assetType: space.assetType,
      tradingStatus: option.TradingStatus ?? null,
    };
    byUic.set(option.Uic, resolved);
    return resolved;
  }

  return { findRoot, resolveOption, lookupUic: (uic) => byUic.get(uic) };
}

/** The root whose symbol is the requested root, preferring multi-leg capable and USD listings. */
export function pickRoot(
  root: string,
  assetType: OptionAssetType,
  data: readonly InstrumentSummary[],
): InstrumentSummary | undefined {
  const candidates = data.filter(
    (d) =>
      d.SummaryType === 'ContractOptionRoot' &&
      d.AssetType === assetType &&
      (d.Symbol ?? '').split(':')[0]?.toUpperCase() === root.toUpperCase(),
  );
  const score = (d: InstrumentSummary): number =>
    (d.CanParticipateInMultiLegOrder === true ? 2 : 0) + (d.CurrencyCode === 'USD' ? 1 : 0);
  return [...candidates].sort((a, b) => score(b) - score(a))[0];
}
