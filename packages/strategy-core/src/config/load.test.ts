import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue, isConfigError, loadRunConfig } from './index.js';

const BASE = `schema_version: 1
id: BASE
role: live_capable
capital: { starting_equity: 100000 }
universe:
  - { underlying: SPY, width: 5, tick: 0.01, dividend_yield: 0.013 }
  - { underlying: QQQ, width: 5, tick: 0.01, dividend_yield: 0.006 }
entry:
  dte: { min: 30, max: 45, target: 38 }
  short_delta: { min: 0.20, max: 0.30, target: 0.25 }
  max_width_multiple: 2.0
  min_credit: { fraction_of_width: 0.30, absolute: 0.30 }
  liquidity: { max_leg_spread_abs: 0.05, max_leg_spread_fraction_of_mid: 0.10, min_open_interest: 100 }
  max_quote_age_seconds: 120
  limit_price: mid
  vix: { min: 12, max: 30 }
  window: { after_open_minutes: 30, before_close_minutes: 30 }
sizing: { risk_per_trade_fraction: 0.02, max_contracts: 10 }
limits: { max_open_positions: 6, max_per_underlying: 2, max_per_expiry: 3, max_portfolio_risk_fraction: 0.40 }
exit: { profit_target_fraction: 0.50, stop_loss_multiple: 2.0, dte_exit: 21, expiration_day_close_time: "15:45" }
pricing: { risk_free_rate: 0.04, fees_per_contract_per_leg: 0.65 }
circuit_breaker:
  daily_loss_fraction: { warn: 0.01, reduce_only: 0.02, halt: 0.04 }
  drawdown_fraction: { warn: 0.10, reduce_only: 0.15, halt: 0.20 }
  consecutive_stop_losses: 3
`;

const wrapper = (scenarios: string, head = 'shared_scan_interval_sec: 45\n') =>
  `schema_version: 1\n${head}scenarios:\n${scenarios}`;

function reader(files: Record<string, string>) {
  const reads: string[] = [];
  const read = (path: string): string => {
    reads.push(path);
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  };
  return { read, reads };
}

function issuesOf(entry: string, files: Record<string, string>): ConfigIssue[] {
  try {
    loadRunConfig(entry, reader(files).read);
  } catch (error) {
    if (isConfigError(error)) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const messagesOf = (entry: string, files: Record<string, string>) =>
  issuesOf(entry, files).map((i) => i.message);

describe('loadRunConfig: single scenario file', () => {
  it('gives a single-mode run with the default calendar and global breaker', () => {
    const run = loadRunConfig('cfg/base.yaml', reader({ 'cfg/base.yaml': BASE }).read);
    expect(run).toMatchObject({
      mode: 'single',
      sourceFile: 'cfg/base.yaml',
      scanIntervalSec: null,
      comparisonEveryBatches: 20,
      calendar: { extra_closures: [], extra_early_closes: [] },
      globalBreaker: { max_consecutive_failed_scans: 3 },
    });
    expect(run.scenarios).toHaveLength(1);
    expect(run.scenarios[0]).toMatchObject({
      id: 'BASE',
      role: 'live_capable',
      priority: 100,
      origin: 'cfg/base.yaml',
    });
    expect(run.scenarios[0]?.entry.short_delta).toEqual({ min: 0.2, max: 0.3, target: 0.25 });
    expect(run.scenarios[0]?.exit.expiration_day_close_time).toBe('15:45');
  });

  it('names file, key path, expected and received for a bad type', () => {
    const bad = BASE.replace('max_contracts: 10', 'max_contracts: "ten"');
    expect(messagesOf('base.yaml', { 'base.yaml': bad })).toEqual([
      'base.yaml: sizing.max_contracts: expected number, received string "ten"',
    ]);
  });

  it('rejects unknown keys, listing the known ones', () => {
    const bad = BASE.replace('  limit_price: mid', '  limit_price: mid\n  limt_price: natural');
    const [issue] = issuesOf('base.yaml', { 'base.yaml': bad });
    expect(issue).toMatchObject({ kind: 'unknown_key', file: 'base.yaml', path: 'entry.limt_price' });
    expect(issue?.message).toBe(
      'base.yaml: entry.limt_price: expected one of the known keys (dte, short_delta, max_width_multiple, min_credit, liquidity, max_quote_age_seconds, limit_price, vix, window), received unknown key "limt_price"',
    );
  });

  it('reports missing keys, enum values, ranges and rule violations all at once', () => {
    const bad = BASE.replace('  dte: { min: 30, max: 45, target: 38 }\n', '')
      .replace('limit_price: mid', 'limit_price: best')
      .replace('risk_per_trade_fraction: 0.02', 'risk_per_trade_fraction: 1.5')
      .replace('vix: { min: 12, max: 30 }', 'vix: { min: 40, max: 30 }')
      .replace('id: BASE', 'id: base-1');
    const messages = messagesOf('base.yaml', { 'base.yaml': bad });
    expect(messages).toEqual(
      expect.arrayContaining([
        'base.yaml: id: expected an id of [A-Z0-9_]+, received string "base-1"',
        'base.yaml: entry.dte: expected mapping, received nothing (key missing)',
        'base.yaml: entry.limit_price: expected one of "mid" | "natural", received string "best"',
        'base.yaml: entry.vix: expected min <= max, received mapping {"min":40,"max":30}',
        'base.yaml: sizing.risk_per_trade_fraction: expected number <= 1, received number 1.5',
      ]),
    );
    expect(messages).toHaveLength(5);
  });

  it('rejects a universe listing an underlying twice and a bad vendor ticker', () => {
    const bad = BASE.replace(
      '  - { underlying: QQQ, width: 5, tick: 0.01, dividend_yield: 0.006 }',
      '  - { underlying: SPY, vendor_ticker: "X:SPY", width: 5, tick: 0.01, dividend_yield: 0.006 }',
    );
    expect(messagesOf('base.yaml', { 'base.yaml': bad })).toEqual([
      'base.yaml: universe[1].vendor_ticker: expected a vendor ticker such as SPY or I:SPX, received string "X:SPY"',
      'base.yaml: universe: expected each underlying at most once, received array [{"underlying":"SPY","width":5,"tick":0.01,"dividend_yield":0.013},{"underlying…',
    ]);
  });

  it('reports YAML syntax errors with the line', () => {
    const bad = BASE.replace('sizing: {', 'sizing: {\n  bad: [unclosed');
    const [issue] = issuesOf('base.yaml', { 'base.yaml': bad });
    expect(issue?.kind).toBe('yaml_syntax');
    expect(issue?.line).toBe(19);
    expect(issue?.message).toMatch(
      /^base\.yaml:19: expected valid YAML, received a syntax error: .+, column \d+$/,
    );
  });

  it('reports duplicate mapping keys as a YAML error', () => {
    const bad = BASE.replace('role: live_capable', 'role: live_capable\nrole: paper');
    const [issue] = issuesOf('base.yaml', { 'base.yaml': bad });
    expect(issue).toMatchObject({ kind: 'yaml_syntax', line: 4 });
    expect(issue?.message).toContain('duplicated mapping key');
  });

  it('reports an unreadable entry file and an empty or non-mapping document', () => {
    expect(messagesOf('nope.yaml', {})).toEqual([
      "nope.yaml: expected a readable configuration file, received ENOENT: no such file or directory, open 'nope.yaml'",
    ]);
    expect(messagesOf('empty.yaml', { 'empty.yaml': '# nothing\n' })).toEqual([
      'empty.yaml: expected a YAML mapping (a scenario file or a multi-scenario wrapper), received an empty document',
    ]);
    expect(messagesOf('list.yaml', { 'list.yaml': '- 1\n- 2\n' })).toEqual([
      'list.yaml: expected a YAML mapping (a scenario file or a multi-scenario wrapper), received a list',
    ]);
  });

  it('keeps unquoted dates and times as text (YAML core schema)', () => {
    const run = loadRunConfig(
      'w.yaml',
      reader({
        'w.yaml': wrapper(
          '  - { file: base.yaml }\n',
          'shared_scan_interval_sec: 45\ncalendar: { extra_closures: [2026-04-10], extra_early_closes: [] }\n',
        ),
        'base.yaml': BASE.replace('"15:45"', '15:45'),
      }).read,
    );
    expect(run.calendar.extra_closures).toEqual(['2026-04-10']);
    expect(run.scenarios[0]?.exit.expiration_day_close_time).toBe('15:45');
  });

  it('throws a ConfigError whose message lists every issue', () => {
    const bad = BASE.replace('max_contracts: 10', 'max_contracts: 0').replace(
      'starting_equity: 100000',
      'starting_equity: -1',
    );
    let caught: unknown;
    try {
      loadRunConfig('base.yaml', reader({ 'base.yaml': bad }).read);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError)._tag).toBe('ConfigError');
    expect((caught as ConfigError).message).toBe(
      [
        'Invalid scenario configuration (2 problems):',
        '  - base.yaml: capital.starting_equity: expected number > 0, received number -1',
        '  - base.yaml: sizing.max_contracts: expected number >= 1, received number 0',
      ].join('\n'),
    );
  });
});

describe('loadRunConfig: multi-scenario wrapper', () => {
  const variant = (id: string, overrides: string, extra = '') =>
    `  - { id: ${id}, extends: base.yaml, role: paper${extra}, overrides: ${overrides} }\n`;

  it('resolves references relative to the wrapper and deep-merges overrides', () => {
    const { read, reads } = reader({
      'configs/runs/w.yaml': wrapper(
        `  - { file: ../scenarios/base.yaml, priority: 1 }\n  - { id: V_A, extends: ../scenarios/base.yaml, role: paper, overrides: { entry: { short_delta: { min: 0.12, max: 0.20, target: 0.16 }, min_credit: { fraction_of_width: 0.20 } } } }\n`,
        'shared_scan_interval_sec: 60\ncomparison_every_batches: 10\ncircuit_breaker: { max_consecutive_failed_scans: 5 }\n',
      ),
      'configs/scenarios/base.yaml': BASE,
    });
    const run = loadRunConfig('configs/runs/w.yaml', read);
    // The shared file is read once however many entries use it.
    expect(reads).toEqual(['configs/runs/w.yaml', 'configs/scenarios/base.yaml']);
    expect(run).toMatchObject({
      mode: 'multi',
      scanIntervalSec: 60,
      comparisonEveryBatches: 10,
      globalBreaker: { max_consecutive_failed_scans: 5 },
    });
    const [base, v] = run.scenarios;
    expect(v?.id).toBe('V_A');
    expect(v?.role).toBe('paper');
    expect(v?.origin).toBe('configs/runs/w.yaml#scenarios[1]');
    expect(v?.entry.short_delta).toEqual({ min: 0.12, max: 0.2, target: 0.16 });
    // Sibling keys of an overridden mapping keep the extended file's values.
    expect(v?.entry.min_credit).toEqual({ fraction_of_width: 0.2, absolute: 0.3 });
    expect(v?.entry.dte).toEqual(base?.entry.dte);
    expect(base?.entry.short_delta).toEqual({ min: 0.2, max: 0.3, target: 0.25 });
  });

  it('replaces arrays whole and lets null disable an exit', () => {
    const run = loadRunConfig(
      'w.yaml',
      reader({
        'w.yaml': wrapper(
          variant(
            'V_X',
            '{ universe: [ { underlying: SPX, width: 25, tick: 0.05, dividend_yield: 0.013 } ], exit: { stop_loss_multiple: null } }',
          ),
        ),
        'base.yaml': BASE,
      }).read,
    );
    expect(run.scenarios[0]?.universe).toEqual([
      { underlying: 'SPX', width: 25, tick: 0.05, dividend_yield: 0.013 },
    ]);
    expect(run.scenarios[0]?.exit).toEqual({
      profit_target_fraction: 0.5,
      stop_loss_multiple: null,
      dte_exit: 21,
      expiration_day_close_time: '15:45',
    });
  });

  it('orders by priority, then file order', () => {
    const run = loadRunConfig(
      'w.yaml',
      reader({
        'w.yaml': wrapper(
          variant('P_LATE', '{}', ', priority: 200') +
            variant('P_DEFAULT_1', '{}') +
            '  - { file: base.yaml, priority: 1 }\n' +
            variant('P_DEFAULT_2', '{}') +
            variant('P_FIRST', '{}', ', priority: -5'),
        ),
        'base.yaml': BASE,
      }).read,
    );
    expect(run.scenarios.map((s) => s.id)).toEqual([
      'P_FIRST',
      'BASE',
      'P_DEFAULT_1',
      'P_DEFAULT_2',
      'P_LATE',
    ]);
  });

  it('says when null is also accepted', () => {
    const files = { 'w.yaml': wrapper(variant('V_A', '{ exit: { dte_exit: "never" } }')), 'base.yaml': BASE };
    expect(messagesOf('w.yaml', files)).toEqual([
      'w.yaml: scenarios[0].overrides.exit.dte_exit: expected number or null, received string "never"',
    ]);
  });

  it('locates a bad override value in the wrapper', () => {
    const files = {
      'lt_wft.yaml': wrapper(
        '  - { file: base.yaml }\n' +
          variant('V_A', '{}') +
          variant('V_B', '{}') +
          variant('V_C', '{ entry: { short_delta: { min: "abc" } } }'),
      ),
      'base.yaml': BASE,
    };
    expect(messagesOf('lt_wft.yaml', files)).toEqual([
      'lt_wft.yaml: scenarios[3].overrides.entry.short_delta.min: expected number, received string "abc"',
    ]);
  });

  it('rejects an override key that the schema does not have', () => {
    const files = {
      'w.yaml': wrapper(variant('V_A', '{ entry: { short_delta: { mn: 0.1 } }, exits: {} }')),
      'base.yaml': BASE,
    };
    const issues = issuesOf('w.yaml', files);
    expect(issues.map((i) => [i.kind, i.file, i.path, i.received])).toEqual([
      ['unknown_key', 'w.yaml', 'scenarios[0].overrides.entry.short_delta.mn', 'unknown key "mn"'],
      ['unknown_key', 'w.yaml', 'scenarios[0].overrides.exits', 'unknown key "exits"'],
    ]);
    expect(issues[0]?.expected).toBe('one of the known keys (min, max, target)');
  });

  it('blames the override when the merge breaks a rule of the extended file', () => {
    const files = { 'w.yaml': wrapper(variant('V_A', '{ entry: { dte: { min: 50 } } }')), 'base.yaml': BASE };
    expect(messagesOf('w.yaml', files)).toEqual([
      'w.yaml: scenarios[0].overrides.entry.dte: expected min <= target <= max, received mapping {"min":50,"max":45,"target":38}',
    ]);
  });

  it('refuses id and role inside overrides', () => {
    const files = {
      'w.yaml': wrapper(variant('V_A', '{ id: OTHER, role: live_capable }')),
      'base.yaml': BASE,
    };
    expect(messagesOf('w.yaml', files)).toEqual([
      'w.yaml: scenarios[0].overrides.id: expected no `id` inside overrides (set it as scenarios[0].id), received id "OTHER"',
      'w.yaml: scenarios[0].overrides.role: expected no `role` inside overrides (set it as scenarios[0].role), received role "live_capable"',
    ]);
  });

  it('rejects duplicate scenario ids', () => {
    const files = {
      'w.yaml': wrapper(
        `  - { file: base.yaml }\n${variant('V_A', '{}')}${variant('V_A', '{}')}${variant('BASE', '{}')}`,
      ),
      'base.yaml': BASE,
    };
    expect(issuesOf('w.yaml', files).map((i) => [i.kind, i.path, i.received])).toEqual([
      ['duplicate_id', 'scenarios[2].id', 'id "V_A", already used by scenarios[1]'],
      ['duplicate_id', 'scenarios[3].id', 'id "BASE", already used by scenarios[0]'],
    ]);
  });

  it('rejects more than one live_capable scenario, also when inherited', () => {
    const files = {
      'w.yaml': wrapper(
        '  - { file: base.yaml }\n  - { id: COPY, extends: base.yaml }\n  - { id: LIVE2, extends: base.yaml, role: live_capable }\n',
      ),
      'base.yaml': BASE,
    };
    expect(messagesOf('w.yaml', files)).toEqual([
      'w.yaml: scenarios[1]: expected at most one live_capable scenario per run, received COPY as a second live_capable scenario (BASE already is)',
      'w.yaml: scenarios[2].role: expected at most one live_capable scenario per run, received LIVE2 as a second live_capable scenario (BASE already is)',
    ]);
  });

  it('reports missing referenced files at the referencing key', () => {
    const files = {
      'dir/w.yaml': wrapper('  - { file: gone.yaml }\n  - { id: V_A, extends: ../missing.yaml }\n'),
    };
    expect(messagesOf('dir/w.yaml', files)).toEqual([
      'dir/w.yaml: scenarios[0].file: expected a readable scenario file, received "gone.yaml" (resolved to dir/gone.yaml: ENOENT: no such file or directory, open \'dir/gone.yaml\')',
      'dir/w.yaml: scenarios[1].extends: expected a readable scenario file, received "../missing.yaml" (resolved to missing.yaml: ENOENT: no such file or directory, open \'missing.yaml\')',
    ]);
  });

  it('reports problems inside a referenced file in that file, once', () => {
    const files = {
      'w.yaml': wrapper(`  - { file: base.yaml }\n${variant('V_A', '{}')}`),
      'base.yaml': BASE.replace('max_contracts: 10', 'max_contracts: 2.5'),
    };
    expect(messagesOf('w.yaml', files)).toEqual([
      'base.yaml: sizing.max_contracts: expected integer, received number 2.5',
    ]);
  });

  it('validates the wrapper keys and each entry kind', () => {
    const files = {
      'w.yaml':
        'schema_version: 2\ncomparison_every_batches: 0\nextra: true\ncalendar: { extra_closures: [2026-02-30] }\nscenarios:\n' +
        '  - { file: base.yaml, extends: base.yaml }\n  - { priority: 3 }\n  - { file: base.yaml, priority: first }\n  - { id: v_a, extends: base.yaml }\n',
      'base.yaml': BASE,
    };
    expect(messagesOf('w.yaml', files)).toEqual([
      'w.yaml: schema_version: expected 1, received number 2',
      'w.yaml: shared_scan_interval_sec: expected number, received nothing (key missing)',
      'w.yaml: comparison_every_batches: expected number > 0, received number 0',
      'w.yaml: calendar.extra_closures[0]: expected a real calendar date "YYYY-MM-DD", received string "2026-02-30"',
      'w.yaml: extra: expected one of the known keys (schema_version, shared_scan_interval_sec, comparison_every_batches, calendar, circuit_breaker, scenarios), received unknown key "extra"',
      'w.yaml: scenarios[0]: expected either `file` or `extends`, not both, received a mapping with keys file, extends',
      'w.yaml: scenarios[1]: expected a mapping with `file: <scenario file>` or `id` + `extends: <scenario file>`, received a mapping with keys priority',
      'w.yaml: scenarios[2].priority: expected number, received string "first"',
      'w.yaml: scenarios[3].id: expected an id of [A-Z0-9_]+, received string "v_a"',
    ]);
  });

  it('refuses to extend a wrapper', () => {
    const files = {
      'w.yaml': wrapper('  - { id: V_A, extends: other.yaml }\n'),
      'other.yaml': wrapper('  - { file: base.yaml }\n'),
      'base.yaml': BASE,
    };
    expect(messagesOf('w.yaml', files)).toEqual([
      'w.yaml: scenarios[0].extends: expected a single scenario file, received "other.yaml", a multi-scenario wrapper',
    ]);
  });

  it('requires one vendor ticker per underlying across scenarios', () => {
    const files = {
      'w.yaml': wrapper(
        `  - { file: base.yaml }\n${variant('V_X', '{ universe: [ { underlying: SPY, vendor_ticker: "I:SPY", width: 5, tick: 0.01, dividend_yield: 0 } ] }')}`,
      ),
      'base.yaml': BASE,
    };
    expect(messagesOf('w.yaml', files)).toEqual([
      'w.yaml: scenarios[1].overrides.universe[0].vendor_ticker: expected vendor ticker "SPY" for SPY (as in BASE; one snapshot serves every scenario), received "I:SPY"',
    ]);
  });
});

describe('oversized documents', () => {
  it('refuses a YAML alias bomb with a located too_large issue instead of expanding it', () => {
    const leaf = 'x'.repeat(100);
    const lines = [`  l0: &l0 [${Array(10).fill(`"${leaf}"`).join(', ')}]`];
    for (let i = 1; i < 6; i++)
      lines.push(
        `  l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const text = `x_anchors:\n${lines.join('\n')}\nschema_version: 1\ncapital: *l5\n`;
    let caught: unknown;
    try {
      loadRunConfig('bomb.yaml', () => text);
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    const issues = (caught as ConfigError).issues;
    expect(issues.map((i) => [i.kind, i.path])).toEqual([
      ['too_large', 'x_anchors'],
      ['too_large', 'capital'],
    ]);
  });
});
