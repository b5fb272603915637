/**
 * One scan (SPEC 4): for each scenario in run order, mark → exits → circuit breaker → entries → fills /
 * broker step → book update. Pure: the same snapshot, state, config and instant give the same result.
 */
import { bookEntry, bookExit, equityOf, summarizeScenario } from '../book/book.js';
import {
  evaluateGlobalBreaker,
  evaluateScenarioBreaker,
  maxLevel,
  rollTradeDate,
} from '../breaker/breaker.js';
import { isSessionOpen, sessionBoundsMs, toIsoUtc, tradeDateOf } from '../calendar/index.js';
import type { RunConfig } from '../config/schema.js';
import type {
  BreakerChange,
  EngineState,
  EntryDecision,
  ExitDecision,
  OpenPosition,
  ScanOutcome,
  ScenarioState,
  ScenarioSummary,
} from '../domain/state.js';
import type {
  BreakerLevel,
  BrokerVerdict,
  DecisionStatus,
  MarketSnapshot,
  ScanError,
  SpreadLegs,
} from '../domain/types.js';
import { evaluateExit, type MarkResult, markSpread } from '../exits/exits.js';
import { toCents, toGreek } from '../math/rounding.js';
import { evaluateGates } from '../select/gates.js';
import { selectForUnderlying } from '../select/select-entries.js';
import { SnapshotIndex } from '../select/snapshot-index.js';
import type { BrokerRequest, ScanOptions, ScanResult } from './api.js';
import { EngineError } from './errors.js';
import { intentId } from './intent.js';
import { alignState, assertEngineState, runOrder } from './plan.js';

/** Tick used for a position whose underlying left the scenario's universe. */
const FALLBACK_TICK = 0.01;

const legsOf = (p: SpreadLegs): SpreadLegs => ({
  underlying: p.underlying,
  optionType: 'put',
  expiry: p.expiry,
  shortStrike: p.shortStrike,
  longStrike: p.longStrike,
  shortTicker: p.shortTicker,
  longTicker: p.longTicker,
});

/** Copy what a scan mutates; closed-trade arrays are replaced, never mutated, so they are shared. */
function cloneForScan(state: EngineState): EngineState {
  const scenarios: Record<string, ScenarioState> = {};
  for (const [id, s] of Object.entries(state.scenarios)) {
    scenarios[id] = {
      ...s,
      open: s.open.map((p) => ({ ...p })),
      breaker: { ...s.breaker },
      dailyBaseline: s.dailyBaseline ? { ...s.dailyBaseline } : null,
    };
  }
  return { ...state, global: { ...state.global }, scenarios };
}

/** A verdict's effect: the recorded status and reason, and whether the book takes the fill. */
function applyVerdict(
  verdict: BrokerVerdict | undefined,
  what: string,
): { status: DecisionStatus; reason: string | null; fills: boolean; price: number | null } {
  if (!verdict || typeof verdict !== 'object') {
    throw new EngineError('broker_protocol', `no broker verdict for ${what}; pass one to next()`);
  }
  switch (verdict.status) {
    case 'precheck_ok':
      return { status: verdict.status, reason: null, fills: true, price: null };
    case 'submitted':
      // Sent, fill not confirmed: recorded, never booked. The position's sequence number does not
      // advance, so the next scan proposes the same intent and its read-back (or adoption) books it.
      return { status: 'submitted', reason: null, fills: false, price: null };
    case 'filled':
      return { status: 'filled', reason: null, fills: true, price: verdict.price ?? null };
    case 'precheck_rejected':
    case 'rejected':
      return { status: verdict.status, reason: verdict.reason, fills: false, price: null };
    default:
      throw new EngineError(
        'broker_protocol',
        `unknown broker verdict ${JSON.stringify(verdict)} for ${what}`,
      );
  }
}

/**
 * Underlyings of the run whose market data failed this scan (no usable price or no chain): they get no
 * entries and their positions keep their last marks (SPEC 4).
 */
function failedUnderlyings(index: SnapshotIndex, run: RunConfig): { planned: number; failed: Set<string> } {
  const planned = new Set(run.scenarios.flatMap((s) => s.universe.map((u) => u.underlying)));
  const failed = new Set<string>();
  for (const symbol of planned) {
    if (index.priceOf(symbol) === null || !index.hasChain(symbol)) failed.add(symbol);
  }
  return { planned: planned.size, failed };
}

/** The scan's VIX when it is a usable number; a non-finite value is as good as missing. */
const usableVix = (vix: number | null): number | null =>
  vix !== null && Number.isFinite(vix) && vix >= 0 ? vix : null;

/**
 * The scan as a generator: yields a `BrokerRequest` for each entry and exit of the live-capable scenario
 * when a broker is attached (`options.brokerAttached`) and takes the `BrokerVerdict` through `next()`.
 * Throws `EngineError` (`session_closed`) for an instant outside the regular session.
 */
export function* scanSteps(
  snapshot: MarketSnapshot,
  state: EngineState,
  run: RunConfig,
  nowMs: number,
  options: ScanOptions = {},
): Generator<BrokerRequest, ScanResult, BrokerVerdict | undefined> {
  assertEngineState(state);
  if (!Number.isFinite(nowMs))
    throw new EngineError('clock_regression', `scan time must be finite epoch ms, got ${nowMs}`);
  const tradeDate = tradeDateOf(nowMs);
  const ts = toIsoUtc(nowMs);
  if (!isSessionOpen(nowMs, run.calendar)) {
    throw new EngineError(
      'session_closed',
      `${ts} (New York trade date ${tradeDate}) is outside the regular session; scans run only while the market is open`,
    );
  }
  if (state.lastScanAt !== null && Date.parse(state.lastScanAt) > nowMs) {
    throw new EngineError('clock_regression', `scan time ${ts} is before the last scan ${state.lastScanAt}`);
  }
  const session = sessionBoundsMs(tradeDate, run.calendar);
  const working = cloneForScan(alignState(state, run));
  const brokerAttached = options.brokerAttached ?? false;
  const liveMode = options.mode === 'live';
  const errors: ScanError[] = [...snapshot.errors, ...(options.extraErrors ?? [])];
  const vix = usableVix(snapshot.vix);
  if (vix === null && !errors.some((e) => e.code === 'vix_unavailable')) {
    errors.push({
      source: snapshot.vix === null ? 'polygon' : 'engine',
      code: 'vix_unavailable',
      message:
        snapshot.vix === null
          ? 'I:VIX unavailable: no entries this scan'
          : `I:VIX value ${String(snapshot.vix)} is not a usable number: no entries this scan`,
    });
  }
  const index = new SnapshotIndex(snapshot, nowMs);
  const data = failedUnderlyings(index, run);
  const breakerChanges: BreakerChange[] = [];
  const global = evaluateGlobalBreaker(
    working.global,
    data.planned > 0 && data.failed.size === data.planned,
    options.haltRequested ?? false,
    run.globalBreaker.max_consecutive_failed_scans,
    data.failed.size === 0,
  );
  working.global = global.next;
  if (global.change) breakerChanges.push(global.change);

  const entries: EntryDecision[] = [];
  const exits: ExitDecision[] = [];
  const scenarios = runOrder(run);

  for (const cfg of scenarios) {
    const s = working.scenarios[cfg.id]!;
    const isLive = cfg.role === 'live_capable';
    const startLevel = s.breaker.level;
    const tickOf = (underlying: string) =>
      cfg.universe.find((u) => u.underlying === underlying)?.tick ?? FALLBACK_TICK;

    // 1. Marks: a fresh mark replaces the last good one; a stale one leaves it.
    const marks = new Map<OpenPosition, MarkResult>();
    for (const p of s.open) {
      // A failed underlying's positions keep their last marks, even when leg quotes came through.
      const mark: MarkResult = data.failed.has(p.underlying)
        ? { status: 'stale', why: 'underlying_unavailable', debit: null }
        : markSpread(
            p,
            index.quoteOf(p.shortTicker),
            index.quoteOf(p.longTicker),
            nowMs,
            cfg.entry.max_quote_age_seconds,
          );
      if (mark.status === 'fresh') {
        p.lastMark = mark.debit;
        p.lastMarkAt = ts;
      }
      marks.set(p, mark);
    }
    rollTradeDate(s, tradeDate, equityOf(s).equity);

    // 2. Exits, under the level the scan started with.
    let level: BreakerLevel = maxLevel(s.breaker.level, working.global.level);
    for (const p of [...s.open]) {
      const ev = evaluateExit(p, {
        scenario: cfg,
        tradeDate,
        nowMs,
        session,
        underlyingPrice: index.priceOf(p.underlying),
        mark: marks.get(p)!,
        level,
        tick: tickOf(p.underlying),
      });
      if (!ev.exit) {
        if (ev.why === 'no_settlement_price' || ev.why === 'no_price') {
          errors.push({
            source: 'engine',
            code:
              ev.why === 'no_settlement_price' ? 'settlement_price_unavailable' : 'exit_price_unavailable',
            message: `${p.intentId}: cannot close without a price for ${p.underlying}; retried next scan`,
            underlying: p.underlying,
            scenario: cfg.id,
          });
        }
        continue;
      }
      const decision: ExitDecision = {
        ...legsOf(p),
        scenario: cfg.id,
        quantity: p.quantity,
        debit: ev.debit,
        closeReason: ev.reason,
        status: 'paper_filled',
        reason: null,
        intentId: intentId(cfg.id, tradeDate, p, 'close', p.positionSeq),
        positionSeq: p.positionSeq,
      };
      let fills = true;
      if (ev.reason === 'expired') {
        // Settlement is bookkeeping, never an order.
        decision.status = !isLive
          ? 'paper_filled'
          : !brokerAttached
            ? 'proposed'
            : liveMode
              ? 'filled'
              : 'paper_filled';
      } else if (isLive && !brokerAttached) {
        decision.status = 'proposed';
      } else if (isLive) {
        const verdict = yield { kind: 'exit', decision: { ...decision, status: 'proposed' } };
        const v = applyVerdict(verdict, decision.intentId);
        decision.status = v.status;
        decision.reason = v.reason;
        if (v.price !== null) decision.debit = v.price;
        fills = v.fills;
      }
      if (fills)
        bookExit(s, cfg, p, {
          debit: decision.debit,
          reason: ev.reason,
          closeIntentId: decision.intentId,
          ts,
          tradeDate,
        });
      exits.push(decision);
    }

    // 3. Circuit breaker on the equity after exits.
    const change = evaluateScenarioBreaker(s, cfg, equityOf(s).equity, startLevel);
    if (change) breakerChanges.push(change);
    level = maxLevel(s.breaker.level, working.global.level);

    // 4. Entries: one candidate per underlying, through the gates, seeing this scan's earlier fills.
    for (const u of cfg.universe) {
      const { candidate: c } = selectForUnderlying(index, cfg, u, false);
      if (!c) continue;
      const gate = evaluateGates(c, {
        scenario: cfg,
        open: s.open,
        nowMs,
        session,
        vix,
        level,
      });
      const decision: EntryDecision = {
        underlying: c.underlying,
        optionType: 'put',
        expiry: c.expiry,
        shortStrike: c.shortStrike,
        longStrike: c.longStrike,
        shortTicker: c.shortTicker,
        longTicker: c.longTicker,
        scenario: cfg.id,
        quantity: gate.quantity,
        credit: c.credit,
        shortDelta: c.shortDelta,
        width: c.width,
        status: 'paper_filled',
        reason: null,
        intentId: intentId(cfg.id, tradeDate, c, 'open', s.nextPositionSeq),
      };
      if (!gate.ok) {
        entries.push({ ...decision, status: 'blocked', reason: gate.reason });
        continue;
      }
      let fills = true;
      if (isLive && !brokerAttached) {
        decision.status = 'proposed';
      } else if (isLive) {
        const verdict = yield { kind: 'entry', decision: { ...decision, status: 'proposed' } };
        const v = applyVerdict(verdict, decision.intentId);
        decision.status = v.status;
        decision.reason = v.reason;
        if (v.price !== null) decision.credit = v.price;
        fills = v.fills;
      }
      if (fills) {
        const mid = c.midCredit;
        bookEntry(s, cfg, {
          legs: legsOf(decision),
          quantity: decision.quantity,
          width: c.width,
          credit: decision.credit,
          intentId: decision.intentId,
          markDebit: mid >= 0 && mid <= c.width ? mid : null,
          ts,
          tradeDate,
          bookedAs: decision.status,
        });
      }
      entries.push(decision);
    }
    s.highWaterMark = Math.max(s.highWaterMark, equityOf(s).equity);
  }

  const nextState: EngineState = {
    ...working,
    scanCount: state.scanCount + 1,
    lastScanAt: ts,
    lastTradeDate: tradeDate,
  };
  const outcome: ScanOutcome = {
    scanCount: nextState.scanCount,
    ts,
    tradeDate,
    vix: vix === null ? null : toCents(vix),
    underlyings: Object.fromEntries(
      Object.entries(snapshot.underlyings)
        .filter(([symbol]) => index.priceOf(symbol) !== null)
        .map(([symbol, q]) => [symbol, { price: toCents(q.price) }]),
    ),
    decisions: {
      entries: entries.map((e) => ({ ...e, credit: toCents(e.credit), shortDelta: toGreek(e.shortDelta) })),
      exits: exits.map((e) => ({ ...e, debit: toCents(e.debit) })),
    },
    errors,
    breaker: {
      global: working.global.level,
      scenarios: Object.fromEntries(
        scenarios.map((cfg) => [cfg.id, working.scenarios[cfg.id]!.breaker.level]),
      ),
    },
    breakerChanges,
    summaries: scenarios.map((cfg) =>
      roundSummary(
        summarizeScenario(
          working.scenarios[cfg.id]!,
          maxLevel(working.scenarios[cfg.id]!.breaker.level, working.global.level),
        ),
      ),
    ),
  };
  return { outcome, nextState };
}

const roundSummary = (x: ScenarioSummary): ScenarioSummary => ({
  ...x,
  equity: toCents(x.equity),
  realizedPnl: toCents(x.realizedPnl),
  unrealizedPnl: toCents(x.unrealizedPnl),
});

/**
 * Run one scan synchronously. With `options.broker`, each entry/exit of the live-capable scenario gets
 * that function's verdict; without one they are recorded as `proposed` and filled (`--broker none`).
 */
export function runScan(
  snapshot: MarketSnapshot,
  state: EngineState,
  run: RunConfig,
  nowMs: number,
  options: ScanOptions = {},
): ScanResult {
  const { broker } = options;
  const steps = scanSteps(snapshot, state, run, nowMs, { ...options, brokerAttached: broker !== undefined });
  let step = steps.next();
  while (!step.done) step = steps.next(broker!(step.value));
  return step.value;
}

/** Per-scenario figures for the comparison record; `marks` overrides last marks by intent id. */
export function summarizeScenarios(
  state: EngineState,
  marks?: Readonly<Record<string, number>>,
): ScenarioSummary[] {
  return Object.values(state.scenarios).map((s) =>
    roundSummary(summarizeScenario(s, maxLevel(s.breaker.level, state.global.level), marks)),
  );
}
