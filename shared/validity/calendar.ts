/**
 * Civil dates (YYYY-MM-DD) without time zones: a date is a day of the Gregorian calendar,
 * never an instant. Arithmetic goes through a day number (days since 1970-01-01, after
 * Howard Hinnant's `days_from_civil`), in integers only: no `Date`, no clock, no zone, so
 * "the 15th day" is the same day in Paris, Nouméa and a CI runner in UTC.
 *
 * Supported years: 1583 (the first full Gregorian year) to 9999.
 */

export type IsoDate = string;

export const MIN_YEAR = 1583;
export const MAX_YEAR = 9999;

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The date's parts, or `null` when the string is not an existing date of a supported year. */
export function parseIsoDate(value: string): CivilDate | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < MIN_YEAR || year > MAX_YEAR) return null;
  if (month < 1 || month > 12) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isIsoDate(value: string): boolean {
  return parseIsoDate(value) !== null;
}

function parseOrThrow(value: IsoDate): CivilDate {
  const parsed = parseIsoDate(value);
  if (!parsed) throw new RangeError(`Not an ISO date (YYYY-MM-DD, years ${MIN_YEAR}–${MAX_YEAR}): ${JSON.stringify(value)}`);
  return parsed;
}

export function formatIsoDate({ year, month, day }: CivilDate): IsoDate {
  if (year < MIN_YEAR || year > MAX_YEAR) throw new RangeError(`Year out of the supported range: ${year}`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days since 1970-01-01 (negative before). */
export function toDayNumber(date: IsoDate): number {
  const { year, month, day } = parseOrThrow(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromDayNumber(dayNumber: number): IsoDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return formatIsoDate({ year, month, day });
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`A whole number of days is expected: ${days}`);
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * The same day-number `months` months later; when that month is too short, its last day
 * (31 January + 1 month → 28 or 29 February).
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  if (!Number.isInteger(months)) throw new RangeError(`A whole number of months is expected: ${months}`);
  const { year, month, day } = parseOrThrow(date);
  const index = year * 12 + (month - 1) + months;
  const newYear = Math.floor(index / 12);
  const newMonth = index - newYear * 12 + 1;
  return formatIsoDate({ year: newYear, month: newMonth, day: Math.min(day, daysInMonth(newYear, newMonth)) });
}

/** Negative when a is before b, 0 when the same day, positive after. */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return toDayNumber(a) - toDayNumber(b);
}

export function isBefore(a: IsoDate, b: IsoDate): boolean {
  return compareDates(a, b) < 0;
}

export function isAfter(a: IsoDate, b: IsoDate): boolean {
  return compareDates(a, b) > 0;
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** ISO day of the week: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  // 1970-01-01 was a Thursday (4).
  const d = (((toDayNumber(date) + 3) % 7) + 7) % 7;
  return d + 1;
}

export function isWeekend(date: IsoDate): boolean {
  return isoWeekday(date) >= 6;
}

/**
 * Easter Sunday of a Gregorian year (the "anonymous Gregorian algorithm" of Meeus, Jones
 * and Butcher): valid for every year of the Gregorian calendar.
 */
export function easterSunday(year: number): IsoDate {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`Easter is computed for Gregorian years ${MIN_YEAR}–${MAX_YEAR}: ${year}`);
  }
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
  return formatIsoDate({ year, month, day });
}

export interface PublicHoliday {
  date: IsoDate;
  /** Its French name, as calendars print it. */
  name: string;
}

/**
 * The eleven French public holidays (jours fériés, Code du travail L3133-1) of a year, in
 * date order. The list in force today is applied to every year; the local holidays of
 * Alsace-Moselle (Vendredi saint, 26 décembre) and of the overseas departments (abolition
 * de l'esclavage) are not included: the deadlines of a branch agreement are national.
 */
export function frenchPublicHolidays(year: number): PublicHoliday[] {
  const easter = easterSunday(year);
  const fixed = (month: number, day: number): IsoDate => formatIsoDate({ year, month, day });
  const holidays: PublicHoliday[] = [
    { date: fixed(1, 1), name: 'Jour de l’an' },
    { date: addDays(easter, 1), name: 'Lundi de Pâques' },
    { date: fixed(5, 1), name: 'Fête du Travail' },
    { date: fixed(5, 8), name: 'Victoire 1945' },
    { date: addDays(easter, 39), name: 'Ascension' },
    { date: addDays(easter, 50), name: 'Lundi de Pentecôte' },
    { date: fixed(7, 14), name: 'Fête nationale' },
    { date: fixed(8, 15), name: 'Assomption' },
    { date: fixed(11, 1), name: 'Toussaint' },
    { date: fixed(11, 11), name: 'Armistice 1918' },
    { date: fixed(12, 25), name: 'Noël' },
  ];
  return holidays.sort((x, y) => compareDates(x.date, y.date));
}

/** The holiday falling on that date, if any. */
export function publicHoliday(date: IsoDate): PublicHoliday | null {
  const { year } = parseOrThrow(date);
  return frenchPublicHolidays(year).find((h) => h.date === date) ?? null;
}

export function isPublicHoliday(date: IsoDate): boolean {
  return publicHoliday(date) !== null;
}

/** Neither a Saturday, a Sunday nor a French public holiday. */
export function isWorkingDay(date: IsoDate): boolean {
  return !isWeekend(date) && !isPublicHoliday(date);
}

/** The date itself when it is a working day, else the first working day after it. */
export function nextWorkingDay(date: IsoDate): IsoDate {
  let day = date;
  while (!isWorkingDay(day)) day = addDays(day, 1);
  return day;
}
