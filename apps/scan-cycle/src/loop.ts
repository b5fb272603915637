/**
 * The calendar-aware scan loop: scans only while the regular session is open, sleeps (or, on a
 * virtual clock, jumps) to the next open otherwise, and stops on a signal, `--once`, `--max-scans`
 * or, for the demo, at the end of the session.
 */
import { type CalendarExtras, isSessionOpen, nextSessionOpenMs, toIsoUtc } from '@aegis/strategy-core';
import type { Logger } from 'pino';
import type { LoopClock } from './clock.js';
import type { Cycle, ScanResultKind } from './cycle.js';
import type { HealthState, ScanMetrics } from './health.js';

export type StopReason = 'signal' | 'once' | 'max_scans' | 'session_end' | 'replay_end' | 'fatal';

export interface LoopOptions {
  cycle: Cycle;
  clock: LoopClock;
  calendar: CalendarExtras;
  intervalSec: number;
  /** The first scan time: the clock's now, or the resume instant on a virtual clock. */
  firstScanMs: number;
  once: boolean;
  maxScans: number | null;
  /** Stop when the session the loop started in has closed (the demo's one trading day). */
  stopAtSessionEnd: boolean;
  /** Stop once the clock passes this instant (the end of a replayed recording). */
  stopAfterMs: number | null;
  signal: AbortSignal;
  haltRequested: () => Promise<boolean>;
  logger: Logger;
  metrics: ScanMetrics;
  health: HealthState;
  /** Called after every scan (success or not), e.g. for progress output. */
  onScan?: (result: ScanResultKind, tMs: number) => void;
  /** Consecutive scans that could not be made durable before the loop gives up. */
  maxDurabilityFailures?: number;
}

export interface LoopResult {
  reason: StopReason;
  scans: number;
  detail: string | null;
}

export async function runLoop(options: LoopOptions): Promise<LoopResult> {
  const { clock, logger, calendar, health, signal } = options;
  const intervalMs = options.intervalSec * 1000;
  const maxFailures = options.maxDurabilityFailures ?? 5;
  let scans = 0;
  let durabilityFailures = 0;
  let sessionSeen = false;
  let t = options.firstScanMs;
  if (clock.kind === 'virtual') await clock.sleepUntil(t, signal);

  while (!signal.aborted) {
    if (options.maxScans !== null && scans >= options.maxScans)
      return { reason: 'max_scans', scans, detail: null };
    if (clock.kind === 'real') t = clock.nowMs();
    if (options.stopAfterMs !== null && t > options.stopAfterMs)
      return { reason: 'replay_end', scans, detail: null };

    if (!isSessionOpen(t, calendar)) {
      health.sessionOpen = false;
      if (sessionSeen && options.stopAtSessionEnd) return { reason: 'session_end', scans, detail: null };
      const nextOpen = nextSessionOpenMs(t, calendar);
      health.nextOpenMs = nextOpen;
      if (options.once) {
        logger.info(
          { now: toIsoUtc(t), next_open: toIsoUtc(nextOpen) },
          'session closed: --once makes no scan',
        );
        return { reason: 'once', scans, detail: 'session closed' };
      }
      logger.info(
        { now: toIsoUtc(t), next_open: toIsoUtc(nextOpen) },
        'session closed: sleeping until the next open',
      );
      await clock.sleepUntil(nextOpen, signal);
      t = nextOpen;
      continue;
    }
    sessionSeen = true;
    health.sessionOpen = true;
    health.nextOpenMs = null;

    const halt = await options.haltRequested();
    const result = await options.cycle.scan(t, halt);
    scans++;
    health.lastScanAtMs = t;
    if (result.ok) {
      durabilityFailures = 0;
      health.lastSuccessfulScanAtMs = t;
      health.scanCount = result.outcome.scanCount;
      health.breakers = result.outcome.breaker;
      health.degradedReason = null;
      options.metrics.observeScan(result.outcome, result.durationMs);
      logger.info(
        {
          scan_count: result.outcome.scanCount,
          ts: result.outcome.ts,
          vix: result.outcome.vix,
          entries: result.outcome.decisions.entries.length,
          exits: result.outcome.decisions.exits.length,
          errors: result.outcome.errors.length,
          global: result.outcome.breaker.global,
          duration_ms: Math.round(result.durationMs),
          fetch_ms: Math.round(result.timings.fetchMs),
        },
        'scan',
      );
    } else {
      options.metrics.scanFailed();
      health.degradedReason = `${result.reason}: ${result.message}`;
      if (result.reason !== 'engine_error') durabilityFailures++;
      logger.error({ reason: result.reason, message: result.message }, 'scan not completed');
      if (durabilityFailures >= maxFailures) {
        return {
          reason: 'fatal',
          scans,
          detail: `${durabilityFailures} scans in a row could not be made durable (${result.reason}): ${result.message}`,
        };
      }
    }
    options.onScan?.(result, t);
    if (options.once) return { reason: 'once', scans, detail: null };

    const next = t + intervalMs;
    if (clock.kind === 'virtual') {
      t = next;
      await clock.sleepUntil(next, signal);
    } else {
      // Keep the grid; if a scan overran the interval, scan again at once rather than drifting.
      await clock.sleepUntil(Math.max(next, clock.nowMs()), signal);
    }
  }
  return { reason: 'signal', scans, detail: null };
}
