import type { IntentJournal, IntentOutcome, JournalEntry, OrderIntent } from '../orders/journal.js';

/** In-memory journal for tests and the demo. `calls` lists every write in order. */
export interface MemoryJournal extends IntentJournal {
  entries: Map<string, JournalEntry>;
  calls: Array<{ op: 'record' | 'markSent' | 'markOutcome'; intentId: string; state: string }>;
  /** Make the next `record` fail (simulates a full disk). */
  failNextRecord(): void;
}

export function createMemoryJournal(): MemoryJournal {
  const entries = new Map<string, JournalEntry>();
  const calls: MemoryJournal['calls'] = [];
  let failRecord = false;
  const clone = (entry: JournalEntry): JournalEntry => structuredClone(entry);
  return {
    entries,
    calls,
    failNextRecord() {
      failRecord = true;
    },
    async get(intentId) {
      const entry = entries.get(intentId);
      return entry ? clone(entry) : undefined;
    },
    async record(intent: OrderIntent) {
      if (failRecord) {
        failRecord = false;
        throw new Error('ENOSPC: no space left on device');
      }
      entries.set(intent.intentId, {
        intent: structuredClone(intent),
        state: 'recorded',
        orderId: null,
        reason: null,
        updatedAtMs: intent.recordedAtMs,
      });
      calls.push({ op: 'record', intentId: intent.intentId, state: 'recorded' });
    },
    async markSent(intentId, sent) {
      const entry = entries.get(intentId);
      if (!entry) throw new Error(`journal: unknown intent ${intentId}`);
      Object.assign(entry, { state: 'sent', orderId: sent.orderId, reason: null, updatedAtMs: sent.atMs });
      calls.push({ op: 'markSent', intentId, state: 'sent' });
    },
    async markOutcome(intentId, outcome: IntentOutcome) {
      const entry = entries.get(intentId);
      if (!entry) throw new Error(`journal: unknown intent ${intentId}`);
      Object.assign(entry, {
        state: outcome.state,
        orderId: outcome.orderId ?? entry.orderId,
        reason: outcome.reason,
        updatedAtMs: outcome.atMs,
      });
      calls.push({ op: 'markOutcome', intentId, state: outcome.state });
    },
  };
}
