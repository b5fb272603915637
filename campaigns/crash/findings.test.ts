/**
 * Regression tests of two fixed live-mode crash bugs (README, findings 4 and 5): a position booked with
 * no order at the broker after a kill between journaling and sending, and a halt at restart when the
 * broker had already filled the in-flight order. The service now books only confirmed fills, and a
 * restart waits out the broker's 15 s read-back settle window, reads the in-flight intent back and
 * adopts its fill before reconciling (SPEC 8.3).
 *
 * Each restart waits out that window in wall time, so the two sessions run concurrently: ~23 s, not 45.
 */
import { afterAll, describe, it } from 'vitest';
import { writeLiveApproval } from './lib/approval.js';
import { bookVersusBroker, runLiveTrial } from './lib/live.js';
import { type JsonRecord, ofKind, readJsonFile, removeTempRoots, tempRoot } from './lib/service.js';

afterAll(removeTempRoots);

async function oneKill(kind: 'journaled-not-sent' | 'sent-no-response') {
  const root = await tempRoot(`finding-${kind}`);
  const approval = await writeLiveApproval(root, 1);
  const r = await runLiveTrial({ root, seed: 1, kind, skip: 0, scans: 4, approvalPath: approval.path });
  const state = await readJsonFile<{ engine: { scenarios: Record<string, { open: JsonRecord[] }> } }>(
    r.dirs.statePath,
  );
  const killed = new Set((r.kill?.inFlight ?? []).map((e) => e.intentId));
  return {
    r,
    positions: bookVersusBroker(state, 'LT_RC', r.broker.positions),
    halts: ofKind(r.log, 'breaker').filter((b) => b.scenario === 'LT_RC' && b.to === 'halted'),
    /** Broker orders carrying the id of an intent that was in flight when the process died. */
    ordersOfKilledIntents: r.broker.orders.filter((o) => killed.has(o.externalReference ?? '')).length,
    /** Ids the book holds for the live-capable scenario. */
    bookedIntents: JSON.stringify(state?.engine.scenarios.LT_RC ?? {}),
    killed: [...killed],
  };
}

describe.concurrent('live crash regressions', () => {
  it('killed after journaling an intent and before sending it, then restarted at once: no position is booked without an order', {
    timeout: 90_000,
  }, async ({ expect }) => {
    const { r, positions, halts, ordersOfKilledIntents, bookedIntents, killed } =
      await oneKill('journaled-not-sent');
    expect(r.kill?.inFlight.some((e) => e.state === 'recorded')).toBe(true);
    expect(r.kill?.ordersAtBroker).toBe(0);
    // Before the fix the restart booked the intent as `submitted` while the broker had nothing. Now it is
    // read back after the settle window, found absent and sent once by the next scan, and booked as filled.
    expect(ordersOfKilledIntents).toBe(1);
    for (const id of killed) expect(bookedIntents).toContain(JSON.stringify(id));
    expect(Object.keys(positions.broker).length).toBeGreaterThan(0);
    expect(positions.book).toEqual(positions.broker);
    expect(halts.map((h) => h.cause)).toEqual([]);
    expect(r.finalStdout).toContain('startup reconciliation: broker matches the book');
  });

  it('killed after the order reached the broker and before its response: the restart adopts the fill instead of halting', {
    timeout: 90_000,
  }, async ({ expect }) => {
    const { r, positions, halts, ordersOfKilledIntents, bookedIntents, killed } =
      await oneKill('sent-no-response');
    expect(r.kill?.ordersAtBroker).toBe(1);
    // Before the fix startup reconciliation compared the broker with the book before reading the
    // in-flight intent back, so the filled order was a mismatch and the live-capable scenario halted.
    expect(halts.map((h) => h.cause)).toEqual([]);
    expect(ordersOfKilledIntents).toBe(1);
    for (const id of killed) expect(bookedIntents).toContain(JSON.stringify(id));
    const adoptions = ofKind(r.log, 'scan').flatMap((s) =>
      (s.errors as JsonRecord[]).filter((e) => e.code === 'adopted_fill').map((e) => String(e.message)),
    );
    expect(adoptions.filter((m) => killed.some((id) => m.startsWith(`${id}: opening fill`)))).toHaveLength(1);
    expect(positions.book).toEqual(positions.broker);
    expect(r.finalStdout).toContain('startup reconciliation: broker matches the book');
  });
});
