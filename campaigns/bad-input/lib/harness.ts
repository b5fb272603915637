/**
 * Shared plumbing of the bad-input suites: how many cases to run, the per-case time bound, the
 * unhandled-rejection guard, the checks every case must pass whatever its input, and the one-line
 * summary each suite prints.
 */
import { appendFileSync } from 'node:fs';
import { readCampaignEnv } from './env.js';
import type { Outcome, TypedErrorInfo } from './outcome.js';

export interface CampaignSize {
  /** Cases per property. */
  runs: number;
  seed: number;
  /** Per-case bound; a case that takes longer fails as a hang. */
  caseTimeoutMs: number;
  /** `fast` in the normal test run, `campaign` under `pnpm test:campaign`. */
  label: 'fast' | 'campaign';
  /** Shrink a failing case to a minimal one (slower; off unless CAMPAIGN_SHRINK=1). */
  shrink: boolean;
}

const DEFAULT_SEED = 20260410;

/** Size of the fast part: fixed, so `pnpm test` stays quick and deterministic. */
export function fastSize(runs: number): CampaignSize {
  const env = readCampaignEnv();
  return {
    runs,
    seed: env.seed ?? DEFAULT_SEED,
    caseTimeoutMs: env.caseTimeoutMs ?? 5_000,
    label: 'fast',
    shrink: env.shrink,
  };
}

/**
 * Size of the campaign part, from `CAMPAIGN_RUNS` (set by `campaigns/run.mjs --size N`). `scale`
 * lets a slow property (real files, real sockets) run a fraction of the cases of a pure one.
 */
export function campaignSize(scale = 1): CampaignSize {
  const env = readCampaignEnv();
  return {
    runs: Math.max(1, Math.round((env.runs ?? 1000) * scale)),
    seed: env.seed ?? DEFAULT_SEED,
    caseTimeoutMs: env.caseTimeoutMs ?? 5_000,
    label: 'campaign',
    shrink: env.shrink,
  };
}

/** fast-check parameters for one property of a suite. */
export function fcParams(size: CampaignSize, salt: number) {
  return { numRuns: size.runs, seed: (size.seed + salt * 7919) | 0, endOnFailure: !size.shrink };
}

/** Counts what each property's cases did, for the one-line summary. */
export class Tally {
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly held = new Set<string>();
  private readonly failures: string[] = [];

  constructor(
    readonly suite: string,
    readonly size: CampaignSize,
  ) {}

  /** `cls` overrides the class derived from the outcome (a parser that returns its refusals). */
  record(property: string, outcome: Outcome<unknown>, cls = classOf(outcome)): void {
    let byClass = this.counts.get(property);
    if (!byClass) {
      byClass = new Map();
      this.counts.set(property, byClass);
    }
    byClass.set(cls, (byClass.get(cls) ?? 0) + 1);
  }

  /** A guarantee every case checked (printed once, in the summary). */
  claim(guarantee: string): void {
    this.held.add(guarantee);
  }

  /** Runs one property; a failure is remembered so the summary never claims it held. */
  async check(property: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      const cause =
        error instanceof Error && error.cause instanceof Error ? error.cause.message.split('\n')[0] : '';
      this.failures.push(`${property}: ${first}${cause ? ` (${cause})` : ''}`);
      throw error;
    }
  }

  total(): number {
    let n = 0;
    for (const byClass of this.counts.values()) for (const c of byClass.values()) n += c;
    return n;
  }

  classes(): Map<string, number> {
    const all = new Map<string, number>();
    for (const byClass of this.counts.values()) {
      for (const [cls, c] of byClass) all.set(cls, (all.get(cls) ?? 0) + c);
    }
    return all;
  }

  summary(): string {
    const classes = [...this.classes()]
      .sort((a, b) => b[1] - a[1])
      .map(([cls, c]) => `${cls} ${c}`)
      .join(', ');
    const properties = [...this.counts.keys()].length;
    const verdict =
      this.failures.length > 0
        ? `FAILED: ${this.failures.join(' | ')}`
        : `held: ${[...this.held].join('; ')}`;
    return (
      `[bad-input/${this.suite}] ${this.total()} cases over ${properties} properties ` +
      `(${this.size.label}, seed ${this.size.seed}): ${classes}; ${verdict}`
    );
  }

  /** Prints the summary; `run.mjs` collects it through CAMPAIGN_SUMMARY_FILE. */
  report(): void {
    const line = this.summary();
    console.log(line);
    const file = readCampaignEnv().summaryFile;
    if (file) appendFileSync(file, `${line}\n`);
  }
}

function classOf(outcome: Outcome<unknown>): string {
  switch (outcome.status) {
    case 'ok':
      return 'parsed';
    case 'typed':
      return `${outcome.error.tag}${outcome.error.kind ? `:${outcome.error.kind}` : ''}`;
    default:
      return outcome.status;
  }
}

/** Fails on any unhandled rejection in the test process while the suite runs. */
export function guardUnhandledRejections(): { check(): void; dispose(): void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  return {
    check() {
      if (seen.length > 0) {
        throw new Error(`unhandled rejection(s) in the test process: ${seen.map(String).join(' | ')}`);
      }
    },
    dispose() {
      process.off('unhandledRejection', listener);
    },
  };
}

export class OracleFailure extends Error {
  constructor(what: string, detail: unknown) {
    super(
      `${what}\n${typeof detail === 'string' ? detail : JSON.stringify(detail, null, 2)?.slice(0, 4000)}`,
    );
    this.name = 'OracleFailure';
  }
}

/**
 * What every case must satisfy, whatever its input: it finished in time, did not crash, threw
 * nothing untyped, left no unhandled rejection behind and did not pollute Object.prototype.
 * Returns the outcome narrowed to the two acceptable shapes.
 */
export function mustSettle<T>(
  outcome: Outcome<T>,
  input: unknown,
  tags: readonly TypedErrorInfo['tag'][],
): Extract<Outcome<T>, { status: 'ok' | 'typed' }> {
  const show = (what: string, detail: unknown) => new OracleFailure(what, { detail, input: clip(input) });
  switch (outcome.status) {
    case 'hang':
      throw show(`hang: the case did not finish within ${outcome.timeoutMs} ms`, null);
    case 'crash':
      throw show('crash: the worker died', outcome.error);
    case 'untyped':
      throw show(`untyped exception ${outcome.error.name}: ${outcome.error.message}`, outcome.error.stack);
    default:
      break;
  }
  if (outcome.unhandled.length > 0) throw show('unhandled rejection in the case', outcome.unhandled);
  if (!outcome.protoClean) throw show('Object.prototype was modified by the input', null);
  if (outcome.status === 'typed' && !tags.includes(outcome.error.tag)) {
    throw show(`unexpected error type ${outcome.error.tag}`, outcome.error);
  }
  return outcome as Extract<Outcome<T>, { status: 'ok' | 'typed' }>;
}

/** Fails when any of the secrets appears in an error's message, cause chain or log lines. */
export function mustNotLeak(texts: readonly string[], secrets: readonly string[], input: unknown): void {
  for (const text of texts) {
    for (const secret of secrets) {
      if (secret.length > 0 && text.includes(secret)) {
        throw new OracleFailure('secret leaked', { secret, where: text.slice(0, 600), input: clip(input) });
      }
    }
  }
}

function clip(input: unknown): unknown {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  if (text === undefined) return input;
  return text.length > 3000 ? `${text.slice(0, 3000)}… (${text.length} chars)` : input;
}
