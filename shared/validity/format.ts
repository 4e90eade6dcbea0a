import { isoWeekday, parseIsoDate, type IsoDate } from './calendar.ts';
import { REASONS_FR, writeReason, type Reason, type ReasonWriter } from './reasons.ts';
import { formatPercent } from './weights.ts';

/** How the reasons write dates and names: French, as the users read them. */

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];
const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

/** "2023-10-13" → "13 octobre 2023"; "2023-05-01" → "1er mai 2023". */
export function frenchDate(date: IsoDate): string {
  const parsed = parseIsoDate(date);
  if (!parsed) return date;
  return `${parsed.day === 1 ? '1er' : parsed.day} ${MONTHS[parsed.month - 1]} ${parsed.year}`;
}

/** "2023-10-13" → "vendredi 13 octobre 2023". */
export function frenchDateWithWeekday(date: IsoDate): string {
  return `${WEEKDAYS[isoWeekday(date) - 1]} ${frenchDate(date)}`;
}

/** A list in French: "CGT", "CGT et FO", "CGT, FO et SUD". */
export function frenchList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}

/** The reasons as the server writes them: in French (the exports and the validity command print these). */
export const FRENCH_REASONS: ReasonWriter = {
  template: (code) => REASONS_FR[code],
  date: frenchDate,
  day: frenchDateWithWeekday,
  percent: formatPercent,
  list: frenchList,
};

export function inFrench(reason: Reason): string {
  return writeReason(reason, FRENCH_REASONS);
}
