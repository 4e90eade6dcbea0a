import { PARIS, parisDate } from '../../../shared/sessions/paris-time.ts';
import { i18n, translate, type Locale } from './i18n.svelte.ts';

/**
 * Every number, date and time the client shows goes through here. The negotiation happens in
 * Paris: an instant is shown on a Paris clock whatever the device's zone (a delegate on a
 * laptop set to New York must read the session's 14:00 as 14:00), and a screen that shows
 * times says so once (`parisTimeNote`).
 */

const TAG: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

// Formatters are costly to build and the feeds format hundreds of times: one per locale and style.
const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function dateFormat(locale: Locale, name: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}:${name}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) cache.set(key, (format = new Intl.DateTimeFormat(TAG[locale], options)));
  return format;
}

/** What separates a label from its value: « Lieu : Paris » in French, "Place: Paris" in English. */
export function colon(locale: Locale = i18n.locale): string {
  return locale === 'fr' ? ' : ' : ': ';
}

/** A number as the locale writes it: 38,50 in French, 38.50 in English. */
export function formatNumber(value: number, digits = 2, locale: Locale = i18n.locale): string {
  const key = `${locale}:number:${digits}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (!format) cache.set(key, (format = new Intl.NumberFormat(TAG[locale], { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return format.format(value);
}

/**
 * A calendar date as the locale writes it: « 22 décembre 2017 ». A day (YYYY-MM-DD, as the
 * law's dates are kept) is that day wherever the device is; an instant is the day it was in Paris.
 */
export function formatDate(isoOrDay: string, locale: Locale = i18n.locale): string {
  const day = DAY.test(isoOrDay) ? isoOrDay : parisDate(isoOrDay);
  return dateFormat(locale, 'date', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

/** An instant's date and time on a Paris clock, short: « 03/12/2026 14:30 ». */
export function formatDateTime(iso: string | number | Date, locale: Locale = i18n.locale): string {
  return dateFormat(locale, 'date-time', { dateStyle: 'short', timeStyle: 'short', timeZone: PARIS }).format(new Date(iso));
}

/** An instant's date and time on a Paris clock, in full: « jeudi 17 décembre 2026 à 14:00 » (a session's start). */
export function formatLongDateTime(iso: string | number | Date, locale: Locale = i18n.locale): string {
  return dateFormat(locale, 'long-date-time', {
    timeZone: PARIS,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** An instant's time on a Paris clock: « 14:30 ». */
export function formatTime(iso: string | number | Date, locale: Locale = i18n.locale): string {
  return dateFormat(locale, 'time', { timeZone: PARIS, hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** A month (YYYY-MM) as a calendar's title: « décembre 2026 ». */
export function formatMonth(month: string, locale: Locale = i18n.locale): string {
  return dateFormat(locale, 'month', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-15T12:00:00Z`));
}

/** The short names of the week's days, Monday first: « lun. » … « dim. ». */
export function weekdayNames(locale: Locale = i18n.locale): string[] {
  const format = dateFormat(locale, 'weekday', { weekday: 'short', timeZone: 'UTC' });
  // 1 January 2024 was a Monday.
  return Array.from({ length: 7 }, (_, d) => format.format(new Date(Date.UTC(2024, 0, d + 1))));
}

/** Today's date in Paris (YYYY-MM-DD), whatever the device's zone. */
export function parisToday(now: number | Date = Date.now()): string {
  return parisDate(new Date(now));
}

/** What a screen that shows times says once: « Heures de Paris ». */
export function parisTimeNote(locale: Locale = i18n.locale): string {
  return translate(locale, 'time.parisNote');
}

/** A time with its zone, where it stands alone: « 14:30 (heure de Paris) ». */
export function formatTimeInParis(iso: string | number | Date, locale: Locale = i18n.locale): string {
  return `${formatTime(iso, locale)} (${translate(locale, 'time.paris')})`;
}
