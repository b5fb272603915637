/**
 * Command-line parsing for `scan-cycle`. Pure: argv in, a typed command out, or a `UsageError`
 * listing every problem at once. Both `--flag value` and `--flag=value` spellings are accepted.
 */

export type MarketChoice =
  | { kind: 'polygon' }
  | { kind: 'replay'; dir: string }
  | { kind: 'sim'; seed: number };

export type ClockChoice = { kind: 'real' } | { kind: 'virtual'; startMs: number; startIso: string };

export type BrokerChoice = 'saxo' | 'sim' | 'none';

export interface HostPort {
  host: string;
  port: number;
}

export interface RunOptions {
  /** `--config FILE` (single mode); null in multi mode. */
  configFile: string | null;
  /** `--scenario-multi-yaml FILE` (multi mode); null in single mode. */
  multiYaml: string | null;
  stateDir: string;
  parityLog: string;
  mode: 'dry-run' | 'live';
  scanIntervalSec: number | null;
  comparisonLog: string | null;
  market: MarketChoice;
  broker: BrokerChoice;
  saxoEnv: 'sim' | 'live' | null;
  saxoTokenFile: string | null;
  once: boolean;
  recordMarket: string | null;
  healthAddr: HostPort;
  liveApproval: string | null;
  clock: ClockChoice;
  maxScans: number | null;
}

export type ScanCycleCommand =
  | { command: 'run'; options: RunOptions }
  | { command: 'validate-config'; file: string }
  | { command: 'breaker'; action: 'status' | 'reset'; stateDir: string; scenario: string | null }
  | { command: 'demo'; outDir: string }
  | { command: 'help'; text: string }
  | { command: 'version' };

/** Bad command line: exit 2. `problems` lists every issue found, each naming the flag. */
export class UsageError extends Error {
  readonly _tag = 'UsageError' as const;
  constructor(readonly problems: string[]) {
    super(`usage: ${problems.join('; ')}`);
    this.name = 'UsageError';
  }
}

export const DEFAULT_HEALTH_ADDR: HostPort = { host: '127.0.0.1', port: 9464 };
export const DEFAULT_DEMO_OUT = './var/demo';

export const USAGE = `scan-cycle: bull put credit spread scan service

usage:
  scan-cycle run (--config FILE | --scenario-multi-yaml FILE) --state-dir DIR --parity-log FILE
                 (--dry-run | --live) [--scan-interval SEC] [--comparison-log FILE]
                 [--market polygon | replay:DIR | sim:SEED] [--broker saxo | sim | none]
                 [--saxo-env sim|live] [--saxo-token-file FILE] [--once] [--record-market DIR]
                 [--health-addr HOST:PORT] [--live-approval FILE]
                 [--clock real | virtual:ISO] [--max-scans N]
  scan-cycle validate-config FILE
  scan-cycle breaker status|reset --state-dir DIR [--scenario ID]
  scan-cycle demo [--out DIR]
  scan-cycle --help | --version

exit codes: 0 ok, 1 runtime failure or refused start, 2 usage, environment or configuration error
`;

/** Flags that take a value, per command. Boolean flags are listed separately. */
const RUN_VALUE_FLAGS = new Set([
  'config',
  'scenario-multi-yaml',
  'state-dir',
  'parity-log',
  'scan-interval',
  'comparison-log',
  'market',
  'broker',
  'saxo-env',
  'saxo-token-file',
  'record-market',
  'health-addr',
  'live-approval',
  'clock',
  'max-scans',
]);
const RUN_BOOL_FLAGS = new Set(['dry-run', 'live', 'once']);

interface RawArgs {
  values: Map<string, string>;
  bools: Set<string>;
  positionals: string[];
}

function splitArgs(
  argv: readonly string[],
  valueFlags: ReadonlySet<string>,
  boolFlags: ReadonlySet<string>,
  problems: string[],
): RawArgs {
  const values = new Map<string, string>();
  const bools = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (boolFlags.has(name)) {
      if (inline !== undefined) problems.push(`--${name} takes no value (got "${inline}")`);
      else if (bools.has(name)) problems.push(`--${name} given twice`);
      bools.add(name);
      continue;
    }
    if (!valueFlags.has(name)) {
      problems.push(`unknown flag --${name}`);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        problems.push(`--${name} needs a value`);
        continue;
      }
      value = next;
      i++;
    }
    if (value === '') {
      problems.push(`--${name} needs a non-empty value`);
      continue;
    }
    if (values.has(name)) problems.push(`--${name} given twice`);
    values.set(name, value);
  }
  return { values, bools, positionals };
}

export function parseHostPort(text: string): HostPort | null {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  if (!m) return null;
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (host === '' || port > 65535) return null;
  return { host, port };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseClock(text: string): ClockChoice | null {
  if (text === 'real') return { kind: 'real' };
  if (!text.startsWith('virtual:')) return null;
  const iso = text.slice('virtual:'.length);
  if (!ISO_INSTANT.test(iso)) return null;
  const startMs = Date.parse(iso);
  if (!Number.isFinite(startMs)) return null;
  return { kind: 'virtual', startMs, startIso: new Date(startMs).toISOString() };
}

export function parseMarket(text: string): MarketChoice | null {
  if (text === 'polygon') return { kind: 'polygon' };
  if (text.startsWith('replay:') && text.length > 'replay:'.length) {
    return { kind: 'replay', dir: text.slice('replay:'.length) };
  }
  if (text.startsWith('sim:')) {
    const seedText = text.slice('sim:'.length);
    if (!/^\d{1,15}$/.test(seedText)) return null;
    return { kind: 'sim', seed: Number(seedText) };
  }
  return null;
}

function positiveInt(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

function parseRun(argv: readonly string[]): RunOptions {
  const problems: string[] = [];
  const { values, bools, positionals } = splitArgs(argv, RUN_VALUE_FLAGS, RUN_BOOL_FLAGS, problems);
  for (const p of positionals) problems.push(`unexpected argument "${p}"`);

  const configFile = values.get('config') ?? null;
  const multiYaml = values.get('scenario-multi-yaml') ?? null;
  if (configFile === null && multiYaml === null) {
    problems.push('one of --config FILE or --scenario-multi-yaml FILE is required');
  }
  if (configFile !== null && multiYaml !== null) {
    problems.push('--config and --scenario-multi-yaml are mutually exclusive');
  }
  const stateDir = values.get('state-dir');
  if (stateDir === undefined) problems.push('--state-dir DIR is required');
  const parityLog = values.get('parity-log');
  if (parityLog === undefined) problems.push('--parity-log FILE is required');

  const dry = bools.has('dry-run');
  const live = bools.has('live');
  if (dry === live) problems.push('exactly one of --dry-run or --live is required');

  let scanIntervalSec: number | null = null;
  const intervalText = values.get('scan-interval');
  if (intervalText !== undefined) {
    scanIntervalSec = positiveInt(intervalText);
    if (scanIntervalSec === null) {
      problems.push(`--scan-interval expects a positive whole number of seconds, got "${intervalText}"`);
    }
  } else if (configFile !== null && multiYaml === null) {
    problems.push('--scan-interval SEC is required with --config (single-scenario mode)');
  }

  let market: MarketChoice = { kind: 'polygon' };
  const marketText = values.get('market');
  if (marketText !== undefined) {
    const parsed = parseMarket(marketText);
    if (parsed === null) {
      problems.push(`--market expects polygon, replay:DIR or sim:SEED (a whole number), got "${marketText}"`);
    } else market = parsed;
  }

  let broker: BrokerChoice = 'saxo';
  const brokerText = values.get('broker');
  if (brokerText !== undefined) {
    if (brokerText === 'saxo' || brokerText === 'sim' || brokerText === 'none') broker = brokerText;
    else problems.push(`--broker expects saxo, sim or none, got "${brokerText}"`);
  }
  if (live && broker !== 'saxo' && brokerText !== undefined) {
    problems.push(`--live needs --broker saxo (got --broker ${brokerText})`);
  }

  let saxoEnv: 'sim' | 'live' | null = null;
  const saxoEnvText = values.get('saxo-env');
  if (saxoEnvText !== undefined) {
    if (saxoEnvText === 'sim' || saxoEnvText === 'live') saxoEnv = saxoEnvText;
    else problems.push(`--saxo-env expects sim or live, got "${saxoEnvText}"`);
  }

  let healthAddr = DEFAULT_HEALTH_ADDR;
  const healthText = values.get('health-addr');
  if (healthText !== undefined) {
    const parsed = parseHostPort(healthText);
    if (parsed === null) problems.push(`--health-addr expects HOST:PORT, got "${healthText}"`);
    else healthAddr = parsed;
  }

  let clock: ClockChoice = { kind: 'real' };
  const clockText = values.get('clock');
  if (clockText !== undefined) {
    const parsed = parseClock(clockText);
    if (parsed === null) {
      problems.push(
        `--clock expects real or virtual:ISO (e.g. virtual:2026-04-10T13:30:00Z), got "${clockText}"`,
      );
    } else clock = parsed;
  }

  let maxScans: number | null = null;
  const maxText = values.get('max-scans');
  if (maxText !== undefined) {
    maxScans = positiveInt(maxText);
    if (maxScans === null) problems.push(`--max-scans expects a positive whole number, got "${maxText}"`);
  }

  if (problems.length > 0) throw new UsageError(problems);
  return {
    configFile,
    multiYaml,
    stateDir: stateDir as string,
    parityLog: parityLog as string,
    mode: live ? 'live' : 'dry-run',
    scanIntervalSec,
    comparisonLog: values.get('comparison-log') ?? null,
    market,
    broker,
    saxoEnv,
    saxoTokenFile: values.get('saxo-token-file') ?? null,
    once: bools.has('once'),
    recordMarket: values.get('record-market') ?? null,
    healthAddr,
    liveApproval: values.get('live-approval') ?? null,
    clock,
    maxScans,
  };
}

/**
 * Parses `scan-cycle` arguments (without `node` and the script path).
 * Throws `UsageError` naming every problem.
 */
export function parseScanCycleArgs(argv: readonly string[]): ScanCycleCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { command: 'help', text: USAGE };
  }
  if (command === '--version' || command === 'version') return { command: 'version' };
  if (rest.includes('--help') || rest.includes('-h')) return { command: 'help', text: USAGE };

  switch (command) {
    case 'run':
      return { command: 'run', options: parseRun(rest) };
    case 'validate-config': {
      const problems: string[] = [];
      const { positionals } = splitArgs(rest, new Set(), new Set(), problems);
      if (positionals.length !== 1) problems.push('validate-config takes exactly one FILE');
      if (problems.length > 0) throw new UsageError(problems);
      return { command: 'validate-config', file: positionals[0] as string };
    }
    case 'breaker': {
      const problems: string[] = [];
      const { values, positionals } = splitArgs(
        rest,
        new Set(['state-dir', 'scenario']),
        new Set(),
        problems,
      );
      const action = positionals[0];
      if (action !== 'status' && action !== 'reset') {
        problems.push(
          `breaker expects "status" or "reset", got ${action === undefined ? 'nothing' : `"${action}"`}`,
        );
      }
      if (positionals.length > 1) problems.push(`unexpected argument "${positionals[1]}"`);
      const stateDir = values.get('state-dir');
      if (stateDir === undefined) problems.push('--state-dir DIR is required');
      const scenario = values.get('scenario') ?? null;
      if (action === 'reset' && scenario === null) problems.push('breaker reset needs --scenario ID');
      if (problems.length > 0) throw new UsageError(problems);
      return {
        command: 'breaker',
        action: action as 'status' | 'reset',
        stateDir: stateDir as string,
        scenario,
      };
    }
    case 'demo': {
      const problems: string[] = [];
      const { values, positionals } = splitArgs(rest, new Set(['out']), new Set(), problems);
      for (const p of positionals) problems.push(`unexpected argument "${p}"`);
      if (problems.length > 0) throw new UsageError(problems);
      return { command: 'demo', outDir: values.get('out') ?? DEFAULT_DEMO_OUT };
    }
    default:
      throw new UsageError([`unknown command "${command}" (expected run, validate-config, breaker or demo)`]);
  }
}
