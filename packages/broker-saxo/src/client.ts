import { randomUUID } from 'node:crypto';
import type { SpreadLegs } from '@aegis/strategy-core';
import type { Dispatcher } from 'undici';
import { describeError, isSaxoError, reasonCodeOf, SaxoError } from './errors.js';
import { brokerErrorCode, createTransport, type Http, type RateLimits } from './http/transport.js';
import { type OptionAssetType, rootOfSpread } from './instruments/contracts.js';
import { createInstrumentResolver, type InstrumentResolver } from './instruments/resolver.js';
import {
  buildMultiLegOrder,
  type MultiLegOrderBody,
  type SpreadSide,
  validateSpreadOrder,
} from './orders/body.js';
import {
  IN_FLIGHT_STATES,
  type IntentJournal,
  type IntentOutcome,
  type JournalEntry,
} from './orders/journal.js';
import {
  type BrokerLeg,
  type BrokerOpenOrder,
  type BrokerPositions,
  groupOpenOrders,
  pairPositions,
  parsePositionLeg,
} from './orders/portfolio.js';
import {
  AccountsResponseSchema,
  ActivitiesResponseSchema,
  type ActivityRow,
  ClientInfoSchema,
  OrderResponseSchema,
  OrdersResponseSchema,
  PositionsResponseSchema,
  type PrecheckResponse,
  PrecheckResponseSchema,
} from './orders/portfolio-schemas.js';
import { parseVenue } from './parse.js';
import { type Logger, type NowMs, realSleep, type SleepMs, silentLogger } from './ports.js';
import type { TokenSource } from './token/token-source.js';

export interface SaxoClientOptions {
  /** REST base, e.g. `https://gateway.saxobank.com/sim/openapi`. */
  baseUrl: string;
  tokens: TokenSource;
  dispatcher?: Dispatcher;
  logger?: Logger;
  now?: NowMs;
  sleep?: SleepMs;
  /** Skips `/port/v1/clients/me` for the account (the client key is still read when needed). */
  accountKey?: string;
  clientKey?: string;
  limits?: RateLimits;
  /** Known option root ids, e.g. `{ SPXW: 128 }`; others are found by search. */
  optionRootIds?: Readonly<Record<string, number>>;
  /** Domain underlying per option root where they differ (default `SPXW → SPX`). */
  rootUnderlyings?: Readonly<Record<string, string>>;
  /** `ManualOrder` flag sent with orders (default false: an unattended service places them). */
  manualOrder?: boolean;
  /** An unresolved intent younger than this is not declared absent by a read-back (default 15000 ms). */
  readBackSettleMs?: number;
}

export interface SpreadRequest {
  spread: SpreadLegs;
  quantity: number;
  /** Positive net price per share: credit to receive when opening, debit to pay when closing. */
  limitPrice: number;
  side: SpreadSide;
}

export interface PrecheckRequest extends SpreadRequest {
  externalReference: string;
}

export interface PrecheckCosts {
  cost: Record<string, unknown> | null;
  costInAccountCurrency: Record<string, unknown> | null;
  estimatedCashRequired: number | null;
  estimatedCashRequiredCurrency: string | null;
}

export interface PrecheckOutcome {
  status: 'precheck_ok' | 'precheck_rejected';
  /** Broker error code (`WouldExceedMargin`) or transport code (`http_500`, `token_missing`); null when ok. */
  reason: string | null;
  message: string | null;
  costs?: PrecheckCosts;
  margin?: Record<string, unknown>;
  raw?: unknown;
}

export interface PlaceRequest extends SpreadRequest {
  intentId: string;
  journal: IntentJournal;
}

export type PlacementStatus = 'submitted' | 'filled' | 'rejected' | 'unknown';

export interface PlacementOutcome {
  status: PlacementStatus;
  reason: string | null;
  orderId: string | null;
  /** Whether this call sent an order request. */
  sent: boolean;
  /** Fill price per share when known. */
  price?: number;
}

export type ResolutionStatus = 'submitted' | 'filled' | 'rejected' | 'not_found' | 'unknown';

export interface IntentResolution {
  intentId: string;
  status: ResolutionStatus;
  orderId: string | null;
  reason: string | null;
  price: number | null;
}

export interface ResolvedSpread {
  root: string;
  assetType: OptionAssetType;
  shortUic: number;
  longUic: number;
}

export interface SaxoAccount {
  accountKey: string;
  clientKey: string;
}

export interface SaxoClient {
  getAccount(): Promise<SaxoAccount>;
  resolveSpread(spread: SpreadLegs): Promise<ResolvedSpread>;
  precheckSpread(request: PrecheckRequest): Promise<PrecheckOutcome>;
  placeSpread(request: PlaceRequest): Promise<PlacementOutcome>;
  resolveIntent(intentId: string, options?: { journal?: IntentJournal }): Promise<IntentResolution>;
  readPositions(): Promise<BrokerPositions>;
  readOpenOrders(): Promise<BrokerOpenOrder[]>;
  instruments: InstrumentResolver;
}

/** Error codes that mean the order may or may not exist. */
const UNKNOWN_OUTCOME_CODES = new Set(['OrderCommandPending', 'OrderCommandTimeout', 'TradeNotCompleted']);
const FILLED_ACTIVITY = new Set(['FinalFill', 'Filled']);
const DEAD_ACTIVITY = new Set(['Cancelled', 'Canceled', 'Expired', 'Rejected', 'Deleted']);

export function createSaxoClient(options: SaxoClientOptions): SaxoClient {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const rootUnderlyings = options.rootUnderlyings ?? {};
  const settleMs = options.readBackSettleMs ?? 15_000;
  const http: Http = createTransport({
    baseUrl: options.baseUrl,
    tokens: options.tokens,
    dispatcher: options.dispatcher,
    logger,
    now,
    sleep,
    limits: options.limits ?? {},
  });
  const instruments = createInstrumentResolver({
    http,
    logger,
    now,
    ...(options.optionRootIds ? { optionRootIds: options.optionRootIds } : {}),
  });

  let account: Promise<SaxoAccount> | null = null;

  async function loadAccount(): Promise<SaxoAccount> {
    if (options.accountKey && options.clientKey) {
      return { accountKey: options.accountKey, clientKey: options.clientKey };
    }
    const path = '/port/v1/clients/me';
    const { body } = await http.call({ method: 'GET', path, callClass: 'read' });
    const client = parseVenue(ClientInfoSchema, body, 'GET', path);
    let accountKey = options.accountKey ?? client.DefaultAccountKey;
    if (!accountKey) {
      const accountsPath = '/port/v1/accounts/me';
      const accounts = await http.call({ method: 'GET', path: accountsPath, callClass: 'read' });
      const data = parseVenue(AccountsResponseSchema, accounts.body, 'GET', accountsPath).Data;
      accountKey = (data.find((a) => a.Active !== false) ?? data[0])?.AccountKey;
    }
    if (!accountKey) {
      throw new SaxoError({ kind: 'bad_response', message: `[GET] ${path}: no account key for this client` });
    }
    return { accountKey, clientKey: options.clientKey ?? client.ClientKey };
  }

  function getAccount(): Promise<SaxoAccount> {
    if (!account) {
      account = loadAccount();
      account.catch(() => {
        account = null;
      });
    }
    return account;
  }

  async function resolveSpread(spread: SpreadLegs): Promise<ResolvedSpread> {
    const root = rootOfSpread(spread);
    const [short, long] = await Promise.all([
      instruments.resolveOption({ root, expiry: spread.expiry, putCall: 'Put', strike: spread.shortStrike }),
      instruments.resolveOption({ root, expiry: spread.expiry, putCall: 'Put', strike: spread.longStrike }),
    ]);
    return { root, assetType: short.assetType, shortUic: short.uic, longUic: long.uic };
  }

  async function buildBody(
    request: SpreadRequest & { externalReference: string },
  ): Promise<MultiLegOrderBody> {
    validateSpreadOrder(request);
    const [acct, resolved] = await Promise.all([getAccount(), resolveSpread(request.spread)]);
    return buildMultiLegOrder({
      ...request,
      accountKey: acct.accountKey,
      shortUic: resolved.shortUic,
      longUic: resolved.longUic,
      assetType: resolved.assetType,
      manualOrder: options.manualOrder ?? false,
    });
  }

  async function precheckSpread(request: PrecheckRequest): Promise<PrecheckOutcome> {
    // Bad input is a caller bug and throws; everything after it is a recorded verdict.
    validateSpreadOrder(request);
    const path = '/trade/v2/orders/multileg/precheck';
    try {
      const body = { ...(await buildBody(request)), FieldGroups: ['Costs', 'MarginImpactBuySell'] };
      const result = await http.call({
        method: 'POST',
        path,
        body,
        callClass: 'precheck',
        requestId: randomUUID(),
      });
      const response = parseVenue(PrecheckResponseSchema, result.body, 'POST', path);
      const outcome = evaluatePrecheck(response, result.body);
      logger.info(
        {
          externalReference: request.externalReference,
          side: request.side,
          status: outcome.status,
          reason: outcome.reason,
          correlationId: result.correlationId,
        },
        'saxo precheck',
      );
      return outcome;
    } catch (error) {
      if (!isSaxoError(error) || error.kind === 'invalid_input') throw error;
      logger.warn(
        { externalReference: request.externalReference, side: request.side, error: describeError(error) },
        'saxo precheck failed',
      );
      return { status: 'precheck_rejected', reason: error.reasonCode, message: error.message };
    }
  }

  async function safeJournal(what: string, action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (error) {
      logger.error({ what, error: describeError(error) }, 'intent journal write failed');
      return false;
    }
  }

  async function placeSpread(request: PlaceRequest): Promise<PlacementOutcome> {
    const { intentId, journal } = request;
    validateSpreadOrder({ ...request, externalReference: intentId });
    const prior = await journal.get(intentId);
    if (prior?.state === 'filled') {
      return { status: 'filled', reason: null, orderId: prior.orderId, sent: false };
    }
    if (prior && IN_FLIGHT_STATES.has(prior.state)) {
      // The order may exist: learn what happened instead of sending again.
      const resolution = await resolveIntent(intentId, { journal });
      if (resolution.status !== 'not_found') {
        return {
          status: resolution.status === 'rejected' ? 'rejected' : resolution.status,
          reason: resolution.reason,
          orderId: resolution.orderId,
          sent: false,
          ...(resolution.price !== null ? { price: resolution.price } : {}),
        };
      }
      logger.info({ intentId }, 'read-back proved no order exists for the intent; sending it again');
    }

    let body: MultiLegOrderBody;
    try {
      body = await buildBody({ ...request, externalReference: intentId });
    } catch (error) {
      if (!isSaxoError(error) || error.kind === 'invalid_input') throw error;
      logger.warn({ intentId, error: describeError(error) }, 'order not sent: could not build it');
      return { status: 'rejected', reason: error.reasonCode, orderId: null, sent: false };
    }
    const [short, long] = body.Legs;
    const attempt = prior ? prior.intent.attempt + 1 : 1;
    const recorded = await safeJournal('record', () =>
      journal.record({
        intentId,
        side: request.side,
        spread: request.spread,
        quantity: request.quantity,
        limitPrice: body.OrderPrice,
        shortUic: short?.Uic ?? 0,
        longUic: long?.Uic ?? 0,
        recordedAtMs: now(),
        attempt,
      }),
    );
    if (!recorded) return { status: 'rejected', reason: 'journal_failed', orderId: null, sent: false };

    const path = '/trade/v2/orders/multileg';
    const finish = async (outcome: IntentOutcome, result: PlacementOutcome): Promise<PlacementOutcome> => {
      await safeJournal('markOutcome', () => journal.markOutcome(intentId, outcome));
      logger.info(
        {
          intentId,
          side: request.side,
          status: result.status,
          reason: result.reason,
          orderId: result.orderId,
        },
        'saxo order',
      );
      return result;
    };
    let result: Awaited<ReturnType<Http['call']>>;
    try {
      // The intent id doubles as X-Request-ID so the broker's 15 s duplicate check also guards against
      // an accidental resend; a deliberate resend (after a proven absence or a rejection) gets its own.
      const requestId = attempt === 1 ? intentId : `${intentId}#${attempt}`;
      result = await http.call({ method: 'POST', path, body, callClass: 'order', requestId });
    } catch (error) {
      const reason = reasonCodeOf(error);
      const definite = isSaxoError(error) && isDefiniteRejection(error);
      const state = definite ? 'rejected' : 'unknown';
      return finish(
        { state, orderId: null, reason, atMs: now() },
        {
          status: state,
          reason,
          orderId: null,
          sent: !(isSaxoError(error) && error.kind.startsWith('token_')),
        },
      );
    }
    const parsed = OrderResponseSchema.safeParse(result.body);
    const errorCode = brokerErrorCode(result.body);
    const orderId = parsed.success ? (parsed.data.MultiLegOrderId ?? parsed.data.OrderId ?? null) : null;
    if (result.status === 202 || (errorCode && UNKNOWN_OUTCOME_CODES.has(errorCode))) {
      return finish(
        { state: 'unknown', orderId, reason: errorCode ?? 'http_202', atMs: now() },
        { status: 'unknown', reason: errorCode ?? 'http_202', orderId, sent: true },
      );
    }
    if (errorCode) {
      return finish(
        { state: 'rejected', orderId, reason: errorCode, atMs: now() },
        { status: 'rejected', reason: errorCode, orderId, sent: true },
      );
    }
    if (!orderId) {
      return finish(
        { state: 'unknown', orderId: null, reason: 'no_order_id', atMs: now() },
        { status: 'unknown', reason: 'no_order_id', orderId: null, sent: true },
      );
    }
    await safeJournal('markSent', () => journal.markSent(intentId, { orderId, atMs: now() }));
    logger.info({ intentId, side: request.side, status: 'submitted', orderId }, 'saxo order');
    return { status: 'submitted', reason: null, orderId, sent: true };
  }

  async function readPositionLegs(): Promise<BrokerLeg[]> {
    const acct = await getAccount();
    const path = '/port/v1/positions';
    const { body } = await http.call({
      method: 'GET',
      path,
      query: {
        ClientKey: acct.clientKey,
        AccountKey: acct.accountKey,
        FieldGroups: 'PositionBase,PositionView,DisplayAndFormat',
        $top: 1000,
      },
      callClass: 'read',
    });
    return parseVenue(PositionsResponseSchema, body, 'GET', path)
      .Data.filter(
        (row) =>
          row.PositionBase.AssetType === 'StockOption' || row.PositionBase.AssetType === 'StockIndexOption',
      )
      .map((row) => parsePositionLeg(row, instruments.lookupUic, rootUnderlyings));
  }

  async function readOrderRows() {
    const acct = await getAccount();
    const path = '/port/v1/orders/me';
    const { body } = await http.call({
      method: 'GET',
      path,
      query: { FieldGroups: 'DisplayAndFormat', $top: 1000, ClientKey: acct.clientKey },
      callClass: 'read',
    });
    return parseVenue(OrdersResponseSchema, body, 'GET', path).Data;
  }

  async function readActivities(): Promise<ActivityRow[]> {
    const acct = await getAccount();
    const path = '/cs/v1/audit/orderactivities';
    const { body } = await http.call({
      method: 'GET',
      path,
      query: { ClientKey: acct.clientKey, EntryType: 'Last', FieldGroups: 'DisplayAndFormat', $top: 1000 },
      callClass: 'read',
    });
    return parseVenue(ActivitiesResponseSchema, body, 'GET', path).Data;
  }

  async function readOpenOrders(): Promise<BrokerOpenOrder[]> {
    return groupOpenOrders(await readOrderRows(), instruments.lookupUic, rootUnderlyings);
  }

  async function readPositions(): Promise<BrokerPositions> {
    return pairPositions(await readPositionLegs());
  }

  async function resolveIntent(
    intentId: string,
    opts: { journal?: IntentJournal } = {},
  ): Promise<IntentResolution> {
    const entry: JournalEntry | undefined = opts.journal ? await opts.journal.get(intentId) : undefined;
    const [orders, activities, legs] = await Promise.all([
      readOrderRows(),
      readActivities(),
      readPositionLegs(),
    ]);
    const resolution = classify(intentId, entry, orders, activities, legs);
    if (resolution.status === 'not_found' && entry && IN_FLIGHT_STATES.has(entry.state)) {
      // Fills can take seconds to show: absence only counts once the intent has settled.
      if (now() - entry.intent.recordedAtMs < settleMs) {
        resolution.status = 'unknown';
        resolution.reason = 'awaiting_settle';
      }
    }
    logger.info(
      { intentId, status: resolution.status, reason: resolution.reason, orderId: resolution.orderId },
      'intent read-back',
    );
    if (opts.journal && entry) {
      const journal = opts.journal;
      const atMs = now();
      if (resolution.status === 'submitted' && resolution.orderId && entry.state !== 'sent') {
        const orderId = resolution.orderId;
        await safeJournal('markSent', () => journal.markSent(intentId, { orderId, atMs }));
      } else if (resolution.status === 'filled' || resolution.status === 'rejected') {
        const state = resolution.status;
        await safeJournal('markOutcome', () =>
          journal.markOutcome(intentId, {
            state,
            orderId: resolution.orderId,
            reason: resolution.reason,
            atMs,
          }),
        );
      } else if (resolution.status === 'not_found' && IN_FLIGHT_STATES.has(entry.state)) {
        await safeJournal('markOutcome', () =>
          journal.markOutcome(intentId, { state: 'absent', orderId: null, reason: 'read_back_absent', atMs }),
        );
      } else if (resolution.status === 'unknown' && entry.state !== 'unknown') {
        await safeJournal('markOutcome', () =>
          journal.markOutcome(intentId, {
            state: 'unknown',
            orderId: entry.orderId,
            reason: resolution.reason,
            atMs,
          }),
        );
      }
    }
    return resolution;
  }

  return {
    getAccount,
    resolveSpread,
    precheckSpread,
    placeSpread,
    resolveIntent,
    readPositions,
    readOpenOrders,
    instruments,
  };
}

/** Errors after which the order certainly does not exist, so sending again later is safe. */
function isDefiniteRejection(error: SaxoError): boolean {
  if (error.kind.startsWith('token_')) return true;
  // The connection was never made, so nothing reached the broker.
  const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
  if (error.kind === 'network' && (causeCode === 'ECONNREFUSED' || causeCode === 'ENOTFOUND')) return true;
  if (error.errorCode && UNKNOWN_OUTCOME_CODES.has(error.errorCode)) return false;
  return (
    error.kind === 'unauthorized' ||
    error.kind === 'rate_limited' ||
    error.kind === 'bad_request' ||
    error.kind === 'forbidden' ||
    error.kind === 'not_found'
  );
}

export function evaluatePrecheck(response: PrecheckResponse, raw: unknown): PrecheckOutcome {
  const costs: PrecheckCosts = {
    cost: response.Cost ?? null,
    costInAccountCurrency: response.CostInAccountCurrency ?? null,
    estimatedCashRequired: response.EstimatedCashRequired ?? null,
    estimatedCashRequiredCurrency: response.EstimatedCashRequiredCurrency ?? null,
  };
  const extras = {
    costs,
    ...(response.MarginImpactBuySell ? { margin: response.MarginImpactBuySell } : {}),
    raw,
  };
  if (response.ErrorInfo) {
    const code = response.ErrorInfo.ErrorCode ?? 'precheck_error';
    return {
      status: 'precheck_rejected',
      reason: code,
      message: response.ErrorInfo.Message ?? code,
      ...extras,
    };
  }
  if (response.PreCheckResult !== 'Ok') {
    const result = response.PreCheckResult ?? 'missing';
    return {
      status: 'precheck_rejected',
      reason: `precheck_${result}`,
      message: `PreCheckResult ${result}`,
      ...extras,
    };
  }
  if ((response.PreTradeDisclaimers?.DisclaimerTokens?.length ?? 0) > 0) {
    return {
      status: 'precheck_rejected',
      reason: 'disclaimer_required',
      message: 'pre-trade disclaimers must be accepted before this order can be placed',
      ...extras,
    };
  }
  return { status: 'precheck_ok', reason: null, message: null, ...extras };
}

function classify(
  intentId: string,
  entry: JournalEntry | undefined,
  orders: readonly {
    OrderId: string;
    ExternalReference?: string | undefined;
    MultiLegOrderDetails?: { MultiLegOrderId?: string | undefined } | undefined;
  }[],
  activities: readonly ActivityRow[],
  legs: readonly BrokerLeg[],
): IntentResolution {
  const base = {
    intentId,
    orderId: null as string | null,
    reason: null as string | null,
    price: null as number | null,
  };
  const open = orders.find((o) => o.ExternalReference === intentId);
  if (open) {
    return {
      ...base,
      status: 'submitted',
      orderId: open.MultiLegOrderDetails?.MultiLegOrderId ?? open.OrderId,
    };
  }
  const mine = activities.filter((a) => a.ExternalReference === intentId);
  const positionLegs = legs.filter((l) => l.externalReference === intentId);
  const filled = mine.find((a) => a.Status !== undefined && FILLED_ACTIVITY.has(a.Status));
  if (filled || positionLegs.length > 0) {
    const short = positionLegs.find((l) => l.amount < 0);
    const long = positionLegs.find((l) => l.amount > 0);
    const price =
      short?.openPrice != null && long?.openPrice != null
        ? Math.round(Math.abs(short.openPrice - long.openPrice) * 100) / 100
        : (filled?.AveragePrice ?? null);
    return {
      ...base,
      status: 'filled',
      orderId:
        filled?.MultiLegOrderId ??
        filled?.OrderId ??
        positionLegs[0]?.sourceOrderId ??
        entry?.orderId ??
        null,
      price,
    };
  }
  const dead = mine.find((a) => a.Status !== undefined && DEAD_ACTIVITY.has(a.Status));
  if (dead) {
    return {
      ...base,
      status: 'rejected',
      orderId: dead.MultiLegOrderId ?? dead.OrderId ?? null,
      reason: dead.ErrorInfo?.ErrorCode ?? `order_${(dead.Status as string).toLowerCase()}`,
    };
  }
  if (mine.length > 0) {
    const latest = mine[mine.length - 1] as ActivityRow;
    return { ...base, status: 'submitted', orderId: latest.MultiLegOrderId ?? latest.OrderId ?? null };
  }
  // Positions may lack the external reference: an untagged position on an opening intent's
  // contracts could be ours, so it is not proof of absence.
  if (entry?.intent.side === 'open') {
    const { shortUic, longUic } = entry.intent;
    const untagged = legs.some(
      (l) =>
        l.externalReference === null &&
        ((l.uic === shortUic && l.amount < 0) || (l.uic === longUic && l.amount > 0)),
    );
    if (untagged) return { ...base, status: 'unknown', reason: 'unattributed_position' };
  }
  return { ...base, status: 'not_found' };
}
