/**
 * The one error type of this adapter. Narrow on `_tag` and `kind`, not `instanceof`.
 * Messages and causes never carry a token: the client builds them from method, path and status only.
 */

export type SaxoErrorKind =
  | 'token_missing'
  | 'token_unreadable'
  | 'token_corrupt'
  | 'token_incomplete'
  | 'token_expired'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'bad_request'
  | 'conflict'
  | 'rate_limited'
  | 'server_error'
  | 'http_error'
  | 'timeout'
  | 'network'
  | 'bad_response'
  | 'instrument_not_found'
  | 'instrument_not_tradable'
  | 'invalid_input'
  | 'journal_failed';

/** `retryable`: the same call may succeed later; `non_retryable`: fix the input or state first; `fatal`: stop trading. */
export type SaxoRetryClass = 'retryable' | 'non_retryable' | 'fatal';

export interface SaxoErrorInit {
  kind: SaxoErrorKind;
  message: string;
  retry?: SaxoRetryClass;
  status?: number | null;
  errorCode?: string;
  method?: string;
  path?: string;
  correlationId?: string;
  cause?: unknown;
}

const DEFAULT_RETRY: Record<SaxoErrorKind, SaxoRetryClass> = {
  token_missing: 'retryable',
  token_unreadable: 'retryable',
  token_corrupt: 'retryable',
  token_incomplete: 'retryable',
  token_expired: 'retryable',
  unauthorized: 'retryable',
  forbidden: 'non_retryable',
  not_found: 'non_retryable',
  bad_request: 'non_retryable',
  conflict: 'non_retryable',
  rate_limited: 'retryable',
  server_error: 'retryable',
  http_error: 'non_retryable',
  timeout: 'retryable',
  network: 'retryable',
  bad_response: 'non_retryable',
  instrument_not_found: 'non_retryable',
  instrument_not_tradable: 'retryable',
  invalid_input: 'non_retryable',
  journal_failed: 'fatal',
};

const HTTP_CODED = new Set<SaxoErrorKind>([
  'server_error',
  'http_error',
  'bad_request',
  'forbidden',
  'not_found',
]);

export class SaxoError extends Error {
  readonly _tag = 'SaxoError' as const;
  readonly kind: SaxoErrorKind;
  readonly retry: SaxoRetryClass;
  readonly status: number | null;
  readonly errorCode: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly correlationId: string | undefined;

  constructor(init: SaxoErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'SaxoError';
    this.kind = init.kind;
    this.retry = init.retry ?? DEFAULT_RETRY[init.kind];
    this.status = init.status ?? null;
    this.errorCode = init.errorCode;
    this.method = init.method;
    this.path = init.path;
    this.correlationId = init.correlationId;
  }

  /** Short code used as a decision `reason`: the broker error code when there is one, else the transport code. */
  get reasonCode(): string {
    if (this.errorCode) return this.errorCode;
    if (this.status !== null && HTTP_CODED.has(this.kind)) {
      return `http_${this.status}`;
    }
    return this.kind;
  }
}

export function isSaxoError(value: unknown): value is SaxoError {
  return typeof value === 'object' && value !== null && (value as { _tag?: unknown })._tag === 'SaxoError';
}

/** Reason code for any thrown value (non-Saxo errors are `internal_error`). */
export function reasonCodeOf(error: unknown): string {
  return isSaxoError(error) ? error.reasonCode : 'internal_error';
}

/** Safe, token-free description of an error for logs. */
export function describeError(error: unknown): Record<string, unknown> {
  if (isSaxoError(error)) {
    return {
      kind: error.kind,
      retry: error.retry,
      status: error.status,
      errorCode: error.errorCode,
      message: error.message,
    };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { message: String(error) };
}
