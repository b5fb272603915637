import type { TradeDate } from '../domain/types.js';

/**
 * Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), so that the
 * calendar never depends on the host's time zone or on Intl.
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;
export const MINUTES_PER_DAY = 1_440;

/** Day number of a civil date (days since 1970-01-01; negative before). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Inverse of `daysFromCivil`. */
export function civilFromDays(dayNumber: number): CivilDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

export function daysInMonth(year: number, month: number): number {
  return (
    daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) -
    daysFromCivil(year, month, 1)
  );
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Bounded memo: the engine asks for the same few dozen dates over and over. */
const MAX_MEMO = 20_000;
const dayNumberMemo = new Map<string, number>();
const dateStringMemo = new Map<number, TradeDate>();

/** `YYYY-MM-DD` of a day number (years 0000–9999). */
export function formatDay(dayNumber: number): TradeDate {
  const cached = dateStringMemo.get(dayNumber);
  if (cached !== undefined) return cached;
  const { year, month, day } = civilFromDays(dayNumber);
  if (year < 0 || year > 9999) throw new RangeError(`calendar: year ${year} is outside 0000–9999`);
  const text = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
  if (dateStringMemo.size >= MAX_MEMO) dateStringMemo.clear();
  dateStringMemo.set(dayNumber, text);
  return text;
}

const digit = (text: string, i: number): number => text.charCodeAt(i) - 48;
const isDigitAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/**
 * Day number of a `YYYY-MM-DD` trade date. A malformed or impossible date (`2025-02-30`) is a broken
 * invariant of the caller and throws a RangeError naming the value.
 */
export function parseTradeDate(date: TradeDate, what = 'trade date'): number {
  const cached = dayNumberMemo.get(date);
  if (cached !== undefined) return cached;
  if (
    typeof date !== 'string' ||
    date.length !== 10 ||
    date.charCodeAt(4) !== 45 ||
    date.charCodeAt(7) !== 45 ||
    ![0, 1, 2, 3, 5, 6, 8, 9].every((i) => isDigitAt(date, i))
  ) {
    throw new RangeError(`calendar: invalid ${what} ${JSON.stringify(date)} (expected YYYY-MM-DD)`);
  }
  const year = digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
  const month = digit(date, 5) * 10 + digit(date, 6);
  const day = digit(date, 8) * 10 + digit(date, 9);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`calendar: invalid ${what} ${JSON.stringify(date)} (no such calendar date)`);
  }
  const dayNumber = daysFromCivil(year, month, day);
  if (dayNumberMemo.size >= MAX_MEMO) dayNumberMemo.clear();
  dayNumberMemo.set(date, dayNumber);
  return dayNumber;
}

/** True when `text` is a real `YYYY-MM-DD` calendar date. */
export function isValidTradeDate(text: string): boolean {
  try {
    parseTradeDate(text);
    return true;
  } catch {
    return false;
  }
}

/** Day number of the n-th (1-based) given weekday of a month; n = -1 is the last one. */
export function nthWeekdayOfMonth(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = daysFromCivil(year, month, 1);
    return first + ((weekday - weekdayOf(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = daysFromCivil(year, month, daysInMonth(year, month));
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

/** Easter Sunday (Gregorian; anonymous Meeus/Jones/Butcher computus) as a day number. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return daysFromCivil(year, month, day);
}
