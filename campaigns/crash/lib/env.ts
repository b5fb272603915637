/** The only place the service campaigns read `process.env`: what a spawned service inherits. */
import { readCampaignEnv } from '../../bad-input/lib/env.js';

/** PATH and HOME for a spawned service; nothing else of the test's environment leaks into it. */
export function baseChildEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info' };
}

function positiveIntegerEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * Kills of the crash campaigns. `CAMPAIGN_KILLS` (set by `run.mjs --kills`, or derived from `--size`:
 * one kill per 20 cases, so `small` gives the 50 kills the campaign is specified with).
 */
export function campaignKills(fallback: number): number {
  const kills = positiveIntegerEnv('CAMPAIGN_KILLS');
  if (kills !== undefined) return kills;
  const runs = readCampaignEnv().runs;
  return runs === undefined ? fallback : Math.max(1, Math.round(runs / 20));
}

/**
 * Kills of the live crash campaign: `CAMPAIGN_LIVE_KILLS` (set by `run.mjs --size ci`, where most live
 * kills cost a read-back settle window), else the same as the dry-run's.
 */
export function campaignLiveKills(fallback: number): number {
  return positiveIntegerEnv('CAMPAIGN_LIVE_KILLS') ?? campaignKills(fallback);
}
