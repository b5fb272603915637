/**
 * Parity-log cases: directories of `.jsonl` / `.jsonl.gz` files whose lines are valid v1 records,
 * mutated records, truncated lines, garbage, invalid UTF-8, over-long lines and torn tails. Every
 * line carries what the tolerant reader must do with it, so the oracle can compare line by line.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

type Obj = Record<string, unknown>;

/** What the reader must do with a line. `any`: garbage whose fate depends on its bytes. */
export type LineExpect =
  | { do: 'record'; kind: string; scanCount?: number }
  | { do: 'bad'; mention: string }
  | { do: 'other' }
  | { do: 'ignored' }
  | { do: 'any' };

export interface LineSpec {
  how: string;
  bytes: Buffer;
  expect: LineExpect;
}

export type GzMode = 'plain' | 'gzip' | 'gzip-truncated' | 'not-gzip';

export interface FileSpec {
  name: string;
  gz: GzMode;
  lines: LineSpec[];
  /** The last line has no trailing newline (a crash mid-write). */
  torn: boolean;
  /** For `gzip-truncated`: how much of the compressed bytes survive, in [0, 1). */
  keep: number;
}

export interface ParityCase {
  files: FileSpec[];
  validate: 'fast' | 'strict';
  chunkBytes: number;
  maxLineBytes: number;
}

const isoTs = fc
  .integer({ min: Date.UTC(2026, 0, 2, 14, 30), max: Date.UTC(2026, 11, 30, 21, 0) })
  .map((ms) => new Date(ms).toISOString());
const level = fc.constantFrom('ok', 'warn', 'reduce_only', 'halted');
const scenarioId = fc.constantFrom('LT_RC', 'WFT_A', 'WFT_C', 'PT_XW');
const underlying = fc.constantFrom('SPY', 'QQQ', 'IWM', 'SPX');
const cents = (lo: number, hi: number) => fc.integer({ min: lo * 100, max: hi * 100 }).map((c) => c / 100);

const legBase = fc
  .record({
    scenario: scenarioId,
    underlying,
    expiry: fc.constantFrom('2026-05-15', '2026-06-19', '2026-04-24'),
    short_strike: fc.integer({ min: 100, max: 6000 }),
    width: fc.constantFrom(1, 3, 5, 25),
    quantity: fc.integer({ min: 1, max: 10 }),
    seq: fc.integer({ min: 1, max: 99 }),
  })
  .map((l) => ({
    scenario: l.scenario,
    underlying: l.underlying,
    option_type: 'put',
    expiry: l.expiry,
    short_strike: l.short_strike,
    long_strike: l.short_strike - l.width,
    quantity: l.quantity,
    intent_id: `${l.scenario}:2026-04-10:${l.underlying}:${l.expiry.replaceAll('-', '')}:${l.short_strike}:${l.short_strike - l.width}:open:${l.seq}`,
  }));

const entry = fc
  .tuple(legBase, cents(0, 20), fc.constantFrom('proposed', 'paper_filled', 'precheck_ok', 'blocked'))
  .map(([l, credit, status]) => ({
    ...l,
    credit,
    short_delta: -0.25,
    status,
    reason: status === 'blocked' ? 'max_per_expiry' : null,
  }));
const exit = fc
  .tuple(legBase, cents(0, 20), fc.constantFrom('profit_target', 'stop_loss', 'dte_exit'))
  .map(([l, debit, closeReason]) => ({
    ...l,
    intent_id: `${l.intent_id}:close`,
    debit,
    close_reason: closeReason,
    status: 'paper_filled',
    reason: null,
  }));

const scanRecord = fc
  .record({
    ts: isoTs,
    scan_count: fc.integer({ min: 1, max: 1_000_000 }),
    vix: fc.option(cents(9, 80), { nil: null }),
    entries: fc.array(entry, { maxLength: 3 }),
    exits: fc.array(exit, { maxLength: 2 }),
    global: level,
    lt: level,
  })
  .map(
    (r): Obj => ({
      schema_version: 1,
      record_kind: 'scan',
      ts: r.ts,
      trade_date: r.ts.slice(0, 10),
      scan_count: r.scan_count,
      run_id: 'run-0001',
      source: 'scan-cycle/0.1.0',
      mode: 'dry-run',
      vix: r.vix,
      underlyings: { SPY: { price: 512.34 }, QQQ: { price: 441.2 } },
      entries_proposed: r.entries,
      exits_proposed: r.exits,
      errors: [{ source: 'polygon', code: 'rate_limited', message: '429', underlying: 'IWM' }],
      circuit_breaker: { global: r.global, scenarios: { LT_RC: r.lt } },
      duration_ms: 412,
    }),
  );

const comparisonRecord = fc
  .record({ ts: isoTs, batch: fc.integer({ min: 1, max: 5000 }), equity: cents(50_000, 150_000) })
  .map(
    (r): Obj => ({
      schema_version: 1,
      record_kind: 'comparison',
      ts: r.ts,
      trade_date: r.ts.slice(0, 10),
      batch: r.batch,
      scan_count: r.batch * 20,
      scenarios: [
        {
          scenario: 'LT_RC',
          equity: r.equity,
          realized_pnl: 80.1,
          unrealized_pnl: 43.35,
          open_positions: 2,
          trade_count: 5,
          closed_count: 3,
          breaker: 'ok',
        },
      ],
    }),
  );

const breakerRecord = fc
  .record({ ts: isoTs, scenario: scenarioId, from: level, to: level })
  .map((r): Obj => ({ schema_version: 1, record_kind: 'breaker', ...r, cause: 'daily_loss_fraction' }));
const startupRecord = isoTs.map(
  (ts): Obj => ({
    schema_version: 1,
    record_kind: 'startup',
    ts,
    run_id: 'run-0001',
    source: 'scan-cycle/0.1.0',
    version: '0.1.0',
    mode: 'dry-run',
    config_hash: 'sha256:00ff',
    scenario_ids: ['LT_RC', 'WFT_A'],
    flags: { dry_run: true },
  }),
);
const shutdownRecord = isoTs.map(
  (ts): Obj => ({ schema_version: 1, record_kind: 'shutdown', ts, run_id: 'run-0001', reason: 'SIGTERM' }),
);

export const validRecord = fc.oneof(
  { arbitrary: scanRecord, weight: 4 },
  { arbitrary: comparisonRecord, weight: 1 },
  { arbitrary: breakerRecord, weight: 1 },
  { arbitrary: startupRecord, weight: 1 },
  { arbitrary: shutdownRecord, weight: 1 },
);

/** Fields both the fast check and the full schema read, by record kind (paths into the record). */
function checkedFields(r: Obj): Array<Array<string | number>> {
  switch (r.record_kind) {
    case 'scan': {
      const out: Array<Array<string | number>> = [
        ['ts'],
        ['trade_date'],
        ['scan_count'],
        ['run_id'],
        ['vix'],
        ['entries_proposed'],
        ['exits_proposed'],
        ['errors'],
        ['circuit_breaker'],
        ['circuit_breaker', 'global'],
        ['circuit_breaker', 'scenarios'],
      ];
      if ((r.entries_proposed as unknown[]).length > 0) {
        for (const k of [
          'short_strike',
          'long_strike',
          'credit',
          'quantity',
          'status',
          'intent_id',
          'expiry',
        ]) {
          out.push(['entries_proposed', 0, k]);
        }
      }
      if ((r.exits_proposed as unknown[]).length > 0) {
        for (const k of ['debit', 'close_reason', 'status', 'intent_id']) out.push(['exits_proposed', 0, k]);
      }
      return out;
    }
    case 'comparison':
      return [
        ['ts'],
        ['trade_date'],
        ['scan_count'],
        ['scenarios'],
        ['scenarios', 0, 'equity'],
        ['scenarios', 0, 'scenario'],
        ['scenarios', 0, 'trade_count'],
      ];
    case 'breaker':
      return [['ts'], ['scenario'], ['from'], ['to'], ['cause']];
    case 'startup':
      return [['ts'], ['run_id'], ['mode']];
    default:
      return [['ts'], ['reason']];
  }
}

/** Fields with a closed set of values (the fast check accepts any other non-empty string elsewhere). */
const ENUM_FIELDS = new Set(['status', 'close_reason', 'from', 'to', 'global', 'ts', 'trade_date', 'expiry']);

/** A value no reader may accept for the field `key` currently holding `value`. */
function invalidFor(key: string, value: unknown): fc.Arbitrary<unknown> {
  if (typeof value === 'number') return fc.constantFrom('7', true, {}, [], 'NaN');
  if (typeof value === 'string') {
    return ENUM_FIELDS.has(key) ? fc.constantFrom(7, [], {}, '', 'bogus-#1') : fc.constantFrom(7, [], {}, '');
  }
  if (Array.isArray(value)) return fc.constantFrom({}, 'x', 3);
  if (value === null) return fc.constantFrom('17.4', true, {});
  return fc.constantFrom([], 1, 'x');
}

function getAt(r: Obj, path: ReadonlyArray<string | number>): unknown {
  let cur: unknown = r;
  for (const seg of path) cur = (cur as Record<string | number, unknown>)[seg];
  return cur;
}

function edit(r: Obj, path: ReadonlyArray<string | number>, value: unknown, remove: boolean): Obj {
  const copy = structuredClone(r);
  let parent = copy as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove) delete parent[last];
  else parent[last] = value;
  return copy;
}

const line = (text: string) => Buffer.from(text, 'utf8');
const recordExpect = (r: Obj): LineExpect => ({
  do: 'record',
  kind: r.record_kind as string,
  ...(r.record_kind === 'scan' ? { scanCount: r.scan_count as number } : {}),
});

/** One line and its fate, given the reader's line-length limit. */
export function lineSpec(maxLineBytes: number, chunkBytes: number): fc.Arbitrary<LineSpec> {
  const valid = validRecord.map(
    (r): LineSpec => ({ how: 'valid', bytes: line(JSON.stringify(r)), expect: recordExpect(r) }),
  );
  const extra = fc
    .tuple(
      validRecord,
      fc.dictionary(fc.stringMatching(/^x_[a-z]{1,6}$/), fc.jsonValue({ maxDepth: 2 }), {
        minKeys: 1,
        maxKeys: 3,
      }),
    )
    .map(
      ([r, more]): LineSpec => ({
        how: 'unknown fields',
        bytes: line(JSON.stringify({ ...r, ...more })),
        expect: recordExpect(r),
      }),
    );
  const unknownKind = validRecord.map(
    (r): LineSpec => ({
      how: 'unknown record_kind',
      bytes: line(JSON.stringify({ ...r, record_kind: 'heartbeat' })),
      expect: { do: 'ignored' },
    }),
  );
  const otherVersion = fc.tuple(validRecord, fc.constantFrom(2, 0, '1', null)).map(
    ([r, v]): LineSpec => ({
      how: `schema_version ${JSON.stringify(v)}`,
      bytes: line(JSON.stringify({ ...r, schema_version: v })),
      expect: { do: 'other' },
    }),
  );
  const badField = validRecord.chain((r) =>
    fc.constantFrom(...checkedFields(r)).chain((path) =>
      fc.oneof(
        invalidFor(String(path[path.length - 1]), getAt(r, path)).map(
          (v): LineSpec => ({
            how: `${path.join('.')} = ${JSON.stringify(v)}`,
            bytes: line(JSON.stringify(edit(r, path, v, false))),
            expect: { do: 'bad', mention: String(path[path.length - 1]) },
          }),
        ),
        fc.constant<LineSpec>({
          how: `${path.join('.')} removed`,
          bytes: line(JSON.stringify(edit(r, path, undefined, true))),
          expect: { do: 'bad', mention: String(path[path.length - 1]) },
        }),
      ),
    ),
  );
  const truncated = fc
    .tuple(validRecord, fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([r, at]): LineSpec => {
      const text = JSON.stringify(r);
      const cut = Math.max(1, Math.min(text.length - 1, Math.floor(at * text.length)));
      return {
        how: `truncated at ${cut}`,
        bytes: line(text.slice(0, cut)),
        expect: { do: 'bad', mention: 'not JSON' },
      };
    });
  const garbage = fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom('null', '[]', '42', '"scan"', '{}', '{"record_kind":7}', 'true'),
    )
    .filter((s) => !s.includes('\n') && s.length > 0 && s !== '\r')
    .map((s): LineSpec => ({ how: 'garbage', bytes: line(s), expect: { do: 'any' } }));
  const notObject = fc.constantFrom('null', '[]', '42', '"scan"', 'true', '[{"record_kind":"scan"}]').map(
    (s): LineSpec => ({
      how: 'JSON, not an object',
      bytes: line(s),
      expect: { do: 'bad', mention: 'not a JSON object' },
    }),
  );
  const noKind = validRecord.map((r): LineSpec => {
    const { record_kind: _kind, ...rest } = r;
    return {
      how: 'record_kind missing',
      bytes: line(JSON.stringify(rest)),
      expect: { do: 'bad', mention: 'record_kind' },
    };
  });
  const utf8InString = fc
    .tuple(validRecord, fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80]))
    .map(([r, junk]): LineSpec => {
      const text = JSON.stringify({ ...r, x_note: 'ab@@cd' });
      const [head, tail] = text.split('@@') as [string, string];
      return {
        how: `invalid UTF-8 ${JSON.stringify(junk)} inside a string`,
        bytes: Buffer.concat([line(head), Buffer.from(junk), line(tail)]),
        expect: recordExpect(r),
      };
    });
  const utf8Structural = fc
    .tuple(validRecord, fc.constantFrom([0xff], [0xc0, 0x80], [0xfe, 0xff]))
    .map(([r, junk]): LineSpec => {
      const text = JSON.stringify(r);
      return {
        how: 'invalid UTF-8 between tokens',
        bytes: Buffer.concat([line(text.slice(0, 1)), Buffer.from(junk), line(text.slice(1))]),
        expect: { do: 'bad', mention: 'not JSON' },
      };
    });
  const nul = fc.integer({ min: 1, max: 300 }).map(
    (n): LineSpec => ({
      how: `${n} NUL bytes`,
      bytes: Buffer.alloc(n),
      expect: { do: 'bad', mention: 'not JSON' },
    }),
  );
  const empty = fc
    .constantFrom('', '\r')
    .map((s): LineSpec => ({ how: `empty ${JSON.stringify(s)}`, bytes: line(s), expect: { do: 'ignored' } }));
  const crlf = validRecord.map(
    (r): LineSpec => ({ how: 'CRLF ending', bytes: line(`${JSON.stringify(r)}\r`), expect: recordExpect(r) }),
  );
  const tooLong = fc
    .tuple(
      validRecord,
      fc.integer({ min: maxLineBytes + chunkBytes + 1, max: maxLineBytes + 2 * chunkBytes + 64 }),
    )
    .map(
      ([r, n]): LineSpec => ({
        how: `${n}-byte line`,
        bytes: line(JSON.stringify({ ...r, x_pad: 'p'.repeat(n) })),
        expect: { do: 'bad', mention: 'line longer than' },
      }),
    );
  const longButFine = validRecord
    .filter((r) => JSON.stringify(r).length + 20 < maxLineBytes)
    .chain((r) =>
      fc.integer({ min: 0, max: maxLineBytes - JSON.stringify(r).length - 20 }).map(
        (n): LineSpec => ({
          how: `padded to ${n} extra bytes`,
          bytes: line(JSON.stringify({ ...r, x_pad: 'p'.repeat(n) })),
          expect: recordExpect(r),
        }),
      ),
    );
  return fc.oneof(
    { arbitrary: valid, weight: 6 },
    { arbitrary: extra, weight: 1 },
    { arbitrary: unknownKind, weight: 1 },
    { arbitrary: otherVersion, weight: 1 },
    { arbitrary: badField, weight: 5 },
    { arbitrary: truncated, weight: 2 },
    { arbitrary: garbage, weight: 2 },
    { arbitrary: notObject, weight: 1 },
    { arbitrary: noKind, weight: 1 },
    { arbitrary: utf8InString, weight: 2 },
    { arbitrary: utf8Structural, weight: 1 },
    { arbitrary: nul, weight: 1 },
    { arbitrary: empty, weight: 1 },
    { arbitrary: crlf, weight: 1 },
    { arbitrary: tooLong, weight: 1 },
    { arbitrary: longButFine, weight: 1 },
  );
}

export function parityCase(
  maxFiles: number,
  maxLines: number,
  maxLineBytesRange: [number, number],
): fc.Arbitrary<ParityCase> {
  return fc
    .record({
      validate: fc.constantFrom<'fast' | 'strict'>('fast', 'strict'),
      chunkBytes: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 4096 })),
      maxLineBytes: fc.integer({ min: maxLineBytesRange[0], max: maxLineBytesRange[1] }),
    })
    .chain((p) =>
      fc
        .array(
          fc.record({
            gz: fc.constantFrom<GzMode>('plain', 'plain', 'gzip', 'gzip', 'gzip-truncated', 'not-gzip'),
            lines: fc.array(lineSpec(p.maxLineBytes, p.chunkBytes), { maxLength: maxLines }),
            torn: fc.boolean(),
            keep: fc.double({ min: 0, max: 0.999, noNaN: true }),
          }),
          { minLength: 1, maxLength: maxFiles },
        )
        .map(
          (files): ParityCase => ({
            ...p,
            files: files.map((f, i) => ({
              ...f,
              name: `${String(i).padStart(2, '0')}-scan.jsonl${f.gz === 'plain' ? '' : '.gz'}`,
              // A torn tail is only meaningful on a line that has content and a definite fate.
              torn: f.torn && f.lines.length > 0 && tornable(f.lines[f.lines.length - 1] as LineSpec),
            })),
          }),
        ),
    )
    .map((c) => Object.assign(c, { [fc.toStringMethod]: () => describeParityCase(c) }));
}

function tornable(l: LineSpec): boolean {
  return l.bytes.length > 0 && l.bytes.toString('latin1') !== '\r' && l.expect.do !== 'bad';
}

/** The file's bytes as written to disk. */
export function fileBytes(f: FileSpec): Buffer {
  const parts: Buffer[] = [];
  f.lines.forEach((l, i) => {
    parts.push(l.bytes);
    if (!(f.torn && i === f.lines.length - 1)) parts.push(Buffer.from('\n'));
  });
  const plain = Buffer.concat(parts);
  switch (f.gz) {
    case 'plain':
    case 'not-gzip':
      return plain;
    case 'gzip':
      return gzipSync(plain);
    case 'gzip-truncated': {
      const gz = gzipSync(plain);
      return gz.subarray(0, Math.floor(f.keep * gz.length));
    }
  }
}

function describeParityCase(c: ParityCase): string {
  const files = c.files.map((f) => ({
    name: f.name,
    gz: f.gz,
    torn: f.torn,
    lines: f.lines.map(
      (l, i) =>
        `${i + 1}: ${l.how} -> ${l.expect.do}${'mention' in l.expect ? ` (${l.expect.mention})` : ''}`,
    ),
  }));
  return JSON.stringify(
    { validate: c.validate, chunkBytes: c.chunkBytes, maxLineBytes: c.maxLineBytes, files },
    null,
    1,
  );
}
