/**
 * The broker step of the live-capable scenario: a precheck per entry and exit in dry-run, a journaled
 * placement in live mode. Every failure becomes a verdict plus a recorded scan error; nothing throws
 * into the scan, so paper scenarios are never affected by the broker.
 */
import {
  type BrokerPositions,
  describeError,
  IN_FLIGHT_STATES,
  isSaxoError,
  reasonCodeOf,
  type SaxoClient,
} from '@aegis/broker-saxo';
import {
  type BrokerRequest,
  type BrokerVerdict,
  type EngineState,
  type OpenPosition,
  parseIntentId,
  type RunConfig,
  type ScanError,
  type SpreadLegs,
} from '@aegis/strategy-core';
import type { Logger } from 'pino';
import { type ResolveResult, resolveInFlightIntents } from './live/adopt.js';
import type { FileIntentJournal } from './live/journal.js';

export interface BrokerStepResult {
  verdict: BrokerVerdict;
  error: ScanError | null;
}

/** What a scan needs from the broker. */
export interface BrokerPort {
  decide(request: BrokerRequest): Promise<BrokerStepResult>;
  /**
   * Live only: before a scan (and at startup, with `settle`), read back the live-capable scenario's
   * in-flight intents and adopt the fills the broker confirmed into `engine`.
   */
  prepareScan?(
    engine: EngineState,
    nowMs: number,
    options?: { settle?: { wallNowMs: () => number; sleep: (ms: number) => Promise<void> } },
  ): Promise<ResolveResult>;
}

/** Reason of a live order refused because another intent of its scenario is still unresolved. */
export const INTENT_IN_FLIGHT = 'intent_in_flight';

/** Reasons that mean the precheck could not be made (not a broker verdict on the order). */
const TRANSPORT_REASON =
  /^(token_\w+|unauthorized|rate_limited|timeout|network|bad_response|server_error|http_error|http_\d{3}|instrument_not_found|instrument_not_tradable|internal_error)$/;

function legsOf(request: BrokerRequest): SpreadLegs {
  const d = request.decision;
  return {
    underlying: d.underlying,
    optionType: 'put',
    expiry: d.expiry,
    shortStrike: d.shortStrike,
    longStrike: d.longStrike,
    shortTicker: d.shortTicker,
    longTicker: d.longTicker,
  };
}

const limitOf = (request: BrokerRequest): number =>
  request.kind === 'entry' ? request.decision.credit : request.decision.debit;

function scanError(error: unknown, request: BrokerRequest, secrets: readonly string[]): ScanError {
  let message = isSaxoError(error) ? error.message : error instanceof Error ? error.message : String(error);
  for (const s of secrets) if (s.length >= 4) message = message.split(s).join('[redacted]');
  return {
    source: 'saxo',
    code: reasonCodeOf(error),
    message: `${request.kind} ${request.decision.intentId}: ${message}`,
    scenario: request.decision.scenario,
    underlying: request.decision.underlying,
  };
}

/** Dry-run: every entry and exit is prechecked; a failure is `precheck_rejected` with the error code. */
export function createPrecheckBroker(options: { client: SaxoClient; logger: Logger }): BrokerPort {
  const { client, logger } = options;
  return {
    async decide(request) {
      try {
        const outcome = await client.precheckSpread({
          spread: legsOf(request),
          quantity: request.decision.quantity,
          limitPrice: limitOf(request),
          side: request.kind === 'entry' ? 'open' : 'close',
          externalReference: request.decision.intentId,
        });
        if (outcome.status === 'precheck_ok') return { verdict: { status: 'precheck_ok' }, error: null };
        const reason = outcome.reason ?? 'precheck_rejected';
        // A transport or token failure is an error of the scan, a broker verdict is not.
        const transport = TRANSPORT_REASON.test(reason);
        return {
          verdict: { status: 'precheck_rejected', reason },
          error: transport
            ? {
                source: 'saxo',
                code: reason,
                message: `${request.kind} ${request.decision.intentId}: ${outcome.message ?? reason}`,
                scenario: request.decision.scenario,
                underlying: request.decision.underlying,
              }
            : null,
        };
      } catch (error) {
        logger.warn({ intentId: request.decision.intentId, error: describeError(error) }, 'precheck failed');
        return {
          verdict: { status: 'precheck_rejected', reason: reasonCodeOf(error) },
          error: scanError(error, request, []),
        };
      }
    },
  };
}

/**
 * Live: the intent is journaled before the order is sent (inside `placeSpread`). Only a confirmed fill
 * is booked: a working order or an unknown outcome is recorded as `submitted` (not booked) and resolved
 * by read-back before the next scan (`prepareScan`) or when the same intent is proposed again.
 *
 * One intent in flight per scenario: a new intent is sent only when every other intent of its scenario
 * is final and every fill found is in the book; otherwise it is `rejected` (`intent_in_flight`).
 */
export function createLiveBroker(options: {
  client: SaxoClient;
  journal: FileIntentJournal;
  logger: Logger;
  run: RunConfig;
  /** The live-capable scenario whose intents `prepareScan` resolves. */
  scenario: string;
}): BrokerPort {
  const { client, journal, logger } = options;
  /** Fills found by the in-flight guard, not in the book until the next `prepareScan` adopts them. */
  const unadopted = new Map<string, { scenario: string; price: number | null }>();

  /** Another intent of `scenario` that may still become (or be) a position the book lacks, or null. */
  async function blockingIntent(scenario: string, intentId: string): Promise<string | null> {
    for (const [id, u] of unadopted) if (u.scenario === scenario && id !== intentId) return id;
    for (const e of journal.entries()) {
      const id = e.intent.intentId;
      if (id === intentId || !IN_FLIGHT_STATES.has(e.state)) continue;
      if (parseIntentId(id)?.scenario !== scenario) continue;
      try {
        const r = await client.resolveIntent(id, { journal });
        if (r.status === 'rejected' || r.status === 'not_found') continue;
        if (r.status === 'filled') unadopted.set(id, { scenario, price: r.price });
      } catch (error) {
        logger.warn({ intentId: id, error: describeError(error) }, 'read-back of an in-flight intent failed');
      }
      return id;
    }
    return null;
  }

  return {
    async prepareScan(engine, nowMs, prepare = {}) {
      const knownPrices = new Map<string, number>();
      for (const [id, u] of unadopted) if (u.price !== null) knownPrices.set(id, u.price);
      const r = await resolveInFlightIntents({
        client,
        journal,
        engine,
        run: options.run,
        scenario: options.scenario,
        logger,
        nowMs,
        knownPrices,
        ...(prepare.settle === undefined ? {} : { settle: prepare.settle }),
      });
      // Every filled journal entry has now been adopted or found in the book.
      unadopted.clear();
      return r;
    },

    async decide(request) {
      const { intentId, scenario } = request.decision;
      const prior = journal.entries().find((e) => e.intent.intentId === intentId);
      // A new send (nothing journaled, or a final non-fill): only with nothing else of the scenario open.
      if (prior === undefined || prior.state === 'rejected' || prior.state === 'absent') {
        const blocking = await blockingIntent(scenario, intentId);
        if (blocking !== null) {
          logger.warn({ intentId, blocking }, 'order not sent: another intent of the scenario is in flight');
          return {
            verdict: { status: 'rejected', reason: INTENT_IN_FLIGHT },
            error: {
              source: 'saxo',
              code: INTENT_IN_FLIGHT,
              message: `${request.kind} ${intentId}: not sent while ${blocking} is unresolved or not yet booked`,
              scenario,
              underlying: request.decision.underlying,
            },
          };
        }
      }
      try {
        if (request.kind === 'exit') await journal.noteCloseReason(intentId, request.decision.closeReason);
      } catch (error) {
        logger.error({ intentId, error: describeError(error) }, 'order not placed: journal not writable');
        return {
          verdict: { status: 'rejected', reason: 'journal_failed' },
          error: scanError(error, request, []),
        };
      }
      try {
        let outcome = await client.placeSpread({
          spread: legsOf(request),
          quantity: request.decision.quantity,
          limitPrice: limitOf(request),
          side: request.kind === 'entry' ? 'open' : 'close',
          intentId,
          journal,
        });
        if (outcome.status === 'submitted' || outcome.status === 'unknown') {
          // A marketable limit order usually fills at once: one read-back lets the scan book it now
          // instead of a scan later. Anything but a confirmed fill keeps the placement's answer.
          try {
            const r = await client.resolveIntent(intentId, { journal });
            if (r.status === 'filled') {
              outcome = {
                status: 'filled',
                reason: null,
                orderId: r.orderId,
                sent: outcome.sent,
                ...(r.price === null ? {} : { price: r.price }),
              };
            }
          } catch (error) {
            logger.warn({ intentId, error: describeError(error) }, 'read-back after placement failed');
          }
        }
        if (outcome.status === 'filled') unadopted.delete(intentId);
        switch (outcome.status) {
          case 'filled':
            return {
              verdict:
                outcome.price === undefined
                  ? { status: 'filled' }
                  : { status: 'filled', price: outcome.price },
              error: null,
            };
          case 'submitted':
            return { verdict: { status: 'submitted' }, error: null };
          case 'rejected':
            return { verdict: { status: 'rejected', reason: outcome.reason ?? 'rejected' }, error: null };
          default:
            logger.warn({ intentId, reason: outcome.reason }, 'order outcome unknown');
            return {
              verdict: { status: 'submitted' },
              error: {
                source: 'saxo',
                code: 'outcome_unknown',
                message: `${request.kind} ${intentId}: outcome unknown (${outcome.reason ?? 'no reason'}); resolved by read-back`,
                scenario,
                underlying: request.decision.underlying,
              },
            };
        }
      } catch (error) {
        logger.error({ intentId, error: describeError(error) }, 'order not placed');
        return {
          verdict: { status: 'rejected', reason: reasonCodeOf(error) },
          error: scanError(error, request, []),
        };
      }
    },
  };
}

/** One difference between the broker's positions and the live-capable scenario's book. */
export interface ReconcileDifference {
  kind: 'missing_at_broker' | 'unknown_at_broker' | 'quantity_mismatch' | 'unpaired_leg';
  detail: string;
}

const spreadKey = (s: { underlying: string; expiry: string; shortStrike: number; longStrike: number }) =>
  `${s.underlying} ${s.expiry} ${s.shortStrike}/${s.longStrike}`;

/**
 * Compares broker positions with the book, spread by spread (underlying, expiry, strikes). Pure, so
 * every difference can be named exactly.
 */
export function reconcilePositions(
  book: readonly OpenPosition[],
  broker: BrokerPositions,
): ReconcileDifference[] {
  const differences: ReconcileDifference[] = [];
  const want = new Map<string, number>();
  for (const p of book) want.set(spreadKey(p), (want.get(spreadKey(p)) ?? 0) + p.quantity);
  const have = new Map<string, number>();
  for (const s of broker.spreads) have.set(spreadKey(s), (have.get(spreadKey(s)) ?? 0) + s.quantity);
  for (const [key, qty] of want) {
    const got = have.get(key);
    if (got === undefined) {
      differences.push({
        kind: 'missing_at_broker',
        detail: `book holds ${qty} x ${key}, broker holds none`,
      });
    } else if (got !== qty) {
      differences.push({
        kind: 'quantity_mismatch',
        detail: `book holds ${qty} x ${key}, broker holds ${got}`,
      });
    }
  }
  for (const [key, qty] of have) {
    if (!want.has(key))
      differences.push({
        kind: 'unknown_at_broker',
        detail: `broker holds ${qty} x ${key}, book holds none`,
      });
  }
  for (const leg of broker.unpaired) {
    differences.push({
      kind: 'unpaired_leg',
      detail: `broker leg uic ${leg.uic} (${leg.root ?? '?'} ${leg.expiry ?? '?'} ${leg.putCall ?? '?'} ${leg.strike ?? '?'}) amount ${leg.amount} pairs with no spread`,
    });
  }
  return differences;
}
