/**
 * Live in-flight resolution: every journaled intent of the live-capable scenario whose outcome is not
 * known yet is read back at the broker, and every intent the broker confirms filled that the book does
 * not hold is adopted into the book. Run at startup (before reconciliation, after waiting out the
 * read-back settle window) and before every live scan.
 */
import { IN_FLIGHT_STATES, type SaxoClient } from '@aegis/broker-saxo';
import {
  adoptBrokerFill,
  type EngineState,
  parseIntentId,
  type RunConfig,
  type ScanError,
  toIsoUtc,
  tradeDateOf,
} from '@aegis/strategy-core';
import type { Logger } from 'pino';
import type { FileIntentJournal } from './journal.js';

/** Broker-saxo's read-back settle window: absence counts only for intents older than this. */
export const READ_BACK_SETTLE_MS = 15_000;
/** Margin on top of the settle window, so the read-back after the wait is past it. */
const SETTLE_MARGIN_MS = 250;

export interface ResolveResult {
  engine: EngineState;
  /** Intent ids adopted into the book. */
  adopted: string[];
  /** Intent ids still in flight after the read-back. */
  inFlight: string[];
  /** `adopted_fill` notes and read-back problems, for the next scan record. */
  errors: ScanError[];
  /** How long the startup waited for the settle window (0 before a scan). */
  waitedMs: number;
}

export interface ResolveOptions {
  client: Pick<SaxoClient, 'resolveIntent'>;
  journal: FileIntentJournal;
  engine: EngineState;
  run: RunConfig;
  scenario: string;
  logger: Logger;
  /** Scan-clock time (virtual or real) stamped on adopted positions. */
  nowMs: number;
  /** Read-back prices learnt earlier in this process (intent id → net price). */
  knownPrices?: ReadonlyMap<string, number>;
  /**
   * Startup only: wait until every in-flight intent is older than the settle window, so an order the
   * dead process was sending has had time to show (wall clock).
   */
  settle?: { wallNowMs: () => number; sleep: (ms: number) => Promise<void> };
}

const ofScenario = (scenario: string) => (id: string) => parseIntentId(id)?.scenario === scenario;

/** Skips that mean "already in the book" (the normal fate of an old filled entry): not worth a note. */
const QUIET_SKIPS = new Set(['already_booked', 'sequence_consumed', 'position_not_open']);

export async function resolveInFlightIntents(o: ResolveOptions): Promise<ResolveResult> {
  const mine = ofScenario(o.scenario);
  const errors: ScanError[] = [];
  const inFlight = o.journal
    .entries()
    .filter((e) => mine(e.intent.intentId) && IN_FLIGHT_STATES.has(e.state));

  let waitedMs = 0;
  if (o.settle !== undefined && inFlight.length > 0) {
    const now = o.settle.wallNowMs();
    const until = Math.max(...inFlight.map((e) => e.intent.recordedAtMs + READ_BACK_SETTLE_MS));
    // Bounded: a recordedAtMs in the future (clock jump) never makes us wait more than one window.
    waitedMs = Math.min(Math.max(0, until - now), READ_BACK_SETTLE_MS) + SETTLE_MARGIN_MS;
    if (until - now > 0) {
      o.logger.warn(
        { scenario: o.scenario, intents: inFlight.map((e) => e.intent.intentId), wait_ms: waitedMs },
        'in-flight intents from the previous process: waiting out the read-back settle window',
      );
      await o.settle.sleep(waitedMs);
    } else {
      waitedMs = 0;
    }
  }

  const prices = new Map(o.knownPrices ?? []);
  const still: string[] = [];
  for (const e of inFlight) {
    const id = e.intent.intentId;
    try {
      const r = await o.client.resolveIntent(id, { journal: o.journal });
      if (r.status === 'filled' && r.price !== null) prices.set(id, r.price);
      if (r.status === 'submitted' || r.status === 'unknown') still.push(id);
    } catch (error) {
      still.push(id);
      errors.push({
        source: 'saxo',
        code: 'read_back_failed',
        message: `${id}: read-back failed (${(error as Error).message}); still in flight`,
        scenario: o.scenario,
      });
    }
  }

  let engine = o.engine;
  const adopted: string[] = [];
  const ts = toIsoUtc(o.nowMs);
  const tradeDate = tradeDateOf(o.nowMs);
  for (const e of o.journal.entries()) {
    const id = e.intent.intentId;
    if (e.state !== 'filled' || !mine(id)) continue;
    const side = e.intent.side === 'close' ? 'close' : 'open';
    const closeReason = side === 'close' ? o.journal.closeReasonOf(id) : undefined;
    const price = prices.get(id) ?? e.intent.limitPrice;
    const r = adoptBrokerFill(engine, o.run, {
      intentId: id,
      side,
      legs: e.intent.spread,
      quantity: e.intent.quantity,
      price,
      ts,
      tradeDate,
      ...(closeReason === undefined ? {} : { closeReason }),
    });
    if (r.adopted) {
      engine = r.state;
      adopted.push(id);
      o.logger.warn(
        { scenario: o.scenario, intentId: id, side, quantity: e.intent.quantity, price },
        'adopted a fill the broker confirmed into the book',
      );
      errors.push({
        source: 'saxo',
        code: 'adopted_fill',
        message: `${id}: ${side === 'open' ? 'opening' : 'closing'} fill of ${e.intent.quantity} at ${price} confirmed by read-back and booked`,
        scenario: o.scenario,
        underlying: e.intent.spread.underlying,
      });
    } else if (!QUIET_SKIPS.has(r.why)) {
      o.logger.error(
        { scenario: o.scenario, intentId: id, why: r.why, detail: r.detail },
        'fill not adopted',
      );
      errors.push({
        source: 'saxo',
        code: 'adoption_refused',
        message: `${r.detail} (${r.why})`,
        scenario: o.scenario,
        underlying: e.intent.spread.underlying,
      });
    }
  }
  return { engine, adopted, inFlight: still, errors, waitedMs };
}
