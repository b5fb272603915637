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
import type { EntryDecision, ExitDecision } from '../domain/state.js';
import type { BrokerVerdict } from '../domain/types.js';

export type BrokerRequest =
  | { kind: 'entry'; decision: EntryDecision }
  | { kind: 'exit'; decision: ExitDecision };

export interface ScanOptions {
  /** The `HALT` file exists in the state directory: the global level is `halted`. */
  haltRequested?: boolean;
  /** Synchronous broker verdicts for `runScan`; absent means no broker (`--broker none`). */
  broker?: (request: BrokerRequest) => BrokerVerdict;
  /** Extra scan errors the app observed (state, parity log, broker) to record. */
  extraErrors?: import('../domain/types.js').ScanError[];
}

export type { BrokerVerdict };
