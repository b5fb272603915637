import type { SpreadLegs } from '@aegis/strategy-core';
import type { SpreadSide } from './body.js';

/** What is about to be sent, journaled before a single byte goes to the broker. */
export interface OrderIntent {
  intentId: string;
  side: SpreadSide;
  spread: SpreadLegs;
  quantity: number;
  /** Rounded net price per share actually sent (positive). */
  limitPrice: number;
  shortUic: number;
  longUic: number;
  /** Epoch ms of the journal write. */
  recordedAtMs: number;
  /** 1 for the first send; higher only after a read-back proved no earlier order exists. */
  attempt: number;
}

/**
 * Life of an intent:
 * - `recorded`: journaled; the order may be in flight (a crash here means "maybe sent").
 * - `sent`: the broker acknowledged it with an order id (working or filled).
 * - `filled`: a read-back found it filled.
 * - `rejected`: the broker refused it, or it was never sent (reason says which); sending again is allowed.
 * - `unknown`: the outcome was lost (timeout, dropped connection, 5xx, 409); must be resolved by read-back.
 * - `absent`: a read-back proved no order exists for it; sending again is allowed.
 */
export type IntentState = 'recorded' | 'sent' | 'filled' | 'rejected' | 'unknown' | 'absent';

export interface JournalEntry {
  intent: OrderIntent;
  state: IntentState;
  orderId: string | null;
  reason: string | null;
  updatedAtMs: number;
}

export interface IntentOutcome {
  state: Exclude<IntentState, 'recorded' | 'sent'>;
  orderId: string | null;
  reason: string | null;
  atMs: number;
}

/**
 * Durable intent store the app supplies (e.g. inside its atomically written state directory).
 * Every method must have reached stable storage when its promise resolves; a rejected promise
 * stops the placement before anything is sent.
 */
export interface IntentJournal {
  get(intentId: string): Promise<JournalEntry | undefined>;
  /** New entry in state `recorded` (replaces an earlier `rejected`/`absent` entry of the same id). */
  record(intent: OrderIntent): Promise<void>;
  /** The broker acknowledged the order: state `sent`. */
  markSent(intentId: string, sent: { orderId: string; atMs: number }): Promise<void>;
  markOutcome(intentId: string, outcome: IntentOutcome): Promise<void>;
}

/** States in which the order may exist at the broker: never send again without a read-back. */
export const IN_FLIGHT_STATES: ReadonlySet<IntentState> = new Set(['recorded', 'sent', 'unknown']);
