import { describe, expect, it } from 'vitest';
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
