/**
 * Runs every `bench/*.bench.ts` (or only those whose name contains an argument) and prints one table.
 *
 * A bench module's default export is `() => Promise<BenchRow[]>`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchRow, formatTable } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const rows: BenchRow[] = [];
let failed = false;
for (const file of files) {
  process.stderr.write(`running ${file} …\n`);
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as {
      default: () => Promise<BenchRow[]>;
    };
    rows.push(...(await mod.default()));
  } catch (error) {
    failed = true;
    rows.push({
      bench: file,
      metric: 'error',
      value: String((error as Error).message ?? error),
      unit: '',
      target: '',
      pass: false,
    });
  }
}
process.stdout.write(`${formatTable(rows)}\n`);
process.exitCode = failed ? 1 : 0;
