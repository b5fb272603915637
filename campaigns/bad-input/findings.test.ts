import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from './lib/sandbox.js';

/**
 * Minimal reproductions of what the campaigns found. Each test states the documented behaviour and
 * fails until the package under test is fixed.
 */
describe('findings', () => {
  const sandbox = createSandbox({ caseTimeoutMs: 60_000 });
  afterAll(() => sandbox.close());

  it('scenario YAML: a 10-KB alias bomb is refused with a ConfigError, not a RangeError', async () => {
    // Six levels of ten aliases over ten 1000-character strings: 10^7 strings once expanded. The
    // loader describes the offending value by JSON-serialising it whole before clipping it.
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
    expect(outcome.error.issues?.some((i) => i.path === 'capital')).toBe(true);
  });
});
