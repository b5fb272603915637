/** Ends the process with `code` after printing `message` (stderr). Thrown anywhere, handled in `main`. */
export class ExitError extends Error {
  readonly _tag = 'ExitError' as const;
  constructor(
    readonly code: 0 | 1 | 2,
    message: string,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

export function isExitError(value: unknown): value is ExitError {
  return typeof value === 'object' && value !== null && (value as { _tag?: unknown })._tag === 'ExitError';
}
