import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ParityDifferences,
  type WriteParityLogsOptions,
  writeParityLogs,
} from '@aegis/parity-log/testing';
import { main, type ParityDiffIo } from '../src/main.js';
import type { Check, ParityDiffReport } from '../src/report/types.js';

export async function tempDir(
  prefix = 'parity-diff-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

let counter = 0;
/** Generates a candidate/reference pair under `root` and returns their directories. */
export async function pair(
  root: string,
  candidate: ParityDifferences = {},
  extra: Partial<WriteParityLogsOptions> = {},
  reference: ParityDifferences = {},
) {
  const dir = join(root, `case-${++counter}`);
  return writeParityLogs(dir, { seed: 7, tradingDays: 1, differences: { candidate, reference }, ...extra });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  files: Map<string, string>;
  report: ParityDiffReport | null;
}

export async function run(argv: string[], tty = false): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const files = new Map<string, string>();
  const io: ParityDiffIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: tty },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty },
    writeFile: async (path, data) => {
      files.set(path, data);
    },
  };
  const code = await main(argv, io);
  let report: ParityDiffReport | null = null;
  if (argv.includes('--json') && code !== 2) report = JSON.parse(stdout) as ParityDiffReport;
  return { code, stdout, stderr, files, report };
}

export function check(report: ParityDiffReport | null, id: string): Check {
  const found = [...(report?.checks ?? []), ...(report?.gate ?? [])].find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

/** compare with --json on a generated pair. */
export async function compareJson(c: { candidateDir: string; referenceDir: string }, ...more: string[]) {
  return run([
    'compare',
    '--candidate-log',
    c.candidateDir,
    '--reference-log',
    c.referenceDir,
    '--json',
    ...more,
  ]);
}

export const failing = (report: ParityDiffReport | null) =>
  (report?.checks ?? []).filter((c) => !c.pass).map((c) => c.id);
