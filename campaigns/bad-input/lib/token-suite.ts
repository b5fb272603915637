import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CampaignSize,
  fcParams,
  guardUnhandledRejections,
  mustNotLeak,
  mustSettle,
  Tally,
} from './harness.js';
import { createSandbox } from './sandbox.js';
import { expectedOf, NOW_MS, type TokenCase, tokenCase } from './token-files.js';

export interface TokenSuiteOptions {
  /** Largest padding of a "huge" file, in bytes. */
  hugeMaxBytes: number;
  /** Cases through real files and the token source, as a fraction of `size.runs`. */
  fileScale: number;
}

export function defineTokenFileSuite(size: CampaignSize, opts: TokenSuiteOptions): void {
  describe(`token files (${size.label})`, () => {
    const tally = new Tally('token-files', size);
    const sandbox = createSandbox({ caseTimeoutMs: size.caseTimeoutMs });
    const guard = guardUnhandledRejections();
    let dir = '';
    let n = 0;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'aegis-bad-token-'));
    });
    afterAll(async () => {
      await sandbox.close();
      guard.dispose();
      await rm(dir, { recursive: true, force: true });
      tally.claim('no crash, no untyped throw, no hang, no unhandled rejection');
      tally.claim(
        'every case got its expected verdict (token + expiry, or the exact token_* kind naming the field)',
      );
      tally.claim('no access or refresh token in any message, cause or log line');
      tally.report();
    });

    const secretsOf = (c: TokenCase) => [c.token, c.refresh, c.token.split('.').pop() ?? ''];

    it('parseTokenFile: every text is a token with its expiry or a located problem', async () => {
      await tally.check('parseTokenFile', async () => {
        await fc.assert(
          fc.asyncProperty(tokenCase(opts.hugeMaxBytes), async (c) => {
            const outcome = mustSettle(await sandbox.run('parseTokenFile', { text: c.text }), c, []);
            if (outcome.status !== 'ok') throw new Error('parseTokenFile never throws');
            const parsed = outcome.value as
              | { ok: true; accessToken: string; expiresAtMs: number }
              | { ok: false; problem: string; detail: string };
            tally.record('parseTokenFile', outcome, parsed.ok ? 'parsed' : `refused:${parsed.problem}`);
            const want = expectedOf(c, null);
            if (want.ok) {
              expect(parsed).toMatchObject({
                ok: true,
                accessToken: want.token,
                expiresAtMs: want.expiresAtMs,
              });
              return;
            }
            expect(parsed.ok, `${c.cls} must be refused`).toBe(false);
            if (parsed.ok) return;
            const problem = parsed.problem === 'incomplete' ? 'token_incomplete' : 'token_corrupt';
            expect(want.kinds, `${c.cls}: got ${problem} (${parsed.detail})`).toContain(problem);
            if (want.mentions) expect(parsed.detail).toContain(want.mentions);
            mustNotLeak([parsed.detail], secretsOf(c), c);
          }),
          fcParams(size, 1),
        );
        guard.check();
      });
    });

    it('createTokenSource: real files give the token or a typed token_* error, never a secret', async () => {
      const missing = fc.constantFrom('missing', 'directory');
      const input = fc.oneof(
        { arbitrary: tokenCase(opts.hugeMaxBytes), weight: 9 },
        { arbitrary: missing, weight: 1 },
      );
      await tally.check('createTokenSource', async () => {
        await fc.assert(
          fc.asyncProperty(input, async (c) => {
            const path = join(dir, `case-${++n}`, 'saxo_tokens.json');
            await mkdir(join(dir, `case-${n}`));
            if (c === 'directory') await mkdir(path);
            else if (c !== 'missing') {
              await writeFile(path, c.text, { mode: c.mode });
              await chmod(path, c.mode);
            }
            const outcome = mustSettle(await sandbox.run('tokenSource', { path, nowMs: NOW_MS }), c, [
              'SaxoError',
            ]);
            tally.record('createTokenSource', outcome);
            if (typeof c === 'string') {
              expect(outcome.status).toBe('typed');
              if (outcome.status !== 'typed') return;
              expect(outcome.error.kind).toBe(c === 'missing' ? 'token_missing' : 'token_unreadable');
              expect(outcome.error.message.startsWith(`token file ${path}: `)).toBe(true);
              return;
            }
            const want = expectedOf(c, NOW_MS);
            if (want.ok) {
              if (outcome.status !== 'ok')
                throw new Error(`${c.cls}: expected the token, got ${outcome.error.message}`);
              expect(outcome.value.token).toBe(want.token);
              mustNotLeak(outcome.value.logs, secretsOf(c), c);
              return;
            }
            if (outcome.status !== 'typed')
              throw new Error(`${c.cls}: expected ${want.kinds.join('|')}, got a token`);
            const e = outcome.error;
            expect(want.kinds, `${c.cls}: ${e.message}`).toContain(e.kind);
            expect(e.retry).toBe('retryable');
            expect(e.message.startsWith(`token file ${path}: `), e.message).toBe(true);
            if (want.mentions) expect(e.message).toContain(want.mentions);
            if (e.kind === 'token_expired') {
              expect(e.message).toContain(
                `expired at ${new Date((c as { expiresAtMs: number }).expiresAtMs).toISOString()}`,
              );
            }
            mustNotLeak([e.message, e.causeText, ...(e.logs ?? [])], secretsOf(c), c);
          }),
          { ...fcParams(size, 2), numRuns: Math.max(1, Math.round(size.runs * opts.fileScale)) },
        );
        guard.check();
      });
    });
  });
}
