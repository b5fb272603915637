import { CORE_SCHEMA, load as parseYaml } from 'js-yaml';
import type { z } from 'zod';
import { formatPath, fromZodIssues, type IssueTarget, type PathSegment, valueAt } from './describe.js';
import { ConfigError, type ConfigIssue, makeIssue } from './errors.js';
import { deepMerge, isPlainObject, type PlainObject } from './merge.js';
import { dirnameOf, resolveRelative } from './path.js';
import {
  MultiScenarioSchema,
  type ResolvedScenario,
  type RunConfig,
  type ScenarioConfig,
  ScenarioExtendsRefSchema,
  ScenarioFileRefSchema,
  ScenarioSchema,
} from './schema.js';
import { vendorTickerOf } from './universe.js';

/** Run position of a scenario without `priority`: after every scenario with a lower number. */
export const DEFAULT_SCENARIO_PRIORITY = 100;
export const DEFAULT_COMPARISON_EVERY_BATCHES = 20;
export const DEFAULT_MAX_CONSECUTIVE_FAILED_SCANS = 3;

/** Reads a file's text; throws when it cannot (the message is shown to the operator). */
export type ReadText = (path: string) => string;

/** Keys only a wrapper has: a document with any of them and no `id` is read as a wrapper. */
const WRAPPER_ONLY_KEYS = ['scenarios', 'shared_scan_interval_sec', 'comparison_every_batches', 'calendar'];
/** Keys an extension sets on its own entry, never through `overrides`. */
const REF_ONLY_KEYS = ['id', 'role'] as const;

interface Candidate {
  scenario: ResolvedScenario;
  index: number;
  /** Where a key of this scenario was written (for cross-scenario checks). */
  locate: (path: readonly PathSegment[]) => IssueTarget;
}

type LoadedFile = { ok: true; doc: PlainObject } | { ok: false };

class Loader {
  readonly issues: ConfigIssue[] = [];
  private readonly files = new Map<string, LoadedFile>();
  private readonly scenarioFiles = new Map<string, { config: ScenarioConfig; raw: PlainObject } | null>();

  constructor(private readonly readText: ReadText) {}

  /** Reads and parses a YAML mapping; on failure records why (at `site` when another file refers to it). */
  readDocument(file: string, site?: { file: string; path: string; reference: string }): LoadedFile {
    const cached = this.files.get(file);
    if (cached) return cached;
    const result = this.parseDocument(file, site);
    this.files.set(file, result);
    return result;
  }

  private parseDocument(file: string, site?: { file: string; path: string; reference: string }): LoadedFile {
    let text: string;
    try {
      text = this.readText(file);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (site) {
        this.issues.push(
          makeIssue(
            'unreadable_file',
            site.file,
            site.path,
            'a readable scenario file',
            `${JSON.stringify(site.reference)} (resolved to ${file}: ${why})`,
          ),
        );
      } else {
        this.issues.push(makeIssue('unreadable_file', file, '', 'a readable configuration file', why));
      }
      return { ok: false };
    }
    let doc: unknown;
    try {
      doc = parseYaml(text, { schema: CORE_SCHEMA, filename: file });
    } catch (error) {
      const mark = (error as { mark?: { line?: number; column?: number } }).mark;
      const reason =
        (error as { reason?: string }).reason ?? (error instanceof Error ? error.message : String(error));
      const line = typeof mark?.line === 'number' ? mark.line + 1 : undefined;
      const column = typeof mark?.column === 'number' ? `, column ${mark.column + 1}` : '';
      this.issues.push(
        makeIssue(
          'yaml_syntax',
          file,
          '',
          'valid YAML',
          `a syntax error: ${reason}${line ? `${column}` : ''}`,
          line,
        ),
      );
      return { ok: false };
    }
    const oversized = oversizedKeys(doc);
    if (oversized.length > 0) {
      for (const { key, size } of oversized) {
        this.issues.push(
          makeIssue(
            'too_large',
            file,
            key,
            `at most ${MAX_EXPANDED_NODES} values once YAML aliases are expanded`,
            `more than ${size} values`,
          ),
        );
      }
      return { ok: false };
    }
    if (!isPlainObject(doc)) {
      this.issues.push(
        makeIssue(
          'not_a_mapping',
          file,
          '',
          'a YAML mapping (a scenario file or a multi-scenario wrapper)',
          doc === undefined || doc === null ? 'an empty document' : describeTop(doc),
        ),
      );
      return { ok: false };
    }
    return { ok: true, doc };
  }

  /** A single scenario file, validated once however many entries refer to it. */
  scenarioFile(
    file: string,
    site: { file: string; path: string; reference: string },
  ): { config: ScenarioConfig; raw: PlainObject } | null {
    if (this.scenarioFiles.has(file)) return this.scenarioFiles.get(file) ?? null;
    const loaded = this.readDocument(file, site);
    let result: { config: ScenarioConfig; raw: PlainObject } | null = null;
    if (loaded.ok) {
      if (isWrapperDoc(loaded.doc)) {
        this.issues.push(
          makeIssue(
            'schema',
            site.file,
            site.path,
            'a single scenario file',
            `${JSON.stringify(site.reference)}, a multi-scenario wrapper`,
          ),
        );
      } else {
        const parsed = ScenarioSchema.safeParse(loaded.doc);
        if (parsed.success) result = { config: parsed.data, raw: loaded.doc };
        else this.addZodIssues(parsed.error.issues, loaded.doc, ScenarioSchema, () => ({ file, prefix: [] }));
      }
    }
    this.scenarioFiles.set(file, result);
    return result;
  }

  addZodIssues(
    issues: readonly z.core.$ZodIssue[],
    input: unknown,
    schema: z.ZodType,
    locate: (path: readonly PropertyKey[]) => IssueTarget,
  ): void {
    this.issues.push(...fromZodIssues(issues, input, schema, locate));
  }
}

function describeTop(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value} (${JSON.stringify(value)})`;
}

function isWrapperDoc(doc: PlainObject): boolean {
  if (Object.hasOwn(doc, 'scenarios')) return true;
  return !Object.hasOwn(doc, 'id') && WRAPPER_ONLY_KEYS.some((k) => Object.hasOwn(doc, k));
}

function setOwn(target: PlainObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Loads a run: a single scenario file or a multi-scenario wrapper with everything it refers to.
 * All file access goes through `readText`; references resolve relative to the wrapper's directory.
 * Throws a ConfigError listing every problem found.
 */
export function loadRunConfig(entryPath: string, readText: ReadText): RunConfig {
  const loader = new Loader(readText);
  const entry = loader.readDocument(entryPath);
  if (!entry.ok) throw new ConfigError(loader.issues);

  if (!isWrapperDoc(entry.doc)) {
    const parsed = ScenarioSchema.safeParse(entry.doc);
    if (!parsed.success) {
      loader.addZodIssues(parsed.error.issues, entry.doc, ScenarioSchema, () => ({
        file: entryPath,
        prefix: [],
      }));
      throw new ConfigError(dedupe(loader.issues));
    }
    return {
      mode: 'single',
      sourceFile: entryPath,
      scanIntervalSec: null,
      comparisonEveryBatches: DEFAULT_COMPARISON_EVERY_BATCHES,
      calendar: { extra_closures: [], extra_early_closes: [] },
      globalBreaker: { max_consecutive_failed_scans: DEFAULT_MAX_CONSECUTIVE_FAILED_SCANS },
      scenarios: [{ ...parsed.data, priority: DEFAULT_SCENARIO_PRIORITY, origin: entryPath }],
    };
  }

  const wrapper = MultiScenarioSchema.safeParse({ ...entry.doc, scenarios: placeholderList(entry.doc) });
  if (!wrapper.success) {
    loader.addZodIssues(wrapper.error.issues, entry.doc, MultiScenarioSchema, () => ({
      file: entryPath,
      prefix: [],
    }));
  }
  const refs = Array.isArray(entry.doc.scenarios) ? (entry.doc.scenarios as unknown[]) : [];
  const baseDir = dirnameOf(entryPath);
  const candidates: Candidate[] = [];
  refs.forEach((ref, index) => {
    const candidate = resolveRef(loader, entryPath, baseDir, ref, index);
    if (candidate) candidates.push(candidate);
  });
  checkRun(loader, entryPath, candidates);

  if (loader.issues.length > 0 || !wrapper.success) throw new ConfigError(dedupe(loader.issues));
  const ordered = candidates
    .slice()
    .sort((a, b) => a.scenario.priority - b.scenario.priority || a.index - b.index)
    .map((c) => c.scenario);
  return {
    mode: 'multi',
    sourceFile: entryPath,
    scanIntervalSec: wrapper.data.shared_scan_interval_sec,
    comparisonEveryBatches: wrapper.data.comparison_every_batches,
    calendar: wrapper.data.calendar,
    globalBreaker: wrapper.data.circuit_breaker,
    scenarios: ordered,
  };
}

/**
 * The wrapper's own keys are validated with each `scenarios` entry replaced by a valid stand-in:
 * the entries get precise, per-kind messages from `resolveRef` instead of a union error.
 */
function placeholderList(doc: PlainObject): unknown {
  const list = doc.scenarios;
  return Array.isArray(list) ? list.map(() => ({ file: 'x' })) : list;
}

function resolveRef(
  loader: Loader,
  wrapperFile: string,
  baseDir: string,
  ref: unknown,
  index: number,
): Candidate | null {
  const at: PathSegment[] = ['scenarios', index];
  const here = formatPath(at);
  if (!isPlainObject(ref) || Object.hasOwn(ref, 'file') === Object.hasOwn(ref, 'extends')) {
    const both = isPlainObject(ref) && Object.hasOwn(ref, 'file');
    loader.issues.push(
      makeIssue(
        'schema',
        wrapperFile,
        here,
        both
          ? 'either `file` or `extends`, not both'
          : 'a mapping with `file: <scenario file>` or `id` + `extends: <scenario file>`',
        describeRef(ref),
      ),
    );
    return null;
  }
  const inWrapper = (): IssueTarget => ({ file: wrapperFile, prefix: at });

  if (Object.hasOwn(ref, 'file')) {
    const parsed = ScenarioFileRefSchema.safeParse(ref);
    if (!parsed.success) {
      loader.addZodIssues(parsed.error.issues, ref, ScenarioFileRefSchema, inWrapper);
      return null;
    }
    const file = resolveRelative(baseDir, parsed.data.file);
    const loaded = loader.scenarioFile(file, {
      file: wrapperFile,
      path: `${here}.file`,
      reference: parsed.data.file,
    });
    if (!loaded) return null;
    return {
      index,
      scenario: {
        ...loaded.config,
        priority: parsed.data.priority ?? DEFAULT_SCENARIO_PRIORITY,
        origin: `${wrapperFile}#${here}`,
      },
      locate: () => ({ file, prefix: [] }),
    };
  }

  const parsed = ScenarioExtendsRefSchema.safeParse(ref);
  if (!parsed.success) {
    loader.addZodIssues(parsed.error.issues, ref, ScenarioExtendsRefSchema, inWrapper);
    return null;
  }
  const spec = parsed.data;
  const file = resolveRelative(baseDir, spec.extends);
  const base = loader.scenarioFile(file, {
    file: wrapperFile,
    path: `${here}.extends`,
    reference: spec.extends,
  });
  if (!base) return null;

  const overrides: PlainObject = {};
  for (const [key, value] of Object.entries(spec.overrides ?? {})) {
    if ((REF_ONLY_KEYS as readonly string[]).includes(key)) {
      loader.issues.push(
        makeIssue(
          'invalid_override',
          wrapperFile,
          formatPath([...at, 'overrides', key]),
          `no \`${key}\` inside overrides (set it as ${formatPath([...at, key])})`,
          `${key} ${JSON.stringify(value)}`,
        ),
      );
      continue;
    }
    setOwn(overrides, key, value);
  }
  const merged = deepMerge(base.raw, overrides);
  setOwn(merged, 'id', spec.id);
  if (spec.role !== undefined) setOwn(merged, 'role', spec.role);
  if (spec.description !== undefined) setOwn(merged, 'description', spec.description);

  const locate = (path: readonly PropertyKey[]): IssueTarget => {
    const head = path[0];
    if (
      typeof head === 'string' &&
      ['id', 'role', 'description'].includes(head) &&
      Object.hasOwn(ref, head)
    ) {
      return { file: wrapperFile, prefix: at };
    }
    for (let n = path.length; n >= 1; n--) {
      if (valueAt(overrides, path.slice(0, n)).present)
        return { file: wrapperFile, prefix: [...at, 'overrides'] };
    }
    // Not written in this entry: the key comes from the extended file.
    return { file, prefix: [] };
  };
  const result = ScenarioSchema.safeParse(merged);
  if (!result.success) {
    const located = fromZodIssues(result.error.issues, merged, ScenarioSchema, (path) => {
      const target = locate(path);
      // A rule broken only by the combination (min > max after an override) is the override's doing.
      return target.file === file ? { file: wrapperFile, prefix: [...at, 'overrides'] } : target;
    });
    loader.issues.push(...located);
    return null;
  }
  return {
    index,
    scenario: {
      ...result.data,
      priority: spec.priority ?? DEFAULT_SCENARIO_PRIORITY,
      origin: `${wrapperFile}#${here}`,
    },
    locate: (path) => locate(path),
  };
}

function describeRef(ref: unknown): string {
  if (!isPlainObject(ref))
    return ref === null ? 'null' : Array.isArray(ref) ? 'a list' : `${typeof ref} ${JSON.stringify(ref)}`;
  const keys = Object.keys(ref);
  return keys.length === 0 ? 'an empty mapping' : `a mapping with keys ${keys.join(', ')}`;
}

/** Rules that span scenarios: unique ids, at most one live-capable, one vendor ticker per underlying. */
function checkRun(loader: Loader, wrapperFile: string, candidates: readonly Candidate[]): void {
  const where = (c: Candidate, path: readonly PathSegment[]) => {
    const target = c.locate(path);
    return { file: target.file, path: formatPath([...target.prefix, ...path]) };
  };
  const idOwner = new Map<string, Candidate>();
  // Ids and roles set on a wrapper entry are reported there; otherwise at the entry itself.
  const entryPath = (c: Candidate, key: 'id' | 'role') => {
    const loc = where(c, [key]);
    return loc.file === wrapperFile ? loc.path : formatPath(['scenarios', c.index]);
  };
  for (const c of candidates) {
    const first = idOwner.get(c.scenario.id);
    if (first) {
      loader.issues.push(
        makeIssue(
          'duplicate_id',
          wrapperFile,
          entryPath(c, 'id'),
          'a scenario id unique in the run',
          `id ${JSON.stringify(c.scenario.id)}, already used by ${formatPath(['scenarios', first.index])}`,
        ),
      );
    } else idOwner.set(c.scenario.id, c);
  }
  const live = candidates.filter((c) => c.scenario.role === 'live_capable');
  for (const c of live.slice(1)) {
    loader.issues.push(
      makeIssue(
        'multiple_live_capable',
        wrapperFile,
        entryPath(c, 'role'),
        'at most one live_capable scenario per run',
        `${c.scenario.id} as a second live_capable scenario (${live[0]?.scenario.id} already is)`,
      ),
    );
  }
  const tickerOwner = new Map<string, { ticker: string; id: string }>();
  for (const c of candidates) {
    c.scenario.universe.forEach((entry, j) => {
      const ticker = vendorTickerOf(entry);
      const first = tickerOwner.get(entry.underlying);
      if (!first) tickerOwner.set(entry.underlying, { ticker, id: c.scenario.id });
      else if (first.ticker !== ticker) {
        const loc = where(c, ['universe', j, 'vendor_ticker']);
        loader.issues.push(
          makeIssue(
            'inconsistent_universe',
            loc.file,
            loc.path,
            `vendor ticker ${JSON.stringify(first.ticker)} for ${entry.underlying} (as in ${first.id}; one snapshot serves every scenario)`,
            JSON.stringify(ticker),
          ),
        );
      }
    });
  }
}

/** The same key reported twice (a pattern and a date check, a file used twice) is listed once. */
function dedupe(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.file}\u0000${issue.path}\u0000${issue.kind === 'unknown_key' ? issue.received : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A scenario file is a few hundred values; YAML aliases can make a 10 KB document expand to
 * billions (an "alias bomb"), which would hang validation, merging and error messages alike.
 */
const MAX_EXPANDED_NODES = 100_000;

/**
 * Counts a value's nodes as if every alias were expanded, stopping at the limit. Shared subtrees are
 * counted once per reference through memoisation, so the count itself stays linear in the document.
 */
function expandedSize(value: unknown, memo: Map<object, number>): number {
  if (typeof value !== 'object' || value === null) return 1;
  const known = memo.get(value);
  if (known !== undefined) return known;
  memo.set(value, MAX_EXPANDED_NODES + 1); // a cycle counts as too large
  let size = 1;
  for (const child of Object.values(value)) {
    size += expandedSize(child, memo);
    if (size > MAX_EXPANDED_NODES) break;
  }
  memo.set(value, Math.min(size, MAX_EXPANDED_NODES + 1));
  return Math.min(size, MAX_EXPANDED_NODES + 1);
}

/** The top-level keys (or the document itself, as '') whose expanded size is over the limit. */
function oversizedKeys(doc: unknown): { key: string; size: number }[] {
  const memo = new Map<object, number>();
  if (expandedSize(doc, memo) <= MAX_EXPANDED_NODES) return [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return [{ key: '', size: MAX_EXPANDED_NODES }];
  const keys = Object.entries(doc)
    .filter(([, child]) => expandedSize(child, memo) > MAX_EXPANDED_NODES)
    .map(([key]) => ({ key, size: MAX_EXPANDED_NODES }));
  return keys.length > 0 ? keys : [{ key: '', size: MAX_EXPANDED_NODES }];
}
