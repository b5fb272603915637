import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CampaignSize,
  fcParams,
  guardUnhandledRejections,
  mustSettle,
  OracleFailure,
  Tally,
} from './harness.js';
import type { ConfigIssueInfo, TypedErrorInfo } from './outcome.js';
import { createSandbox } from './sandbox.js';
import {
  deletionAllowed,
  formatPath,
  ISSUE_KINDS,
  loadBase,
  MAX_EXPANDED_VALUES,
  numberMustFail,
  pathInBase,
  related,
  SINGLE,
  WRAPPER,
  type YamlCase,
  yamlCase,
} from './scenario-yaml.js';

export interface ScenarioSuiteOptions {
  /** Largest alias expansion (leaves) of a YAML alias bomb. */
  bombLeavesMax: number;
}

/** Every issue is complete and its message says where and what. */
function checkIssueShape(issue: ConfigIssueInfo, files: readonly string[], c: YamlCase): void {
  const fail = (what: string) => new OracleFailure(what, { issue, case: { kind: c.kind, file: c.file } });
  if (!ISSUE_KINDS.has(issue.kind)) throw fail(`unknown issue kind ${issue.kind}`);
  if (!files.includes(issue.file))
    throw fail(`issue names a file that is not part of the run: ${issue.file}`);
  if (!issue.message.startsWith(issue.file)) throw fail('message does not start with the file');
  if (issue.path !== '' && !issue.message.includes(issue.path))
    throw fail('message does not name the key path');
  if (issue.expected.trim() === '' || issue.received.trim() === '')
    throw fail('expected/received left empty');
  if (!issue.message.includes(issue.expected) || !issue.message.includes(issue.received)) {
    throw fail('message does not say what was expected and what was received');
  }
  if (issue.kind === 'yaml_syntax') {
    const lines = (c.files[issue.file] ?? '').split('\n').length;
    if (issue.line === undefined || issue.line < 1 || issue.line > lines + 1)
      throw fail(`line ${issue.line} outside the file`);
    if (!issue.message.startsWith(`${issue.file}:${issue.line}: `))
      throw fail('syntax message does not give file:line');
  }
}

/** The issues that point at the mutated node (or inside it, or at its parent). */
function relatedIssues(error: TypedErrorInfo, c: YamlCase, at: string): ConfigIssueInfo[] {
  return (error.issues ?? []).filter((i) => {
    const p = pathInBase(i, c.file);
    return p !== null && related(p, at);
  });
}

export function defineScenarioYamlSuite(size: CampaignSize, opts: ScenarioSuiteOptions): void {
  describe(`scenario YAML (${size.label})`, () => {
    const tally = new Tally('scenario-yaml', size);
    const sandbox = createSandbox({ caseTimeoutMs: size.caseTimeoutMs });
    const guard = guardUnhandledRejections();
    const base = loadBase();
    const files = [SINGLE, WRAPPER];

    afterAll(async () => {
      await sandbox.close();
      guard.dispose();
      tally.claim('no crash, no untyped throw, no hang, no unhandled rejection, no prototype pollution');
      tally.claim(
        'every error a ConfigError whose issues name file, key path (or line), expected and received',
      );
      tally.claim('must-fail mutations refused at the mutated key; unknown keys named exactly');
      tally.claim(
        `alias bombs (up to ${opts.bombLeavesMax} leaves) refused, as too_large where the alias or its anchors sit once over ${MAX_EXPANDED_VALUES} values`,
      );
      tally.report();
    });

    it('the unmutated shipped configs load (the baseline every mutation departs from)', async () => {
      for (const entry of files) {
        const outcome = await sandbox.run('loadRunConfig', { entry, files: base.files });
        expect(outcome.status, JSON.stringify(outcome).slice(0, 500)).toBe('ok');
      }
    });

    const properties = [
      ['mutations', 'none', 3],
      ['alias bombs', 'only', 9],
    ] as const;
    for (const [property, bombs, salt] of properties) {
      it(`${property}: every case loads or is refused with a ConfigError naming what and where`, async () => {
        await tally.check(property, async () => {
          await fc.assert(
            fc.asyncProperty(yamlCase(base, opts.bombLeavesMax, bombs), async (c) => {
              const outcome = mustSettle(
                await sandbox.run('loadRunConfig', { entry: c.entry, files: c.files }),
                { ...c, files: c.files[c.file] },
                ['ConfigError'],
              );
              tally.record(c.kind, outcome, outcome.status === 'ok' ? 'loaded' : 'ConfigError');
              const at = 'path' in c ? formatPath(c.path) : `scenarios[${'index' in c ? c.index : 0}]`;
              const show = (what: string) =>
                new OracleFailure(what, {
                  kind: c.kind,
                  file: c.file,
                  at,
                  ...('value' in c ? { value: c.value } : {}),
                  ...('key' in c ? { key: c.key } : {}),
                  ...('how' in c ? { how: c.how } : {}),
                  issues:
                    outcome.status === 'typed' ? outcome.error.issues?.map((i) => i.message) : undefined,
                });

              const mustFail =
                c.kind === 'wrong_type' ||
                c.kind === 'unknown_key' ||
                c.kind === 'bytes' ||
                c.kind === 'alias_bomb' ||
                (c.kind === 'delete_key' && !deletionAllowed(c.file, c.path)) ||
                (c.kind === 'number' && numberMustFail(c.path, c.value) !== null);
              if (outcome.status === 'ok') {
                if (mustFail) throw show(`${c.kind}: the loader accepted it`);
                return;
              }
              const error = outcome.error;
              const issues = error.issues ?? [];
              if (issues.length === 0) throw show('ConfigError without issues');
              if (!error.message.startsWith('Invalid scenario configuration'))
                throw show('unexpected ConfigError message');
              for (const issue of issues) {
                checkIssueShape(issue, files, c);
                if (!error.message.includes(issue.message)) throw show('ConfigError message omits an issue');
              }
              switch (c.kind) {
                case 'unknown_key': {
                  const want = formatPath([...c.path, c.key]);
                  const hit = issues.some((i) => i.kind === 'unknown_key' && pathInBase(i, c.file) === want);
                  if (!hit) throw show(`no unknown_key issue at ${want}`);
                  break;
                }
                case 'wrong_type':
                case 'delete_key':
                case 'number': {
                  if (relatedIssues(error, c, at).length === 0) throw show(`no issue at or around ${at}`);
                  // The rest of the file is valid: nothing else may be reported.
                  const stray = issues.filter((i) => !relatedIssues({ ...error, issues: [i] }, c, at).length);
                  const strayOk = stray.every(
                    (i) => i.kind === 'multiple_live_capable' || i.kind === 'duplicate_id',
                  );
                  if (!strayOk) throw show(`issues unrelated to ${at}`);
                  break;
                }
                case 'alias_bomb': {
                  // A document over the expansion limit is refused as too large at the top-level keys
                  // holding the expansion (the alias's, the anchors'), never expanded. Below it, the
                  // alias's list is refused where it sits.
                  const tooLarge = issues.filter((i) => i.kind === 'too_large');
                  const top = at.split(/[.[]/)[0] ?? '';
                  const atTop = (i: ConfigIssueInfo) => related(pathInBase(i, c.file) ?? '\u0000', top);
                  for (const i of tooLarge)
                    if (pathInBase(i, c.file) !== 'x_anchors' && !atTop(i))
                      throw show(`too_large issue at ${i.path}, neither at ${top} nor at x_anchors`);
                  if (c.leaves > MAX_EXPANDED_VALUES && !tooLarge.some(atTop))
                    throw show(`${c.leaves}-leaf bomb not refused as too_large at ${top}`);
                  if (tooLarge.length === 0 && relatedIssues(error, c, at).length === 0)
                    throw show(`no issue at or around ${at}`);
                  break;
                }
                case 'override_garbage': {
                  const prefix = `scenarios[${c.index}]`;
                  const stray = issues.filter(
                    (i) =>
                      !(i.file === WRAPPER && related(prefix, i.path)) && i.kind !== 'inconsistent_universe',
                  );
                  if (stray.length > 0) throw show(`override garbage reported outside ${prefix}`);
                  break;
                }
                default:
                  break;
              }
            }),
            bombs === 'only'
              ? { ...fcParams(size, salt), numRuns: Math.max(1, Math.round(size.runs / 8)) }
              : fcParams(size, salt),
          );
          guard.check();
        });
      });
    }
  });
}
