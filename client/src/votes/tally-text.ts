import { formatHundredths } from '../../../shared/votes/tally.ts';
import { writeTallyReason, type TallyReason, type TallyReasonWriter } from '../../../shared/votes/tally-reasons.ts';
import { i18n, translate, type MessageKey } from '../lib/i18n.svelte.ts';
import type { Locale } from '../lib/messages.ts';
import { englishList, englishPercent } from '../validity/english.ts';

/**
 * A vote's reasons in the reader's language: the templates from the catalogue, the weights
 * written the language's way. In French, exactly the sentences of the result's `reasons`.
 */

const PERCENT: Record<Locale, (hundredths: number) => string> = { fr: formatHundredths, en: englishPercent };

const writer = (locale: Locale): TallyReasonWriter => ({
  template: (code) => translate(locale, `vote.reason.${code}` as MessageKey),
  college: (college) => translate(locale, `vote.reasonCollege.${college}` as MessageKey),
  percent: PERCENT[locale],
  list: (orgs) =>
    locale === 'fr' ? { orgs: orgs.join(', '), s: orgs.length > 1 ? 'nt' : '' } : { orgs: englishList(orgs), s: orgs.length > 1 ? '' : 's' },
});

export function tallyReasonText(reason: TallyReason, locale: Locale = i18n.locale): string {
  return writeTallyReason(reason, writer(locale));
}

/** A weight in hundredths as the reader's language writes it: « 38,50 % », “38.50 %”. */
export function votePercent(hundredths: number, locale: Locale = i18n.locale): string {
  return PERCENT[locale](hundredths);
}
