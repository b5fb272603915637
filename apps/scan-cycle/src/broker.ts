/**
 * The broker step of the live-capable scenario: a precheck per entry and exit in dry-run, a journaled
 * placement in live mode. Every failure becomes a verdict plus a recorded scan error; nothing throws
 * into the scan, so paper scenarios are never affected by the broker.
 */
import {
  type BrokerPositions,
  describeError,
  type IntentJournal,
  isSaxoError,
  reasonCodeOf,
  type SaxoClient,
} from '@aegis/broker-saxo';
import type { BrokerRequest, BrokerVerdict, OpenPosition, ScanError, SpreadLegs } from '@aegis/strategy-core';
import type { Logger } from 'pino';

export interface BrokerStepResult {
  verdict: BrokerVerdict;
  error: ScanError | null;
}

/** What a scan needs from the broker. */
export interface BrokerPort {
  decide(request: BrokerRequest): Promise<BrokerStepResult>;
}

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
 * Live: the intent is journaled before the order is sent (inside `placeSpread`); an unknown outcome is
 * recorded as `submitted` (never as a fill) and the next scan's read-back resolves it.
 */
export function createLiveBroker(options: {
  client: SaxoClient;
  journal: IntentJournal;
  logger: Logger;
}): BrokerPort {
  const { client, journal, logger } = options;
  return {
    async decide(request) {
      try {
        const outcome = await client.placeSpread({
          spread: legsOf(request),
          quantity: request.decision.quantity,
          limitPrice: limitOf(request),
          side: request.kind === 'entry' ? 'open' : 'close',
          intentId: request.decision.intentId,
          journal,
        });
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
            logger.warn(
              { intentId: request.decision.intentId, reason: outcome.reason },
              'order outcome unknown',
            );
            return {
              verdict: { status: 'submitted' },
              error: {
                source: 'saxo',
                code: 'outcome_unknown',
                message: `${request.kind} ${request.decision.intentId}: outcome unknown (${outcome.reason ?? 'no reason'}); resolved by read-back`,
                scenario: request.decision.scenario,
                underlying: request.decision.underlying,
              },
            };
        }
      } catch (error) {
        logger.error(
          { intentId: request.decision.intentId, error: describeError(error) },
          'order not placed',
        );
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
