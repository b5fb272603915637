import type { z } from 'zod';
import { SaxoError } from './errors.js';

/** Validates a venue payload; a drifted shape is a `bad_response` naming the field and the endpoint. */
export function parseVenue<T>(schema: z.ZodType<T>, body: unknown, method: string, path: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new SaxoError({
    kind: 'bad_response',
    message: `[${method}] ${path}: unexpected response shape at ${where}: ${issue?.message ?? 'invalid'}`,
    method,
    path,
    cause: parsed.error,
  });
}
