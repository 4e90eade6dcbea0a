import { isoWeekday, parseIsoDate, type IsoDate } from '../../../shared/validity/calendar.ts';
import type { ReasonWriter } from '../../../shared/validity/reasons.ts';
import { REASONS_EN } from './messages.ts';

/** How the validity reasons write dates, weights and lists in English (the figures are the French ones). */

const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS_EN = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** "2023-10-13" → "13 October 2023" (the day as the law counts it: no time, no zone). */
export function englishDate(date: IsoDate): string {
  const parsed = parseIsoDate(date);
  return parsed ? `${parsed.day} ${MONTHS_EN[parsed.month - 1]} ${parsed.year}` : date;
}

/** Hundredths of a percent, to two decimals as the arrêtés publish them: 3850 → "38.50 %" (a narrow no-break space, as in French). */
export function englishPercent(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}\u202f%`;
}

export function englishList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The English writer, its templates straight from the catalogue's English side. */
export const ENGLISH_REASONS: ReasonWriter = {
  template: (code) => REASONS_EN[code],
  date: englishDate,
  day: (date) => `${WEEKDAYS_EN[isoWeekday(date) - 1]} ${englishDate(date)}`,
  percent: englishPercent,
  list: englishList,
};
