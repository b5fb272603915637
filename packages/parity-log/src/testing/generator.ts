/**
 * Seeded generator of realistic parity and comparison logs for both sides of a comparison
 * (candidate and reference), with injectable differences.
 *
 * One "truth" (market, decisions, books) is drawn from the seed, scan by scan; each side renders it
 * with its own clock jitter, run ids and scan counter, then applies its own differences. With no
 * differences the two sides agree on every compared field.
 */
import { addDays, isTradingDay, sessionBoundsMs, toIsoUtc } from '@aegis/strategy-core';
import { mixSeed, mulberry32, pick, type Rng } from './rng.js';

export const DEFAULT_SCENARIOS = [
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
] as const;
export const DEFAULT_UNDERLYINGS = ['SPY', 'QQQ', 'IWM', 'SPX'] as const;

export type Side = 'candidate' | 'reference';
type Level = 'ok' | 'warn' | 'reduce_only' | 'halted';

/** Differences injected into one side's logs. Counts are spread evenly over the generated scans. */
export interface ParityDifferences {
  /** Added to the VIX of affected scans (all scans unless `vixOffsetScans`). */
  vixOffset?: number;
  vixOffsetScans?: number;
  /** Entries dropped from / fabricated into this side's scans. */
  missingEntries?: number;
  extraEntries?: number;
  /** Entries whose short and long strikes are one strike step lower on this side. */
  strikeMismatches?: number;
  missingExits?: number;
  extraExits?: number;
  /** Live-capable scenario entries whose precheck verdict is flipped (ok ↔ rejected). */
  precheckMismatches?: number;
  /** Dollars added per comparison record, cumulatively, to one scenario's equity. */
  equityDrift?: { scenario: string; dollarsPerRecord: number };
  /** Added to one scenario's trade_count from a comparison batch on. */
  tradeCountDrift?: { scenario: string; delta: number; fromBatch?: number };
  /** The scenario's breaker escalates at this scan (0-based scan index of the window). */
  breakerEscalation?: { scenario: string; atScan: number; to: 'reduce_only' | 'halted' };
  /** Places where `scan_count` skips a number within a run. */
  scanGaps?: number;
  /** Scans absent from this side (the scan counter stays continuous). */
  droppedScans?: number;
  /** Every this-many scans this side's scan is absent instead (bulk unmatched). */
  dropEveryNthScan?: number;
  /** Scan errors rising steadily through the window. */
  errorRamp?: boolean;
  /** Half-written copies of records, each on its own line (the full record follows). */
  tornLines?: number;
  /** The file ends with half a record and no newline. */
  tornTail?: boolean;
  garbageLines?: number;
  /** Scan records written with `schema_version: 2`. */
  otherVersionRecords?: number;
  /** Constant clock offset of this side. */
  timeOffsetMs?: number;
}

export interface GenerateParityOptions {
  seed: number;
  tradingDays: number;
  /** First day considered; the first NYSE session on or after it is used. Default 2026-03-02. */
  startDate?: string;
  scanIntervalSeconds?: number;
  scenarios?: readonly string[];
  underlyings?: readonly string[];
  /** Which sides to render; default both. */
  sides?: readonly Side[];
  /** A comparison record every this many scans; default 20. */
  comparisonEvery?: number;
  /** Probability that a scenario proposes an entry on a scan; default 0.012. */
  entryProbability?: number;
  /** Live-capable scenario; default LT_RC. */
  liveScenario?: string;
  differences?: { candidate?: ParityDifferences; reference?: ParityDifferences };
}

export interface GeneratedLine {
  side: Side;
  log: 'parity' | 'comparison';
  /** One line, `\n`-terminated (except a torn tail). */
  text: string;
  /** Trade date of the scan this line belongs to. */
  tradeDate: string;
}

interface TruthEntry {
  scenario: string;
  underlying: string;
  expiry: string;
  shortStrike: number;
  longStrike: number;
  quantity: number;
  credit: number;
  shortDelta: number;
  status: string;
  reason: string | null;
  seq: number;
}

interface TruthExit {
  scenario: string;
  underlying: string;
  expiry: string;
  shortStrike: number;
  longStrike: number;
  quantity: number;
  debit: number;
  closeReason: string;
  status: string;
  seq: number;
}

interface ScenarioBook {
  equity: number;
  realized: number;
  unrealized: number;
  tradeCount: number;
  closedCount: number;
  nextSeq: number;
  open: TruthEntry[];
}

const BASE_PRICE: Record<string, number> = { SPY: 520, QQQ: 440, IWM: 205, SPX: 5200 };
const STRIKE_STEP: Record<string, number> = { SPY: 1, QQQ: 1, IWM: 1, SPX: 5 };
const WIDTH: Record<string, number> = { SPY: 5, QQQ: 5, IWM: 5, SPX: 25 };

const r2 = (x: number): number => Math.round(x * 100) / 100;
const r4 = (x: number): number => Math.round(x * 10000) / 10000;

/** The scan times of the window: every `intervalSeconds` of each NYSE session, from the open. */
export function scanSchedule(
  options: Pick<GenerateParityOptions, 'tradingDays' | 'startDate' | 'scanIntervalSeconds'>,
): {
  tradeDate: string;
  tMs: number;
}[] {
  const out: { tradeDate: string; tMs: number }[] = [];
  const step = (options.scanIntervalSeconds ?? 45) * 1000;
  let date = options.startDate ?? '2026-03-02';
  let days = 0;
  while (days < options.tradingDays) {
    const session = sessionBoundsMs(date);
    if (session) {
      for (let t = session.openMs + 5_000; t < session.closeMs; t += step)
        out.push({ tradeDate: date, tMs: t });
      days++;
    }
    date = addDays(date, 1);
  }
  return out;
}

/** Evenly spread positions of `count` events among `total` scans. */
function spread(count: number | undefined, total: number): Set<number> {
  const out = new Set<number>();
  if (!count || count <= 0 || total === 0) return out;
  for (let k = 0; k < count; k++) out.add(Math.min(total - 1, Math.floor(((k + 0.5) * total) / count)));
  return out;
}

function nextFridayOnOrAfter(date: string): string {
  // 2026-03-06 is a Friday; days since then mod 7 tells the weekday.
  const days = Math.round(
    (Date.parse(`${date}T00:00:00Z`) - Date.parse('2026-03-06T00:00:00Z')) / 86_400_000,
  );
  const offset = (((-days % 7) + 7) % 7) as number;
  let expiry = addDays(date, offset);
  // An expiry on a holiday moves to the previous session (Good Friday, Juneteenth on a Friday).
  while (!isTradingDay(expiry)) expiry = addDays(expiry, -1);
  return expiry;
}

interface SidePlan {
  diff: ParityDifferences;
  vix: Set<number>;
  missingEntries: Set<number>;
  extraEntries: Set<number>;
  strikeMismatches: Set<number>;
  missingExits: Set<number>;
  extraExits: Set<number>;
  precheck: Set<number>;
  gaps: Set<number>;
  dropped: Set<number>;
  torn: Set<number>;
  garbage: Set<number>;
  otherVersion: Set<number>;
  /** Differences waiting for a scan that has something to change. */
  pending: { missingEntries: number; strikeMismatches: number; missingExits: number; precheck: number };
  scanCount: number;
  runId: string;
  comparisonBatches: number;
  levels: Map<string, Level>;
  escalatedOn: string | null;
}

function planSide(diff: ParityDifferences, total: number): SidePlan {
  return {
    diff,
    vix: diff.vixOffsetScans === undefined ? new Set() : spread(diff.vixOffsetScans, total),
    missingEntries: spread(diff.missingEntries, total),
    extraEntries: spread(diff.extraEntries, total),
    strikeMismatches: spread(diff.strikeMismatches, total),
    missingExits: spread(diff.missingExits, total),
    extraExits: spread(diff.extraExits, total),
    precheck: spread(diff.precheckMismatches, total),
    gaps: spread(diff.scanGaps, total),
    dropped: spread(diff.droppedScans, total),
    torn: spread(diff.tornLines, total),
    garbage: spread(diff.garbageLines, total),
    otherVersion: spread(diff.otherVersionRecords, total),
    pending: { missingEntries: 0, strikeMismatches: 0, missingExits: 0, precheck: 0 },
    scanCount: 1000,
    runId: '',
    comparisonBatches: 0,
    levels: new Map(),
    escalatedOn: null,
  };
}

const GARBAGE = [
  '\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000',
  'not json at all',
  '{"schema_version":1,"record_kind":"scan","ts":"2026-',
  '[1,2,3]',
  '{"schema_version":1,"ts":"2026-03-02T15:00:00.000Z"}',
  '{"schema_version":1,"record_kind":"scan","ts":"yesterday","scan_count":"seven"}',
];

/**
 * Yields the lines of both logs of each requested side, in time order per side
 * (sides interleaved scan by scan).
 */
export function* generateParityLines(options: GenerateParityOptions): Generator<GeneratedLine> {
  const scenarios = options.scenarios ?? DEFAULT_SCENARIOS;
  const underlyings = options.underlyings ?? DEFAULT_UNDERLYINGS;
  const sides = options.sides ?? (['candidate', 'reference'] as const);
  const every = options.comparisonEvery ?? 20;
  const pEntry = options.entryProbability ?? 0.012;
  const live = options.liveScenario ?? 'LT_RC';
  const schedule = scanSchedule(options);
  const total = schedule.length;
  const plans = new Map<Side, SidePlan>(
    sides.map((s) => [s, planSide(options.differences?.[s] ?? {}, total)] as const),
  );

  const books = new Map<string, ScenarioBook>(
    scenarios.map((s) => [
      s,
      { equity: 100_000, realized: 0, unrealized: 0, tradeCount: 0, closedCount: 0, nextSeq: 1, open: [] },
    ]),
  );
  const prices = new Map<string, number>(underlyings.map((u) => [u, BASE_PRICE[u] ?? 100]));
  let vix = 17;
  let prevDate = '';

  for (let i = 0; i < total; i++) {
    const { tradeDate, tMs } = schedule[i]!;
    const rng = mulberry32(mixSeed(options.seed, i, 1));
    const newDay = tradeDate !== prevDate;
    const lastOfDay = i + 1 === total || schedule[i + 1]!.tradeDate !== tradeDate;

    // Market truth.
    vix = Math.min(45, Math.max(10, vix + (rng() - 0.5) * 0.3 + (17 - vix) * 0.002));
    for (const u of underlyings) prices.set(u, prices.get(u)! * (1 + (rng() - 0.5) * 0.0015));

    // Decisions truth.
    const entries: TruthEntry[] = [];
    const exits: TruthExit[] = [];
    for (const scenario of scenarios) {
      const book = books.get(scenario)!;
      if (rng() < pEntry) {
        const underlying = pick(rng, underlyings);
        const price = prices.get(underlying)!;
        const step = STRIKE_STEP[underlying] ?? 1;
        const width = WIDTH[underlying] ?? 5;
        const shortStrike = Math.floor((price * (0.96 - rng() * 0.04)) / step) * step;
        const blocked = rng() < 0.05;
        const rejected = !blocked && scenario === live && rng() < 0.1;
        const status = blocked
          ? 'blocked'
          : scenario === live
            ? rejected
              ? 'precheck_rejected'
              : 'precheck_ok'
            : 'paper_filled';
        const entry: TruthEntry = {
          scenario,
          underlying,
          expiry: nextFridayOnOrAfter(addDays(tradeDate, 30)),
          shortStrike,
          longStrike: shortStrike - width,
          quantity: 1 + Math.floor(rng() * 5),
          credit: r2(width * (0.18 + rng() * 0.14)),
          shortDelta: r4(-(0.15 + rng() * 0.15)),
          status,
          reason: blocked ? 'max_open_positions' : rejected ? 'InsufficientMargin' : null,
          seq: book.nextSeq,
        };
        entries.push(entry);
        if (!blocked && !rejected) {
          book.nextSeq++;
          book.tradeCount++;
          book.open.push(entry);
          if (book.open.length > 6) book.open.shift();
        }
      }
      if (book.open.length > 0 && rng() < 0.01) {
        const pos = book.open.splice(Math.floor(rng() * book.open.length), 1)[0]!;
        const closeReason = pick(rng, ['profit_target', 'profit_target', 'stop_loss', 'dte_exit'] as const);
        const debit = r2(
          closeReason === 'profit_target' ? pos.credit * 0.5 : pos.credit * (0.8 + rng() * 1.5),
        );
        book.realized = r2(book.realized + (pos.credit - debit) * 100 * pos.quantity - 2.6 * pos.quantity);
        book.closedCount++;
        exits.push({
          scenario,
          underlying: pos.underlying,
          expiry: pos.expiry,
          shortStrike: pos.shortStrike,
          longStrike: pos.longStrike,
          quantity: pos.quantity,
          debit,
          closeReason,
          status: scenario === live ? 'precheck_ok' : 'paper_filled',
          seq: pos.seq,
        });
      }
      book.unrealized = r2(book.open.length === 0 ? 0 : book.unrealized * 0.98 + (rng() - 0.5) * 40);
      book.equity = r2(100_000 + book.realized + book.unrealized);
    }
    const truthErrors: { source: string; code: string; message: string; underlying: string }[] = [];
    if (rng() < 0.01) {
      const u = pick(rng, underlyings);
      truthErrors.push({
        source: 'polygon',
        code: 'rate_limited',
        message: `429 Too Many Requests for ${u}`,
        underlying: u,
      });
    }
    const underlyingsOut: Record<string, { price: number }> = {};
    for (const u of underlyings) underlyingsOut[u] = { price: r2(prices.get(u)!) };
    const emitComparison = i % every === every - 1;

    for (const side of sides) {
      const plan = plans.get(side)!;
      const d = plan.diff;
      const srng = mulberry32(mixSeed(options.seed, i, side === 'candidate' ? 2 : 3));
      const tsMs = tMs + (d.timeOffsetMs ?? 0) + Math.floor(srng() * (side === 'candidate' ? 1500 : 800));
      const ts = toIsoUtc(tsMs);
      const line = (log: 'parity' | 'comparison', obj: unknown): GeneratedLine => ({
        side,
        log,
        text: `${JSON.stringify(obj)}\n`,
        tradeDate,
      });

      if (newDay) {
        plan.runId = `${side === 'candidate' ? 'ts' : 'py'}-${tradeDate}-${(options.seed >>> 0).toString(16)}`;
        yield line('parity', {
          schema_version: 1,
          record_kind: 'startup',
          ts: toIsoUtc(tsMs - 4_000),
          run_id: plan.runId,
          source: side === 'candidate' ? 'scan-cycle/0.1.0' : 'python-paper/2.3',
          version: side === 'candidate' ? '0.1.0' : '2.3',
          mode: 'dry-run',
          config_hash: 'sha256:3f9a0c',
          scenario_ids: [...scenarios],
          flags: { dry_run: true, broker: 'saxo-precheck' },
        });
        // reduce_only and warn are re-evaluated at the session open; halted stays.
        for (const [scenario, level] of plan.levels) {
          if (level === 'reduce_only' || level === 'warn') {
            plan.levels.set(scenario, 'ok');
            yield line('parity', {
              schema_version: 1,
              record_kind: 'breaker',
              ts,
              trade_date: tradeDate,
              run_id: plan.runId,
              scenario,
              from: level,
              to: 'ok',
              cause: 'session_open',
            });
          }
        }
      }

      if (d.breakerEscalation && d.breakerEscalation.atScan === i) {
        const from = plan.levels.get(d.breakerEscalation.scenario) ?? 'ok';
        plan.levels.set(d.breakerEscalation.scenario, d.breakerEscalation.to);
        yield line('parity', {
          schema_version: 1,
          record_kind: 'breaker',
          ts,
          trade_date: tradeDate,
          run_id: plan.runId,
          scenario: d.breakerEscalation.scenario,
          from,
          to: d.breakerEscalation.to,
          cause: 'daily_loss',
        });
      }

      const dropped =
        plan.dropped.has(i) || (d.dropEveryNthScan !== undefined && i % d.dropEveryNthScan === 0);
      if (!dropped) {
        if (plan.gaps.has(i)) plan.scanCount++;
        plan.scanCount++;
        if (plan.missingEntries.has(i)) plan.pending.missingEntries++;
        if (plan.strikeMismatches.has(i)) plan.pending.strikeMismatches++;
        if (plan.missingExits.has(i)) plan.pending.missingExits++;
        if (plan.precheck.has(i)) plan.pending.precheck++;

        const entriesOut = [];
        for (const e of entries) {
          if (plan.pending.missingEntries > 0) {
            plan.pending.missingEntries--;
            continue;
          }
          let shortStrike = e.shortStrike;
          let longStrike = e.longStrike;
          if (plan.pending.strikeMismatches > 0) {
            plan.pending.strikeMismatches--;
            const step = STRIKE_STEP[e.underlying] ?? 1;
            shortStrike -= step;
            longStrike -= step;
          }
          let status = e.status;
          let reason = e.reason;
          if (e.scenario === live && plan.pending.precheck > 0 && status !== 'blocked') {
            plan.pending.precheck--;
            status = status === 'precheck_ok' ? 'precheck_rejected' : 'precheck_ok';
            reason = status === 'precheck_rejected' ? 'InsufficientMargin' : null;
          }
          entriesOut.push(entryJson(e, tradeDate, shortStrike, longStrike, status, reason));
        }
        if (plan.extraEntries.has(i)) {
          const u = underlyings[0]!;
          const strike = Math.floor((prices.get(u)! * 0.9) / (STRIKE_STEP[u] ?? 1)) * (STRIKE_STEP[u] ?? 1);
          entriesOut.push(
            entryJson(
              {
                scenario: scenarios[scenarios.length - 1]!,
                underlying: u,
                expiry: nextFridayOnOrAfter(addDays(tradeDate, 35)),
                shortStrike: strike,
                longStrike: strike - (WIDTH[u] ?? 5),
                quantity: 1,
                credit: 1.11,
                shortDelta: -0.2,
                status: 'paper_filled',
                reason: null,
                seq: 90_000 + i,
              },
              tradeDate,
              strike,
              strike - (WIDTH[u] ?? 5),
              'paper_filled',
              null,
            ),
          );
        }
        const exitsOut = [];
        for (const x of exits) {
          if (plan.pending.missingExits > 0) {
            plan.pending.missingExits--;
            continue;
          }
          exitsOut.push(exitJson(x, tradeDate));
        }
        if (plan.extraExits.has(i)) {
          const u = underlyings[0]!;
          exitsOut.push(
            exitJson(
              {
                scenario: scenarios[0]!,
                underlying: u,
                expiry: nextFridayOnOrAfter(addDays(tradeDate, 10)),
                shortStrike: 400,
                longStrike: 395,
                quantity: 1,
                debit: 0.5,
                closeReason: 'stop_loss',
                status: 'paper_filled',
                seq: 80_000 + i,
              },
              tradeDate,
            ),
          );
        }
        const errors = [...truthErrors];
        if (d.errorRamp && srng() < (i / total) * 0.8) {
          errors.push({
            source: 'polygon',
            code: 'server_error',
            message: '503 Service Unavailable',
            underlying: 'QQQ',
          });
        }
        const levelsOut: Record<string, Level> = {};
        for (const s of scenarios) levelsOut[s] = plan.levels.get(s) ?? 'ok';
        const vixOut =
          d.vixOffset !== undefined && (d.vixOffsetScans === undefined || plan.vix.has(i))
            ? r2(vix + d.vixOffset)
            : r2(vix);
        const record = {
          schema_version: plan.otherVersion.has(i) ? 2 : 1,
          record_kind: 'scan',
          ts,
          trade_date: tradeDate,
          scan_count: plan.scanCount,
          run_id: plan.runId,
          source: side === 'candidate' ? 'scan-cycle/0.1.0' : 'python-paper/2.3',
          mode: 'dry-run',
          vix: vixOut,
          underlyings: underlyingsOut,
          entries_proposed: entriesOut,
          exits_proposed: exitsOut,
          errors,
          circuit_breaker: { global: 'ok', scenarios: levelsOut },
          duration_ms: 250 + Math.floor(srng() * 400),
        };
        const text = `${JSON.stringify(record)}\n`;
        if (plan.garbage.has(i)) {
          yield { side, log: 'parity', text: `${pick(srng, GARBAGE)}\n`, tradeDate };
        }
        if (plan.torn.has(i)) {
          yield { side, log: 'parity', text: `${text.slice(0, Math.floor(text.length / 2))}\n`, tradeDate };
        }
        yield { side, log: 'parity', text, tradeDate };
      }

      if (emitComparison) {
        plan.comparisonBatches++;
        const batch = plan.comparisonBatches;
        yield line('comparison', {
          schema_version: 1,
          record_kind: 'comparison',
          ts,
          trade_date: tradeDate,
          batch,
          scan_count: plan.scanCount,
          scenarios: scenarios.map((s) => {
            const b = books.get(s)!;
            let equity = b.equity;
            let tradeCount = b.tradeCount;
            if (d.equityDrift?.scenario === s) equity = r2(equity + d.equityDrift.dollarsPerRecord * batch);
            if (d.tradeCountDrift?.scenario === s && batch >= (d.tradeCountDrift.fromBatch ?? 1)) {
              tradeCount += d.tradeCountDrift.delta;
            }
            return {
              scenario: s,
              equity,
              realized_pnl: b.realized,
              unrealized_pnl: b.unrealized,
              open_positions: b.open.length,
              trade_count: tradeCount,
              closed_count: b.closedCount,
              breaker: plan.levels.get(s) ?? 'ok',
            };
          }),
        });
      }

      if (lastOfDay) {
        const isLast = i + 1 === total;
        yield line('parity', {
          schema_version: 1,
          record_kind: 'shutdown',
          ts: toIsoUtc(tsMs + 2_000),
          run_id: plan.runId,
          reason: 'session_close',
        });
        if (isLast && d.tornTail) {
          const half = JSON.stringify({ schema_version: 1, record_kind: 'scan', ts, trade_date: tradeDate });
          yield { side, log: 'parity', text: half.slice(0, Math.floor(half.length / 2)), tradeDate };
        }
      }
    }
    prevDate = tradeDate;
  }
}

function entryJson(
  e: TruthEntry,
  tradeDate: string,
  shortStrike: number,
  longStrike: number,
  status: string,
  reason: string | null,
) {
  const expiryCompact = e.expiry.replaceAll('-', '');
  return {
    scenario: e.scenario,
    underlying: e.underlying,
    option_type: 'put',
    expiry: e.expiry,
    short_strike: shortStrike,
    long_strike: longStrike,
    quantity: e.quantity,
    credit: e.credit,
    short_delta: e.shortDelta,
    status,
    reason,
    intent_id: `${e.scenario}:${tradeDate}:${e.underlying}:${expiryCompact}:${shortStrike}:${longStrike}:open:${e.seq}`,
  };
}

function exitJson(x: TruthExit, tradeDate: string) {
  return {
    scenario: x.scenario,
    underlying: x.underlying,
    option_type: 'put',
    expiry: x.expiry,
    short_strike: x.shortStrike,
    long_strike: x.longStrike,
    quantity: x.quantity,
    debit: x.debit,
    close_reason: x.closeReason,
    status: x.status,
    reason: null,
    intent_id: `${x.scenario}:${tradeDate}:${x.underlying}:${x.expiry.replaceAll('-', '')}:${x.shortStrike}:${x.longStrike}:close:${x.seq}`,
  };
}

export type { Rng };
