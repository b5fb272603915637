import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRunConfig, type MarketSnapshot, selectEntries } from '@aegis/strategy-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runNotebook } from '../scripts/run-notebook.mjs';

const notebooksDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = resolve(notebooksDir, '..');
const coreDir = join(repoRoot, 'packages/strategy-core');
const distDir = join(coreDir, 'dist');

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

function distMtimeMs(): number {
  try {
    return statSync(join(distDir, 'index.js')).mtimeMs;
  } catch {
    return 0;
  }
}

/** Deno only sees the built package: build it when dist is missing or older than the sources. */
function ensureBuilt(): void {
  if (distMtimeMs() > newestMtimeMs(join(coreDir, 'src'))) return;
  execFileSync('pnpm', ['--filter', '@aegis/strategy-core', 'build'], { cwd: repoRoot, stdio: 'pipe' });
}

interface Row {
  scenario: string;
  underlying: string;
  expiry: string;
  short: number;
  long: number;
  credit: number;
}

/** Candidate rows of the notebook's table: `LT_RC  SPY  2026-05-15  35  490  485  5  1.51 …`. */
function candidateRows(stdout: string): Row[] {
  const rows: Row[] = [];
  const pattern = /^(\w+)\s+([A-Z]+)\s+(\d{4}-\d{2}-\d{2})\s+\d+\s+([\d.]+)\s+([\d.]+)\s+[\d.]+\s+([\d.]+)\s/;
  for (const line of stdout.split('\n')) {
    const m = pattern.exec(line);
    if (m) {
      rows.push({
        scenario: m[1]!,
        underlying: m[2]!,
        expiry: m[3]!,
        short: Number(m[4]),
        long: Number(m[5]),
        credit: Number(m[6]),
      });
    }
  }
  return rows;
}

describe('strategy-core.ipynb', () => {
  let stdout = '';

  beforeAll(() => {
    ensureBuilt();
    const result = runNotebook('strategy-core.ipynb');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    stdout = result.stdout;
  });

  it('is a Deno TypeScript notebook', () => {
    const notebook = JSON.parse(readFileSync(join(notebooksDir, 'strategy-core.ipynb'), 'utf8'));
    expect(notebook.metadata.kernelspec).toMatchObject({ name: 'deno', language: 'typescript' });
    expect(
      notebook.cells.filter((c: { cell_type: string }) => c.cell_type === 'code').length,
    ).toBeGreaterThan(2);
  });

  it('prints the candidates the engine selects, for LT_RC and WFT_A', () => {
    // The same selection, computed here from the sources, must be what the built package printed under Deno.
    const snapshot: MarketSnapshot = JSON.parse(
      readFileSync(join(notebooksDir, 'fixtures/chain-snapshot.json'), 'utf8'),
    );
    const run = loadRunConfig(join(repoRoot, 'configs/scenarios/lt_wft.yaml'), (p) =>
      readFileSync(p, 'utf8'),
    );
    const expected: Row[] = ['LT_RC', 'WFT_A'].flatMap((id) => {
      const scenario = run.scenarios.find((s) => s.id === id)!;
      return selectEntries(snapshot, scenario, snapshot.asOfMs, run.calendar).flatMap(({ candidate: c }) =>
        c
          ? [
              {
                scenario: id,
                underlying: c.underlying,
                expiry: c.expiry,
                short: c.shortStrike,
                long: c.longStrike,
                credit: c.credit,
              },
            ]
          : [],
      );
    });
    const printed = candidateRows(stdout);
    expect(printed).toEqual(expected);
    // The fixture is made so that both scenarios find spreads on both underlyings.
    expect(printed.map((r) => `${r.scenario} ${r.underlying}`)).toEqual([
      'LT_RC SPY',
      'LT_RC QQQ',
      'WFT_A SPY',
      'WFT_A QQQ',
    ]);
    for (const r of printed) expect(r.short - r.long).toBe(5);
  });

  it('reports underlyings without a candidate and explains the search', () => {
    expect(stdout).toMatch(/^LT_RC\s+IWM\s+.*no candidate: no_underlying_price$/m);
    expect(stdout).toMatch(/^WFT_A QQQ: \d{4}-\d{2}-\d{2} \d+\/\d+P credit/m);
    expect(stdout).toMatch(/^ {2}\d{4}-\d{2}-\d{2} dte \d+: \d+ eligible shorts/m);
    expect(stdout).toContain('lt_wft.yaml: 11 scenarios');
    expect(stdout).toContain('trade date 2026-04-10');
  });
});

describe('the built strategy-core', () => {
  beforeAll(ensureBuilt);

  it('imports nothing but zod and js-yaml (no Node built-ins)', () => {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(distDir, file), 'utf8');
      expect(text).not.toMatch(/\brequire\(/);
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)) {
        const spec = m[1]!;
        if (spec.startsWith('./')) visit(spec.slice(2));
        else bare.add(spec);
      }
    };
    visit('index.js');
    expect([...bare].sort()).toEqual(['js-yaml', 'zod']);
    expect(readFileSync(join(distDir, 'index.d.ts'), 'utf8')).toContain('selectEntries');
  });
});
