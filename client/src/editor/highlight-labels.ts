import type { AmendmentView } from '../../../shared/amendments/amendment.ts';
import type { AnnotationView } from '../../../shared/annotations/annotation.ts';
import type { Highlight } from '../annotations/anchor-highlights.ts';
import { amendmentLabel } from '../amendments/amendment-label.ts';
import { t } from '../lib/i18n.svelte.ts';

/**
 * How a highlighted passage names what covers it, in the reader's language: an amendment by
 * its number and organisation, an annotation by its organisation, its audience (the layer it
 * belongs to) and the first words of its thread.
 */

const EXCERPT = 60;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT ? flat : `${flat.slice(0, EXCERPT - 1).trimEnd()}…`;
}

export function annotationHighlight(annotation: AnnotationView, focused: string | null): Highlight {
  const opening = annotation.messages[0];
  return {
    id: annotation.id,
    anchor: annotation.anchor,
    kind: 'annotation',
    layer: annotation.visibility,
    label: t('text.highlight.annotation', {
      org: opening?.author.orgShortName ?? '',
      audience: t(`text.highlight.audience.${annotation.visibility}`),
      excerpt: excerpt(opening?.body ?? annotation.quote),
    }),
    active: annotation.id === focused,
  };
}

export function amendmentHighlight(amendment: AmendmentView & { anchor: NonNullable<AmendmentView['anchor']> }, focused: string | null): Highlight {
  return { id: amendment.id, anchor: amendment.anchor, kind: 'amendment', layer: 'amendment', label: amendmentLabel(amendment), active: amendment.id === focused };
}
