import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarioConfig } from '@aegis/strategy-core/node';
import { describe, expect, it } from 'vitest';
import { configHashOf, defaultComparisonLogPath } from './config.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'scenarios');

describe('config hash and derived paths', () => {
  it('depends on what the files say, not where they are', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'scan-cycle-config-'));
    await cp(fixtures, copy, { recursive: true });
    const a = configHashOf(loadScenarioConfig(join(fixtures, 'multi.yaml')));
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(configHashOf(loadScenarioConfig(join(copy, 'multi.yaml')))).toBe(a);
    const text = await readFile(join(copy, 'lt_rc.yaml'), 'utf8');
    await writeFile(join(copy, 'lt_rc.yaml'), text.replace('max_contracts: 10', 'max_contracts: 9'));
    expect(configHashOf(loadScenarioConfig(join(copy, 'multi.yaml')))).not.toBe(a);
  });

  it('names the comparison log after the wrapper, beside the parity log', () => {
    expect(
      defaultComparisonLogPath('/data/state/lt_rust/parity_log.jsonl', '/config/scenarios/lt_wft.yaml'),
    ).toBe('/data/state/lt_rust/lt_wft_comparison.jsonl');
  });
});
