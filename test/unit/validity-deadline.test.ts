import { describe, expect, it } from 'vitest';
import { parisDate } from '../../shared/sessions/paris-time.ts';
import { deadlineInDays, deadlineInMonths, isOpenOn, timing } from '../../shared/validity/deadline.ts';

// Expected dates checked against an independent computation (Python datetime + dateutil.easter).
describe('a period in days (CPC 641 al. 1, 642)', () => {
  it.each([
    ['the 2023 story: notified Thursday 28 September, the 15th day is Friday 13 October', '2023-09-28', '2023-10-13', '2023-10-13'],
    ['a last day on a Sunday moves to Monday', '2023-09-30', '2023-10-15', '2023-10-16'],
    ['a last day on 11 November (a Saturday) moves past the Sunday to Monday', '2023-10-27', '2023-11-11', '2023-11-13'],
    ['a last day on 11 November (a Tuesday) moves to Wednesday', '2025-10-27', '2025-11-11', '2025-11-12'],
    ['a Saturday, a Sunday and the 11 November Monday in a row move to Tuesday', '2024-10-25', '2024-11-09', '2024-11-12'],
    ['a last day on Easter Monday moves to Tuesday', '2024-03-17', '2024-04-01', '2024-04-02'],
    ['Easter Saturday, Easter Sunday and Easter Monday move to Tuesday', '2024-03-15', '2024-03-30', '2024-04-02'],
    ['a last day on Ascension Thursday moves to Friday', '2025-05-14', '2025-05-29', '2025-05-30'],
    ['8 May then Ascension (2024) move to Friday 10 May', '2024-04-23', '2024-05-08', '2024-05-10'],
    ['the Saturday before Whit Monday moves to Tuesday', '2025-05-23', '2025-06-07', '2025-06-10'],
    ['Christmas on a Sunday moves to Monday 26 December (a working day)', '2022-12-10', '2022-12-25', '2022-12-26'],
    ['Saturday 31 December then 1 January on a Sunday move to Monday 2 January', '2022-12-16', '2022-12-31', '2023-01-02'],
    ['a period runs over the new year', '2023-12-20', '2024-01-04', '2024-01-04'],
    ['a period ends on 29 February of a leap year', '2024-02-14', '2024-02-29', '2024-02-29'],
    ['the same period in a common year ends on 1 March', '2023-02-14', '2023-03-01', '2023-03-01'],
    // Each row: the notification, then its 15th day (the notification day does not count, CPC 641)
    // and where art. 642 moves it, worked out by hand on a calendar (and checked with Python's
    // datetime and dateutil.easter). Easter 2027 is 28 March, 2028 16 April, 2029 1 April, 2030
    // 21 April.
    ['a last day on Easter Monday 2027 (29 March) moves to Tuesday', '2027-03-14', '2027-03-29', '2027-03-30'],
    ['a last day on Easter Monday 2028 (17 April) moves to Tuesday', '2028-04-02', '2028-04-17', '2028-04-18'],
    ['a last day on Easter Monday 2029 (2 April) moves to Tuesday', '2029-03-18', '2029-04-02', '2029-04-03'],
    ['a last day on Easter Monday 2030 (22 April) moves to Tuesday', '2030-04-07', '2030-04-22', '2030-04-23'],
    ['a last day on Ascension 2027 (Thursday 6 May) moves to Friday', '2027-04-21', '2027-05-06', '2027-05-07'],
    ['a last day on Ascension 2028 (Thursday 25 May) moves to Friday', '2028-05-10', '2028-05-25', '2028-05-26'],
    ['a last day on Ascension 2029 (Thursday 10 May) moves to Friday', '2029-04-25', '2029-05-10', '2029-05-11'],
    ['a last day on Ascension 2030 (Thursday 30 May) moves to Friday', '2030-05-15', '2030-05-30', '2030-05-31'],
    ['a last day on Whit Monday 2027 (17 May) moves to Tuesday', '2027-05-02', '2027-05-17', '2027-05-18'],
    ['a last day on Whit Monday 2028 (5 June) moves to Tuesday', '2028-05-21', '2028-06-05', '2028-06-06'],
    ['a last day on Whit Monday 2029 (21 May) moves to Tuesday', '2029-05-06', '2029-05-21', '2029-05-22'],
    ['a last day on Whit Monday 2030 (10 June) moves to Tuesday', '2030-05-26', '2030-06-10', '2030-06-11'],
    ['Good Friday 2027 is a working day (national calendar)', '2027-03-11', '2027-03-26', '2027-03-26'],
    ['1 May 2027 on a Saturday: past the Sunday to Monday 3 May', '2027-04-16', '2027-05-01', '2027-05-03'],
    ['8 May 2027 on a Saturday: past the Sunday to Monday 10 May', '2027-04-23', '2027-05-08', '2027-05-10'],
    ['a Saturday, a Sunday, then 1 May 2028 on a Monday: Tuesday 2 May', '2028-04-14', '2028-04-29', '2028-05-02'],
    ['a Saturday, a Sunday, then 8 May 2028 on a Monday: Tuesday 9 May', '2028-04-21', '2028-05-06', '2028-05-09'],
    ['a Saturday, a Sunday, then 14 July 2025 on a Monday: Tuesday 15 July', '2025-06-27', '2025-07-12', '2025-07-15'],
    ['14 July 2029 on a Saturday: Monday 16 July', '2029-06-29', '2029-07-14', '2029-07-16'],
    ['15 August 2026 on a Saturday: Monday 17 August', '2026-07-31', '2026-08-15', '2026-08-17'],
    ['1 November 2026 on a Sunday: Monday 2 November', '2026-10-17', '2026-11-01', '2026-11-02'],
    ['11 November 2028 on a Saturday: Monday 13 November', '2028-10-27', '2028-11-11', '2028-11-13'],
    ['a Saturday, a Sunday, then Christmas 2028 on a Monday: Tuesday 26 December', '2028-12-08', '2028-12-23', '2028-12-26'],
    ['Christmas 2026 on a Friday, then the weekend: Monday 28 December', '2026-12-10', '2026-12-25', '2026-12-28'],
    ['1 January 2027 on a Friday, then the weekend: Monday 4 January', '2026-12-17', '2027-01-01', '2027-01-04'],
    ['a Saturday 30 December, Sunday 31, then 1 January 2024 on a Monday: Tuesday 2 January', '2023-12-15', '2023-12-30', '2024-01-02'],
    ['Friday 31 December 2027 is a working day: the period ends with the year', '2027-12-16', '2027-12-31', '2027-12-31'],
  ])('%s', (_name, from, nominal, deadline) => {
    const sut = deadlineInDays(from, 15);
    expect(sut.nominal).toBe(nominal);
    expect(sut.deadline).toBe(deadline);
  });

  it('holidays inside the period count as ordinary days: only the last day moves', () => {
    // 1 and 8 May 2023 (Mondays) fall inside the period: the 15th day stays Saturday 13 May,
    // moved to Monday 15 May for being a Saturday, not because of the holidays.
    expect(deadlineInDays('2023-04-28', 15).nominal).toBe('2023-05-13');
    expect(deadlineInDays('2023-04-28', 15).deadline).toBe('2023-05-15');
    // The 15th day is Ascension (18 May 2023): moved to Friday 19 May.
    expect(deadlineInDays('2023-05-03', 15).deadline).toBe('2023-05-19');
  });

  it('says which days pushed the deadline back', () => {
    expect(deadlineInDays('2024-10-25', 15).skipped).toEqual([
      { date: '2024-11-09', why: 'samedi' },
      { date: '2024-11-10', why: 'dimanche' },
      { date: '2024-11-11', why: 'Armistice 1918' },
    ]);
  });
});

describe('a period in months (CPC 641 al. 2, 642)', () => {
  it.each([
    ['ends on the same day-number', '2024-07-15', '2024-08-15', '2024-08-16'],
    ['from 31 January of a leap year ends on 29 February', '2024-01-31', '2024-02-29', '2024-02-29'],
    ['from 31 January of a common year ends on 28 February', '2023-01-31', '2023-02-28', '2023-02-28'],
    ['from 31 January 2100 (not leap) ends on Sunday 28 February, moved to Monday 1 March', '2100-01-31', '2100-02-28', '2100-03-01'],
    ['from 31 March ends on 30 April; a Sunday then 1 May move to 2 May', '2023-03-31', '2023-04-30', '2023-05-02'],
    ['ending on 14 July (a Friday) moves past the weekend to Monday', '2023-06-14', '2023-07-14', '2023-07-17'],
    ['from 31 August ends on 30 September (a Saturday), moved to Monday', '2023-08-31', '2023-09-30', '2023-10-02'],
    ['ending on 1 January moves to 2 January', '2023-12-01', '2024-01-01', '2024-01-02'],
  ])('a one-month period %s', (_name, from, nominal, deadline) => {
    const sut = deadlineInMonths(from, 1);
    expect(sut.nominal).toBe(nominal);
    expect(sut.deadline).toBe(deadline);
  });
});

describe('an act dated by the Paris clock (the server dates an opposition with parisDate)', () => {
  // The law counts French civil days: an opposition sent at 23:59 in Paris on the last day is in
  // time, at 00:00 the next day it is late, whatever the UTC date of the instant. Paris is UTC+1
  // in winter and UTC+2 in summer; the clocks change on the last Sunday of March (29 March 2026)
  // and of October (25 October 2026).
  it.each([
    // Notified Sunday 11 October 2026: day 15 is Monday 26 October, the day after the clocks went back (UTC+1).
    ['2026-10-11', '2026-10-26T22:59:00Z', '2026-10-26', 'in time'],
    ['2026-10-11', '2026-10-26T23:00:00Z', '2026-10-27', 'late'],
    // Notified Sunday 15 March 2026: day 15 is Monday 30 March, the day after the clocks went forward (UTC+2).
    ['2026-03-15', '2026-03-30T21:59:00Z', '2026-03-30', 'in time'],
    ['2026-03-15', '2026-03-30T22:00:00Z', '2026-03-31', 'late'],
    // Notified Thursday 16 December 2027: day 15 is Friday 31 December, a working day; 00:00 on 1 January is the next year.
    ['2027-12-16', '2027-12-31T22:59:59Z', '2027-12-31', 'in time'],
    ['2027-12-16', '2027-12-31T23:00:00Z', '2028-01-01', 'late'],
    // Notified at 00:30 in Paris on Sunday 29 March 2026 (still 28 March in UTC): that day does not count, day 15 is Monday 13 April.
    ['2026-03-29', '2026-04-13T21:59:00Z', '2026-04-13', 'in time'],
  ] as const)('notified %s, an opposition sent at %s is dated %s: %s', (notifiedAt, instant, day, expected) => {
    expect(parisDate(instant)).toBe(day);
    expect(timing(parisDate(instant), deadlineInDays(notifiedAt, 15))).toBe(expected);
  });

  it('a notification recorded at 00:30 in Paris is dated that day, not the UTC day before', () => {
    expect(parisDate('2026-03-28T23:30:00Z')).toBe('2026-03-29');
    expect(parisDate('2026-10-24T22:30:00Z')).toBe('2026-10-25');
  });
});

describe('when an act falls', () => {
  const sut = deadlineInDays('2023-09-30', 15); // deadline moved from Sunday 15 to Monday 16 October

  it.each([
    ['2023-09-29', 'before'],
    ['2023-09-30', 'in time'],
    ['2023-10-15', 'in time'],
    ['2023-10-16', 'in time'],
    ['2023-10-17', 'late'],
  ] as const)('an act on %s is %s', (at, expected) => {
    expect(timing(at, sut)).toBe(expected);
  });

  it('the period is open through its last day and closed the day after', () => {
    expect(isOpenOn(sut, '2023-10-16')).toBe(true);
    expect(isOpenOn(sut, '2023-10-17')).toBe(false);
  });
});
