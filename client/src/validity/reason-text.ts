import { FRENCH_REASONS } from '../../../shared/validity/format.ts';
import { writeReason, type Reason, type ReasonWriter } from '../../../shared/validity/reasons.ts';
import { ENGLISH_REASONS } from './english.ts';
import { i18n, translate, type MessageKey } from '../lib/i18n.svelte.ts';
import type { Locale } from '../lib/messages.ts';

/**
 * A reason of the validity verdict in the reader's language: its template from the catalogue,
 * its dates, weights and lists written the language's way. In French, exactly the server's
 * sentence (the same writer as shared/validity/format.ts).
 */

const template = (locale: Locale) => (code: Reason['code']) => translate(locale, `validity.${code}` as MessageKey);

const WRITERS: Record<Locale, ReasonWriter> = {
  fr: { ...FRENCH_REASONS, template: template('fr') },
  en: { ...ENGLISH_REASONS, template: template('en') },
};

export function reasonText(reason: Reason, locale: Locale = i18n.locale): string {
  return writeReason(reason, WRITERS[locale]);
}
