/**
 * A real live approval: generated parity logs (five sessions, both sides agreeing) run through the
 * real `parity-diff gate --json`, and an approval record naming that report.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeParityLogs } from '@aegis/parity-log/testing';
import { baseChildEnv } from './env.js';
import { PARITY_DIFF_MAIN, REPO } from './service.js';

export interface Approval {
  path: string;
  gateReportPath: string;
  gatePass: boolean;
}

export async function writeLiveApproval(dir: string, seed: number): Promise<Approval> {
  const logs = await writeParityLogs(join(dir, 'gate-logs'), {
    seed,
    tradingDays: 5,
    startDate: '2026-03-30',
  });
  const gateReportPath = join(dir, 'gate.json');
  const report = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@aegis/source',
        '--import',
        'tsx',
        PARITY_DIFF_MAIN,
        'gate',
        '--candidate-dir',
        logs.candidateDir,
        '--reference-dir',
        logs.referenceDir,
        '--json',
      ],
      { cwd: join(REPO, 'apps', 'parity-diff'), env: baseChildEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`parity-diff gate exited ${code}: ${err.slice(-1000)}`)),
    );
  });
  await writeFile(gateReportPath, report);
  const path = join(dir, 'approval.json');
  await writeFile(
    path,
    JSON.stringify({
      approved_by: 'Campaign Operator',
      approved_at: '2026-04-09T20:00:00.000Z',
      gate_report: 'gate.json',
      verdict: 'PASS',
    }),
  );
  return { path, gateReportPath, gatePass: (JSON.parse(report) as { pass?: boolean }).pass === true };
}
