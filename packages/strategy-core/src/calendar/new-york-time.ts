import type { IsoUtc, TradeDate } from '../domain/types.js';
import {
  civilFromDays,
  formatDay,
  MINUTES_PER_DAY,
  MS_PER_DAY,
  MS_PER_MINUTE,
  nthWeekdayOfMonth,
  parseTradeDate,
} from './civil.js';

/**
 * America/New_York wall-clock time by the US daylight-saving rules, without Intl: the engine must
 * give the same answer in Node, Deno and a browser whatever their time-zone database.
 *
 * - 2007 onward: EDT from the second Sunday of March 02:00 EST to the first Sunday of November 02:00 EDT.
 * - 1987–2006: first Sunday of April to the last Sunday of October (earlier years use this rule too).
 */

const EST_OFFSET_MIN = -300;
const EDT_OFFSET_MIN = -240;
const SUNDAY = 0;

interface DstWindow {
  startMs: number;
  endMs: number;
}

const dstMemo = new Map<number, DstWindow>();

function dstWindow(year: number): DstWindow {
  const cached = dstMemo.get(year);
  if (cached) return cached;
  const startDay =
    year >= 2007 ? nthWeekdayOfMonth(year, 3, SUNDAY, 2) : nthWeekdayOfMonth(year, 4, SUNDAY, 1);
  const endDay =
    year >= 2007 ? nthWeekdayOfMonth(year, 11, SUNDAY, 1) : nthWeekdayOfMonth(year, 10, SUNDAY, -1);
  // 02:00 EST = 07:00 UTC; 02:00 EDT = 06:00 UTC.
  const window = {
    startMs: startDay * MS_PER_DAY + 7 * 3_600_000,
    endMs: endDay * MS_PER_DAY + 6 * 3_600_000,
  };
  dstMemo.set(year, window);
  return window;
}

function assertFiniteMs(tMs: number, what: string): void {
  if (typeof tMs !== 'number' || !Number.isFinite(tMs)) {
    throw new RangeError(`calendar: ${what} must be a finite epoch-ms number, received ${String(tMs)}`);
  }
}

/** UTC offset of New York at an instant, in minutes (-240 in summer, -300 in winter). */
export function nyUtcOffsetMinutes(tMs: number): number {
  assertFiniteMs(tMs, 'instant');
  // DST never starts or ends near New Year, so the UTC year picks the right window.
  const year = civilFromDays(Math.floor(tMs / MS_PER_DAY)).year;
  const { startMs, endMs } = dstWindow(year);
  return tMs >= startMs && tMs < endMs ? EDT_OFFSET_MIN : EST_OFFSET_MIN;
}

const nyLocalMs = (tMs: number): number => tMs + nyUtcOffsetMinutes(tMs) * MS_PER_MINUTE;

function toEpochMs(t: IsoUtc | number): number {
  if (typeof t === 'number') {
    assertFiniteMs(t, 'instant');
    return t;
  }
  // Only explicit UTC (Z) or offset forms: a zone-less string would be read in the host's zone.
  if (
    typeof t !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(t)
  ) {
    throw new RangeError(
      `calendar: invalid ISO-8601 UTC instant ${JSON.stringify(t)} (expected e.g. 2026-04-10T14:30:45.123Z)`,
    );
  }
  const ms = Date.parse(t);
  if (!Number.isFinite(ms))
    throw new RangeError(`calendar: invalid ISO-8601 UTC instant ${JSON.stringify(t)}`);
  return ms;
}

/** The America/New_York calendar date of an instant. */
export function tradeDateOf(t: IsoUtc | number): TradeDate {
  return formatDay(Math.floor(nyLocalMs(toEpochMs(t)) / MS_PER_DAY));
}

/** Whole wall-clock minutes since New York midnight (0–1439) at an instant. */
export function nyMinuteOfDay(tMs: number): number {
  const local = nyLocalMs(tMs);
  return Math.floor((local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY) / MS_PER_MINUTE);
}

/** `HH:MM` (00:00–23:59) to minutes since midnight; throws on anything else. */
export function parseHhmm(hhmm: string): number {
  const m = typeof hhmm === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm) : null;
  if (!m)
    throw new RangeError(`calendar: invalid time ${JSON.stringify(hhmm)} (expected HH:MM, 00:00–23:59)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Epoch ms of a New York wall-clock minute on a day number. */
export function nyMinuteToUtcMs(dayNumber: number, minuteOfDay: number): number {
  const localMs = (dayNumber * MINUTES_PER_DAY + minuteOfDay) * MS_PER_MINUTE;
  const asEdt = localMs - EDT_OFFSET_MIN * MS_PER_MINUTE;
  // Ambiguous fall-back hour: the first (EDT) occurrence. Spring-forward gap: shifted forward by an hour.
  return nyUtcOffsetMinutes(asEdt) === EDT_OFFSET_MIN ? asEdt : localMs - EST_OFFSET_MIN * MS_PER_MINUTE;
}

/** New York wall-clock time `HH:MM` on a trade date, as epoch ms. */
export function nyTimeToUtcMs(date: TradeDate, hhmm: string): number {
  return nyMinuteToUtcMs(parseTradeDate(date), parseHhmm(hhmm));
}

/** `2026-04-10T14:30:45.123Z` */
export function toIsoUtc(tMs: number): IsoUtc {
  assertFiniteMs(tMs, 'instant');
  return new Date(tMs).toISOString();
}
