import { describe, expect, it } from 'vitest';
import {
  addDays,
  dte,
  isSessionOpen,
  isTradingDay,
  nextSessionOpenMs,
  nyMinuteOfDay,
  nyTimeToUtcMs,
  nyUtcOffsetMinutes,
  sessionBoundsMs,
  sessionFor,
  specialDaysOf,
  toIsoUtc,
  tradeDateOf,
  yearFractionToExpiry,
} from './index.js';

const noExtras = { extra_closures: [], extra_early_closes: [] };
const ms = (iso: string) => Date.parse(iso);

// Written by hand from the NYSE rules and the exchange's published holiday calendars.
const FULL_HOLIDAYS: Record<number, string[]> = {
  2020: [
    '2020-01-01',
    '2020-01-20',
    '2020-02-17',
    '2020-04-10',
    '2020-05-25',
    '2020-07-03',
    '2020-09-07',
    '2020-11-26',
    '2020-12-25',
  ],
  2021: [
    '2021-01-01',
    '2021-01-18',
    '2021-02-15',
    '2021-04-02',
    '2021-05-31',
    '2021-07-05',
    '2021-09-06',
    '2021-11-25',
    '2021-12-24',
  ],
  2022: [
    '2022-01-17',
    '2022-02-21',
    '2022-04-15',
    '2022-05-30',
    '2022-06-20',
    '2022-07-04',
    '2022-09-05',
    '2022-11-24',
    '2022-12-26',
  ],
  2023: [
    '2023-01-02',
    '2023-01-16',
    '2023-02-20',
    '2023-04-07',
    '2023-05-29',
    '2023-06-19',
    '2023-07-04',
    '2023-09-04',
    '2023-11-23',
    '2023-12-25',
  ],
  2024: [
    '2024-01-01',
    '2024-01-15',
    '2024-02-19',
    '2024-03-29',
    '2024-05-27',
    '2024-06-19',
    '2024-07-04',
    '2024-09-02',
    '2024-11-28',
    '2024-12-25',
  ],
  2025: [
    '2025-01-01',
    '2025-01-09',
    '2025-01-20',
    '2025-02-17',
    '2025-04-18',
    '2025-05-26',
    '2025-06-19',
    '2025-07-04',
    '2025-09-01',
    '2025-11-27',
    '2025-12-25',
  ],
  2026: [
    '2026-01-01',
    '2026-01-19',
    '2026-02-16',
    '2026-04-03',
    '2026-05-25',
    '2026-06-19',
    '2026-07-03',
    '2026-09-07',
    '2026-11-26',
    '2026-12-25',
  ],
  2027: [
    '2027-01-01',
    '2027-01-18',
    '2027-02-15',
    '2027-03-26',
    '2027-05-31',
    '2027-06-18',
    '2027-07-05',
    '2027-09-06',
    '2027-11-25',
    '2027-12-24',
  ],
  2028: [
    '2028-01-17',
    '2028-02-21',
    '2028-04-14',
    '2028-05-29',
    '2028-06-19',
    '2028-07-04',
    '2028-09-04',
    '2028-11-23',
    '2028-12-25',
  ],
  2029: [
    '2029-01-01',
    '2029-01-15',
    '2029-02-19',
    '2029-03-30',
    '2029-05-28',
    '2029-06-19',
    '2029-07-04',
    '2029-09-03',
    '2029-11-22',
    '2029-12-25',
  ],
  2030: [
    '2030-01-01',
    '2030-01-21',
    '2030-02-18',
    '2030-04-19',
    '2030-05-27',
    '2030-06-19',
    '2030-07-04',
    '2030-09-02',
    '2030-11-28',
    '2030-12-25',
  ],
};

const EARLY_CLOSES: Record<number, string[]> = {
  2020: ['2020-11-27', '2020-12-24'],
  2021: ['2021-11-26'],
  2022: ['2022-11-25'],
  2023: ['2023-07-03', '2023-11-24'],
  2024: ['2024-07-03', '2024-11-29', '2024-12-24'],
  2025: ['2025-07-03', '2025-11-28', '2025-12-24'],
  2026: ['2026-11-27', '2026-12-24'],
  2027: ['2027-11-26'],
  2028: ['2028-07-03', '2028-11-24'],
  2029: ['2029-07-03', '2029-11-23', '2029-12-24'],
  2030: ['2030-07-03', '2030-11-29', '2030-12-24'],
};

function weekdaysOf(year: number): string[] {
  const out: string[] = [];
  for (let d = `${year}-01-01`; d.startsWith(`${year}`); d = addDays(d, 1)) {
    const wd = new Date(`${d}T12:00:00Z`).getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d);
  }
  return out;
}

describe('NYSE golden table 2020–2030', () => {
  for (let year = 2020; year <= 2030; year++) {
    it(`${year}: exactly the published full holidays and early closes`, () => {
      const holidays = new Set(FULL_HOLIDAYS[year]);
      const earlies = new Set(EARLY_CLOSES[year]);
      const closedSeen: string[] = [];
      const earlySeen: string[] = [];
      for (const day of weekdaysOf(year)) {
        const bounds = sessionBoundsMs(day);
        if (bounds === null) closedSeen.push(day);
        else if (bounds.earlyClose) earlySeen.push(day);
      }
      expect(closedSeen).toEqual([...holidays]);
      expect(earlySeen).toEqual([...earlies]);
      expect(specialDaysOf(year).map((s) => `${s.kind}:${s.date}`)).toEqual(
        [...[...holidays].map((d) => `closed:${d}`), ...[...earlies].map((d) => `early_close:${d}`)].sort(
          (a, b) => a.slice(-10).localeCompare(b.slice(-10)),
        ),
      );
    });
  }

  it('early closes end at 13:00 New York, regular days at 16:00', () => {
    expect(sessionFor('2025-11-28')).toEqual({
      open: '2025-11-28T14:30:00.000Z',
      close: '2025-11-28T18:00:00.000Z',
    });
    expect(sessionFor('2025-07-03')).toEqual({
      open: '2025-07-03T13:30:00.000Z',
      close: '2025-07-03T17:00:00.000Z',
    });
    expect(sessionFor('2026-04-10')).toEqual({
      open: '2026-04-10T13:30:00.000Z',
      close: '2026-04-10T20:00:00.000Z',
    });
    expect(sessionFor('2026-01-12')).toEqual({
      open: '2026-01-12T14:30:00.000Z',
      close: '2026-01-12T21:00:00.000Z',
    });
    expect(sessionFor('2025-11-28', noExtras)).toEqual(sessionFor('2025-11-28'));
  });

  it('closed on weekends, holidays and ad-hoc closures', () => {
    expect(sessionFor('2026-04-11')).toBeNull(); // Saturday
    expect(sessionFor('2026-04-12')).toBeNull(); // Sunday
    for (const d of [
      '2025-01-09',
      '2018-12-05',
      '2012-10-29',
      '2012-10-30',
      '2001-09-11',
      '2001-09-14',
      '2004-06-11',
      '2007-01-02',
    ]) {
      expect(isTradingDay(d), d).toBe(false);
    }
    expect(isTradingDay('2025-01-08')).toBe(true);
    expect(isTradingDay('2012-10-31')).toBe(true);
  });

  it('applies the historical variants: no Juneteenth before 2022, July 5 early close before 2013', () => {
    expect(isTradingDay('2021-06-18')).toBe(true);
    expect(isTradingDay('2021-06-21')).toBe(true);
    expect(sessionBoundsMs('2002-07-03')?.earlyClose).toBe(false);
    expect(sessionBoundsMs('2002-07-05')?.earlyClose).toBe(true);
    expect(sessionBoundsMs('2013-07-03')?.earlyClose).toBe(true);
    expect(sessionBoundsMs('2019-07-05')?.earlyClose).toBe(false);
    expect(sessionBoundsMs('2003-12-26')?.earlyClose).toBe(true);
    // New Year on a Saturday is not observed: the Friday before is a full day.
    expect(sessionBoundsMs('2021-12-31')).toMatchObject({ earlyClose: false });
    expect(sessionBoundsMs('2010-12-31')).toMatchObject({ earlyClose: false });
  });

  it('extends the built-in lists from configuration', () => {
    const extras = { extra_closures: ['2026-04-10'], extra_early_closes: ['2026-04-09', '2026-11-26'] };
    expect(sessionFor('2026-04-10', extras)).toBeNull();
    expect(sessionFor('2026-04-09', extras)).toEqual({
      open: '2026-04-09T13:30:00.000Z',
      close: '2026-04-09T17:00:00.000Z',
    });
    // A configured early close never reopens a holiday.
    expect(sessionFor('2026-11-26', extras)).toBeNull();
    expect(sessionFor('2026-04-10')).not.toBeNull();
    expect(specialDaysOf(2026, extras).filter((s) => s.date.startsWith('2026-04'))).toEqual([
      { date: '2026-04-03', kind: 'closed', name: 'Good Friday', closeTime: null },
      { date: '2026-04-09', kind: 'early_close', name: 'Early close (configured)', closeTime: '13:00' },
      { date: '2026-04-10', kind: 'closed', name: 'Closure (configured)', closeTime: null },
    ]);
    expect(nextSessionOpenMs(ms('2026-04-09T18:00:00Z'), extras)).toBe(ms('2026-04-13T13:30:00Z'));
  });

  it('rejects malformed dates with a message naming the value', () => {
    expect(() => sessionFor('2025-02-30')).toThrow('invalid trade date "2025-02-30" (no such calendar date)');
    expect(() => sessionFor('2025/02/03')).toThrow('invalid trade date "2025/02/03" (expected YYYY-MM-DD)');
    expect(() => sessionFor('2026-04-10', { extra_closures: ['tomorrow'], extra_early_closes: [] })).toThrow(
      'calendar.extra_closures date "tomorrow"',
    );
    expect(() => dte('2026-04-10', '2026-13-01')).toThrow('invalid expiry "2026-13-01"');
  });
});

describe('daylight saving time', () => {
  it('switches at 02:00 local on the US transition Sundays', () => {
    // 2026: second Sunday of March (Mar 8), first Sunday of November (Nov 1).
    expect(nyUtcOffsetMinutes(ms('2026-03-08T06:59:59.999Z'))).toBe(-300);
    expect(nyUtcOffsetMinutes(ms('2026-03-08T07:00:00Z'))).toBe(-240);
    expect(nyUtcOffsetMinutes(ms('2026-11-01T05:59:59.999Z'))).toBe(-240);
    expect(nyUtcOffsetMinutes(ms('2026-11-01T06:00:00Z'))).toBe(-300);
    // Before 2007: first Sunday of April, last Sunday of October.
    expect(nyUtcOffsetMinutes(ms('2006-04-02T06:59:00Z'))).toBe(-300);
    expect(nyUtcOffsetMinutes(ms('2006-04-02T07:00:00Z'))).toBe(-240);
    expect(nyUtcOffsetMinutes(ms('2006-10-29T06:00:00Z'))).toBe(-300);
    expect(nyUtcOffsetMinutes(ms('2006-03-15T15:00:00Z'))).toBe(-300);
    expect(nyUtcOffsetMinutes(ms('2006-10-20T15:00:00Z'))).toBe(-240);
    // Far end of the supported range.
    expect(nyUtcOffsetMinutes(ms('2100-03-14T07:00:00Z'))).toBe(-240);
    expect(nyUtcOffsetMinutes(ms('2100-03-14T06:59:00Z'))).toBe(-300);
  });

  it('sessions straddling a transition keep 09:30 and 16:00 local', () => {
    expect(sessionFor('2026-03-06')).toEqual({
      open: '2026-03-06T14:30:00.000Z',
      close: '2026-03-06T21:00:00.000Z',
    });
    expect(sessionFor('2026-03-09')).toEqual({
      open: '2026-03-09T13:30:00.000Z',
      close: '2026-03-09T20:00:00.000Z',
    });
    expect(sessionFor('2026-10-30')).toEqual({
      open: '2026-10-30T13:30:00.000Z',
      close: '2026-10-30T20:00:00.000Z',
    });
    expect(sessionFor('2026-11-02')).toEqual({
      open: '2026-11-02T14:30:00.000Z',
      close: '2026-11-02T21:00:00.000Z',
    });
  });

  it('maps wall-clock times in the gap forward and the repeated hour to its first occurrence', () => {
    expect(toIsoUtc(nyTimeToUtcMs('2026-03-08', '01:59'))).toBe('2026-03-08T06:59:00.000Z');
    expect(toIsoUtc(nyTimeToUtcMs('2026-03-08', '02:30'))).toBe('2026-03-08T07:30:00.000Z');
    expect(toIsoUtc(nyTimeToUtcMs('2026-03-08', '03:00'))).toBe('2026-03-08T07:00:00.000Z');
    expect(toIsoUtc(nyTimeToUtcMs('2026-11-01', '01:30'))).toBe('2026-11-01T05:30:00.000Z');
    expect(toIsoUtc(nyTimeToUtcMs('2026-11-01', '02:00'))).toBe('2026-11-01T07:00:00.000Z');
    expect(() => nyTimeToUtcMs('2026-11-01', '24:00')).toThrow('invalid time "24:00"');
  });

  it('gives wall-clock minutes of day across the transitions', () => {
    expect(nyMinuteOfDay(ms('2026-03-08T06:59:00Z'))).toBe(1 * 60 + 59);
    expect(nyMinuteOfDay(ms('2026-03-08T07:00:00Z'))).toBe(3 * 60);
    expect(nyMinuteOfDay(ms('2026-11-01T05:30:00Z'))).toBe(1 * 60 + 30);
    expect(nyMinuteOfDay(ms('2026-11-01T06:30:00Z'))).toBe(1 * 60 + 30);
    expect(nyMinuteOfDay(ms('2026-04-10T14:30:45.123Z'))).toBe(10 * 60 + 30);
  });
});

describe('trade date', () => {
  it('is the New York date, not the UTC date, near midnight UTC', () => {
    expect(tradeDateOf('2026-04-11T03:59:59.999Z')).toBe('2026-04-10');
    expect(tradeDateOf('2026-04-11T04:00:00.000Z')).toBe('2026-04-11');
    expect(tradeDateOf('2026-01-11T04:59:59.999Z')).toBe('2026-01-10');
    expect(tradeDateOf('2026-01-11T05:00:00.000Z')).toBe('2026-01-11');
    expect(tradeDateOf(ms('2026-01-01T04:30:00Z'))).toBe('2025-12-31');
    expect(tradeDateOf('2026-04-10T20:30:00-04:00')).toBe('2026-04-10');
  });

  it('rejects instants without a zone and non-finite numbers', () => {
    expect(() => tradeDateOf('2026-04-10T12:00:00')).toThrow(
      'invalid ISO-8601 UTC instant "2026-04-10T12:00:00"',
    );
    expect(() => tradeDateOf(Number.NaN)).toThrow('finite epoch-ms');
  });

  it('formats ISO UTC with milliseconds', () => {
    expect(toIsoUtc(ms('2026-04-10T14:30:45.123Z'))).toBe('2026-04-10T14:30:45.123Z');
    expect(toIsoUtc(0)).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('DTE and date arithmetic', () => {
  it('counts calendar days, 0 on expiration day', () => {
    expect(dte('2026-04-10', '2026-04-10')).toBe(0);
    expect(dte('2026-04-10', '2026-05-15')).toBe(35);
    expect(dte('2026-03-06', '2026-03-09')).toBe(3); // across the DST switch
    expect(dte('2028-02-28', '2028-03-01')).toBe(2); // leap year
    expect(dte('2026-12-31', '2027-01-01')).toBe(1);
    expect(dte('2026-04-10', '2026-04-09')).toBe(-1);
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-04-10', 38)).toBe('2026-05-18');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(() => addDays('2026-01-01', 1.5)).toThrow('days must be an integer');
  });
});

describe('session open and next open', () => {
  it('is open from 09:30 inclusive to the close exclusive', () => {
    expect(isSessionOpen(ms('2026-04-10T13:29:59.999Z'))).toBe(false);
    expect(isSessionOpen(ms('2026-04-10T13:30:00.000Z'))).toBe(true);
    expect(isSessionOpen(ms('2026-04-10T19:59:59.999Z'))).toBe(true);
    expect(isSessionOpen(ms('2026-04-10T20:00:00.000Z'))).toBe(false);
    expect(isSessionOpen(ms('2026-11-27T17:59:00Z'))).toBe(true);
    expect(isSessionOpen(ms('2026-11-27T18:00:00Z'))).toBe(false);
    expect(isSessionOpen(ms('2026-04-03T15:00:00Z'))).toBe(false); // Good Friday
    expect(
      isSessionOpen(ms('2026-04-10T15:00:00Z'), { extra_closures: ['2026-04-10'], extra_early_closes: [] }),
    ).toBe(false);
  });

  it('finds the next open across nights, weekends and holidays', () => {
    // Before the open on a trading day: the same day.
    expect(toIsoUtc(nextSessionOpenMs(ms('2026-04-10T12:00:00Z')))).toBe('2026-04-10T13:30:00.000Z');
    // Exactly at the open: strictly after, so the next day's.
    expect(toIsoUtc(nextSessionOpenMs(ms('2026-04-09T13:30:00Z')))).toBe('2026-04-10T13:30:00.000Z');
    // Friday after the close → Monday.
    expect(toIsoUtc(nextSessionOpenMs(ms('2026-04-10T20:00:00Z')))).toBe('2026-04-13T13:30:00.000Z');
    // Thursday before Good Friday → Monday.
    expect(toIsoUtc(nextSessionOpenMs(ms('2026-04-02T21:00:00Z')))).toBe('2026-04-06T13:30:00.000Z');
    // Christmas Eve 2026 (Thu, early close) → Monday Dec 28 (Christmas Friday).
    expect(toIsoUtc(nextSessionOpenMs(ms('2026-12-24T18:30:00Z')))).toBe('2026-12-28T14:30:00.000Z');
    // Friday night before the March switch → Monday in EDT.
    expect(toIsoUtc(nextSessionOpenMs(ms('2026-03-07T02:00:00Z')))).toBe('2026-03-09T13:30:00.000Z');
    // Late evening New York is already the next UTC day.
    expect(toIsoUtc(nextSessionOpenMs(ms('2026-01-13T03:00:00Z')))).toBe('2026-01-13T14:30:00.000Z');
    // Carter day of mourning and the MLK weekend.
    expect(toIsoUtc(nextSessionOpenMs(ms('2025-01-08T21:00:00Z')))).toBe('2025-01-10T14:30:00.000Z');
    expect(toIsoUtc(nextSessionOpenMs(ms('2025-01-17T21:00:00Z')))).toBe('2025-01-21T14:30:00.000Z');
  });
});

describe('yearFractionToExpiry', () => {
  it('counts minutes to 16:00 New York on the expiry over 525,600', () => {
    expect(yearFractionToExpiry(ms('2026-05-15T19:00:00Z'), '2026-05-15')).toBeCloseTo(60 / 525_600, 15);
    expect(yearFractionToExpiry(ms('2026-04-10T14:00:00Z'), '2026-05-15')).toBeCloseTo(
      (35 * 1440 + 6 * 60) / 525_600,
      15,
    );
    // Winter expiry: 16:00 EST is 21:00 UTC.
    expect(yearFractionToExpiry(ms('2026-01-16T20:30:00Z'), '2026-01-16')).toBeCloseTo(30 / 525_600, 15);
  });

  it('uses 16:00 also on an early-close expiry', () => {
    expect(yearFractionToExpiry(ms('2026-11-27T17:00:00Z'), '2026-11-27')).toBeCloseTo(240 / 525_600, 15);
  });

  it('is floored at one minute', () => {
    expect(yearFractionToExpiry(ms('2026-05-15T19:59:30Z'), '2026-05-15')).toBe(1 / 525_600);
    expect(yearFractionToExpiry(ms('2026-05-15T20:00:00Z'), '2026-05-15')).toBe(1 / 525_600);
    expect(yearFractionToExpiry(ms('2026-05-18T15:00:00Z'), '2026-05-15')).toBe(1 / 525_600);
    expect(yearFractionToExpiry(ms('2026-05-15T19:58:00Z'), '2026-05-15')).toBeCloseTo(2 / 525_600, 15);
  });
});
