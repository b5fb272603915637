import { z } from 'zod';

/**
 * The token file a separate token keeper maintains: the raw OAuth token response plus an absolute
 * expiry. Unknown fields are allowed (keepers add their own bookkeeping).
 */
export const TokenFileSchema = z.looseObject({
  access_token: z.string().min(1, 'access_token is empty'),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
  refresh_token: z.string().optional(),
  refresh_token_expires_in: z.number().optional(),
  expires_at: z.union([z.number(), z.string()]).optional(),
});
export type TokenFile = z.infer<typeof TokenFileSchema>;

export type ParsedTokenFile =
  | { ok: true; accessToken: string; expiresAtMs: number; expirySource: 'expires_at' | 'jwt_exp' }
  | { ok: false; problem: 'incomplete' | 'corrupt'; detail: string };

// Epoch values above this are milliseconds, below are seconds (1e11 s is the year 5138).
const MS_THRESHOLD = 1e11;

/** Parses the file text. Never includes the token in `detail`. */
export function parseTokenFile(text: string): ParsedTokenFile {
  const trimmed = text.trim();
  if (trimmed.length === 0) return { ok: false, problem: 'incomplete', detail: 'file is empty' };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return looksTruncated(trimmed, message)
      ? { ok: false, problem: 'incomplete', detail: 'JSON ends early (file is being written?)' }
      : { ok: false, problem: 'corrupt', detail: 'not valid JSON' };
  }
  const parsed = TokenFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    return { ok: false, problem: 'corrupt', detail: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  const file = parsed.data;
  if (file.token_type !== undefined && file.token_type.toLowerCase() !== 'bearer') {
    return { ok: false, problem: 'corrupt', detail: `token_type: expected Bearer, got ${file.token_type}` };
  }
  if (file.expires_at !== undefined) {
    const expiresAtMs = parseExpiresAt(file.expires_at);
    if (expiresAtMs === null) {
      return {
        ok: false,
        problem: 'corrupt',
        detail: 'expires_at: expected epoch seconds or an ISO-8601 time with a timezone',
      };
    }
    return { ok: true, accessToken: file.access_token, expiresAtMs, expirySource: 'expires_at' };
  }
  const jwtExpMs = jwtExpiryMs(file.access_token);
  if (jwtExpMs === null) {
    return {
      ok: false,
      problem: 'corrupt',
      detail: 'no absolute expiry: expires_at is absent and access_token is not a JWT with exp',
    };
  }
  return { ok: true, accessToken: file.access_token, expiresAtMs: jwtExpMs, expirySource: 'jwt_exp' };
}

function looksTruncated(text: string, message: string): boolean {
  if (/end of JSON input|Unterminated/i.test(message)) return true;
  const position = /position (\d+)/.exec(message)?.[1];
  return position !== undefined && Number(position) >= text.length - 1;
}

export function parseExpiresAt(value: number | string): number | null {
  if (typeof value === 'number') return epochToMs(value);
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return epochToMs(Number(text));
  // A naive local time is ambiguous across hosts and DST: require an explicit zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

function epochToMs(value: number): number | null {
  if (!Number.isFinite(value) || value <= 0) return null;
  return value >= MS_THRESHOLD ? Math.round(value) : Math.round(value * 1000);
}

/** `exp` claim of a JWT (Saxo serialises it as a string) in epoch ms; null when absent or unreadable. */
export function jwtExpiryMs(token: string): number | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null) return null;
    const exp = (payload as { exp?: unknown }).exp;
    if (typeof exp === 'number') return epochToMs(exp);
    if (typeof exp === 'string' && /^\d+$/.test(exp.trim())) return epochToMs(Number(exp));
    return null;
  } catch {
    return null;
  }
}
