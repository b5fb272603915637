/** Runs parity-diff's `compare` on two parity logs, in-process, and renders its terminal report. */
import { writeFile } from 'node:fs/promises';
import {
  type ParityDiffReport,
  parseParityDiffArgs,
  renderTerminal,
  runParityDiff,
} from '@aegis/parity-diff';

export interface CompareVerdict {
  pass: boolean;
  lines: string[];
  report: ParityDiffReport;
}

const plain = (s: string) => s;

export async function compareLogs(args: {
  candidateLog: string;
  referenceLog: string;
  reportFile: string | null;
}): Promise<CompareVerdict> {
  // The same argument parser as the CLI, so this is exactly `parity-diff compare …`.
  const parsed = parseParityDiffArgs([
    'compare',
    '--candidate-log',
    args.candidateLog,
    '--reference-log',
    args.referenceLog,
    '--no-color',
    '--no-progress',
  ]);
  if (parsed.command === 'help') throw new Error('parity-diff compare arguments were not understood');
  const report = await runParityDiff(parsed);
  const text = renderTerminal(report, { green: plain, red: plain, bold: plain, dim: plain });
  if (args.reportFile !== null) await writeFile(args.reportFile, `${text}\n`);
  return { pass: report.pass, lines: text.split('\n'), report };
}
