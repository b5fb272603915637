/**
 * The public shape of one scan. Implementation lives in `run-scan.ts`.
 *
 * runScan(snapshot, state, run, nowMs, options) -> { outcome, nextState }
 *
 * The engine is synchronous and pure. The live-capable scenario's broker step (precheck in dry-run,
 * orders in live mode) is asynchronous, so `scanSteps` is a generator: it yields a `BrokerRequest`
 * for each entry/exit of the live-capable scenario and expects the `BrokerVerdict` back via `next()`.
 * `runScan` drives it synchronously with `options.broker` (or, without one, records such decisions
 * as `proposed` and fills them, as `--broker none` does).
 */
import type { EngineState, EntryDecision, ExitDecision, ScanOutcome } from '../domain/state.js';
import type { BrokerVerdict, ScanError } from '../domain/types.js';

export type BrokerRequest =
  | { kind: 'entry'; decision: EntryDecision }
  | { kind: 'exit'; decision: ExitDecision };

export interface ScanOptions {
  /** The `HALT` file exists in the state directory: the global level is `halted`. */
  haltRequested?: boolean;
  /** Synchronous broker verdicts for `runScan`; absent means no broker (`--broker none`). */
  broker?: (request: BrokerRequest) => BrokerVerdict;
  /** Extra scan errors the app observed (state, parity log, broker) to record. */
  extraErrors?: ScanError[];
  /**
   * `scanSteps` only: a broker is attached and answers every yielded request. `runScan` derives it from
   * `broker`. Without one, the live-capable scenario's decisions are `proposed` and filled.
   */
  brokerAttached?: boolean;
  /**
   * Run mode (default `dry-run`). It only decides how an expiration settlement of the live-capable
   * scenario is recorded: `filled` in live mode, `paper_filled` for the dry-run shadow book.
   */
  mode?: 'dry-run' | 'live';
}

/** What one scan returns: the record material and the state to persist. */
export interface ScanResult {
  outcome: ScanOutcome;
  nextState: EngineState;
}

export type { BrokerVerdict };
