import { describe, expect, it } from 'vitest';
import { ParityDiffUsageError, parseParityDiffArgs, type RunArgs } from '../src/cli.js';

const parse = (line: string) => parseParityDiffArgs(line.split(' ')) as RunArgs;
const usage = (line: string) => {
  try {
    parseParityDiffArgs(line.split(' '));
  } catch (error) {
    expect(error).toBeInstanceOf(ParityDiffUsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('parseParityDiffArgs', () => {
  it('reads the runbook spelling with the rust/python aliases', () => {
    expect(parse('parity-diff compare --rust-log A --python-log B --tolerance-seconds 60')).toEqual({
      command: 'compare',
      candidate: 'A',
      reference: 'B',
      toleranceSeconds: 60,
      intervalMinutes: 15,
      json: false,
      html: null,
      strict: false,
      liveScenario: 'LT_RC',
      color: 'auto',
      progress: 'auto',
    });
  });

  it('reads the canonical flags, --flag=value forms and the booleans', () => {
    const a = parse(
      'compare --candidate-log=/logs/ts --reference-log /logs/py --tolerance-seconds=30 --json --strict --html=r.html',
    );
    expect([a.candidate, a.reference, a.toleranceSeconds, a.json, a.strict, a.html]).toEqual([
      '/logs/ts',
      '/logs/py',
      30,
      true,
      true,
      'r.html',
    ]);
    const e = parse('compare-equity --candidate-log a.jsonl --reference-log b.jsonl.gz --interval-minutes 5');
    expect([e.command, e.intervalMinutes, e.toleranceSeconds]).toEqual(['compare-equity', 5, 60]);
    const g = parse('gate --candidate-dir /c --reference-dir /r --json --no-color --no-progress');
    expect([g.command, g.candidate, g.reference, g.color, g.progress]).toEqual([
      'gate',
      '/c',
      '/r',
      'never',
      'never',
    ]);
  });

  it('returns help for no arguments or --help', () => {
    expect(parseParityDiffArgs([]).command).toBe('help');
    expect(parseParityDiffArgs(['compare', '--help']).command).toBe('help');
  });

  it('names what is wrong', () => {
    expect(usage('diff --rust-log A')).toBe(
      'unknown command "diff" (expected compare, compare-equity or gate)',
    );
    expect(usage('compare --rust-log A')).toBe('compare: missing --reference-log (or --python-log)');
    expect(usage('compare --rust-log A --candidate-log B --python-log C')).toBe(
      '--candidate-log given twice (also as --rust-log)',
    );
    expect(usage('compare --rust-log A --python-log B --tolerance-seconds ten')).toBe(
      '--tolerance-seconds: expected a number from 0 to 86400, got "ten"',
    );
    expect(usage('compare --rust-log A --python-log B --interval-minutes 5')).toBe(
      'compare: unknown option --interval-minutes',
    );
    expect(usage('gate --candidate-log A --reference-dir B')).toBe('gate: unknown option --candidate-log');
    expect(usage('compare --rust-log --python-log B')).toBe('--rust-log needs a value');
    expect(usage('compare --json=yes --rust-log A --python-log B')).toBe('--json takes no value');
    expect(usage('compare-equity --rust-log A --python-log B --interval-minutes 2.5')).toBe(
      '--interval-minutes: expected an integer from 1 to 1440, got "2.5"',
    );
    expect(usage('compare stray --rust-log A')).toBe('unexpected argument "stray"');
  });
});
