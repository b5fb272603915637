import type { z } from 'zod';
import type { ConfigIssue } from './errors.js';
import { makeIssue } from './errors.js';

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `scenarios[3].overrides.entry.short_delta.min` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      out += IDENTIFIER.test(key) ? (out === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

const MAX_SHOWN = 80;
const clip = (text: string): string => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text);

/** How an offending value reads in a message: `string "abc"`, `number 5`, `null`, `nothing (key missing)`. */
export function describeValue(value: unknown, present = true): string {
  if (!present || value === undefined) return 'nothing (key missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${clip(JSON.stringify(value))}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `array ${clip(safeJson(value))}`;
  if (typeof value === 'object') return `mapping ${clip(safeJson(value))}`;
  return typeof value;
}

/**
 * JSON of a value for a message, cut after `maxChars`: built piece by piece so that a huge value
 * (an expanded YAML alias bomb) costs no more than the clip it ends up in.
 */
function safeJson(value: unknown, maxChars = 200): string {
  let out = '';
  const seen = new Set<object>();
  const emit = (v: unknown): boolean => {
    if (out.length > maxChars) return false;
    if (typeof v !== 'object' || v === null) {
      out +=
        typeof v === 'string'
          ? JSON.stringify(v.length > maxChars ? v.slice(0, maxChars) : v)
          : String(JSON.stringify(v) ?? v);
      return out.length <= maxChars;
    }
    if (seen.has(v)) {
      out += '"[circular]"';
      return true;
    }
    seen.add(v);
    const array = Array.isArray(v);
    out += array ? '[' : '{';
    let first = true;
    for (const [k, child] of Object.entries(v)) {
      if (!first) out += ',';
      first = false;
      if (!array) out += `${JSON.stringify(k)}:`;
      if (!emit(child)) return false;
    }
    out += array ? ']' : '}';
    seen.delete(v);
    return out.length <= maxChars;
  };
  emit(value);
  return out;
}

/** The value at `path` inside `root`, and whether the path exists. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let current: unknown = root;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return { present: false, value: undefined };
    const key = typeof segment === 'number' ? segment : String(segment);
    if (!Object.hasOwn(current, key)) return { present: false, value: undefined };
    current = (current as Record<string | number, unknown>)[key];
  }
  return { present: true, value: current };
}

type AnySchema = z.ZodType;
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  innerType?: AnySchema;
  element?: AnySchema;
  in?: AnySchema;
  options?: AnySchema[];
}
const defOf = (schema: AnySchema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (
      def.innerType &&
      ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch'].includes(def.type)
    ) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** The schema at `path` (wrappers kept on the last step), or null when the path leaves the schema. */
function schemaAt(schema: AnySchema, path: readonly PropertyKey[]): AnySchema | null {
  let current: AnySchema | undefined = schema;
  for (const segment of path) {
    if (!current) return null;
    const def = defOf(unwrap(current));
    if (def.type === 'object' && def.shape && typeof segment === 'string') current = def.shape[segment];
    else if (def.type === 'array' && def.element && typeof segment === 'number') current = def.element;
    else return null;
  }
  return current ?? null;
}

/** The keys a mapping at `path` of `schema` accepts, for "unknown key" messages. */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] | null {
  const at = schemaAt(schema, path);
  if (!at) return null;
  const def = defOf(unwrap(at));
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : null;
}

/** True when `null` is a valid value at `path` (`stop_loss_multiple: null` disables the stop). */
function acceptsNullAt(schema: AnySchema, path: readonly PropertyKey[]): boolean {
  let at = schemaAt(schema, path);
  while (at) {
    const def = defOf(at);
    if (def.type === 'nullable') return true;
    at =
      def.innerType && ['optional', 'default', 'prefault', 'readonly', 'catch'].includes(def.type)
        ? def.innerType
        : null;
  }
  return false;
}

const TYPE_WORDS: Record<string, string> = {
  int: 'integer',
  record: 'mapping',
  object: 'mapping',
  array: 'list',
};

function bound(
  issue: { origin?: string; inclusive?: boolean },
  op: '>' | '<',
  limit: number | bigint,
): string {
  const n = String(limit);
  switch (issue.origin) {
    case 'array':
    case 'set':
      return op === '>'
        ? `at least ${n} item${n === '1' ? '' : 's'}`
        : `at most ${n} item${n === '1' ? '' : 's'}`;
    case 'string':
      return op === '>' ? `at least ${n} character${n === '1' ? '' : 's'}` : `at most ${n} characters`;
    default:
      return `number ${op}${issue.inclusive === false ? '' : '='} ${n}`;
  }
}

function expectedOf(issue: z.core.$ZodIssue, nullable: boolean): string {
  switch (issue.code) {
    case 'invalid_type': {
      const word = TYPE_WORDS[issue.expected] ?? issue.expected;
      return nullable && word !== 'null' ? `${word} or null` : word;
    }
    case 'too_small':
      return bound(issue, '>', issue.minimum);
    case 'too_big':
      return bound(issue, '<', issue.maximum);
    case 'invalid_value':
      return issue.values.length === 1
        ? safeJson(issue.values[0])
        : `one of ${issue.values.map((v) => safeJson(v)).join(' | ')}`;
    case 'not_multiple_of':
      return `a multiple of ${issue.divisor}`;
    case 'invalid_format':
    case 'custom':
      return issue.message.replace(/^expected /, '');
    default:
      return issue.message;
  }
}

export interface IssueTarget {
  file: string;
  /** Prefix of every path in the file (`scenarios[3].overrides`), or [] for the document root. */
  prefix: readonly PathSegment[];
}

/**
 * Zod issues of one validated document turned into located config issues. `locate` maps an issue's
 * path inside the validated value to the file and key path the operator wrote it at.
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  schema: AnySchema,
  locate: (path: readonly PropertyKey[]) => IssueTarget,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const full = [...issue.path, key];
        const target = locate(full);
        out.push(
          makeIssue(
            'unknown_key',
            target.file,
            formatPath([...target.prefix, ...full]),
            known ? `one of the known keys (${known.join(', ')})` : 'no such key',
            `unknown key ${JSON.stringify(key)}`,
          ),
        );
      }
      continue;
    }
    const { present, value } = valueAt(input, issue.path);
    const target = locate(issue.path);
    out.push(
      makeIssue(
        'schema',
        target.file,
        formatPath([...target.prefix, ...issue.path]),
        expectedOf(issue, issue.code === 'invalid_type' && acceptsNullAt(schema, issue.path)),
        describeValue(value, present),
      ),
    );
  }
  return out;
}
