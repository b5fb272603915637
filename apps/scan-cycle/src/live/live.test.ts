import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenPosition } from '@aegis/strategy-core';
import { describe, expect, it } from 'vitest';
import { reconcilePositions } from '../broker.js';
import { validateLiveApproval } from './approval.js';
import { openIntentJournal } from './journal.js';

describe('validateLiveApproval', () => {
  it('accepts a complete record naming a passing gate report (relative path)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scan-cycle-approval-'));
    await writeFile(
      join(dir, 'gate.json'),
      JSON.stringify({ tool: 'parity-diff', command: 'gate', pass: true, gate: [] }),
    );
    await writeFile(
      join(dir, 'approval.json'),
      JSON.stringify({
        approved_by: 'A. Risk',
        approved_at: '2026-04-20T16:00:00.000Z',
        gate_report: 'gate.json',
        verdict: 'PASS',
      }),
    );
    const a = await validateLiveApproval(join(dir, 'approval.json'), Date.parse('2026-04-21T13:00:00Z'));
    expect(a).toMatchObject({
      approvedBy: 'A. Risk',
      gateReportPath: join(dir, 'gate.json'),
      verdict: 'PASS',
    });
  });

  it('refuses a compare report, a future approval and a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scan-cycle-approval-'));
    await writeFile(
      join(dir, 'gate.json'),
      JSON.stringify({ tool: 'parity-diff', command: 'compare', pass: true }),
    );
    await writeFile(
      join(dir, 'approval.json'),
      JSON.stringify({
        approved_by: 'A',
        approved_at: '2030-01-01T00:00:00Z',
        gate_report: join(dir, 'gate.json'),
        verdict: 'PASS',
      }),
    );
    const e = await validateLiveApproval(
      join(dir, 'approval.json'),
      Date.parse('2026-04-21T13:00:00Z'),
    ).catch((x: Error) => x);
    expect((e as unknown as { problems: string[] }).problems).toEqual([
      `${join(dir, 'approval.json')}: approved_at: 2030-01-01T00:00:00Z is in the future`,
      `gate report ${join(dir, 'gate.json')}: command is "compare"; the approval needs a gate report`,
    ]);
    await expect(validateLiveApproval(join(dir, 'nope.json'), 0)).rejects.toThrow(/does not exist/);
  });
});

const position = (over: Partial<OpenPosition>): OpenPosition => ({
  scenario: 'LT_RC',
  underlying: 'SPY',
  optionType: 'put',
  expiry: '2026-05-15',
  shortStrike: 495,
  longStrike: 490,
  shortTicker: 'O:SPY260515P00495000',
  longTicker: 'O:SPY260515P00490000',
  positionSeq: 1,
  intentId: 'LT_RC:2026-04-10:SPY:20260515:495:490:open:1',
  quantity: 3,
  width: 5,
  entryCredit: 1.5,
  entryFees: 3.9,
  openedAt: '2026-04-10T14:00:00.000Z',
  openedTradeDate: '2026-04-10',
  lastMark: null,
  lastMarkAt: null,
  bookedAs: 'filled',
  ...over,
});

describe('reconcilePositions', () => {
  it('names every difference between the book and the broker', () => {
    const book = [
      position({}),
      position({ underlying: 'QQQ', shortStrike: 420, longStrike: 415, quantity: 2 }),
    ];
    const broker = {
      spreads: [
        { ...position({ quantity: 2 }), externalReference: null, shortUic: 1, longUic: 2, openCredit: 1.5 },
        {
          ...position({ underlying: 'IWM', shortStrike: 200, longStrike: 197, quantity: 1 }),
          externalReference: null,
          shortUic: 3,
          longUic: 4,
          openCredit: null,
        },
      ],
      unpaired: [
        {
          uic: 9,
          root: 'SPY',
          underlying: 'SPY',
          expiry: '2026-05-15',
          putCall: 'Put' as const,
          strike: 480,
          amount: -1,
          openPrice: 1,
          externalReference: null,
          sourceOrderId: null,
        },
      ],
    };
    expect(reconcilePositions(book, broker).map((d) => d.detail)).toEqual([
      'book holds 3 x SPY 2026-05-15 495/490, broker holds 2',
      'book holds 2 x QQQ 2026-05-15 420/415, broker holds none',
      'broker holds 1 x IWM 2026-05-15 200/197, book holds none',
      'broker leg uic 9 (SPY 2026-05-15 Put 480) amount -1 pairs with no spread',
    ]);
    expect(reconcilePositions(book, { spreads: [], unpaired: [] })).toHaveLength(2);
    expect(reconcilePositions([], { spreads: [], unpaired: [] })).toEqual([]);
  });
});

describe('intent journal', () => {
  it('is durable across reopen and tracks each intent state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scan-cycle-journal-'));
    const j = await openIntentJournal(dir);
    const p = position({});
    await j.record({
      intentId: p.intentId,
      side: 'open',
      spread: p,
      quantity: 3,
      limitPrice: 1.5,
      shortUic: 1,
      longUic: 2,
      recordedAtMs: 1,
      attempt: 1,
    });
    await j.markSent(p.intentId, { orderId: 'o-1', atMs: 2 });
    const again = await openIntentJournal(dir);
    expect(await again.get(p.intentId)).toMatchObject({ state: 'sent', orderId: 'o-1', updatedAtMs: 2 });
    await again.markOutcome(p.intentId, { state: 'filled', orderId: 'o-1', reason: null, atMs: 3 });
    expect((await (await openIntentJournal(dir)).get(p.intentId))?.state).toBe('filled');
  });
});
