import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';

/**
 * The approval record `--live` requires (JSON):
 * `{ "approved_by": "…", "approved_at": "ISO", "gate_report": "path of parity-diff gate --json output", "verdict": "PASS" }`.
 * A relative `gate_report` resolves against the approval file's directory.
 */
export interface LiveApproval {
  approvedBy: string;
  approvedAt: string;
  gateReportPath: string;
  verdict: 'PASS';
  /** Hash of the gate report as read (recorded in the startup record). */
  gateReportBytes: number;
}

/** The approval is missing or does not validate: live trading must not start. */
export class ApprovalError extends Error {
  readonly _tag = 'ApprovalError' as const;
  constructor(readonly problems: string[]) {
    super(`live approval refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ApprovalError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The verdict of a `parity-diff gate --json` report, wherever the report puts it. */
export function gateVerdictOf(report: unknown): string | null {
  if (!isObject(report)) return null;
  for (const key of ['verdict', 'result', 'status']) {
    const v = report[key];
    if (typeof v === 'string') return v.toUpperCase();
  }
  if (typeof report.pass === 'boolean') return report.pass ? 'PASS' : 'FAIL';
  if (typeof report.passed === 'boolean') return report.passed ? 'PASS' : 'FAIL';
  return null;
}

/** Reads and checks the approval record and the gate report it names. Every problem is listed. */
export async function validateLiveApproval(path: string | null, nowMs: number): Promise<LiveApproval> {
  if (path === null) {
    throw new ApprovalError([
      '--live needs --live-approval FILE naming an approval record of a passing parity-diff gate',
    ]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ApprovalError([
      code === 'ENOENT'
        ? `approval record ${path} does not exist`
        : `approval record ${path} is not readable JSON (${(error as Error).message})`,
    ]);
  }
  const problems: string[] = [];
  if (!isObject(doc)) throw new ApprovalError([`approval record ${path}: expected a JSON object`]);
  const approvedBy = typeof doc.approved_by === 'string' ? doc.approved_by.trim() : '';
  if (approvedBy === '') problems.push(`${path}: approved_by: expected the name of who approved`);
  const approvedAt = typeof doc.approved_at === 'string' ? doc.approved_at : '';
  const approvedMs = Date.parse(approvedAt);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(approvedAt) || !Number.isFinite(approvedMs)) {
    problems.push(
      `${path}: approved_at: expected an ISO-8601 instant, got ${JSON.stringify(doc.approved_at)}`,
    );
  } else if (approvedMs > nowMs + 5 * 60_000) {
    problems.push(`${path}: approved_at: ${approvedAt} is in the future`);
  }
  if (doc.verdict !== 'PASS')
    problems.push(`${path}: verdict: expected "PASS", got ${JSON.stringify(doc.verdict)}`);
  const reportRel = typeof doc.gate_report === 'string' ? doc.gate_report : '';
  let gateReportPath = '';
  let gateReportBytes = 0;
  if (reportRel === '') {
    problems.push(`${path}: gate_report: expected the path of a parity-diff gate --json report`);
  } else {
    gateReportPath = isAbsolute(reportRel) ? reportRel : resolve(dirname(path), reportRel);
    try {
      const text = await readFile(gateReportPath, 'utf8');
      gateReportBytes = Buffer.byteLength(text);
      let report: unknown;
      try {
        report = JSON.parse(text);
      } catch {
        problems.push(
          `gate report ${gateReportPath}: not JSON (expected the output of parity-diff gate --json)`,
        );
      }
      if (report !== undefined) {
        const r = report as Record<string, unknown>;
        if (isObject(r) && r.tool !== undefined && r.tool !== 'parity-diff') {
          problems.push(`gate report ${gateReportPath}: tool is ${JSON.stringify(r.tool)}, not parity-diff`);
        }
        if (isObject(r) && r.command !== undefined && r.command !== 'gate') {
          problems.push(
            `gate report ${gateReportPath}: command is ${JSON.stringify(r.command)}; the approval needs a gate report`,
          );
        }
        const verdict = gateVerdictOf(report);
        if (verdict === null) problems.push(`gate report ${gateReportPath}: no verdict found`);
        else if (verdict !== 'PASS')
          problems.push(`gate report ${gateReportPath}: verdict is ${verdict}, not PASS`);
      }
    } catch (error) {
      problems.push(
        `gate report ${gateReportPath}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  }
  if (problems.length > 0) throw new ApprovalError(problems);
  return { approvedBy, approvedAt, gateReportPath, verdict: 'PASS', gateReportBytes };
}
