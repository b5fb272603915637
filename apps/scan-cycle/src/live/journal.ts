import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IntentJournal, JournalEntry } from '@aegis/broker-saxo';
import type { CloseReason } from '@aegis/strategy-core';
import { writeFileAtomic } from '../state/atomic.js';

export const JOURNAL_FILE = 'intents.json';

/** Entries kept after they reached a final state, for read-back and audit. */
const KEEP_FINAL_ENTRIES = 500;
const FINAL = new Set(['filled', 'rejected', 'absent']);

export interface FileIntentJournal extends IntentJournal {
  readonly path: string;
  entries(): JournalEntry[];
  /**
   * Why a closing intent is sent, written (durably) before the order so a fill adopted after a restart
   * closes the position with the right reason.
   */
  noteCloseReason(intentId: string, reason: CloseReason): Promise<void>;
  closeReasonOf(intentId: string): CloseReason | undefined;
}

/**
 * The live intent journal: a JSON file in the state directory rewritten atomically (fsynced) on every
 * change, so an intent is durable before its order is sent.
 */
export async function openIntentJournal(stateDir: string): Promise<FileIntentJournal> {
  const path = join(stateDir, JOURNAL_FILE);
  let map = new Map<string, JournalEntry>();
  const closeReasons = new Map<string, CloseReason>();
  /** The note written just before its intent is recorded: kept although no entry holds it yet. */
  let latestNote: string | null = null;
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as {
      entries?: JournalEntry[];
      closeReasons?: Record<string, CloseReason>;
    };
    for (const e of parsed.entries ?? []) map.set(e.intent.intentId, e);
    for (const [id, r] of Object.entries(parsed.closeReasons ?? {})) closeReasons.set(id, r);
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
    for (const id of closeReasons.keys()) if (!map.has(id) && id !== latestNote) closeReasons.delete(id);
    await writeFileAtomic(
      path,
      `${JSON.stringify({ version: 1, entries: [...map.values()], closeReasons: Object.fromEntries(closeReasons) })}\n`,
    );
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
    async noteCloseReason(intentId, reason) {
      if (closeReasons.get(intentId) === reason) return;
      closeReasons.set(intentId, reason);
      latestNote = intentId;
      await persist();
    },
    closeReasonOf: (intentId) => closeReasons.get(intentId),
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
