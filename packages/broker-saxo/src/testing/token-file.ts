import { chmod, rename, writeFile } from 'node:fs/promises';

export interface TokenFileContent {
  accessToken: string;
  /** Absolute expiry: epoch ms, a Date or an ISO string; omitted means "rely on the JWT exp". */
  expiresAt?: number | Date | string;
  /** How `expires_at` is written (default epoch seconds, as requests-oauthlib style keepers do). */
  expiresAtFormat?: 'epoch_seconds' | 'iso';
  refreshToken?: string;
  /** File mode (default 0o600). */
  mode?: number;
}

/**
 * Writes a token file the way a keeper does: the raw OAuth response plus `expires_at`, to a temp
 * file that is then renamed over the target (readers never see a partial file).
 */
export async function writeTokenFile(path: string, content: TokenFileContent): Promise<void> {
  const body: Record<string, unknown> = {
    access_token: content.accessToken,
    token_type: 'Bearer',
    expires_in: 1200,
    refresh_token: content.refreshToken ?? 'fake-refresh-token',
    refresh_token_expires_in: 3600,
    base_uri: null,
  };
  if (content.expiresAt !== undefined) {
    const ms =
      content.expiresAt instanceof Date
        ? content.expiresAt.getTime()
        : typeof content.expiresAt === 'string'
          ? Date.parse(content.expiresAt)
          : content.expiresAt;
    body.expires_at = content.expiresAtFormat === 'iso' ? new Date(ms).toISOString() : ms / 1000;
  }
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: content.mode ?? 0o600 });
  await chmod(temp, content.mode ?? 0o600);
  await rename(temp, path);
}

/** An unsigned JWT-shaped token whose `exp` claim is a string of epoch seconds, as Saxo issues them. */
export function makeFakeJwt(claims: { expMs: number; [key: string]: unknown }): string {
  const { expMs, ...rest } = claims;
  const enc = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${enc({ alg: 'ES256', typ: 'JWT' })}.${enc({ ...rest, exp: String(Math.floor(expMs / 1000)) })}.ZmFrZS1zaWduYXR1cmU`;
}
