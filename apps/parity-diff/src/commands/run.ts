/** compare, compare-equity and gate: one streaming analysis, then the checks each command asks for. */
import { analyze } from '../analyze/analyze.js';
import type { RunArgs } from '../cli.js';
import type { ParityDiffReport } from '../report/types.js';
import { charts, compareChecks, equityCheck, gateItems, inputSummary } from './checks.js';

export interface RunHooks {
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

export async function runParityDiff(args: RunArgs, hooks: RunHooks = {}): Promise<ParityDiffReport> {
  const wantScans = args.command !== 'compare-equity';
  const analysis = await analyze({
    candidate: args.candidate,
    reference: args.reference,
    toleranceSeconds: args.toleranceSeconds,
    intervalMinutes: args.intervalMinutes,
    liveScenario: args.liveScenario,
    // compare also reads comparison records when present, for the equity chart only.
    want: { scans: wantScans, equity: true },
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  });
  const checks = [];
  let gate = null;
  if (args.command === 'compare') {
    checks.push(...compareChecks(analysis, args.strict));
  } else if (args.command === 'compare-equity') {
    const c = analysis.candidate.badLines.count;
    const r = analysis.reference.badLines.count;
    checks.push(
      {
        id: 'malformed_lines',
        title: 'malformed lines (excluded; a failure with --strict)',
        pass: !args.strict || (c === 0 && r === 0),
        summary: `candidate ${c}, reference ${r}${args.strict ? ' (strict)' : ''}`,
        details: { strict: args.strict, candidate: c, reference: r },
      },
      equityCheck(analysis),
    );
  } else {
    const compare = compareChecks(analysis, args.strict);
    const equity = equityCheck(analysis);
    checks.push(...compare, equity);
    gate = gateItems(analysis, compare, equity);
  }
  const pass = (gate ?? checks).every((c) => c.pass);
  return {
    tool: 'parity-diff',
    report_version: 1,
    command: args.command,
    pass,
    exit_code: pass ? 0 : 1,
    options: {
      tolerance_seconds: args.toleranceSeconds,
      interval_minutes: args.intervalMinutes,
      strict: args.strict,
      live_scenario: args.liveScenario,
    },
    inputs: { candidate: inputSummary(analysis.candidate), reference: inputSummary(analysis.reference) },
    checks,
    gate,
    charts: charts(analysis),
  };
}
