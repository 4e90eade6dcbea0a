import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  compareDates,
  daysBetween,
  easterSunday,
  frenchPublicHolidays,
  isIsoDate,
  isLeapYear,
  isPublicHoliday,
  isWorkingDay,
  isoWeekday,
  nextWorkingDay,
  publicHoliday,
} from '../../shared/validity/calendar.ts';

describe('Easter Sunday (Gregorian computus)', () => {
  // Published dates, including the earliest (22 March) and latest (25 April) possible.
  const known: [number, string][] = [
    [1583, '1583-04-10'],
    [1818, '1818-03-22'],
    [1943, '1943-04-25'],
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [2019, '2019-04-21'],
    [2023, '2023-04-09'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    // The next agreements' years, checked against a published table (and dateutil.easter).
    [2027, '2027-03-28'],
    [2028, '2028-04-16'],
    [2029, '2029-04-01'],
    [2030, '2030-04-21'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ];
  it.each(known)('Easter %i falls on %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });

  it('is a Sunday between 22 March and 25 April, every year from 1583 to 9999', () => {
    for (let year = 1583; year <= 9999; year++) {
      const easter = easterSunday(year);
      expect(isoWeekday(easter)).toBe(7);
      expect(compareDates(easter, `${year}-03-22`)).toBeGreaterThanOrEqual(0);
      expect(compareDates(easter, `${year}-04-25`)).toBeLessThanOrEqual(0);
    }
  });

  it('refuses a year outside the Gregorian calendar', () => {
    expect(() => easterSunday(1582)).toThrow(RangeError);
    expect(() => easterSunday(2023.5)).toThrow(RangeError);
  });
});

describe('French public holidays', () => {
  it.each([
    [2024, ['2024-01-01', '2024-04-01', '2024-05-01', '2024-05-08', '2024-05-09', '2024-05-20', '2024-07-14', '2024-08-15', '2024-11-01', '2024-11-11', '2024-12-25']],
    [2025, ['2025-01-01', '2025-04-21', '2025-05-01', '2025-05-08', '2025-05-29', '2025-06-09', '2025-07-14', '2025-08-15', '2025-11-01', '2025-11-11', '2025-12-25']],
    [2026, ['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25', '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25']],
    // Easter Monday = Easter + 1, Ascension = Easter + 39 (a Thursday), Whit Monday = Easter + 50.
    [2027, ['2027-01-01', '2027-03-29', '2027-05-01', '2027-05-06', '2027-05-08', '2027-05-17', '2027-07-14', '2027-08-15', '2027-11-01', '2027-11-11', '2027-12-25']],
    [2028, ['2028-01-01', '2028-04-17', '2028-05-01', '2028-05-08', '2028-05-25', '2028-06-05', '2028-07-14', '2028-08-15', '2028-11-01', '2028-11-11', '2028-12-25']],
    [2029, ['2029-01-01', '2029-04-02', '2029-05-01', '2029-05-08', '2029-05-10', '2029-05-21', '2029-07-14', '2029-08-15', '2029-11-01', '2029-11-11', '2029-12-25']],
    [2030, ['2030-01-01', '2030-04-22', '2030-05-01', '2030-05-08', '2030-05-30', '2030-06-10', '2030-07-14', '2030-08-15', '2030-11-01', '2030-11-11', '2030-12-25']],
  ])('%i has the eleven national holidays, Easter Monday, Ascension and Whit Monday moving with Easter', (year, dates) => {
    expect(frenchPublicHolidays(year).map((h) => h.date)).toEqual(dates);
  });

  it('names the holidays', () => {
    expect(publicHoliday('2023-04-10')?.name).toBe('Lundi de Pâques');
    expect(publicHoliday('2023-05-18')?.name).toBe('Ascension');
    expect(publicHoliday('2023-05-29')?.name).toBe('Lundi de Pentecôte');
    expect(publicHoliday('2023-11-11')?.name).toBe('Armistice 1918');
    expect(publicHoliday('2023-11-12')).toBeNull();
  });

  it('Good Friday and 26 December (Alsace-Moselle only) are not national holidays', () => {
    expect(isPublicHoliday('2023-04-07')).toBe(false);
    expect(isPublicHoliday('2023-12-26')).toBe(false);
  });
});

describe('working days', () => {
  it.each([
    ['2023-10-13', true, 'a plain Friday'],
    ['2023-10-14', false, 'a Saturday'],
    ['2023-10-15', false, 'a Sunday'],
    ['2025-11-11', false, 'a holiday on a Tuesday'],
    ['2023-12-26', true, 'the day after Christmas'],
    ['2024-05-09', false, 'Ascension Thursday'],
  ])('%s is a working day: %s (%s)', (date, working) => {
    expect(isWorkingDay(date)).toBe(working);
  });

  it('the next working day skips a Saturday, a Sunday and a Monday holiday in a row', () => {
    expect(nextWorkingDay('2024-11-09')).toBe('2024-11-12');
    expect(nextWorkingDay('2024-11-08')).toBe('2024-11-08');
  });
});

describe('civil date arithmetic', () => {
  it('adds days across months, years and 29 February', () => {
    expect(addDays('2023-09-28', 15)).toBe('2023-10-13');
    expect(addDays('2023-12-20', 15)).toBe('2024-01-04');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2023-09-28', '2023-10-13')).toBe(15);
  });

  it('adds months keeping the day-number, or the last day of a shorter month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2100-01-31', 1)).toBe('2100-02-28');
    expect(addMonths('2000-01-31', 1)).toBe('2000-02-29');
    expect(addMonths('2023-03-31', 1)).toBe('2023-04-30');
    expect(addMonths('2023-12-15', 1)).toBe('2024-01-15');
    expect(addMonths('2023-08-31', 6)).toBe('2024-02-29');
  });

  it('knows leap years (divisible by 4, except centuries not divisible by 400)', () => {
    expect([1900, 2000, 2023, 2024, 2100].map(isLeapYear)).toEqual([false, true, false, true, false]);
  });

  it('accepts only existing dates written YYYY-MM-DD', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    for (const bad of ['2023-02-29', '2023-13-01', '2023-04-31', '2023-4-1', '2023/04/01', '2023-04-01T00:00:00Z', '']) {
      expect(isIsoDate(bad)).toBe(false);
    }
  });

  it('does not depend on the time zone of the machine', () => {
    // Pure day numbers: the same answer whatever TZ the process runs in.
    expect(isoWeekday('2023-10-13')).toBe(5);
    expect(isoWeekday('1970-01-01')).toBe(4);
    expect(isoWeekday('1600-03-01')).toBe(3);
  });
});
