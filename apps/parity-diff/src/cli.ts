/**
 * Argument parsing for `parity-diff`, exported so that other tools (compose files, tests) can check a
 * command line exactly as the CLI would read it.
 */

export type CommandName = 'compare' | 'compare-equity' | 'gate';

export interface RunArgs {
  command: CommandName;
  /** Candidate (this implementation) log path: file, `.gz` or directory (`gate`: a directory). */
  candidate: string;
  /** Reference implementation log path. */
  reference: string;
  toleranceSeconds: number;
  intervalMinutes: number;
  json: boolean;
  html: string | null;
  strict: boolean;
  liveScenario: string;
  /** `never` with --no-color; colour is otherwise used only on a TTY. */
  color: 'auto' | 'never';
  /** `never` with --no-progress; the progress bar is otherwise shown only on a TTY. */
  progress: 'auto' | 'never';
}

export type ParsedArgs = { command: 'help'; text: string } | RunArgs;

export class ParityDiffUsageError extends Error {
  readonly _tag = 'ParityDiffUsageError' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ParityDiffUsageError';
  }
}

export const USAGE = `parity-diff: compare parity logs of a candidate and a reference implementation

usage:
  parity-diff compare --candidate-log PATH --reference-log PATH [--tolerance-seconds 60] [--json] [--html FILE] [--strict]
  parity-diff compare-equity --candidate-log PATH --reference-log PATH [--interval-minutes 15] [--json] [--html FILE] [--strict]
  parity-diff gate --candidate-dir DIR --reference-dir DIR [--tolerance-seconds 60] [--interval-minutes 15]
                   [--live-scenario LT_RC] [--json] [--html FILE] [--strict]

  --rust-log and --python-log are aliases of --candidate-log and --reference-log.
  PATH: a file, a .gz file, or a directory of *.jsonl / *.jsonl.gz files (read in name order).
  Flags take their value as the next argument or after '=' (--tolerance-seconds=60).
  --no-color, --no-progress: plain output even on a terminal.

exit codes: 0 pass, 1 fail, 2 usage or unreadable input`;

type FlagKind = 'string' | 'number' | 'boolean';
interface FlagSpec {
  canonical: string;
  kind: FlagKind;
}

const FLAGS: Record<string, FlagSpec> = {
  'candidate-log': { canonical: 'candidate-log', kind: 'string' },
  'rust-log': { canonical: 'candidate-log', kind: 'string' },
  'reference-log': { canonical: 'reference-log', kind: 'string' },
  'python-log': { canonical: 'reference-log', kind: 'string' },
  'candidate-dir': { canonical: 'candidate-dir', kind: 'string' },
  'reference-dir': { canonical: 'reference-dir', kind: 'string' },
  'tolerance-seconds': { canonical: 'tolerance-seconds', kind: 'number' },
  'interval-minutes': { canonical: 'interval-minutes', kind: 'number' },
  'live-scenario': { canonical: 'live-scenario', kind: 'string' },
  html: { canonical: 'html', kind: 'string' },
  json: { canonical: 'json', kind: 'boolean' },
  strict: { canonical: 'strict', kind: 'boolean' },
  'no-color': { canonical: 'no-color', kind: 'boolean' },
  'no-progress': { canonical: 'no-progress', kind: 'boolean' },
};

const COMMON = ['json', 'html', 'strict', 'no-color', 'no-progress'];
const ALLOWED: Record<CommandName, Set<string>> = {
  compare: new Set(['candidate-log', 'reference-log', 'tolerance-seconds', ...COMMON]),
  'compare-equity': new Set(['candidate-log', 'reference-log', 'interval-minutes', ...COMMON]),
  gate: new Set([
    'candidate-dir',
    'reference-dir',
    'tolerance-seconds',
    'interval-minutes',
    'live-scenario',
    ...COMMON,
  ]),
};

function parseNumber(flag: string, raw: string, min: number, max: number, integer: boolean): number {
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    throw new ParityDiffUsageError(
      `--${flag}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/**
 * Parses `parity-diff` arguments (without `node` and the script; a leading `parity-diff` is skipped).
 * Throws `ParityDiffUsageError` naming the offending argument.
 */
export function parseParityDiffArgs(argv: readonly string[]): ParsedArgs {
  const args = argv[0] === 'parity-diff' ? argv.slice(1) : [...argv];
  if (args.length === 0 || args.some((a) => a === '--help' || a === '-h') || args[0] === 'help') {
    return { command: 'help', text: USAGE };
  }
  const command = args[0] as CommandName;
  if (!(command in ALLOWED)) {
    throw new ParityDiffUsageError(
      `unknown command ${JSON.stringify(args[0])} (expected compare, compare-equity or gate)`,
    );
  }
  const values = new Map<string, string | true>();
  const givenAs = new Map<string, string>();
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new ParityDiffUsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = FLAGS[name];
    if (!spec || !ALLOWED[command].has(spec.canonical)) {
      throw new ParityDiffUsageError(`${command}: unknown option --${name}`);
    }
    if (values.has(spec.canonical)) {
      throw new ParityDiffUsageError(`--${name} given twice (also as --${givenAs.get(spec.canonical)})`);
    }
    givenAs.set(spec.canonical, name);
    if (spec.kind === 'boolean') {
      if (eq !== -1) throw new ParityDiffUsageError(`--${name} takes no value`);
      values.set(spec.canonical, true);
      continue;
    }
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new ParityDiffUsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    if (value === '') throw new ParityDiffUsageError(`--${name} needs a non-empty value`);
    values.set(spec.canonical, value);
  }

  const str = (k: string) => {
    const v = values.get(k);
    return typeof v === 'string' ? v : null;
  };
  const candidate = command === 'gate' ? str('candidate-dir') : str('candidate-log');
  const reference = command === 'gate' ? str('reference-dir') : str('reference-log');
  const missing: string[] = [];
  if (!candidate) missing.push(command === 'gate' ? '--candidate-dir' : '--candidate-log (or --rust-log)');
  if (!reference) missing.push(command === 'gate' ? '--reference-dir' : '--reference-log (or --python-log)');
  if (missing.length) throw new ParityDiffUsageError(`${command}: missing ${missing.join(' and ')}`);

  const tol = str('tolerance-seconds');
  const interval = str('interval-minutes');
  return {
    command,
    candidate: candidate!,
    reference: reference!,
    toleranceSeconds: tol === null ? 60 : parseNumber('tolerance-seconds', tol, 0, 86_400, false),
    intervalMinutes: interval === null ? 15 : parseNumber('interval-minutes', interval, 1, 1_440, true),
    json: values.has('json'),
    html: str('html'),
    strict: values.has('strict'),
    liveScenario: str('live-scenario') ?? 'LT_RC',
    color: values.has('no-color') ? 'never' : 'auto',
    progress: values.has('no-progress') ? 'never' : 'auto',
  };
}
