#!/usr/bin/env node
// Runs the full campaigns (`*.campaign.test.ts`) at a chosen size and prints one summary line per
// suite, the figures the README's reliability table quotes.
//
//   pnpm test:campaign [--size small|full|N] [--kills N] [--seed N] [--suite NAME] [--shrink]
//
// --size   cases per property: small = 1000, full = 10000, or a number (default small); the
//          service campaigns scale with it: crash kills = size / 20 (small: 50), fault sessions =
//          size / 500 (small: 2)
// --kills  SIGKILLs per crash campaign, overriding the one derived from --size
// --seed   fast-check seed (default 20260410), so a run is reproducible
// --suite  only the suites whose file name contains NAME (e.g. bad-input/token)
// --shrink shrink a failing case to a minimal one (slower)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZES = { small: 1000, full: 10000 };
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function usage(message) {
  if (message) console.error(`run.mjs: ${message}`);
  console.error(
    'usage: node campaigns/run.mjs [--size small|full|N] [--kills N] [--seed N] [--suite NAME] [--shrink]',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const options = { size: 'small', kills: undefined, seed: undefined, suite: undefined, shrink: false };
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = () => {
    const v = args[++i];
    if (v === undefined) usage(`${arg} needs a value`);
    return v;
  };
  if (arg === '--size') options.size = value();
  else if (arg === '--kills') options.kills = value();
  else if (arg === '--seed') options.seed = value();
  else if (arg === '--suite') options.suite = value();
  else if (arg === '--shrink') options.shrink = true;
  else if (arg === '--help' || arg === '-h') usage();
  else usage(`unknown argument ${JSON.stringify(arg)}`);
}

const runs = SIZES[options.size] ?? Number(options.size);
if (!Number.isInteger(runs) || runs <= 0)
  usage(`--size must be small, full or a positive integer, got ${options.size}`);
if (options.seed !== undefined && !/^\d+$/.test(options.seed)) usage(`--seed must be a non-negative integer`);
if (options.kills !== undefined && !/^[1-9]\d*$/.test(options.kills))
  usage(`--kills must be a positive integer`);
const kills = options.kills ?? String(Math.max(1, Math.round(runs / 20)));

const outDir = mkdtempSync(join(tmpdir(), 'aegis-campaign-'));
const summaryFile = join(outDir, 'summary.txt');
const env = {
  // biome-ignore lint/style/noProcessEnv: the runner passes its own environment on to vitest.
  ...process.env,
  CAMPAIGN_RUNS: String(runs),
  CAMPAIGN_KILLS: kills,
  CAMPAIGN_SUMMARY_FILE: summaryFile,
  ...(options.seed === undefined ? {} : { CAMPAIGN_SEED: options.seed }),
  ...(options.shrink ? { CAMPAIGN_SHRINK: '1' } : {}),
};
const vitestArgs = ['vitest', 'run', '--config', join(here, 'vitest.campaign.config.ts')];
if (options.suite) vitestArgs.push(options.suite);

console.log(
  `campaign: ${runs} cases per property, ${kills} kills per crash campaign, seed ${options.seed ?? 'default'}`,
);
const result = spawnSync('pnpm', ['exec', ...vitestArgs], { cwd: root, env, stdio: 'inherit' });

let summary = '';
try {
  summary = readFileSync(summaryFile, 'utf8').trim();
} catch {
  summary = '(no suite reported a summary)';
}
rmSync(outDir, { recursive: true, force: true });
console.log(`\n== campaign summary (${runs} cases per property) ==\n${summary}`);
process.exit(result.status ?? 1);
