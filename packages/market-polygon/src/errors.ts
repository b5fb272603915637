/**
 * The one error type this adapter throws. Narrow on `_tag`, not `instanceof`.
 */

export type PolygonErrorKind =
  | 'http'
  | 'rate_limited'
  | 'unauthorized'
  | 'forbidden'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'cursor_loop'
  | 'page_cap'
  | 'schema';

/**
 * `retryable`: worth another attempt (429, 5xx, network, timeout).
 * `non-retryable`: this request will fail the same way again (bad payload, 4xx, pagination bug).
 * `fatal`: nothing will work until an operator acts (the API key is missing or wrong).
 */
export type PolygonRetryClass = 'retryable' | 'non-retryable' | 'fatal';

export interface PolygonErrorInit {
  kind: PolygonErrorKind;
  method: string;
  /** Request path without query or key, e.g. `/v3/snapshot/options/SPY`. */
  path: string;
  /** What went wrong, after `method path: `. */
  detail: string;
  status?: number;
  retry?: PolygonRetryClass;
  cause?: unknown;
  /** Attempts made before giving up (1 when not retried). */
  attempts?: number;
}

export class PolygonError extends Error {
  readonly _tag = 'PolygonError' as const;
  readonly kind: PolygonErrorKind;
  readonly retry: PolygonRetryClass;
  readonly status: number | undefined;
  readonly method: string;
  readonly path: string;
  readonly attempts: number;

  constructor(init: PolygonErrorInit) {
    super(
      `[${init.method}] ${init.path}: ${init.detail}`,
      init.cause === undefined ? {} : { cause: init.cause },
    );
    this.name = 'PolygonError';
    this.kind = init.kind;
    this.retry = init.retry ?? defaultRetryClass(init.kind);
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts ?? 1;
  }
}

export function defaultRetryClass(kind: PolygonErrorKind): PolygonRetryClass {
  switch (kind) {
    case 'rate_limited':
    case 'timeout':
    case 'network':
      return 'retryable';
    case 'unauthorized':
      return 'fatal';
    default:
      return 'non-retryable';
  }
}

export function isPolygonError(value: unknown): value is PolygonError {
  return typeof value === 'object' && value !== null && (value as { _tag?: unknown })._tag === 'PolygonError';
}

/** Standard reason phrases, so messages read `429 Too Many Requests` whatever the server sent. */
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusText(status: number): string {
  return REASONS[status] ?? 'HTTP Error';
}
