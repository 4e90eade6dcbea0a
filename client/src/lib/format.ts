import { i18n } from './i18n.svelte.ts';

/** A number as the locale writes it: 38,50 in French. */
export function formatNumber(value: number, digits = 2): string {
  return new Intl.NumberFormat(i18n.locale === 'fr' ? 'fr-FR' : 'en-GB', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/** An ISO date (YYYY-MM-DD or full) as the locale writes it: 22 décembre 2017. */
export function formatDate(iso: string): string {
  const date = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso);
  return new Intl.DateTimeFormat(i18n.locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long' }).format(date);
}
