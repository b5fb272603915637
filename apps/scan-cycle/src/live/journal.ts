import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IntentJournal, JournalEntry } from '@aegis/broker-saxo';
import { writeFileAtomic } from '../state/atomic.js';

export const JOURNAL_FILE = 'intents.json';

/** Entries kept after they reached a final state, for read-back and audit. */
const KEEP_FINAL_ENTRIES = 500;
const FINAL = new Set(['filled', 'rejected', 'absent']);

export interface FileIntentJournal extends IntentJournal {
  readonly path: string;
  entries(): JournalEntry[];
}

/**
 * The live intent journal: a JSON file in the state directory rewritten atomically (fsynced) on every
 * change, so an intent is durable before its order is sent.
 */
export async function openIntentJournal(stateDir: string): Promise<FileIntentJournal> {
  const path = join(stateDir, JOURNAL_FILE);
  let map = new Map<string, JournalEntry>();
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { entries?: JournalEntry[] };
    for (const e of parsed.entries ?? []) map.set(e.intent.intentId, e);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `intent journal ${path}: unreadable (${(error as Error).message}); refusing to trade without it`,
      );
    }
  }
  const persist = async () => {
    const all = [...map.values()];
    const final = all.filter((e) => FINAL.has(e.state));
    if (final.length > KEEP_FINAL_ENTRIES) {
      const drop = new Set(
        final
          .sort((a, b) => a.updatedAtMs - b.updatedAtMs)
          .slice(0, final.length - KEEP_FINAL_ENTRIES)
          .map((e) => e.intent.intentId),
      );
      map = new Map(all.filter((e) => !drop.has(e.intent.intentId)).map((e) => [e.intent.intentId, e]));
    }
    await writeFileAtomic(path, `${JSON.stringify({ version: 1, entries: [...map.values()] })}\n`);
  };
  const update = async (intentId: string, patch: Partial<JournalEntry>) => {
    const current = map.get(intentId);
    if (current === undefined) throw new Error(`intent journal: unknown intent ${intentId}`);
    map.set(intentId, { ...current, ...patch });
    await persist();
  };
  return {
    path,
    entries: () => [...map.values()],
    async get(intentId) {
      return map.get(intentId);
    },
    async record(intent) {
      map.set(intent.intentId, {
        intent,
        state: 'recorded',
        orderId: null,
        reason: null,
        updatedAtMs: intent.recordedAtMs,
      });
      await persist();
    },
    async markSent(intentId, sent) {
      await update(intentId, { state: 'sent', orderId: sent.orderId, updatedAtMs: sent.atMs });
    },
    async markOutcome(intentId, outcome) {
      await update(intentId, {
        state: outcome.state,
        reason: outcome.reason,
        updatedAtMs: outcome.atMs,
        ...(outcome.orderId === null ? {} : { orderId: outcome.orderId }),
      });
    },
  };
}
