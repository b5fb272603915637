/**
 * The engine's one error type. The engine returns results for expected outcomes (blocked entries, stale
 * marks, missing data); it throws only when a caller breaks its contract.
 */
export type EngineErrorKind =
  | 'session_closed'
  | 'invalid_state'
  | 'invalid_config'
  | 'clock_regression'
  | 'broker_protocol'
  | 'unknown_scenario';

export class EngineError extends Error {
  readonly _tag = 'EngineError' as const;
  readonly kind: EngineErrorKind;
  /** Calling again with the same input fails the same way. */
  readonly retry = 'non-retryable' as const;

  constructor(kind: EngineErrorKind, message: string) {
    super(`engine ${kind}: ${message}`);
    this.name = 'EngineError';
    this.kind = kind;
  }
}

export const isEngineError = (e: unknown): e is EngineError =>
  typeof e === 'object' && e !== null && (e as { _tag?: unknown })._tag === 'EngineError';
