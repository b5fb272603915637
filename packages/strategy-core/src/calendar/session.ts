import type { CalendarExtras } from '../config/schema.js';
import type { IsoUtc, TradeDate } from '../domain/types.js';
import { civilFromDays, formatDay, MS_PER_DAY, MS_PER_MINUTE, parseTradeDate, weekdayOf } from './civil.js';
import { nyMinuteToUtcMs, nyUtcOffsetMinutes, parseHhmm, toIsoUtc } from './new-york-time.js';
import { builtInSpecialDays, EARLY_CLOSE_TIME } from './nyse.js';

/** Regular session bounds of one trade date. */
export interface SessionBounds {
  openMs: number;
  closeMs: number;
  earlyClose: boolean;
}

const OPEN_MINUTE = 9 * 60 + 30;
const CLOSE_MINUTE = 16 * 60;
const EARLY_CLOSE_MINUTE = parseHhmm(EARLY_CLOSE_TIME);
/** Expiry-day settlement reference for T: 16:00 New York, also on early-close days. */
const EXPIRY_MINUTE = CLOSE_MINUTE;
const MINUTES_PER_YEAR = 525_600;
/** Long enough for any configured run of closures; a longer gap means a broken calendar. */
const MAX_SEARCH_DAYS = 3_660;

interface CalendarView {
  closures: ReadonlySet<number> | null;
  earlyCloses: ReadonlySet<number> | null;
  sessions: Map<number, SessionBounds | null>;
}

const baseView: CalendarView = { closures: null, earlyCloses: null, sessions: new Map() };
const extrasViews = new WeakMap<object, CalendarView>();
const MAX_SESSIONS_MEMO = 50_000;

function toDaySet(dates: readonly string[], what: string): ReadonlySet<number> | null {
  if (dates.length === 0) return null;
  return new Set(dates.map((d) => parseTradeDate(d, what)));
}

/** Sessions are cached per date and per extras object, so repeated calls are a map lookup. */
function viewFor(extras: CalendarExtras | undefined): CalendarView {
  if (!extras || (extras.extra_closures.length === 0 && extras.extra_early_closes.length === 0))
    return baseView;
  let view = extrasViews.get(extras);
  if (!view) {
    view = {
      closures: toDaySet(extras.extra_closures, 'calendar.extra_closures date'),
      earlyCloses: toDaySet(extras.extra_early_closes, 'calendar.extra_early_closes date'),
      sessions: new Map(),
    };
    extrasViews.set(extras, view);
  }
  return view;
}

function computeSession(dayNumber: number, view: CalendarView): SessionBounds | null {
  const wd = weekdayOf(dayNumber);
  if (wd === 0 || wd === 6) return null;
  if (view.closures?.has(dayNumber)) return null;
  const rule = builtInSpecialDays(civilFromDays(dayNumber).year).get(dayNumber);
  if (rule?.kind === 'closed') return null;
  let closeMinute = CLOSE_MINUTE;
  if (rule?.kind === 'early_close') closeMinute = parseHhmm(rule.closeTime ?? EARLY_CLOSE_TIME);
  else if (view.earlyCloses?.has(dayNumber)) closeMinute = EARLY_CLOSE_MINUTE;
  return Object.freeze({
    openMs: nyMinuteToUtcMs(dayNumber, OPEN_MINUTE),
    closeMs: nyMinuteToUtcMs(dayNumber, closeMinute),
    earlyClose: closeMinute !== CLOSE_MINUTE,
  });
}

function sessionOfDay(dayNumber: number, view: CalendarView): SessionBounds | null {
  const cached = view.sessions.get(dayNumber);
  if (cached !== undefined) return cached;
  const session = computeSession(dayNumber, view);
  if (view.sessions.size >= MAX_SESSIONS_MEMO) view.sessions.clear();
  view.sessions.set(dayNumber, session);
  return session;
}

/** Regular session of a trade date in epoch ms, or null when the exchange is closed all day. */
export function sessionBoundsMs(tradeDate: TradeDate, extras?: CalendarExtras): SessionBounds | null {
  return sessionOfDay(parseTradeDate(tradeDate), viewFor(extras));
}

/** Regular session of a trade date as ISO UTC strings, or null when closed. */
export function sessionFor(
  tradeDate: TradeDate,
  extras?: CalendarExtras,
): { open: IsoUtc; close: IsoUtc } | null {
  const bounds = sessionBoundsMs(tradeDate, extras);
  return bounds ? { open: toIsoUtc(bounds.openMs), close: toIsoUtc(bounds.closeMs) } : null;
}

export function isTradingDay(date: TradeDate, extras?: CalendarExtras): boolean {
  return sessionBoundsMs(date, extras) !== null;
}

function nyDayNumberOf(tMs: number): number {
  return Math.floor((tMs + nyUtcOffsetMinutes(tMs) * MS_PER_MINUTE) / MS_PER_DAY);
}

/** True while the regular session is open: open <= t < close. */
export function isSessionOpen(tMs: number, extras?: CalendarExtras): boolean {
  const session = sessionOfDay(nyDayNumberOf(tMs), viewFor(extras));
  return session !== null && tMs >= session.openMs && tMs < session.closeMs;
}

/** The first session open strictly after `tMs`. */
export function nextSessionOpenMs(tMs: number, extras?: CalendarExtras): number {
  const view = viewFor(extras);
  const firstDay = nyDayNumberOf(tMs);
  for (let day = firstDay; day <= firstDay + MAX_SEARCH_DAYS; day++) {
    const session = sessionOfDay(day, view);
    if (session && session.openMs > tMs) return session.openMs;
  }
  throw new RangeError(`calendar: no session open within ${MAX_SEARCH_DAYS} days after ${toIsoUtc(tMs)}`);
}

/** Calendar days from the trade date to the expiration date (0 on expiration day, negative after). */
export function dte(tradeDate: TradeDate, expiry: TradeDate): number {
  return parseTradeDate(expiry, 'expiry') - parseTradeDate(tradeDate);
}

export function addDays(date: TradeDate, days: number): TradeDate {
  if (!Number.isInteger(days))
    throw new RangeError(`calendar: days must be an integer, received ${String(days)}`);
  return formatDay(parseTradeDate(date) + days);
}

const expiryCloseMemo = new Map<TradeDate, number>();

/** T for option math: minutes from now to 16:00 New York on the expiry, over 525,600; at least 1 minute. */
export function yearFractionToExpiry(nowMs: number, expiry: TradeDate): number {
  let closeMs = expiryCloseMemo.get(expiry);
  if (closeMs === undefined) {
    closeMs = nyMinuteToUtcMs(parseTradeDate(expiry, 'expiry'), EXPIRY_MINUTE);
    if (expiryCloseMemo.size >= MAX_SESSIONS_MEMO) expiryCloseMemo.clear();
    expiryCloseMemo.set(expiry, closeMs);
  }
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
    throw new RangeError(`calendar: nowMs must be a finite epoch-ms number, received ${String(nowMs)}`);
  }
  const minutes = (closeMs - nowMs) / MS_PER_MINUTE;
  return Math.max(minutes, 1) / MINUTES_PER_YEAR;
}
