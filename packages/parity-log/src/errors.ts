/** Every failure of the parity-log adapter is a `ParityLogError`; narrow on `_tag` and `kind`. */

export type ParityLogErrorKind =
  /** ENOSPC, EDQUOT, EFBIG or a short write: the disk (or quota) is full. */
  | 'no_space'
  /** EACCES, EPERM, EROFS: the file or directory cannot be written or read. */
  | 'permission'
  /** ENOENT, ENOTDIR: the path (or its directory) does not exist. */
  | 'not_found'
  /** EISDIR and similar: the path is not a log file. */
  | 'not_a_file'
  /** A record that does not satisfy the v1 schema was handed to the writer. */
  | 'invalid_record'
  /** `append` after `close`, or after a failed rollback left the file in an unknown state. */
  | 'closed'
  /** Any other I/O failure (EIO, EMFILE, …). */
  | 'io';

/** retryable: may succeed later unchanged (disk freed); non-retryable: caller must change something; fatal: stop. */
export type RetryClass = 'retryable' | 'non-retryable' | 'fatal';

export type ParityLogOperation =
  | 'open'
  | 'repair'
  | 'append'
  | 'fsync'
  | 'close'
  | 'read'
  | 'stat'
  | 'readdir';

export class ParityLogError extends Error {
  readonly _tag = 'ParityLogError' as const;
  readonly kind: ParityLogErrorKind;
  readonly retry: RetryClass;
  /** Not an HTTP adapter: always null, kept for the shape every adapter error shares. */
  readonly status: null = null;
  readonly operation: ParityLogOperation;
  readonly path: string;
  /** errno code of the underlying failure (`ENOSPC`), when there was one. */
  readonly code: string | undefined;
  override readonly cause: unknown;

  constructor(args: {
    kind: ParityLogErrorKind;
    operation: ParityLogOperation;
    path: string;
    detail: string;
    code?: string | undefined;
    cause?: unknown;
    retry?: RetryClass;
  }) {
    super(`[${args.operation}] ${args.path}: ${args.code ? `${args.code} ` : ''}${args.detail}`);
    this.name = 'ParityLogError';
    this.kind = args.kind;
    this.operation = args.operation;
    this.path = args.path;
    this.code = args.code;
    this.cause = args.cause;
    this.retry = args.retry ?? defaultRetry(args.kind);
  }
}

function defaultRetry(kind: ParityLogErrorKind): RetryClass {
  switch (kind) {
    case 'no_space':
    case 'io':
      return 'retryable';
    case 'permission':
    case 'not_found':
    case 'not_a_file':
    case 'invalid_record':
      return 'non-retryable';
    case 'closed':
      return 'fatal';
  }
}

export function isParityLogError(value: unknown): value is ParityLogError {
  return (
    typeof value === 'object' && value !== null && (value as { _tag?: unknown })._tag === 'ParityLogError'
  );
}

const KIND_BY_CODE: Record<string, ParityLogErrorKind> = {
  ENOSPC: 'no_space',
  EDQUOT: 'no_space',
  EFBIG: 'no_space',
  EACCES: 'permission',
  EPERM: 'permission',
  EROFS: 'permission',
  ENOENT: 'not_found',
  ENOTDIR: 'not_found',
  EISDIR: 'not_a_file',
};

const DETAIL_BY_KIND: Record<ParityLogErrorKind, string> = {
  no_space: 'no space left on device',
  permission: 'permission denied',
  not_found: 'no such file or directory',
  not_a_file: 'not a regular file',
  invalid_record: 'invalid record',
  closed: 'writer is closed',
  io: 'I/O error',
};

/** Wraps a Node fs error (or anything thrown) into a `ParityLogError`. */
export function fromFsError(
  error: unknown,
  operation: ParityLogOperation,
  path: string,
  extra?: string,
): ParityLogError {
  if (isParityLogError(error)) return error;
  const code =
    typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const kind = (code && KIND_BY_CODE[code]) || 'io';
  const base = kind === 'io' && error instanceof Error ? error.message : DETAIL_BY_KIND[kind];
  return new ParityLogError({
    kind,
    operation,
    path,
    code,
    detail: extra ? `${base}; ${extra}` : base,
    cause: error,
  });
}
