/** What kind of configuration problem an issue is. */
export type ConfigIssueKind =
  | 'unreadable_file'
  | 'yaml_syntax'
  | 'not_a_mapping'
  | 'schema'
  | 'unknown_key'
  | 'invalid_override'
  | 'duplicate_id'
  | 'multiple_live_capable'
  | 'inconsistent_universe'
  | 'too_large';

/** One configuration problem, located precisely enough to fix without reading code. */
export interface ConfigIssue {
  kind: ConfigIssueKind;
  /** The file the problem is in, as the loader resolved it (`configs/scenarios/lt_wft.yaml`). */
  file: string;
  /** Key path inside that file (`scenarios[3].overrides.entry.short_delta.min`); '' for the whole file. */
  path: string;
  expected: string;
  received: string;
  /** 1-based line of a YAML syntax error. */
  line?: number;
  /** One line: `lt_wft.yaml: scenarios[3].overrides.entry.short_delta.min: expected number, received string "abc"`. */
  message: string;
}

/** Thrown by the config loader with every problem found, never only the first. */
export class ConfigError extends Error {
  readonly _tag = 'ConfigError' as const;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`Invalid scenario configuration (${count}):\n${issues.map((i) => `  - ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function isConfigError(value: unknown): value is ConfigError {
  return typeof value === 'object' && value !== null && (value as { _tag?: unknown })._tag === 'ConfigError';
}

export function makeIssue(
  kind: ConfigIssueKind,
  file: string,
  path: string,
  expected: string,
  received: string,
  line?: number,
): ConfigIssue {
  const where = line === undefined ? `${file}: ${path === '' ? '' : `${path}: `}` : `${file}:${line}: `;
  const issue: ConfigIssue = {
    kind,
    file,
    path,
    expected,
    received,
    message: `${where}expected ${expected}, received ${received}`,
  };
  if (line !== undefined) issue.line = line;
  return issue;
}
