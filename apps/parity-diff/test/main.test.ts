import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pair, run, tempDir } from './helpers.js';

let root: string;
let cleanup: () => Promise<void>;
let logs: { candidateDir: string; referenceDir: string };
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('parity-main-'));
  logs = await pair(root, { strikeMismatches: 1 });
});
afterAll(() => cleanup());

describe('main: exit codes and outputs', () => {
  it('exit 2 with a message on a usage error, and usage on --help', async () => {
    const bad = await run(['compare', '--rust-log', 'a']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "parity-diff: compare: missing --reference-log (or --python-log)\nrun 'parity-diff --help' for usage\n",
    );
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--rust-log and --python-log are aliases');
  });

  it('exit 2 on unreadable input: a missing path, a directory without logs', async () => {
    const missing = join(root, 'nope.jsonl');
    const r = await run(['compare', '--rust-log', missing, '--python-log', logs.referenceDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `parity-diff: unreadable input: [stat] ${missing}: ENOENT no such file or directory\n`,
    );
    await mkdir(join(root, 'empty'));
    const e = await run([
      'gate',
      '--candidate-dir',
      join(root, 'empty'),
      '--reference-dir',
      logs.referenceDir,
    ]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('no *.jsonl or *.jsonl.gz files');
  });

  it('the runbook spelling works end to end and reports the difference', async () => {
    const r = await run([
      'compare',
      '--rust-log',
      logs.candidateDir,
      '--python-log',
      logs.referenceDir,
      '--tolerance-seconds',
      '60',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}5\. entries of matched scans/);
    expect(r.stdout).toMatch(/candidate-only LT_RC|candidate-only [A-Z_]+\|/);
    // Not a terminal: no colour codes.
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('colours and draws progress only on a terminal', async () => {
    const r = await run(
      ['compare', '--candidate-log', logs.candidateDir, '--reference-log', logs.referenceDir],
      true,
    );
    expect(r.stdout).toContain('\u001b[31mFAIL\u001b[39m');
    expect(r.stderr).toMatch(/\r\[#+\.*\] \d+%/);
    const plain = await run(
      [
        'compare',
        '--candidate-log',
        logs.candidateDir,
        '--reference-log',
        logs.referenceDir,
        '--no-color',
        '--no-progress',
      ],
      true,
    );
    expect(plain.stdout).not.toContain('\u001b[');
    expect(plain.stderr).toBe('');
  });

  it('--json has the documented stable shape', async () => {
    const r = await run([
      'compare',
      '--candidate-log',
      logs.candidateDir,
      '--reference-log',
      logs.referenceDir,
      '--json',
    ]);
    const report = r.report!;
    expect(Object.keys(report)).toEqual([
      'tool',
      'report_version',
      'command',
      'pass',
      'exit_code',
      'options',
      'inputs',
      'checks',
      'gate',
      'charts',
    ]);
    expect(report).toMatchObject({
      tool: 'parity-diff',
      report_version: 1,
      command: 'compare',
      pass: false,
      exit_code: 1,
      gate: null,
    });
    expect(report.checks.map((c) => c.id)).toEqual([
      'inputs',
      'malformed_lines',
      'schema_version',
      'scan_continuity',
      'vix',
      'count_drift',
      'entries',
      'exits',
      'errors_trend',
      'unmatched',
    ]);
    expect(Object.keys(report.charts)).toEqual(['vix_delta', 'entries_per_date', 'equity']);
    expect(report.charts.entries_per_date).toHaveLength(1);
    expect(report.charts.equity).toHaveLength(11);
  });

  it('--html writes a self-contained report with the three kinds of chart', async () => {
    const r = await run([
      'compare',
      '--candidate-log',
      logs.candidateDir,
      '--reference-log',
      logs.referenceDir,
      '--html',
      'report.html',
    ]);
    const html = r.files.get('report.html')!;
    expect(html).toContain('<svg data-chart="vix-delta"');
    expect(html).toContain('<svg data-chart="entries-per-date"');
    expect(html).toContain('<svg data-chart="equity-LT_RC"');
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('an unwritable --html target is exit 2', async () => {
    const dirAsFile = join(root, 'x');
    await writeFile(dirAsFile, '');
    let stderr = '';
    const { main } = await import('../src/main.js');
    const code = await main(
      [
        'compare',
        '--candidate-log',
        logs.candidateDir,
        '--reference-log',
        logs.referenceDir,
        '--html',
        join(dirAsFile, 'r.html'),
      ],
      {
        stdout: { write: () => true },
        stderr: { write: (s: string) => (stderr += s) },
        writeFile: (await import('node:fs/promises')).writeFile as (p: string, d: string) => Promise<void>,
      },
    );
    expect(code).toBe(2);
    expect(stderr).toContain('cannot write --html');
  });
});
