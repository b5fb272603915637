/**
 * The only module that reads `process.env`. Validation is pure (`validateEnv` takes the variables as
 * an argument) and happens before any I/O; every problem is reported at once.
 */
import type { RunOptions } from './cli.js';

export const DEFAULT_POLYGON_BASE_URL = 'https://api.massive.com';
export const SAXO_BASE_URLS = {
  sim: 'https://gateway.saxobank.com/sim/openapi',
  live: 'https://gateway.saxobank.com/openapi',
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Deployment settings and secrets taken from the environment. */
export interface ScanCycleEnv {
  /** Null when the market is not the live Polygon/Massive API. */
  polygonApiKey: string | null;
  polygonBaseUrl: string;
  /** Saxo environment; null unless `--broker saxo`. */
  saxoEnv: 'sim' | 'live' | null;
  saxoBaseUrl: string | null;
  saxoTokenFile: string | null;
  saxoAccountKey: string | null;
  logLevel: LogLevel;
}

export interface EnvProblem {
  variable: string;
  problem: string;
}

export type EnvResult = { ok: true; env: ScanCycleEnv } | { ok: false; problems: EnvProblem[] };

/** A snapshot of the process environment (the one `process.env` read in the app). */
export function readProcessEnv(): Record<string, string | undefined> {
  return { ...process.env };
}

function validUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const nonEmpty = (v: string | undefined): string | null =>
  v !== undefined && v.trim() !== '' ? v.trim() : null;

/** What the run needs from the environment, given its flags. */
export function validateEnv(vars: Record<string, string | undefined>, options: RunOptions): EnvResult {
  const problems: EnvProblem[] = [];

  let polygonApiKey: string | null = null;
  if (options.market.kind === 'polygon') {
    polygonApiKey = nonEmpty(vars.POLYGON_API_KEY);
    if (polygonApiKey === null) {
      problems.push({
        variable: 'POLYGON_API_KEY',
        problem: 'missing: the Polygon/Massive API key used for market data (required with --market polygon)',
      });
    }
  }
  const polygonBaseUrl = nonEmpty(vars.POLYGON_BASE_URL) ?? DEFAULT_POLYGON_BASE_URL;
  if (!validUrl(polygonBaseUrl)) {
    problems.push({
      variable: 'POLYGON_BASE_URL',
      problem: `not an http(s) URL: the Polygon/Massive REST base URL (default ${DEFAULT_POLYGON_BASE_URL})`,
    });
  }

  let saxoEnv: 'sim' | 'live' | null = null;
  let saxoBaseUrl: string | null = null;
  let saxoTokenFile: string | null = null;
  let saxoAccountKey: string | null = null;
  if (options.broker === 'saxo') {
    const envText = options.saxoEnv ?? nonEmpty(vars.SAXO_ENV);
    if (envText === null) {
      problems.push({
        variable: 'SAXO_ENV',
        problem:
          'missing: which Saxo environment to use, sim or live (or pass --saxo-env; required with --broker saxo)',
      });
    } else if (envText !== 'sim' && envText !== 'live') {
      problems.push({ variable: 'SAXO_ENV', problem: `expected sim or live, got "${envText}"` });
    } else {
      saxoEnv = envText;
    }
    saxoBaseUrl = nonEmpty(vars.SAXO_BASE_URL) ?? (saxoEnv === null ? null : SAXO_BASE_URLS[saxoEnv]);
    if (saxoBaseUrl !== null && !validUrl(saxoBaseUrl)) {
      problems.push({ variable: 'SAXO_BASE_URL', problem: 'not an http(s) URL: the Saxo OpenAPI base URL' });
    }
    saxoTokenFile = options.saxoTokenFile ?? nonEmpty(vars.SAXO_TOKEN_FILE);
    if (saxoTokenFile === null) {
      problems.push({
        variable: 'SAXO_TOKEN_FILE',
        problem:
          'missing: path of the Saxo token file kept by the token-keeper (or pass --saxo-token-file; required with --broker saxo)',
      });
    }
    // Optional: without it the client uses the default account of the token's client.
    saxoAccountKey = nonEmpty(vars.SAXO_ACCOUNT_KEY);
  } else if (options.broker === 'sim') {
    saxoTokenFile = options.saxoTokenFile;
  }

  const levelText = nonEmpty(vars.LOG_LEVEL) ?? 'info';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(levelText) ? (levelText as LogLevel) : null;
  if (logLevel === null) {
    problems.push({
      variable: 'LOG_LEVEL',
      problem: `expected one of ${LOG_LEVELS.join(', ')}, got "${levelText}"`,
    });
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    env: {
      polygonApiKey,
      polygonBaseUrl,
      saxoEnv,
      saxoBaseUrl,
      saxoTokenFile,
      saxoAccountKey,
      logLevel: logLevel ?? 'info',
    },
  };
}

export function formatEnvProblems(problems: readonly EnvProblem[]): string {
  return [
    `environment: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    ...problems.map((p) => `  ${p.variable}: ${p.problem}`),
  ].join('\n');
}
