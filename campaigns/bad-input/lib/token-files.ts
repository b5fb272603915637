/**
 * Token-file cases: the keeper's file (raw OAuth response + absolute expiry) valid, expired,
 * truncated mid-write, with fields of the wrong type, without a usable expiry, huge, or binary.
 * Each case knows what the reader must answer, so the oracle checks the exact kind and field.
 */
import fc from 'fast-check';

/** 2026-04-10T14:30:45Z: the fixed "now" of every case. */
export const NOW_MS = Date.UTC(2026, 3, 10, 14, 30, 45);

export type TokenCase =
  | { cls: 'valid'; text: string; token: string; refresh: string; expiresAtMs: number; mode: number }
  | { cls: 'huge'; text: string; token: string; refresh: string; expiresAtMs: number; mode: number }
  | { cls: 'truncated'; text: string; token: string; refresh: string; mode: number }
  | { cls: 'wrong_type'; text: string; token: string; refresh: string; field: string; mode: number }
  | { cls: 'bad_expiry'; text: string; token: string; refresh: string; mode: number }
  | { cls: 'missing_expiry'; text: string; token: string; refresh: string; mode: number }
  | { cls: 'not_an_object'; text: string; token: string; refresh: string; mode: number }
  | { cls: 'binary'; text: string; token: string; refresh: string; mode: number };

const hex = fc.stringMatching(/^[0-9a-f]{12,24}$/);

/** A recognisable fake bearer token: opaque, or JWT-shaped with an `exp` claim. */
const fakeAccess = hex.map((h) => `FAKE-SAXO-ACCESS-${h}`);
const fakeRefresh = hex.map((h) => `FAKE-SAXO-REFRESH-${h}`);

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** JWT-shaped token; the signature part carries the recognisable marker. */
function fakeJwt(expSeconds: number | string | null, marker: string): string {
  const claims: Record<string, unknown> = { sub: 'fuzz', oaa: '77770' };
  if (expSeconds !== null) claims.exp = expSeconds;
  return `${b64url({ alg: 'ES256', typ: 'JWT' })}.${b64url(claims)}.${Buffer.from(marker).toString('base64url')}FAKESIG`;
}

function isoAt(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** How the keeper wrote the absolute expiry. */
const expiryStyle = fc.constantFrom(
  'epoch_seconds',
  'epoch_seconds_string',
  'epoch_ms',
  'iso_z',
  'iso_offset',
  'jwt_exp',
);

interface Doc {
  fields: Record<string, unknown>;
  token: string;
  refresh: string;
  expiresAtMs: number;
}

/** A valid token-file document expiring `offsetSeconds` from NOW (negative: already expired). */
const validDoc = (offsetSeconds: fc.Arbitrary<number>): fc.Arbitrary<Doc> =>
  fc
    .record({
      access: fakeAccess,
      refresh: fakeRefresh,
      style: expiryStyle,
      offsetSeconds,
      tzMinutes: fc.constantFrom(60, -300, 330, -240),
      withType: fc.boolean(),
      typeSpelling: fc.constantFrom('Bearer', 'bearer', 'BEARER'),
      extra: fc.dictionary(fc.stringMatching(/^x_[a-z]{1,8}$/), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 3,
      }),
    })
    .map(({ access, refresh, style, offsetSeconds: off, tzMinutes, withType, typeSpelling, extra }) => {
      const expiresAtMs = NOW_MS + off * 1000;
      const seconds = expiresAtMs / 1000;
      const token = style === 'jwt_exp' ? fakeJwt(String(seconds), access) : access;
      const fields: Record<string, unknown> = { ...extra, access_token: token };
      if (withType) fields.token_type = typeSpelling;
      fields.expires_in = 1200;
      fields.refresh_token = refresh;
      fields.refresh_token_expires_in = 3600;
      fields.base_uri = null;
      switch (style) {
        case 'epoch_seconds':
          fields.expires_at = seconds;
          break;
        case 'epoch_seconds_string':
          fields.expires_at = String(seconds);
          break;
        case 'epoch_ms':
          fields.expires_at = expiresAtMs;
          break;
        case 'iso_z':
          fields.expires_at = isoAt(expiresAtMs, 0);
          break;
        case 'iso_offset':
          fields.expires_at = isoAt(expiresAtMs, tzMinutes);
          break;
        case 'jwt_exp':
          break;
      }
      return { fields, token, refresh, expiresAtMs };
    });

const serialise = (fields: Record<string, unknown>, pretty: boolean, newline: boolean): string =>
  `${JSON.stringify(fields, null, pretty ? 2 : undefined)}${newline ? '\n' : ''}`;

const layout = fc.record({
  pretty: fc.boolean(),
  newline: fc.boolean(),
  mode: fc.constantFrom(0o600, 0o600, 0o644),
});

/** Values of a JSON type other than `keep`. */
function wrongTypeFor(keep: 'string' | 'number'): fc.Arbitrary<unknown> {
  const others: fc.Arbitrary<unknown>[] = [
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
  ];
  if (keep !== 'number') others.push(fc.double({ noNaN: true, noDefaultInfinity: true }));
  if (keep !== 'string') others.push(fc.constantFrom('1200', 'NaN', '', 'soon', '1e3'));
  return fc.oneof(...others);
}

const validCase: fc.Arbitrary<TokenCase> = fc
  .tuple(
    validDoc(fc.oneof(fc.integer({ min: 1, max: 86_400 }), fc.integer({ min: -86_400, max: 0 }))),
    layout,
  )
  .map(([d, l]) => ({
    cls: 'valid',
    text: serialise(d.fields, l.pretty, l.newline),
    token: d.token,
    refresh: d.refresh,
    expiresAtMs: d.expiresAtMs,
    mode: l.mode,
  }));

const truncatedCase: fc.Arbitrary<TokenCase> = fc
  .tuple(validDoc(fc.integer({ min: 1, max: 86_400 })), layout, fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([d, l, at]) => {
    const full = serialise(d.fields, l.pretty, false);
    // Cut before the closing brace: what a reader sees while the keeper writes in place.
    const cut = Math.min(full.length - 1, Math.floor(at * full.length));
    return { cls: 'truncated', text: full.slice(0, cut), token: d.token, refresh: d.refresh, mode: l.mode };
  });

const wrongTypeCase: fc.Arbitrary<TokenCase> = fc
  .tuple(
    validDoc(fc.integer({ min: 1, max: 86_400 })),
    layout,
    fc.oneof(
      fc.tuple(fc.constant('access_token'), wrongTypeFor('string')),
      fc.tuple(fc.constant('access_token'), fc.constant('')),
      fc.tuple(fc.constant('token_type'), wrongTypeFor('string')),
      fc.tuple(fc.constant('token_type'), fc.constantFrom('MAC', 'Basic', 'DPoP', '')),
      fc.tuple(fc.constant('expires_in'), wrongTypeFor('number')),
      fc.tuple(fc.constant('refresh_token'), wrongTypeFor('string')),
      fc.tuple(fc.constant('refresh_token_expires_in'), wrongTypeFor('number')),
      fc.tuple(
        fc.constant('expires_at'),
        fc.oneof(
          fc.boolean(),
          fc.constant(null),
          fc.array(fc.integer(), { maxLength: 2 }),
          fc.object({ maxDepth: 1 }),
        ),
      ),
    ),
  )
  .map(([d, l, [field, value]]) => ({
    cls: 'wrong_type',
    text: serialise({ ...d.fields, [field]: value }, l.pretty, l.newline),
    token: d.token,
    refresh: d.refresh,
    field,
    mode: l.mode,
  }));

const badExpiryCase: fc.Arbitrary<TokenCase> = fc
  .tuple(
    validDoc(fc.integer({ min: 1, max: 86_400 })),
    layout,
    fc.oneof(
      fc.constantFrom(
        'soon',
        '',
        ' ',
        'NaN',
        'Infinity',
        '-1',
        '0',
        '2026-04-10T15:30:45',
        '2026-04-10',
        '12:00',
      ),
      fc.constantFrom(0, -1, -1_775_831_445),
      fc.string({ maxLength: 12 }).filter((s) => !/^\s*\d/.test(s)),
    ),
  )
  .map(([d, l, expiresAt]) => ({
    cls: 'bad_expiry',
    text: serialise({ ...d.fields, expires_at: expiresAt }, l.pretty, l.newline),
    token: d.token,
    refresh: d.refresh,
    mode: l.mode,
  }));

const missingExpiryCase: fc.Arbitrary<TokenCase> = fc
  .tuple(
    fakeAccess,
    fakeRefresh,
    layout,
    fc.constantFrom('opaque', 'jwt_without_exp', 'jwt_bad_exp', 'jwt_bad_payload', 'two_parts'),
  )
  .map(([access, refresh, l, shape]) => {
    const token =
      shape === 'opaque'
        ? access
        : shape === 'jwt_without_exp'
          ? fakeJwt(null, access)
          : shape === 'jwt_bad_exp'
            ? fakeJwt('tomorrow', access)
            : shape === 'jwt_bad_payload'
              ? `${b64url({ alg: 'none' })}.${Buffer.from('not json').toString('base64url')}.${access}`
              : `${b64url({ alg: 'none' })}.${access}`;
    const fields = { access_token: token, token_type: 'Bearer', expires_in: 1200, refresh_token: refresh };
    return {
      cls: 'missing_expiry',
      text: serialise(fields, l.pretty, l.newline),
      token,
      refresh,
      mode: l.mode,
    };
  });

const notAnObjectCase: fc.Arbitrary<TokenCase> = fc
  .tuple(fakeAccess, fakeRefresh, fc.constantFrom('array', 'string', 'number', 'null', 'true'))
  .map(([token, refresh, shape]) => {
    const text =
      shape === 'array'
        ? JSON.stringify([{ access_token: token }])
        : shape === 'string'
          ? JSON.stringify(token)
          : shape === 'number'
            ? '1775831445'
            : shape;
    return { cls: 'not_an_object', text, token, refresh, mode: 0o600 };
  });

const binaryCase: fc.Arbitrary<TokenCase> = fc
  .tuple(fakeAccess, fakeRefresh, fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.boolean())
  .map(([token, refresh, bytes, withToken]): TokenCase => {
    // Sometimes the token bytes sit inside the garbage, as in a file clobbered by another writer.
    const text = Buffer.concat([
      Buffer.from(bytes),
      withToken ? Buffer.from(token) : Buffer.alloc(0),
    ]).toString('utf8');
    return { cls: 'binary', text, token, refresh, mode: 0o600 };
  })
  .filter((c) => c.text.trim().length > 0);

/** A valid file made huge by a keeper's bookkeeping field (or a huge token). */
export const hugeCase = (minBytes: number, maxBytes: number): fc.Arbitrary<TokenCase> =>
  fc
    .tuple(
      validDoc(fc.integer({ min: 1, max: 86_400 })),
      fc.integer({ min: minBytes, max: maxBytes }),
      fc.boolean(),
    )
    .map(([d, bytes, inToken]) => {
      const fields = { ...d.fields };
      let token = d.token;
      if (inToken && typeof fields.expires_at !== 'undefined') {
        token = `${d.token}${'A'.repeat(bytes)}`;
        fields.access_token = token;
      } else {
        fields.x_keeper_history = Array.from({ length: Math.ceil(bytes / 64) }, (_, i) => `refresh #${i} ok`);
      }
      return {
        cls: 'huge',
        text: serialise(fields, false, true),
        token,
        refresh: d.refresh,
        expiresAtMs: d.expiresAtMs,
        mode: 0o600,
      };
    });

export const tokenCase = (hugeMaxBytes: number): fc.Arbitrary<TokenCase> =>
  fc.oneof(
    { arbitrary: validCase, weight: 3 },
    { arbitrary: truncatedCase, weight: 3 },
    { arbitrary: wrongTypeCase, weight: 3 },
    { arbitrary: badExpiryCase, weight: 2 },
    { arbitrary: missingExpiryCase, weight: 2 },
    { arbitrary: notAnObjectCase, weight: 1 },
    { arbitrary: binaryCase, weight: 2 },
    { arbitrary: hugeCase(1024, hugeMaxBytes), weight: 1 },
  );

/** The reader's verdict a case must get: a token (with its expiry) or an error kind. */
export type Expected =
  | { ok: true; token: string; expiresAtMs: number }
  | { ok: false; kinds: readonly string[]; mentions?: string };

export function expectedOf(c: TokenCase, nowMs: number | null): Expected {
  switch (c.cls) {
    case 'valid':
    case 'huge':
      if (nowMs !== null && c.expiresAtMs <= nowMs) return { ok: false, kinds: ['token_expired'] };
      return { ok: true, token: c.token, expiresAtMs: c.expiresAtMs };
    case 'truncated':
      return { ok: false, kinds: ['token_incomplete'] };
    case 'wrong_type':
      return { ok: false, kinds: ['token_corrupt'], mentions: c.field };
    case 'bad_expiry':
    case 'missing_expiry':
      return { ok: false, kinds: ['token_corrupt'], mentions: 'expires_at' };
    case 'not_an_object':
      return { ok: false, kinds: ['token_corrupt'] };
    case 'binary':
      return { ok: false, kinds: ['token_corrupt', 'token_incomplete'] };
  }
}
