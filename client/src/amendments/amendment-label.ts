import type { AmendmentView } from '../../../shared/amendments/amendment.ts';
import { ownAmendmentLabel } from '../../../shared/labels.ts';
import { i18n } from '../lib/i18n.svelte.ts';

/** How people name an amendment, in the reader's language: « Amendement n° 3 (CGT) » (a draft has no number yet). */
export function amendmentLabel(amendment: Pick<AmendmentView, 'number' | 'org'>): string {
  return ownAmendmentLabel({ number: amendment.number, org: amendment.org.shortName }, i18n.locale);
}
