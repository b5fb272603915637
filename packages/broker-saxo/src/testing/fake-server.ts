import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { decodeFakeUic, FAKE_ROOTS, type FakeContract, fakeSymbol, fakeUic } from './contracts.js';

export interface FakeLegView {
  uic: number;
  assetType: string;
  buySell: 'Buy' | 'Sell';
  amount: number;
  toOpenClose: 'ToOpen' | 'ToClose';
  contract: FakeContract;
}

/** What a verdict function sees: only the order, so verdicts are reproducible. */
export interface FakeOrderView {
  kind: 'precheck' | 'place';
  accountKey: string;
  orderType: string;
  orderPrice: number;
  externalReference: string | null;
  legs: FakeLegView[];
}

export type FakeVerdict =
  | 'Ok'
  | {
      errorCode: string;
      message?: string;
      /** HTTP status of the answer (default: 200 for a precheck, 400 for a placement). */
      httpStatus?: number;
      /** Precheck only: `PreCheckResult` beside the ErrorInfo (default `Error`; Saxo sends `Ok` for margin errors). */
      preCheckResult?: 'Ok' | 'Error';
    };

export type FakeFault =
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { type: 'timeout' }
  /** Process the request (an order is stored), then destroy the connection without answering. */
  | { type: 'lose_response' }
  /** Destroy the connection before processing anything. */
  | { type: 'reset' };

export interface FakeFaultRule {
  method?: string;
  /** Exact API path (below the base URL) or a pattern. */
  path: string | RegExp;
  fault: FakeFault;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export interface FakeSaxoOptions {
  tokens: { valid: string[] } | ((token: string) => boolean);
  verdicts?: (order: FakeOrderView) => FakeVerdict;
  /** `immediate` (default): a limit order fills at once; `working`: it rests until `fillWorkingOrders()`. */
  fillMode?: 'immediate' | 'working';
  /** Positions carry `ExternalReference` (default true; live Saxo has been seen not to). */
  positionsCarryExternalReference?: boolean;
  faults?: FakeFaultRule[];
  clientKey?: string;
  accountKey?: string;
  /** Clock for the 15 s duplicate-order window (default Date.now). */
  now?: () => number;
}

export interface FakeRequestLog {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number | 'fault';
  requestId: string | null;
}

export interface FakeOrder {
  orderId: string;
  legOrderIds: string[];
  externalReference: string | null;
  orderPrice: number;
  legs: FakeLegView[];
  status: 'Working' | 'Filled' | 'Cancelled';
}

export interface FakePosition {
  positionId: string;
  uic: number;
  amount: number;
  openPrice: number;
  externalReference: string | null;
  sourceOrderId: string;
}

export interface FakeSaxoServer {
  /** Base URL to give the client (includes the `/sim/openapi` prefix). */
  url: string;
  requests: FakeRequestLog[];
  orders: FakeOrder[];
  positions: FakePosition[];
  prechecks: FakeOrderView[];
  /** Number of order placement requests that reached the server (accepted or not). */
  orderPosts(): number;
  setTokens(tokens: FakeSaxoOptions['tokens']): void;
  addFault(rule: FakeFaultRule): void;
  setFillMode(mode: 'immediate' | 'working'): void;
  fillWorkingOrders(): void;
  cancelOrder(orderId: string): void;
  /** Adds a position as if opened elsewhere (reconciliation tests). */
  addPosition(
    contract: FakeContract,
    amount: number,
    options?: { openPrice?: number; externalReference?: string },
  ): void;
  close(): Promise<void>;
}

const BASE = '/sim/openapi';

export async function startFakeSaxoServer(options: FakeSaxoOptions): Promise<FakeSaxoServer> {
  let tokenCheck = toCheck(options.tokens);
  const verdicts = options.verdicts ?? (() => 'Ok' as const);
  let fillMode = options.fillMode ?? 'immediate';
  const carryRef = options.positionsCarryExternalReference ?? true;
  const clientKey = options.clientKey ?? 'fake-client-key==';
  const accountKey = options.accountKey ?? 'fake-account-key==';
  const now = options.now ?? Date.now;
  const faults: Array<FakeFaultRule & { remaining: number }> = (options.faults ?? []).map((f) => ({
    ...f,
    remaining: f.times ?? 1,
  }));
  const requests: FakeRequestLog[] = [];
  const orders: FakeOrder[] = [];
  const positions: FakePosition[] = [];
  const prechecks: FakeOrderView[] = [];
  const activities: Array<Record<string, unknown>> = [];
  const recentPosts: Array<{ key: string; atMs: number }> = [];
  let orderPostCount = 0;
  let nextId = 5_000_000_001;
  const newId = (): string => String(nextId++);
  const sockets = new Set<Socket>();

  function applyFill(order: FakeOrder): void {
    order.status = 'Filled';
    const [first] = order.legs;
    for (const [i, leg] of order.legs.entries()) {
      const signed = leg.buySell === 'Sell' ? -leg.amount : leg.amount;
      // Deterministic leg prices whose net equals the order price.
      const price = i === 0 ? order.orderPrice + 1 : 1;
      if (leg.toOpenClose === 'ToClose') {
        let left = signed;
        for (const p of positions.filter((q) => q.uic === leg.uic)) {
          if (left === 0) break;
          const take = Math.sign(left) * Math.min(Math.abs(left), Math.abs(p.amount));
          p.amount += take;
          left -= take;
        }
        for (let j = positions.length - 1; j >= 0; j--)
          if (positions[j]?.amount === 0) positions.splice(j, 1);
      } else {
        positions.push({
          positionId: newId(),
          uic: leg.uic,
          amount: signed,
          openPrice: Math.round(price * 100) / 100,
          externalReference: order.externalReference,
          sourceOrderId: order.legOrderIds[i] ?? order.orderId,
        });
      }
    }
    activities.push({
      OrderId: order.orderId,
      MultiLegOrderId: order.orderId,
      ExternalReference: order.externalReference ?? undefined,
      Status: 'FinalFill',
      AveragePrice: order.orderPrice,
      FilledAmount: first?.amount ?? 0,
      ActivityTime: new Date(now()).toISOString(),
    });
  }

  function optionRow(contract: FakeContract) {
    return {
      PutCall: contract.putCall,
      StrikePrice: contract.strike,
      TradingStatus: 'Tradable',
      Uic: fakeUic(contract),
      UnderlyingUic: 9000 + (FAKE_ROOTS.find((r) => r.root === contract.root)?.index ?? 0),
    };
  }

  function optionSpace(rootId: number, expiries: string[]) {
    const root = FAKE_ROOTS.find((r) => r.optionRootId === rootId);
    if (!root) return null;
    const entries: Array<Record<string, unknown>> = [];
    const dates = new Set<string>();
    for (const expiry of expiries) {
      // Neighbouring expiries without SpecificOptions, as the real list keeps every expiry.
      for (const offsetDays of [-7, 0, 7]) {
        const d = new Date(Date.parse(`${expiry}T00:00:00Z`) + offsetDays * 86_400_000)
          .toISOString()
          .slice(0, 10);
        dates.add(d);
      }
    }
    for (const date of [...dates].sort()) {
      const specific = expiries.includes(date);
      const entry: Record<string, unknown> = {
        DisplayDaysToExpiry: 0,
        DisplayExpiry: date,
        Expiry: date,
        LastTradeDate: `${date}T20:15:00.000000Z`,
      };
      if (specific) {
        const options: unknown[] = [];
        for (let k = root.strikeMin; k <= root.strikeMax; k += root.strikeStep) {
          options.push(optionRow({ root: root.root, expiry: date, putCall: 'Put', strike: k }));
          options.push(optionRow({ root: root.root, expiry: date, putCall: 'Call', strike: k }));
        }
        entry.SpecificOptions = options;
        entry.TickSizeScheme = { DefaultTickSize: 0.05, Elements: [{ HighPrice: 3, TickSize: 0.01 }] };
      }
      entries.push(entry);
    }
    return {
      AmountDecimals: 0,
      AssetType: root.assetType,
      CanParticipateInMultiLegOrder: true,
      ContractSize: 100,
      CurrencyCode: 'USD',
      Description: root.description,
      IsTradable: true,
      OptionRootId: root.optionRootId,
      PriceToContractFactor: 100,
      SupportedOrderTypes: ['Limit', 'Market'],
      OptionSpace: entries,
    };
  }

  type Reply = { status: number; body?: unknown };

  function parseOrder(kind: FakeOrderView['kind'], body: unknown): FakeOrderView | Reply {
    const invalid = (message: string, modelState?: Record<string, string[]>): Reply => ({
      status: 400,
      body: {
        Message: message,
        ErrorCode: 'InvalidModelState',
        ...(modelState ? { ModelState: modelState } : {}),
      },
    });
    if (typeof body !== 'object' || body === null) return invalid('Request body is not a JSON object');
    const b = body as Record<string, unknown>;
    if (b.AccountKey !== accountKey)
      return { status: 400, body: { ErrorCode: 'InvalidRequest', Message: 'Unknown AccountKey' } };
    if (b.OrderType !== 'Limit' && b.OrderType !== 'Market') return invalid('OrderType is invalid');
    if (typeof b.OrderPrice !== 'number' && b.OrderType === 'Limit') return invalid('OrderPrice is required');
    if (typeof b.OrderPrice === 'number' && b.OrderPrice < 0) {
      return { status: 400, body: { ErrorCode: 'InvalidRequest', Message: 'Price cannot be negative.' } };
    }
    if (typeof b.ExternalReference === 'string' && b.ExternalReference.length > 50) {
      return invalid('ExternalReference is too long', { ExternalReference: ['Max length is 50'] });
    }
    if (!Array.isArray(b.Legs) || b.Legs.length < 2) {
      return {
        status: 400,
        body: { ErrorCode: 'InSufficientOrderLegsSpecified', Message: 'At least two legs' },
      };
    }
    const legs: FakeLegView[] = [];
    for (const raw of b.Legs as unknown[]) {
      const leg = (raw ?? {}) as Record<string, unknown>;
      if (leg.ToOpenClose !== 'ToOpen' && leg.ToOpenClose !== 'ToClose') {
        return invalid('One or more properties of the request are invalid!', {
          ToOpenClose: [
            'ToOpenClose must be set to either ToClose or ToOpen when AssetType=StockIndexOption,StockOption',
          ],
        });
      }
      const contract = typeof leg.Uic === 'number' ? decodeFakeUic(leg.Uic) : null;
      const root = contract ? FAKE_ROOTS.find((r) => r.root === contract.root) : undefined;
      if (!contract || !root)
        return {
          status: 400,
          body: { ErrorCode: 'IllegalInstrumentId', Message: 'Instrument ID is invalid' },
        };
      if (leg.AssetType !== root.assetType) {
        return {
          status: 400,
          body: { ErrorCode: 'IllegalInstrumentId', Message: `AssetType must be ${root.assetType}` },
        };
      }
      if (leg.BuySell !== 'Buy' && leg.BuySell !== 'Sell') return invalid('BuySell is invalid');
      if (typeof leg.Amount !== 'number' || leg.Amount <= 0) return invalid('Amount is invalid');
      legs.push({
        uic: leg.Uic as number,
        assetType: root.assetType,
        buySell: leg.BuySell,
        amount: leg.Amount,
        toOpenClose: leg.ToOpenClose,
        contract,
      });
    }
    return {
      kind,
      accountKey,
      orderType: b.OrderType,
      orderPrice: typeof b.OrderPrice === 'number' ? b.OrderPrice : 0,
      externalReference: typeof b.ExternalReference === 'string' ? b.ExternalReference : null,
      legs,
    };
  }

  function precheck(body: unknown): Reply {
    const view = parseOrder('precheck', body);
    if ('status' in view) return view;
    prechecks.push(view);
    const verdict = verdicts(view);
    const contracts = view.legs[0]?.amount ?? 1;
    const commission = Math.round(view.legs.length * contracts * 0.65 * 100) / 100;
    const sells = view.legs.some((l) => l.buySell === 'Sell' && l.toOpenClose === 'ToOpen');
    const width = Math.abs((view.legs[0]?.contract.strike ?? 0) - (view.legs[1]?.contract.strike ?? 0));
    const margin = sells ? Math.round((width - view.orderPrice) * 100 * contracts * 100) / 100 : 0;
    const base = {
      EstimatedCashRequired: Math.round(-view.orderPrice * 100 * contracts * 100) / 100,
      EstimatedCashRequiredCurrency: 'USD',
      EstimatedTotalCost: commission,
      Cost: { Commission: commission, ExchangeFee: 0, GuaranteedStopFee: 0, StampDuty: 0 },
      MarginImpactBuySell: {
        Currency: 'USD',
        InitialMarginSell: margin,
        MaintenanceMarginSell: margin,
        InitialMarginBuy: 0,
        MaintenanceMarginBuy: 0,
      },
      ...(view.externalReference ? { ExternalReference: view.externalReference } : {}),
    };
    if (verdict === 'Ok') return { status: 200, body: { PreCheckResult: 'Ok', ...base } };
    return {
      status: verdict.httpStatus ?? 200,
      body: {
        PreCheckResult: verdict.preCheckResult ?? 'Error',
        ErrorInfo: { ErrorCode: verdict.errorCode, Message: verdict.message ?? verdict.errorCode },
        ...base,
      },
    };
  }

  function place(body: unknown, requestId: string | null): Reply {
    orderPostCount++;
    const view = parseOrder('place', body);
    if ('status' in view) return view;
    // Saxo's duplicate check: an identical order within 15 s is refused unless the X-Request-ID differs.
    const key = `${requestId ?? ''}|${JSON.stringify(body)}`;
    const t = now();
    while (recentPosts.length > 0 && (recentPosts[0]?.atMs ?? 0) <= t - 15_000) recentPosts.shift();
    if (recentPosts.some((p) => p.key === key)) {
      return { status: 409, body: { ErrorCode: 'DuplicateRequest', Message: 'Duplicate order' } };
    }
    recentPosts.push({ key, atMs: t });
    const verdict = verdicts(view);
    if (verdict !== 'Ok') {
      return {
        status: verdict.httpStatus ?? 400,
        body: { ErrorInfo: { ErrorCode: verdict.errorCode, Message: verdict.message ?? verdict.errorCode } },
      };
    }
    const order: FakeOrder = {
      orderId: newId(),
      legOrderIds: view.legs.map(() => newId()),
      externalReference: view.externalReference,
      orderPrice: view.orderPrice,
      legs: view.legs,
      status: 'Working',
    };
    orders.push(order);
    activities.push({
      OrderId: order.orderId,
      MultiLegOrderId: order.orderId,
      ExternalReference: order.externalReference ?? undefined,
      Status: 'Placed',
      ActivityTime: new Date(now()).toISOString(),
    });
    if (fillMode === 'immediate') applyFill(order);
    return {
      status: 200,
      body: {
        MultiLegOrderId: order.orderId,
        OrderId: order.orderId,
        ...(order.externalReference ? { ExternalReference: order.externalReference } : {}),
        Orders: order.legOrderIds.map((id) => ({ OrderId: id })),
      },
    };
  }

  function openOrderRows() {
    const rows: unknown[] = [];
    for (const order of orders.filter((o) => o.status === 'Working')) {
      order.legs.forEach((leg, i) => {
        rows.push({
          OrderId: order.legOrderIds[i],
          Uic: leg.uic,
          AssetType: leg.assetType,
          BuySell: leg.buySell,
          Amount: leg.amount,
          Price: order.orderPrice,
          Status: 'Working',
          OpenOrderType: 'Limit',
          ToOpenClose: leg.toOpenClose,
          ...(order.externalReference ? { ExternalReference: order.externalReference } : {}),
          OptionsData: {
            PutCall: leg.contract.putCall,
            Strike: leg.contract.strike,
            ExpiryDate: `${leg.contract.expiry}T00:00:00Z`,
          },
          DisplayAndFormat: { Symbol: fakeSymbol(leg.contract) },
          MultiLegOrderDetails: {
            MultiLegOrderId: order.orderId,
            LegCount: order.legs.length,
            Price: order.orderPrice,
            Amount: leg.amount,
            StrategyType: 'Vertical',
          },
        });
      });
    }
    return rows;
  }

  function positionRows() {
    return positions.map((p) => {
      const contract = decodeFakeUic(p.uic) as FakeContract;
      const root = FAKE_ROOTS.find((r) => r.root === contract.root);
      return {
        PositionId: p.positionId,
        NetPositionId: `${p.uic}__${root?.assetType}`,
        PositionBase: {
          AccountKey: accountKey,
          Uic: p.uic,
          AssetType: root?.assetType,
          Amount: p.amount,
          OpenPrice: p.openPrice,
          Status: 'Open',
          SourceOrderId: p.sourceOrderId,
          ...(carryRef && p.externalReference ? { ExternalReference: p.externalReference } : {}),
          ExpiryDate: `${contract.expiry}T00:00:00Z`,
          OptionsData: {
            PutCall: contract.putCall,
            Strike: contract.strike,
            ExpiryDate: `${contract.expiry}T00:00:00Z`,
          },
        },
        PositionView: { CurrentPrice: p.openPrice, CalculationReliability: 'Ok' },
        DisplayAndFormat: { Symbol: fakeSymbol(contract) },
      };
    });
  }

  function route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
    requestId: string | null,
  ): Reply {
    if (method === 'GET' && path === '/port/v1/clients/me') {
      return {
        status: 200,
        body: {
          ClientId: '654321',
          ClientKey: clientKey,
          DefaultAccountId: '192134INET',
          DefaultAccountKey: accountKey,
          DefaultCurrency: 'USD',
        },
      };
    }
    if (method === 'GET' && path === '/port/v1/accounts/me') {
      return {
        status: 200,
        body: {
          Data: [
            {
              AccountId: '192134INET',
              AccountKey: accountKey,
              ClientKey: clientKey,
              Active: true,
              Currency: 'USD',
            },
          ],
        },
      };
    }
    if (method === 'GET' && path === '/ref/v1/instruments') {
      const keywords = (query.get('Keywords') ?? '').toUpperCase().split(/\s+/).filter(Boolean);
      const types = (query.get('AssetTypes') ?? '').split(',').filter(Boolean);
      const data: unknown[] = [];
      for (const r of FAKE_ROOTS) {
        if (keywords.length > 0 && !keywords.some((k) => r.root.startsWith(k))) continue;
        if (types.length > 0 && !types.includes(r.assetType)) continue;
        // A European listing of the same symbol first, as real searches return several roots.
        data.push({
          AssetType: r.assetType,
          CanParticipateInMultiLegOrder: false,
          CurrencyCode: 'EUR',
          Description: `${r.description} (EUREX)`,
          ExchangeId: 'EUREX',
          Identifier: r.optionRootId + 9000,
          SummaryType: 'ContractOptionRoot',
          Symbol: `${r.root}:xeur`,
        });
        data.push({
          AssetType: r.assetType,
          CanParticipateInMultiLegOrder: true,
          CurrencyCode: 'USD',
          Description: r.description,
          ExchangeId: 'CBOE',
          Identifier: r.optionRootId,
          SummaryType: 'ContractOptionRoot',
          Symbol: `${r.root}:xcbf`,
        });
      }
      return { status: 200, body: { Data: data } };
    }
    const space = /^\/ref\/v1\/instruments\/contractoptionspaces\/(\d+)$/.exec(path);
    if (method === 'GET' && space) {
      const expiries = query
        .getAll('ExpiryDates')
        .flatMap((e) => e.split(','))
        .filter((e) => /^\d{4}-\d{2}-\d{2}$/.test(e));
      if (query.get('OptionSpaceSegment') !== 'SpecificDates') {
        const result = optionSpace(Number(space[1]), []);
        return result
          ? { status: 200, body: result }
          : { status: 404, body: { ErrorCode: 'NotFound', Message: 'Unknown option root' } };
      }
      const result = optionSpace(Number(space[1]), expiries);
      return result
        ? { status: 200, body: result }
        : { status: 404, body: { ErrorCode: 'NotFound', Message: 'Unknown option root' } };
    }
    if (method === 'POST' && path === '/trade/v2/orders/multileg/precheck') return precheck(body);
    if (method === 'POST' && path === '/trade/v2/orders/multileg') return place(body, requestId);
    if (method === 'GET' && path === '/port/v1/orders/me')
      return { status: 200, body: { __count: 0, Data: openOrderRows() } };
    if (method === 'GET' && path === '/port/v1/positions') {
      if (query.get('ClientKey') !== clientKey)
        return {
          status: 400,
          body: { ErrorCode: 'InvalidRequest', Message: 'The ClientKey field is required' },
        };
      return { status: 200, body: { Data: positionRows() } };
    }
    if (method === 'GET' && path === '/cs/v1/audit/orderactivities') {
      return { status: 200, body: { Data: activities.map((a) => JSON.parse(JSON.stringify(a))) } };
    }
    return { status: 404, body: { ErrorCode: 'NotFound', Message: `No route for ${method} ${path}` } };
  }

  function takeFault(method: string, path: string): FakeFault | undefined {
    const rule = faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    if (!rule) return undefined;
    rule.remaining--;
    return rule.fault;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : url.pathname;
    const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : null;
    const log: FakeRequestLog = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      status: 'fault',
      requestId,
    };
    requests.push(log);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');

    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!token || !tokenCheck(token)) {
      log.status = 401;
      res.writeHead(401).end();
      return;
    }
    const fault = takeFault(method, path);
    if (fault?.type === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'timeout') return; // never answered; the client gives up
    if (fault?.type === 'status') {
      log.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.headers ?? {}) });
      res.end(fault.body === undefined ? '' : JSON.stringify(fault.body));
      return;
    }
    let body: unknown = null;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        log.status = 400;
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ErrorCode: 'InvalidRequest', Message: 'Body is not JSON' }));
        return;
      }
    }
    const reply = route(method, path, url.searchParams, body, requestId);
    if (fault?.type === 'lose_response') {
      req.socket.destroy();
      return;
    }
    log.status = reply.status;
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-correlation': `fake-${requests.length}`,
      ...(requestId ? { 'x-request-id': requestId } : {}),
    });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ErrorCode: 'OtherError',
          Message: error instanceof Error ? error.message : String(error),
        }),
      );
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${BASE}`,
    requests,
    orders,
    positions,
    prechecks,
    orderPosts: () => orderPostCount,
    setTokens(tokens) {
      tokenCheck = toCheck(tokens);
    },
    addFault(rule) {
      faults.push({ ...rule, remaining: rule.times ?? 1 });
    },
    setFillMode(mode) {
      fillMode = mode;
    },
    fillWorkingOrders() {
      for (const order of orders) if (order.status === 'Working') applyFill(order);
    },
    cancelOrder(orderId) {
      const order = orders.find((o) => o.orderId === orderId && o.status === 'Working');
      if (!order) return;
      order.status = 'Cancelled';
      activities.push({
        OrderId: order.orderId,
        MultiLegOrderId: order.orderId,
        ExternalReference: order.externalReference ?? undefined,
        Status: 'Cancelled',
        ActivityTime: new Date(now()).toISOString(),
      });
    },
    addPosition(contract, amount, extra = {}) {
      positions.push({
        positionId: newId(),
        uic: fakeUic(contract),
        amount,
        openPrice: extra.openPrice ?? 1,
        externalReference: extra.externalReference ?? null,
        sourceOrderId: newId(),
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function toCheck(tokens: FakeSaxoOptions['tokens']): (token: string) => boolean {
  if (typeof tokens === 'function') return tokens;
  const valid = new Set(tokens.valid);
  return (token) => valid.has(token);
}
