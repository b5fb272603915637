/**
 * Mutations of the shipped scenario YAML (configs/scenarios/*.yaml) and what the loader must say
 * about each: which file, and which key path (or line) the error must name.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { CORE_SCHEMA, dump, load } from 'js-yaml';

export const SCENARIO_DIR = 'configs/scenarios';
export const SINGLE = `${SCENARIO_DIR}/lt_rc.yaml`;
export const WRAPPER = `${SCENARIO_DIR}/lt_wft.yaml`;

/** The shipped files, read from the repository (never from outside it). */
export function shippedFiles(): Record<string, string> {
  const dir = new URL('../../../configs/scenarios/', import.meta.url);
  return {
    [SINGLE]: readFileSync(new URL('lt_rc.yaml', dir), 'utf8'),
    [WRAPPER]: readFileSync(new URL('lt_wft.yaml', dir), 'utf8'),
  };
}

export type Seg = string | number;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Key paths as the loader prints them (`scenarios[3].overrides.entry.dte.min`, `a["odd key"]`). */
export function formatPath(path: readonly Seg[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += IDENT.test(seg) ? (out === '' ? seg : `.${seg}`) : `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `a` and `b` name the same key, or one is inside the other. */
export function related(a: string, b: string): boolean {
  const inside = (outer: string, inner: string) =>
    outer === '' || inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return inside(a, b) || inside(b, a);
}

function setOwn(target: object, key: Seg, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const isMap = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every node of a document with its path. */
export function nodesOf(doc: Json, path: Seg[] = []): Array<{ path: Seg[]; value: Json }> {
  const out = [{ path, value: doc }];
  if (Array.isArray(doc)) {
    doc.forEach((v, i) => {
      out.push(...nodesOf(v, [...path, i]));
    });
  } else if (isMap(doc)) for (const k of Object.keys(doc)) out.push(...nodesOf(doc[k] as Json, [...path, k]));
  return out;
}

function clone(doc: Json): Json {
  if (Array.isArray(doc)) return doc.map(clone);
  if (isMap(doc)) {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(doc)) setOwn(out, k, clone(doc[k] as Json));
    return out;
  }
  return doc;
}

/** A copy of `doc` with the node at `path` replaced (`undefined` deletes a key or list item). */
export function withNode(doc: Json, path: readonly Seg[], value: Json | undefined): Json {
  const root = clone(doc);
  if (path.length === 0) return value === undefined ? null : value;
  let parent: Json = root;
  for (const seg of path.slice(0, -1)) parent = (parent as Record<Seg, Json>)[seg] as Json;
  const last = path[path.length - 1] as Seg;
  if (Array.isArray(parent) && typeof last === 'number') {
    if (value === undefined) parent.splice(last, 1);
    else parent[last] = value;
  } else if (isMap(parent)) {
    if (value === undefined) delete parent[last as string];
    else setOwn(parent, last, value);
  }
  return root;
}

export function parseYaml(text: string): Json {
  return load(text, { schema: CORE_SCHEMA }) as Json;
}

export function dumpYaml(doc: Json): string {
  return dump(doc, { schema: CORE_SCHEMA, noRefs: true, lineWidth: -1 });
}

/** Every key the scenario and wrapper schemas know: an "unknown key" must be none of these. */
const KNOWN_KEYS = new Set([
  'schema_version',
  'id',
  'role',
  'description',
  'capital',
  'starting_equity',
  'universe',
  'underlying',
  'vendor_ticker',
  'option_roots',
  'width',
  'tick',
  'dividend_yield',
  'entry',
  'dte',
  'min',
  'max',
  'target',
  'short_delta',
  'max_width_multiple',
  'min_credit',
  'fraction_of_width',
  'absolute',
  'liquidity',
  'max_leg_spread_abs',
  'max_leg_spread_fraction_of_mid',
  'min_open_interest',
  'max_quote_age_seconds',
  'limit_price',
  'vix',
  'window',
  'after_open_minutes',
  'before_close_minutes',
  'sizing',
  'risk_per_trade_fraction',
  'max_contracts',
  'limits',
  'max_open_positions',
  'max_per_underlying',
  'max_per_expiry',
  'max_portfolio_risk_fraction',
  'exit',
  'profit_target_fraction',
  'stop_loss_multiple',
  'dte_exit',
  'expiration_day_close_time',
  'pricing',
  'risk_free_rate',
  'fees_per_contract_per_leg',
  'circuit_breaker',
  'daily_loss_fraction',
  'drawdown_fraction',
  'warn',
  'reduce_only',
  'halt',
  'consecutive_stop_losses',
  'shared_scan_interval_sec',
  'comparison_every_batches',
  'calendar',
  'extra_closures',
  'extra_early_closes',
  'max_consecutive_failed_scans',
  'scenarios',
  'file',
  'extends',
  'priority',
  'overrides',
]);

/** Keys whose absence is fine (the schema has a default or the key is optional). */
export function deletionAllowed(file: string, path: readonly Seg[]): boolean {
  const key = path[path.length - 1];
  if (typeof key !== 'string') return true;
  if (file === WRAPPER) {
    if (path.length === 1) return ['comparison_every_batches', 'calendar', 'circuit_breaker'].includes(key);
    if (path[0] === 'calendar' || path[0] === 'circuit_breaker') return true;
    if (path[0] === 'scenarios' && path.length === 3) {
      return ['priority', 'role', 'description', 'overrides'].includes(key);
    }
    // Any part of an override: the extended file's value applies instead.
    return path[0] === 'scenarios' && path[2] === 'overrides';
  }
  if (path.length === 1) return key === 'description';
  return path[0] === 'universe' && ['vendor_ticker', 'option_roots'].includes(key);
}

/** Numeric keys with a contract the loader must enforce, by last path segment. */
const INTEGER_KEYS = new Set([
  'min_open_interest',
  'max_contracts',
  'max_open_positions',
  'max_per_underlying',
  'max_per_expiry',
  'dte_exit',
  'consecutive_stop_losses',
  'shared_scan_interval_sec',
  'comparison_every_batches',
  'max_consecutive_failed_scans',
  'priority',
  'schema_version',
]);
const UNIT_INTERVAL_KEYS = new Set([
  'risk_per_trade_fraction',
  'max_portfolio_risk_fraction',
  'profit_target_fraction',
  'fraction_of_width',
  'warn',
  'reduce_only',
  'halt',
]);
const POSITIVE_KEYS = new Set([
  'starting_equity',
  'width',
  'tick',
  'max_quote_age_seconds',
  'shared_scan_interval_sec',
]);

/** Whether the loader must refuse `value` at `path` whatever the rest of the file says. */
export function numberMustFail(path: readonly Seg[], value: number): string | null {
  const key = String(path[path.length - 1]);
  const parent = String(path[path.length - 2] ?? '');
  if (!Number.isFinite(value)) return 'a non-finite number';
  if (INTEGER_KEYS.has(key) && !Number.isInteger(value)) return 'a fraction where an integer is required';
  if ((UNIT_INTERVAL_KEYS.has(key) || parent === 'short_delta') && (value < 0 || value > 1)) {
    return 'a fraction outside [0, 1]';
  }
  if (POSITIVE_KEYS.has(key) && value <= 0) return 'a non-positive value where a positive one is required';
  if (key === 'schema_version' && value !== 1) return 'an unsupported schema_version';
  return null;
}

export type YamlCase =
  | {
      kind: 'wrong_type';
      entry: string;
      file: string;
      path: Seg[];
      value: Json;
      files: Record<string, string>;
    }
  | {
      kind: 'unknown_key';
      entry: string;
      file: string;
      path: Seg[];
      key: string;
      files: Record<string, string>;
    }
  | { kind: 'delete_key'; entry: string; file: string; path: Seg[]; files: Record<string, string> }
  | { kind: 'number'; entry: string; file: string; path: Seg[]; value: number; files: Record<string, string> }
  | {
      kind: 'override_garbage';
      entry: string;
      file: string;
      index: number;
      value: Json;
      files: Record<string, string>;
    }
  | { kind: 'text'; entry: string; file: string; how: string; files: Record<string, string> }
  | { kind: 'bytes'; entry: string; file: string; files: Record<string, string> }
  | {
      kind: 'alias_bomb';
      entry: string;
      file: string;
      path: Seg[];
      leaves: number;
      files: Record<string, string>;
    };

interface Base {
  files: Record<string, string>;
  docs: Record<string, Json>;
}

export function loadBase(): Base {
  const files = shippedFiles();
  return {
    files,
    docs: { [SINGLE]: parseYaml(files[SINGLE] as string), [WRAPPER]: parseYaml(files[WRAPPER] as string) },
  };
}

/** Which run and which of its files a case mutates. */
const target = fc.constantFrom(
  { entry: SINGLE, file: SINGLE },
  { entry: WRAPPER, file: WRAPPER },
  { entry: WRAPPER, file: WRAPPER },
  { entry: WRAPPER, file: SINGLE },
);

function typeOf(v: Json): 'null' | 'boolean' | 'number' | 'string' | 'list' | 'mapping' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'mapping';
  return typeof v as 'boolean' | 'number' | 'string';
}

const valueOfType = {
  boolean: fc.boolean(),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  string: fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('5', '0.25', 'yes', 'null', '~', '15:45', 'SPY'),
  ),
  list: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 3 }),
  mapping: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.integer(), { maxKeys: 2 }),
  null: fc.constant(null),
} as const;

/** A value of a YAML type the node does not have (null excluded for numbers: some are nullable). */
function wrongValue(original: Json): fc.Arbitrary<Json> {
  const have = typeOf(original);
  const types = (['boolean', 'number', 'string', 'list', 'mapping', 'null'] as const).filter(
    (t) => t !== have && !(t === 'null' && (have === 'number' || have === 'null')),
  );
  return fc.constantFrom(...types).chain((t) => valueOfType[t] as fc.Arbitrary<Json>);
}

const unknownKeyName = fc
  .oneof(
    fc.stringMatching(/^[a-z][a-z_]{0,14}$/),
    fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'Id',
      'MIN',
      'min ',
      '',
      'a.b',
      '[0]',
      'ключ',
      '"q"',
    ),
    fc.string({ minLength: 1, maxLength: 8 }),
  )
  .filter((k) => !KNOWN_KEYS.has(k));

const nastyNumber = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 1, 1.5, 2, 3650, 3651, 1e308, -1e308, 5e-324, 2 ** 53 + 2, -(2 ** 31)),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
);

/** Garbage for `overrides`: arbitrary JSON, real keys with wrong values, deep nesting, prototype keys. */
function overrideGarbage(scenarioDoc: Json): fc.Arbitrary<Json> {
  const realKeys = Object.keys(scenarioDoc as Record<string, Json>);
  const deep = fc.integer({ min: 10, max: 200 }).map((depth) => {
    let v: Json = { min: 'x' };
    for (let i = 0; i < depth; i++) v = { entry: v };
    return v;
  });
  const protoKeys = fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => {
    const o: Record<string, Json> = {};
    setOwn(o, k, { polluted: 1, entry: { polluted: 1 } });
    return o as Json;
  });
  const partlyReal = fc
    .array(fc.tuple(fc.constantFrom(...realKeys), fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>), {
      maxLength: 4,
    })
    .map((pairs) => {
      const o: Record<string, Json> = {};
      for (const [k, v] of pairs) setOwn(o, k, v);
      return o as Json;
    });
  // Nested real structure with one leaf replaced: the merge must locate the bad leaf.
  const leafSwap = fc
    .constantFrom(...nodesOf(scenarioDoc).filter((n) => n.path.length >= 2 && typeOf(n.value) !== 'mapping'))
    .chain((n) => wrongValue(n.value).map((v) => withNode(pickPath(scenarioDoc, n.path), n.path, v)));
  return fc.oneof(fc.jsonValue({ maxDepth: 5 }) as fc.Arbitrary<Json>, partlyReal, deep, protoKeys, leafSwap);
}

/** Only the branch of `doc` that leads to `path` (an override that touches one key). */
function pickPath(doc: Json, path: readonly Seg[]): Json {
  if (path.length <= 1) return {};
  const head = path[0] as string;
  const child = (doc as Record<string, Json>)[head] as Json;
  if (Array.isArray(child)) return { [head]: clone(child) } as Json;
  const out: Record<string, Json> = {};
  setOwn(out, head, pickPath(child, path.slice(1)));
  return out as Json;
}

const TEXT_INSERTS = [
  ':',
  ' :',
  '{',
  '}',
  '[',
  ']',
  '- ',
  '&a ',
  '*a',
  '!',
  '!!binary ',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  '\t',
  '\u0000',
  '\ufeff',
  '#',
  ',',
  '? ',
  '\n  ',
  '\n- ',
  '<<: *a\n',
];

function textMutation(text: string): fc.Arbitrary<{ text: string; how: string }> {
  const lines = text.split('\n');
  return fc.oneof(
    fc.tuple(fc.nat({ max: text.length }), fc.constantFrom(...TEXT_INSERTS)).map(([at, s]) => ({
      text: text.slice(0, at) + s + text.slice(at),
      how: `insert ${JSON.stringify(s)} at ${at}`,
    })),
    fc.tuple(fc.nat({ max: text.length }), fc.integer({ min: 1, max: 40 })).map(([at, n]) => ({
      text: text.slice(0, at) + text.slice(at + n),
      how: `delete ${n} chars at ${at}`,
    })),
    fc.nat({ max: text.length }).map((at) => ({ text: text.slice(0, at), how: `truncate at ${at}` })),
    fc.nat({ max: lines.length - 1 }).map((i) => ({
      text: [...lines.slice(0, i + 1), ...lines.slice(i)].join('\n'),
      how: `duplicate line ${i + 1}`,
    })),
    fc.tuple(fc.nat({ max: lines.length - 1 }), fc.constantFrom('', ' ', '   ', '\t')).map(([i, pad]) => ({
      text: lines.map((l, j) => (j === i ? pad + l.trimStart() : l)).join('\n'),
      how: `re-indent line ${i + 1} with ${JSON.stringify(pad)}`,
    })),
  );
}

/** `leavesMax` bounds the alias expansion (fan-out ** depth) of a bomb. */
export function yamlCase(base: Base, leavesMax: number, bombs: 'none' | 'only'): fc.Arbitrary<YamlCase> {
  const withFile = (file: string, text: string) => ({ ...base.files, [file]: text });
  const node = (file: string, keep: (n: { path: Seg[]; value: Json }) => boolean) =>
    fc.constantFrom(...nodesOf(base.docs[file] as Json).filter(keep));

  const wrongType = target.chain(({ entry, file }) =>
    node(file, (n) => n.path.length > 0).chain((n) =>
      wrongValue(n.value).map(
        (value): YamlCase => ({
          kind: 'wrong_type',
          entry,
          file,
          path: n.path,
          value,
          files: withFile(file, dumpYaml(withNode(base.docs[file] as Json, n.path, value))),
        }),
      ),
    ),
  );
  const unknownKey = target.chain(({ entry, file }) =>
    fc
      .tuple(
        node(file, (n) => isMap(n.value)),
        unknownKeyName,
        fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
      )
      .map(([n, key, value]): YamlCase => {
        const doc = withNode(base.docs[file] as Json, [...n.path, key], value);
        return { kind: 'unknown_key', entry, file, path: n.path, key, files: withFile(file, dumpYaml(doc)) };
      }),
  );
  const deleteKey = target.chain(({ entry, file }) =>
    node(file, (n) => typeof n.path[n.path.length - 1] === 'string').map(
      (n): YamlCase => ({
        kind: 'delete_key',
        entry,
        file,
        path: n.path,
        files: withFile(file, dumpYaml(withNode(base.docs[file] as Json, n.path, undefined))),
      }),
    ),
  );
  const number = target.chain(({ entry, file }) =>
    fc
      .tuple(
        node(file, (n) => typeof n.value === 'number'),
        nastyNumber,
      )
      .map(
        ([n, value]): YamlCase => ({
          kind: 'number',
          entry,
          file,
          path: n.path,
          value,
          files: withFile(file, dumpYaml(withNode(base.docs[file] as Json, n.path, value))),
        }),
      ),
  );
  const extendsIdx = ((base.docs[WRAPPER] as { scenarios: Json[] }).scenarios ?? [])
    .map((s, i) => (isMap(s) && 'extends' in s ? i : -1))
    .filter((i) => i >= 0);
  const overrides = fc
    .tuple(fc.constantFrom(...extendsIdx), overrideGarbage(base.docs[SINGLE] as Json))
    .map(([index, value]): YamlCase => {
      const doc = withNode(base.docs[WRAPPER] as Json, ['scenarios', index, 'overrides'], value);
      return {
        kind: 'override_garbage',
        entry: WRAPPER,
        file: WRAPPER,
        index,
        value,
        files: withFile(WRAPPER, dumpYaml(doc)),
      };
    });
  const text = target.chain(({ entry, file }) =>
    textMutation(base.files[file] as string).map(
      (m): YamlCase => ({ kind: 'text', entry, file, how: m.how, files: withFile(file, m.text) }),
    ),
  );
  const bytes = target.chain(({ entry, file }) =>
    fc
      .oneof(
        fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('utf8')),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ maxLength: 300 }),
      )
      .map((t): YamlCase => ({ kind: 'bytes', entry, file, files: withFile(file, t) })),
  );
  const bomb = target.chain(({ entry, file }) =>
    fc
      .tuple(
        node(file, (n) => n.path.length > 0),
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 1, max: 30 }),
      )
      .map(([n, fanOut, depthWanted]): YamlCase => {
        let depth = 1;
        while (depth < depthWanted && fanOut ** (depth + 1) <= leavesMax) depth++;
        const anchors = [`  l0: &l0 [${Array(fanOut).fill('"leaf"').join(', ')}]`];
        for (let i = 1; i < depth; i++)
          anchors.push(
            `  l${i}: &l${i} [${Array(fanOut)
              .fill(`*l${i - 1}`)
              .join(', ')}]`,
          );
        // The anchors hide under an unknown root key; the alias replaces a real node.
        const placeholder = '__ALIAS_SLOT__';
        const doc = withNode(base.docs[file] as Json, n.path, placeholder);
        const textOut = `x_anchors:\n${anchors.join('\n')}\n${dumpYaml(doc)
          .replace(`'${placeholder}'`, `*l${depth - 1}`)
          .replace(placeholder, `*l${depth - 1}`)}`;
        return {
          kind: 'alias_bomb',
          entry,
          file,
          path: n.path,
          leaves: fanOut ** depth,
          files: withFile(file, textOut),
        };
      }),
  );
  const cases: fc.Arbitrary<YamlCase> =
    bombs === 'only' ? bomb : fc.oneof(wrongType, unknownKey, deleteKey, number, overrides, text, bytes);
  return cases.map((c) => Object.assign(c, { [fc.toStringMethod]: () => describeCase(c) }));
}

/** Short form for counterexamples: the mutation, not both whole files. */
function describeCase(c: YamlCase): string {
  const { files, ...rest } = c;
  const text = files[c.file] ?? '';
  const shown = text.length > 1500 ? `${text.slice(0, 1500)}… (${text.length} chars)` : text;
  return `${JSON.stringify(rest)}\n--- ${c.file} as fed to the loader ---\n${shown}`;
}

export const ISSUE_KINDS = new Set([
  'unreadable_file',
  'yaml_syntax',
  'not_a_mapping',
  'schema',
  'unknown_key',
  'invalid_override',
  'duplicate_id',
  'multiple_live_capable',
  'inconsistent_universe',
  'too_large',
]);

/**
 * The loader refuses a document whose values, once YAML aliases are expanded, number more than this
 * (`too_large`, at the top-level key that holds the expansion), before validating it.
 */
export const MAX_EXPANDED_VALUES = 100_000;

/** A mutation of lt_rc.yaml may surface in the wrapper, under the override that no longer fits it. */
export function pathInBase(issue: { file: string; path: string }, mutatedFile: string): string | null {
  if (issue.file === mutatedFile) return issue.path;
  if (mutatedFile === SINGLE && issue.file === WRAPPER) {
    const m = /^scenarios\[\d+\](?:\.overrides(?=$|[.[]))?\.?/.exec(issue.path);
    if (m) return issue.path.slice(m[0].length);
  }
  return null;
}
