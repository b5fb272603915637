import type { TradeDate } from '../domain/types.js';
import {
  daysFromCivil,
  easterSunday,
  formatDay,
  nthWeekdayOfMonth,
  parseTradeDate,
  weekdayOf,
} from './civil.js';

/**
 * NYSE full-day holidays and early closes: the rules (post-2022 set, with the historical variants
 * that matter from 2000 on) plus data lists for what no rule can derive.
 */

export type SpecialDayKind = 'closed' | 'early_close';

export interface SpecialDay {
  date: TradeDate;
  kind: SpecialDayKind;
  name: string;
  /** New York close time for `early_close` days (`13:00` unless the exchange said otherwise). */
  closeTime: string | null;
}

/** Unscheduled full-day closures (national days of mourning, weather, emergencies). */
export const ADHOC_CLOSURES: readonly { date: TradeDate; name: string }[] = Object.freeze([
  { date: '2001-09-11', name: 'September 11 attacks' },
  { date: '2001-09-12', name: 'September 11 attacks' },
  { date: '2001-09-13', name: 'September 11 attacks' },
  { date: '2001-09-14', name: 'September 11 attacks' },
  { date: '2004-06-11', name: 'National day of mourning (President Reagan)' },
  { date: '2007-01-02', name: 'National day of mourning (President Ford)' },
  { date: '2012-10-29', name: 'Hurricane Sandy' },
  { date: '2012-10-30', name: 'Hurricane Sandy' },
  { date: '2018-12-05', name: 'National day of mourning (President G. H. W. Bush)' },
  { date: '2025-01-09', name: 'National day of mourning (President Carter)' },
]);

/** Unscheduled early closes, with the close time the exchange used. */
export const SPECIAL_CLOSES: readonly { date: TradeDate; name: string; closeTime: string }[] = Object.freeze([
  { date: '2003-12-26', name: 'Day after Christmas', closeTime: '13:00' },
  { date: '2005-06-01', name: 'Systems communication problem', closeTime: '15:56' },
]);

export const EARLY_CLOSE_TIME = '13:00';

const SUN = 0;
const MON = 1;
const WED = 3;
const THU = 4;
const FRI = 5;
const SAT = 6;

/** Saturday → Friday, Sunday → Monday. */
function nearestWeekday(dayNumber: number): number {
  const wd = weekdayOf(dayNumber);
  return wd === SAT ? dayNumber - 1 : wd === SUN ? dayNumber + 1 : dayNumber;
}

interface RuleDay {
  kind: SpecialDayKind;
  name: string;
  closeTime: string | null;
}

const yearMemo = new Map<number, ReadonlyMap<number, RuleDay>>();

/** Rule-derived and built-in special days of one year, keyed by day number. */
export function builtInSpecialDays(year: number): ReadonlyMap<number, RuleDay> {
  const cached = yearMemo.get(year);
  if (cached) return cached;
  const days = new Map<number, RuleDay>();
  const closed = (dayNumber: number, name: string) =>
    days.set(dayNumber, { kind: 'closed', name, closeTime: null });
  const early = (dayNumber: number, name: string, closeTime = EARLY_CLOSE_TIME) => {
    if (days.get(dayNumber)?.kind !== 'closed') days.set(dayNumber, { kind: 'early_close', name, closeTime });
  };

  // New Year's Day: Sunday → Monday; a Saturday New Year is not observed on the Friday before.
  const newYear = daysFromCivil(year, 1, 1);
  if (weekdayOf(newYear) !== SAT)
    closed(weekdayOf(newYear) === SUN ? newYear + 1 : newYear, "New Year's Day");
  if (year >= 1998) closed(nthWeekdayOfMonth(year, 1, MON, 3), 'Martin Luther King Jr. Day');
  closed(nthWeekdayOfMonth(year, 2, MON, 3), "Washington's Birthday");
  closed(easterSunday(year) - 2, 'Good Friday');
  closed(nthWeekdayOfMonth(year, 5, MON, -1), 'Memorial Day');
  if (year >= 2022)
    closed(nearestWeekday(daysFromCivil(year, 6, 19)), 'Juneteenth National Independence Day');
  const july4 = daysFromCivil(year, 7, 4);
  closed(nearestWeekday(july4), 'Independence Day');
  closed(nthWeekdayOfMonth(year, 9, MON, 1), 'Labor Day');
  const thanksgiving = nthWeekdayOfMonth(year, 11, THU, 4);
  closed(thanksgiving, 'Thanksgiving Day');
  closed(nearestWeekday(daysFromCivil(year, 12, 25)), 'Christmas Day');

  for (const { date, name } of ADHOC_CLOSURES) {
    if (date.startsWith(`${year}-`)) closed(parseTradeDate(date), name);
  }

  // Early closes (13:00).
  early(thanksgiving + 1, 'Day after Thanksgiving');
  const dec24 = daysFromCivil(year, 12, 24);
  if (year >= 1999 && weekdayOf(dec24) >= MON && weekdayOf(dec24) <= THU) early(dec24, 'Christmas Eve');
  // Jul 3 when Jul 4 falls Tue–Fri (i.e. Jul 3 is Mon–Thu). Before 2013 a Wednesday Jul 3 was a full
  // day and the Friday after a Thursday Independence Day closed early instead.
  const july3 = july4 - 1;
  const wdJuly3 = weekdayOf(july3);
  if (wdJuly3 >= MON && wdJuly3 <= THU && (wdJuly3 !== WED || year >= 2013))
    early(july3, 'Independence Day eve');
  if (year < 2013 && weekdayOf(july4 + 1) === FRI) early(july4 + 1, 'Day after Independence Day');

  for (const { date, name, closeTime } of SPECIAL_CLOSES) {
    if (date.startsWith(`${year}-`)) early(parseTradeDate(date), name, closeTime);
  }

  yearMemo.set(year, days);
  return days;
}

/**
 * Every full closure and early close on a weekday of `year`, in date order, including the
 * configured extras (`extra_closures` win over early closes; weekends are never listed).
 */
export function specialDaysOf(
  year: number,
  extras?: { extra_closures: readonly string[]; extra_early_closes: readonly string[] },
): SpecialDay[] {
  if (!Number.isInteger(year))
    throw new RangeError(`calendar: year must be an integer, received ${String(year)}`);
  const merged = new Map<number, RuleDay>(builtInSpecialDays(year));
  const prefix = `${year}-`;
  for (const date of extras?.extra_early_closes ?? []) {
    const day = parseTradeDate(date, 'extra_early_closes date');
    if (date.startsWith(prefix) && merged.get(day)?.kind !== 'closed') {
      merged.set(day, { kind: 'early_close', name: 'Early close (configured)', closeTime: EARLY_CLOSE_TIME });
    }
  }
  for (const date of extras?.extra_closures ?? []) {
    const day = parseTradeDate(date, 'extra_closures date');
    if (date.startsWith(prefix))
      merged.set(day, { kind: 'closed', name: 'Closure (configured)', closeTime: null });
  }
  return [...merged.entries()]
    .filter(([day]) => weekdayOf(day) !== SAT && weekdayOf(day) !== SUN)
    .sort(([a], [b]) => a - b)
    .map(([day, rule]) => ({
      date: formatDay(day),
      kind: rule.kind,
      name: rule.name,
      closeTime: rule.closeTime,
    }));
}
