/** The crash oracles must catch what they claim to catch: duplicates, gaps and re-used intent ids. */
import { describe, expect, it } from 'vitest';
import { auditIntentIds, scanCountProblems } from './lib/oracle.js';

const entry = (intent_id: string, status: string, strike = 500) => ({
  scenario: 'LT_RC',
  underlying: 'SPY',
  expiry: '2026-05-15',
  short_strike: strike,
  long_strike: strike - 5,
  status,
  intent_id,
});
const scan = (n: number, entries: object[]) => ({
  scan_count: n,
  entries_proposed: entries,
  exits_proposed: [],
});

describe('crash oracles', () => {
  it('scan_count: a repeat and a gap are both reported', () => {
    expect(scanCountProblems([{ scan_count: 1 }, { scan_count: 2 }, { scan_count: 2 }])).toEqual([
      'scan_count 2 appears twice',
      'record 3 has scan_count 2',
    ]);
    expect(scanCountProblems([{ scan_count: 1 }, { scan_count: 3 }])).toEqual(['record 2 has scan_count 3']);
    expect(scanCountProblems([{ scan_count: 1 }, { scan_count: 2 }])).toEqual([]);
  });

  it('intent ids: a rejected precheck proposed again keeps its id; taking an id twice is a violation', () => {
    const ok = auditIntentIds([
      scan(1, [entry('A:1', 'precheck_rejected')]),
      scan(2, [entry('A:1', 'precheck_rejected')]),
      scan(3, [entry('A:1', 'precheck_ok')]),
      scan(4, [entry('A:2', 'blocked')]),
      scan(5, [entry('A:2', 'blocked')]),
    ]);
    expect(ok).toEqual({ distinct: 2, reproposals: 3, afterRejectedPrecheck: 2, violations: [] });

    const twice = auditIntentIds([
      scan(1, [entry('A:1', 'paper_filled')]),
      scan(2, [entry('A:1', 'paper_filled')]),
    ]);
    expect(twice.violations).toEqual([
      'scan 2: A:1 proposed again after paper_filled (a duplicate decision)',
      'scan 2: A:1 taken twice',
    ]);
    const shared = auditIntentIds([
      scan(1, [entry('A:1', 'blocked', 500)]),
      scan(2, [entry('A:1', 'blocked', 510)]),
    ]);
    expect(shared.violations).toEqual([
      'scan 2: A:1 names two decisions (LT_RC|SPY|2026-05-15|500|495|open / LT_RC|SPY|2026-05-15|510|505|open)',
    ]);
    const sameScan = auditIntentIds([scan(1, [entry('A:1', 'blocked'), entry('A:1', 'blocked')])]);
    expect(sameScan.violations[0]).toBe('scan 1: A:1 twice in one scan');
  });
});
