/** The campaign's environment: the only place these suites read `process.env`. */
export interface CampaignEnv {
  /** Cases per property of a campaign (`run.mjs --size`). */
  runs: number | undefined;
  /** fast-check seed (`run.mjs --seed`). */
  seed: number | undefined;
  /** Per-case bound in ms before a case counts as a hang. */
  caseTimeoutMs: number | undefined;
  /** Shrink failing cases (`run.mjs --shrink`). */
  shrink: boolean;
  /** File the suites append their summary line to (set by `run.mjs`). */
  summaryFile: string | undefined;
}

function positiveInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

export function readCampaignEnv(): CampaignEnv {
  return {
    runs: positiveInteger('CAMPAIGN_RUNS'),
    seed: positiveInteger('CAMPAIGN_SEED'),
    caseTimeoutMs: positiveInteger('CAMPAIGN_CASE_TIMEOUT_MS'),
    shrink: process.env.CAMPAIGN_SHRINK === '1',
    summaryFile: process.env.CAMPAIGN_SUMMARY_FILE || undefined,
  };
}
