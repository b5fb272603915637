import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from './lib/sandbox.js';

/**
 * Minimal reproductions of what the campaigns found (README, _Findings_). A fixed finding stays as a
 * regression test. An open one is an `it.fails`: it states the behaviour the spec asks for, so it
 * passes while the bug is there and turns red once it is fixed (then make it a plain `it`).
 */
describe('findings', () => {
  const sandbox = createSandbox({ caseTimeoutMs: 60_000 });
  afterAll(() => sandbox.close());

  it('scenario YAML: a 10-KB alias bomb is refused with a ConfigError, not a RangeError', async () => {
    // Six levels of ten aliases over ten 1000-character strings: 10^7 strings once expanded. Fixed: the
    // loader used to JSON-serialise the whole value to describe it; it now refuses it as too large.
    const leaf = 'x'.repeat(1000);
    const levels = [`  l0: &l0 [${Array(10).fill(`"${leaf}"`).join(', ')}]`];
    for (let i = 1; i < 6; i++)
      levels.push(
        `  l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const text = `x_anchors:\n${levels.join('\n')}\nschema_version: 1\nid: LT_RC\nrole: paper\ncapital: *l5\n`;
    expect(text.length).toBeLessThan(11_000);

    const outcome = await sandbox.run('loadRunConfig', { entry: 'bomb.yaml', files: { 'bomb.yaml': text } });

    expect(
      outcome.status === 'untyped' ? `${outcome.error.name}: ${outcome.error.message}` : outcome.status,
    ).toBe('typed');
    if (outcome.status !== 'typed') return;
    expect(outcome.error.tag).toBe('ConfigError');
    expect(outcome.error.issues?.some((i) => i.path === 'capital' && i.kind === 'too_large')).toBe(true);
  });

  // Open (finding 8): errors and logs are redacted, but the follow-up request itself carries the key.
  it.fails('vendor payloads: a next_url echoing the API key in its path is not followed with the key in the request path', async () => {
    const apiKey = 'FAKEPOLYKEYechoedInThePath0123';
    const page = (nextUrl: string | null) => ({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        status: 'OK',
        request_id: 'r1',
        results: [],
        ...(nextUrl ? { next_url: nextUrl } : {}),
      }),
    });
    const outcome = await sandbox.run('polygonClient', {
      apiKey,
      call: 'chain',
      responses: [page(`::not a url ${apiKey}`), page(null)],
    });
    const texts =
      outcome.status === 'ok'
        ? [...outcome.value.logs, ...outcome.value.requests.map((r) => r.split(' ')[1] ?? '')]
        : outcome.status === 'typed'
          ? [outcome.error.message, outcome.error.causeText, ...(outcome.error.logs ?? [])]
          : [JSON.stringify(outcome)];
    expect(['ok', 'typed']).toContain(outcome.status);
    for (const text of texts) expect(text).not.toContain(apiKey);
  });
});
