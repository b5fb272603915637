import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenSource, isSaxoError, jwtExpiryMs, parseTokenFile, type SaxoError } from '../src/index.js';
import { createCaptureLogger, makeFakeJwt, writeTokenFile } from '../src/testing/index.js';
import { caught, HOUR_MS, TOKEN_A, TOKEN_B } from './helpers.js';

const NOW = Date.parse('2026-04-10T14:30:00.000Z');

describe('parseTokenFile', () => {
  const raw = (extra: Record<string, unknown>) =>
    JSON.stringify({
      access_token: TOKEN_A,
      token_type: 'Bearer',
      expires_in: 1200,
      refresh_token: 'r',
      ...extra,
    });

  it('takes expires_at as epoch seconds, epoch ms or an ISO time with a zone', () => {
    expect(parseTokenFile(raw({ expires_at: 1775831400 }))).toEqual({
      ok: true,
      accessToken: TOKEN_A,
      expiresAtMs: 1775831400000,
      expirySource: 'expires_at',
    });
    expect(parseTokenFile(raw({ expires_at: 1775831400123 }))).toMatchObject({ expiresAtMs: 1775831400123 });
    expect(parseTokenFile(raw({ expires_at: '1775831400.5' }))).toMatchObject({ expiresAtMs: 1775831400500 });
    expect(parseTokenFile(raw({ expires_at: '2026-04-10T14:50:00+00:00' }))).toMatchObject({
      expiresAtMs: Date.parse('2026-04-10T14:50:00Z'),
    });
    expect(parseTokenFile(raw({ expires_at: '2026-04-10T10:50:00-04:00' }))).toMatchObject({
      expiresAtMs: Date.parse('2026-04-10T14:50:00Z'),
    });
  });

  it('refuses a naive ISO expiry (no zone) as corrupt', () => {
    expect(parseTokenFile(raw({ expires_at: '2026-04-10T14:50:00' }))).toEqual({
      ok: false,
      problem: 'corrupt',
      detail: 'expires_at: expected epoch seconds or an ISO-8601 time with a timezone',
    });
  });

  it('falls back to the JWT exp claim (a string of seconds, as Saxo issues it)', () => {
    const jwt = makeFakeJwt({ expMs: NOW + 1_200_000, cid: 'client' });
    expect(jwtExpiryMs(jwt)).toBe(NOW + 1_200_000);
    expect(parseTokenFile(JSON.stringify({ access_token: jwt, token_type: 'Bearer' }))).toEqual({
      ok: true,
      accessToken: jwt,
      expiresAtMs: NOW + 1_200_000,
      expirySource: 'jwt_exp',
    });
  });

  it('prefers expires_at over the JWT exp', () => {
    const jwt = makeFakeJwt({ expMs: NOW + 1_200_000 });
    expect(parseTokenFile(JSON.stringify({ access_token: jwt, expires_at: NOW / 1000 + 60 }))).toMatchObject({
      expiresAtMs: NOW + 60_000,
      expirySource: 'expires_at',
    });
  });

  it('classifies truncated JSON as incomplete and garbage as corrupt, never echoing the token', () => {
    const full = raw({ expires_at: 1775831400 });
    for (const cut of [0, 1, 20, full.length - 1]) {
      const parsed = parseTokenFile(full.slice(0, cut));
      expect(parsed).toMatchObject({ ok: false, problem: 'incomplete' });
      expect(JSON.stringify(parsed)).not.toContain(TOKEN_A);
    }
    expect(parseTokenFile('access_token=abc')).toEqual({
      ok: false,
      problem: 'corrupt',
      detail: 'not valid JSON',
    });
    expect(parseTokenFile(JSON.stringify({ token_type: 'Bearer' }))).toMatchObject({
      ok: false,
      problem: 'corrupt',
      detail: expect.stringContaining('access_token'),
    });
    expect(parseTokenFile(raw({ token_type: 'MAC', expires_at: 1 }))).toMatchObject({
      problem: 'corrupt',
      detail: 'token_type: expected Bearer, got MAC',
    });
    expect(parseTokenFile(JSON.stringify({ access_token: 'opaque' }))).toMatchObject({
      problem: 'corrupt',
      detail: 'no absolute expiry: expires_at is absent and access_token is not a JWT with exp',
    });
  });
});

describe('createTokenSource', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'saxo-token-'));
    path = join(dir, 'tokens.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const source = (extra: Partial<Parameters<typeof createTokenSource>[0]> = {}) => {
    const logger = createCaptureLogger();
    const sleeps: number[] = [];
    const tokens = createTokenSource({
      path,
      now: () => NOW,
      logger,
      watch: false,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...extra,
    });
    return { tokens, logger, sleeps };
  };

  const kindOf = async (tokens: { getAccessToken(): Promise<string> }) => {
    const error = await caught(() => tokens.getAccessToken());
    expect(isSaxoError(error)).toBe(true);
    return (error as SaxoError).kind;
  };

  it('reads the token and reports its expiry without exposing it', async () => {
    await writeTokenFile(path, { accessToken: TOKEN_A, expiresAt: NOW + HOUR_MS });
    const { tokens, logger } = source();
    expect(await tokens.getAccessToken()).toBe(TOKEN_A);
    expect(tokens.status()).toEqual({ path, expiresAtMs: NOW + HOUR_MS, lastReadAtMs: NOW, watching: false });
    expect(logger.messages('info')).toEqual(['token file read']);
    expect(logger.text()).not.toContain(TOKEN_A);
  });

  it('gives distinct kinds for missing, corrupt, expired and half-written files', async () => {
    expect(await kindOf(source().tokens)).toBe('token_missing');

    await writeFile(path, 'not json at all', { mode: 0o600 });
    expect(await kindOf(source().tokens)).toBe('token_corrupt');

    await writeTokenFile(path, { accessToken: TOKEN_A, expiresAt: NOW - 1000 });
    const expired = source().tokens;
    const error = (await caught(() => expired.getAccessToken())) as SaxoError;
    expect(error.kind).toBe('token_expired');
    expect(error.message).toBe(`token file ${path}: expired at ${new Date(NOW - 1000).toISOString()}`);

    await writeFile(path, `{"access_token": "${TOKEN_A}", "expires_at": 17758`, { mode: 0o600 });
    const half = source({ halfWrittenRetries: 3, halfWrittenDelayMs: 25 });
    const halfError = (await caught(() => half.tokens.getAccessToken())) as SaxoError;
    expect(halfError.kind).toBe('token_incomplete');
    // Retried, not trusted: four reads with three pauses between them.
    expect(half.sleeps).toEqual([25, 25, 25]);
    expect(halfError.message).not.toContain(TOKEN_A);
  });

  it('waits out a half-written file that the keeper then completes', async () => {
    await writeFile(path, '{"access_token": "tok-', { mode: 0o600 });
    const tokens = createTokenSource({
      path,
      now: () => NOW,
      watch: false,
      sleep: async () => {
        await writeTokenFile(path, { accessToken: TOKEN_B, expiresAt: NOW + HOUR_MS });
      },
    });
    expect(await tokens.getAccessToken()).toBe(TOKEN_B);
  });

  it('picks up a rotated file on the next use without a restart (polling fallback)', async () => {
    await writeTokenFile(path, { accessToken: TOKEN_A, expiresAt: NOW + HOUR_MS });
    const { tokens, logger } = source();
    expect(await tokens.getAccessToken()).toBe(TOKEN_A);
    expect(await tokens.getAccessToken()).toBe(TOKEN_A);
    await writeTokenFile(path, { accessToken: TOKEN_B, expiresAt: NOW + 2 * HOUR_MS });
    expect(await tokens.getAccessToken()).toBe(TOKEN_B);
    expect(tokens.status().expiresAtMs).toBe(NOW + 2 * HOUR_MS);
    expect(logger.messages('info')).toEqual(['token file read', 'token file rotated']);
    expect(logger.text()).not.toMatch(/tok-[AB]/);
  });

  it('picks up a rotated file through fs.watch', async () => {
    await writeTokenFile(path, { accessToken: TOKEN_A, expiresAt: NOW + HOUR_MS });
    const tokens = createTokenSource({ path, now: () => NOW });
    try {
      expect(tokens.status().watching).toBe(true);
      expect(await tokens.getAccessToken()).toBe(TOKEN_A);
      await writeTokenFile(path, { accessToken: TOKEN_B, expiresAt: NOW + HOUR_MS });
      expect(await tokens.getAccessToken()).toBe(TOKEN_B);
    } finally {
      tokens.close();
    }
  });

  it('re-reads before use when near expiry and warns once when the keeper has not rotated it', async () => {
    await writeTokenFile(path, { accessToken: TOKEN_A, expiresAt: NOW + 60_000 });
    const { tokens, logger } = source({ nearExpirySeconds: 120 });
    expect(await tokens.getAccessToken()).toBe(TOKEN_A);
    expect(await tokens.getAccessToken()).toBe(TOKEN_A);
    expect(logger.messages('warn')).toEqual(['token near expiry and the keeper has not rotated it']);
    // Each near-expiry use re-read the file: a replacement with the same size is still seen.
    await writeTokenFile(path, { accessToken: TOKEN_B, expiresAt: NOW + HOUR_MS });
    expect(await tokens.getAccessToken()).toBe(TOKEN_B);
  });

  it('re-reads after invalidate() and turns a vanished file into token_missing', async () => {
    await writeTokenFile(path, { accessToken: TOKEN_A, expiresAt: NOW + HOUR_MS });
    const { tokens } = source();
    await tokens.getAccessToken();
    await rm(path);
    tokens.invalidate();
    expect(await kindOf(tokens)).toBe('token_missing');
    await writeTokenFile(path, { accessToken: TOKEN_B, expiresAt: NOW + HOUR_MS });
    expect(await tokens.getAccessToken()).toBe(TOKEN_B);
  });

  it('warns when the file is readable by group or other, once per file version', async () => {
    await writeTokenFile(path, { accessToken: TOKEN_A, expiresAt: NOW + HOUR_MS, mode: 0o644 });
    const { tokens, logger } = source();
    await tokens.getAccessToken();
    tokens.invalidate();
    await tokens.getAccessToken();
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        obj: { path, mode: '0644' },
        msg: 'token file is readable by group or other; expected mode 0600',
      },
    ]);
    await chmod(path, 0o600);
    const quiet = source();
    await quiet.tokens.getAccessToken();
    expect(quiet.logger.messages('warn')).toEqual([]);
  });

  it('never writes the file', async () => {
    await writeTokenFile(path, { accessToken: TOKEN_A, expiresAt: NOW + HOUR_MS, mode: 0o400 });
    const { tokens } = source();
    tokens.invalidate();
    expect(await tokens.getAccessToken()).toBe(TOKEN_A);
  });
});
