import type { AmendmentView } from '../../../shared/amendments/amendment.ts';
import { t } from '../lib/i18n.svelte.ts';

/** How people name an amendment: « Amendement n° 3 (CGT) » (a draft has no number yet). */
export function amendmentLabel(amendment: Pick<AmendmentView, 'number' | 'org'>): string {
  return amendment.number === null
    ? t('amendments.label.draft', { org: amendment.org.shortName })
    : t('amendments.label', { number: amendment.number, org: amendment.org.shortName });
}
