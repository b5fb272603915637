#!/usr/bin/env node
/**
 * Runs a Deno Jupyter notebook's code cells, in order, as one module under the `deno` binary from
 * node_modules (no Jupyter needed), with the notebook's directory as the working directory.
 * Usage: node scripts/run-notebook.mjs strategy-core.ipynb
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const notebooksDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Deno executable shipped by the `deno` npm package (its platform binary). */
export function denoExecutable() {
  const packageDir = dirname(createRequire(join(notebooksDir, 'package.json')).resolve('deno/package.json'));
  const exe = join(packageDir, process.platform === 'win32' ? 'deno.exe' : 'deno');
  if (!existsSync(exe)) throw new Error(`deno binary not found at ${exe}: run pnpm install`);
  return exe;
}

/** The code cells of a notebook, joined into one TypeScript module. */
export function notebookModule(notebookPath) {
  const notebook = JSON.parse(readFileSync(notebookPath, 'utf8'));
  const kernel = notebook.metadata?.kernelspec?.name;
  if (kernel !== 'deno')
    throw new Error(`${notebookPath}: kernelspec is ${JSON.stringify(kernel)}, expected "deno"`);
  return notebook.cells
    .filter((cell) => cell.cell_type === 'code')
    .map((cell, i) => {
      const source = Array.isArray(cell.source) ? cell.source.join('') : String(cell.source);
      return `// --- code cell ${i + 1} ---\n${source}\n`;
    })
    .join('\n');
}

/** Runs the notebook; returns { status, stdout, stderr }. */
export function runNotebook(notebookFile) {
  const notebookPath = resolve(notebooksDir, notebookFile);
  const result = spawnSync(
    denoExecutable(),
    ['run', '--allow-read', '--no-lock', '--no-prompt', '--ext=ts', '-'],
    {
      cwd: dirname(notebookPath),
      input: notebookModule(notebookPath),
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { status, stdout, stderr } = runNotebook(process.argv[2] ?? 'strategy-core.ipynb');
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(status ?? 1);
}
