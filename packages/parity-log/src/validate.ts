/**
 * Hand-written structural check of a parsed line: the envelope of every record and the fields that the
 * comparison reads. Much cheaper than zod on the hot path of a multi-gigabyte read; `validate: 'strict'`
 * runs the full zod schema instead.
 */

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DATE = /^\d{4}-\d\d-\d\d$/;
const LEVELS = new Set(['ok', 'warn', 'reduce_only', 'halted']);
const STATUSES = new Set([
  'proposed',
  'paper_filled',
  'precheck_ok',
  'precheck_rejected',
  'submitted',
  'filled',
  'rejected',
  'blocked',
]);
const CLOSE_REASONS = new Set(['expired', 'expiration_day', 'stop_loss', 'profit_target', 'dte_exit']);

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const got = (v: unknown): string =>
  typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : typeName(v);

function num(o: Obj, k: string, where: string): string | null {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? null : `${where}${k}: expected number, got ${got(v)}`;
}
function str(o: Obj, k: string, where: string): string | null {
  const v = o[k];
  return typeof v === 'string' && v.length > 0
    ? null
    : `${where}${k}: expected non-empty string, got ${got(v)}`;
}
function date(o: Obj, k: string, where: string): string | null {
  const v = o[k];
  return typeof v === 'string' && DATE.test(v) ? null : `${where}${k}: expected YYYY-MM-DD, got ${got(v)}`;
}
function level(v: unknown, where: string): string | null {
  return typeof v === 'string' && LEVELS.has(v) ? null : `${where}: expected a breaker level, got ${got(v)}`;
}

function checkLeg(e: unknown, where: string, kind: 'entry' | 'exit'): string | null {
  if (!isObj(e)) return `${where}: expected object, got ${typeName(e)}`;
  const p = `${where}.`;
  const err =
    str(e, 'scenario', p) ??
    str(e, 'underlying', p) ??
    date(e, 'expiry', p) ??
    num(e, 'short_strike', p) ??
    num(e, 'long_strike', p) ??
    num(e, 'quantity', p) ??
    (kind === 'entry' ? num(e, 'credit', p) : num(e, 'debit', p)) ??
    str(e, 'intent_id', p);
  if (err) return err;
  if (typeof e.status !== 'string' || !STATUSES.has(e.status))
    return `${p}status: unknown status ${got(e.status)}`;
  if (e.reason !== undefined && e.reason !== null && typeof e.reason !== 'string') {
    return `${p}reason: expected string or null, got ${typeName(e.reason)}`;
  }
  if (kind === 'exit' && (typeof e.close_reason !== 'string' || !CLOSE_REASONS.has(e.close_reason))) {
    return `${p}close_reason: unknown close reason ${got(e.close_reason)}`;
  }
  return null;
}

function checkScan(r: Obj): string | null {
  const err = date(r, 'trade_date', '') ?? str(r, 'run_id', '');
  if (err) return err;
  const sc = r.scan_count;
  if (typeof sc !== 'number' || !Number.isInteger(sc) || sc < 0)
    return `scan_count: expected integer, got ${got(sc)}`;
  if (r.vix !== null && (typeof r.vix !== 'number' || !Number.isFinite(r.vix))) {
    return `vix: expected number or null, got ${got(r.vix)}`;
  }
  const entries = r.entries_proposed;
  if (!Array.isArray(entries)) return `entries_proposed: expected array, got ${typeName(entries)}`;
  for (let i = 0; i < entries.length; i++) {
    const e = checkLeg(entries[i], `entries_proposed[${i}]`, 'entry');
    if (e) return e;
  }
  const exits = r.exits_proposed;
  if (!Array.isArray(exits)) return `exits_proposed: expected array, got ${typeName(exits)}`;
  for (let i = 0; i < exits.length; i++) {
    const e = checkLeg(exits[i], `exits_proposed[${i}]`, 'exit');
    if (e) return e;
  }
  if (!Array.isArray(r.errors)) return `errors: expected array, got ${typeName(r.errors)}`;
  const cb = r.circuit_breaker;
  if (!isObj(cb)) return `circuit_breaker: expected object, got ${typeName(cb)}`;
  const g = level(cb.global, 'circuit_breaker.global');
  if (g) return g;
  if (!isObj(cb.scenarios))
    return `circuit_breaker.scenarios: expected object, got ${typeName(cb.scenarios)}`;
  for (const id in cb.scenarios) {
    const e = level(cb.scenarios[id], `circuit_breaker.scenarios.${id}`);
    if (e) return e;
  }
  return null;
}

function checkComparison(r: Obj): string | null {
  const err = date(r, 'trade_date', '') ?? num(r, 'scan_count', '');
  if (err) return err;
  if (!Array.isArray(r.scenarios)) return `scenarios: expected array, got ${typeName(r.scenarios)}`;
  for (let i = 0; i < r.scenarios.length; i++) {
    const s: unknown = r.scenarios[i];
    const where = `scenarios[${i}].`;
    if (!isObj(s)) return `scenarios[${i}]: expected object, got ${typeName(s)}`;
    const e = str(s, 'scenario', where) ?? num(s, 'equity', where) ?? num(s, 'trade_count', where);
    if (e) return e;
  }
  return null;
}

function checkBreaker(r: Obj): string | null {
  return str(r, 'scenario', '') ?? level(r.from, 'from') ?? level(r.to, 'to') ?? str(r, 'cause', '');
}

/**
 * Checks a parsed v1 record of a known kind. Returns null when fine, else what is wrong and where
 * (`entries_proposed[2].short_strike: expected number, got "495"`).
 */
export function fastCheckRecord(r: Obj): string | null {
  if (typeof r.ts !== 'string' || !ISO_MS.test(r.ts))
    return `ts: expected ISO-8601 UTC with ms, got ${got(r.ts)}`;
  switch (r.record_kind) {
    case 'scan':
      return checkScan(r);
    case 'comparison':
      return checkComparison(r);
    case 'breaker':
      return checkBreaker(r);
    case 'startup':
      return str(r, 'run_id', '') ?? str(r, 'mode', '');
    case 'shutdown':
      return str(r, 'reason', '');
    default:
      return null;
  }
}
