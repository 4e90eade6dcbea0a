import { addDays, addMonths, compareDates, isWorkingDay, publicHoliday, isoWeekday, type IsoDate } from './calendar.ts';

/**
 * Deadlines as the Code de procédure civile counts them, which is how the courts count the
 * opposition periods of the Code du travail:
 * - art. 641 al. 1: a period in days starts the day after the event that triggers it (the
 *   day of the notification does not count) and ends at the end of its last day;
 * - art. 641 al. 2: a period in months ends on the day of the last month that bears the
 *   same day-number as the triggering event; failing such a day, on the last day of that
 *   month;
 * - art. 642: a period that would end on a Saturday, a Sunday or a public holiday is
 *   extended to the first working day that follows.
 * An act done on the deadline itself is in time; the day after, it is late.
 */

export interface Deadline {
  /** The triggering event (notification, publication of a notice). */
  from: IsoDate;
  period: { days: number } | { months: number };
  /** The last day before art. 642: trigger + n days, or the same day-number n months later. */
  nominal: IsoDate;
  /** The last day on which the act is still in time. */
  deadline: IsoDate;
  /** The days that pushed the deadline back (art. 642), in order, each with its reason (« samedi », « dimanche » or the holiday's name). */
  skipped: { date: IsoDate; why: string }[];
}

function extend(from: IsoDate, period: Deadline['period'], nominal: IsoDate): Deadline {
  const skipped: Deadline['skipped'] = [];
  let deadline = nominal;
  while (!isWorkingDay(deadline)) {
    const holiday = publicHoliday(deadline);
    const weekday = isoWeekday(deadline);
    skipped.push({ date: deadline, why: holiday ? holiday.name : weekday === 6 ? 'samedi' : 'dimanche' });
    deadline = addDays(deadline, 1);
  }
  return { from, period, nominal, deadline, skipped };
}

/** A period of `days` days running from the day after `from` (CPC art. 641 al. 1, 642). */
export function deadlineInDays(from: IsoDate, days: number): Deadline {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`A period of at least one whole day is expected: ${days}`);
  return extend(from, { days }, addDays(from, days));
}

/** A period of `months` months (CPC art. 641 al. 2, 642). */
export function deadlineInMonths(from: IsoDate, months: number): Deadline {
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`A period of at least one whole month is expected: ${months}`);
  return extend(from, { months }, addMonths(from, months));
}

export type Timing = 'before' | 'in time' | 'late';

/**
 * Where an act falls against a period: `before` the triggering event (the period had not
 * started), `in time` from the trigger's own day to the deadline included, `late` after it.
 * An act dated the same day as the trigger is in time: dates carry no hour, and the period
 * runs "à compter de" the trigger.
 */
export function timing(act: IsoDate, period: Deadline): Timing {
  if (compareDates(act, period.from) < 0) return 'before';
  if (compareDates(act, period.deadline) > 0) return 'late';
  return 'in time';
}

/** Whether the period is still running on `asOf` (its last day included). */
export function isOpenOn(period: Deadline, asOf: IsoDate): boolean {
  return compareDates(asOf, period.deadline) <= 0;
}
