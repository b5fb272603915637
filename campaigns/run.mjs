#!/usr/bin/env node
// Runs the full campaigns (`*.campaign.test.ts`) at a chosen size and prints one summary line per
// suite, the figures the README's reliability table quotes.
//
//   pnpm test:campaign [--size small|full|ci|N] [--kills N] [--seed N] [--suite NAME] [--shrink]
//
// --size   cases per property: small = 1000, full = 10000, or a number (default small); the
//          service campaigns scale with it: crash kills = size / 20 (small: 50), fault sessions =
//          size / 500 (small: 2). `ci` is the bounded preset for CI (a few minutes on two cores):
//          CI_PRESET's cases per property, dry-run kills, live kills (one per kind) and one fault session
// --kills  SIGKILLs per crash campaign (dry-run and live), overriding the ones derived from --size
// --seed   fast-check seed (default 20260410), so a run is reproducible
// --suite  only the suites whose file name contains NAME (e.g. bad-input/token)
// --shrink shrink a failing case to a minimal one (slower)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZES = { small: 1000, full: 10000 };
// A live kill before the answer costs the restart a 15 s read-back settle window, so CI kills the live
// service once per kind and spends its kills on the cheaper dry-run restarts. 31 dry-run kills: at the
// default seed every kill mode comes up at least four times and no startup-mode kill lands so late in
// the replay that the service could finish first (README, "CI").
const CI_PRESET = { runs: 500, kills: 31, liveKills: 3 };
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function usage(message) {
  if (message) console.error(`run.mjs: ${message}`);
  console.error(
    'usage: node campaigns/run.mjs [--size small|full|ci|N] [--kills N] [--seed N] [--suite NAME] [--shrink]',
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

const ci = options.size === 'ci';
const runs = ci ? CI_PRESET.runs : (SIZES[options.size] ?? Number(options.size));
if (!Number.isInteger(runs) || runs <= 0)
  usage(`--size must be small, full, ci or a positive integer, got ${options.size}`);
if (options.seed !== undefined && !/^\d+$/.test(options.seed)) usage(`--seed must be a non-negative integer`);
if (options.kills !== undefined && !/^[1-9]\d*$/.test(options.kills))
  usage(`--kills must be a positive integer`);
const kills = options.kills ?? String(ci ? CI_PRESET.kills : Math.max(1, Math.round(runs / 20)));
const liveKills = options.kills ?? (ci ? String(CI_PRESET.liveKills) : kills);

const outDir = mkdtempSync(join(tmpdir(), 'aegis-campaign-'));
const summaryFile = join(outDir, 'summary.txt');
const env = {
  // biome-ignore lint/style/noProcessEnv: the runner passes its own environment on to vitest.
  ...process.env,
  CAMPAIGN_RUNS: String(runs),
  CAMPAIGN_KILLS: kills,
  CAMPAIGN_LIVE_KILLS: liveKills,
  CAMPAIGN_SUMMARY_FILE: summaryFile,
  ...(options.seed === undefined ? {} : { CAMPAIGN_SEED: options.seed }),
  ...(options.shrink ? { CAMPAIGN_SHRINK: '1' } : {}),
};
const vitestArgs = ['vitest', 'run', '--config', join(here, 'vitest.campaign.config.ts')];
if (options.suite) vitestArgs.push(options.suite);

const started = Date.now();
console.log(
  `campaign${ci ? ' (ci preset)' : ''}: ${runs} cases per property, ${kills} dry-run and ${liveKills} live kills, seed ${options.seed ?? 'default'}`,
);
const result = spawnSync('pnpm', ['exec', ...vitestArgs], { cwd: root, env, stdio: 'inherit' });

let summary = '';
try {
  summary = readFileSync(summaryFile, 'utf8').trim();
} catch {
  summary = '(no suite reported a summary)';
}
rmSync(outDir, { recursive: true, force: true });
const wallSeconds = Math.round((Date.now() - started) / 1000);
console.log(`\n== campaign summary (${runs} cases per property, ${wallSeconds} s wall) ==\n${summary}`);
process.exit(result.status ?? 1);
