import { describe, expect, it } from 'vitest';
import {
  amendmentItemLabel,
  amendmentLabel,
  amendmentMark,
  articleHeading,
  articleInSentence,
  articleLabel,
  articleName,
  articleStatusLabel,
  mergeVersionName,
  ownAmendmentLabel,
  ARTICLE_STATUS_LABELS,
} from '../../shared/labels.ts';
import { ARTICLE_STATUSES } from '../../shared/identity.ts';

describe('how articles, amendments and statuses are named, on every screen and in every document', () => {
  it('an article is « Article 4 bis », with its title « Article 4 bis – Durée »; the preamble is named by itself', () => {
    expect(articleName('4 bis')).toBe('Article 4 bis');
    expect(articleName('Préambule')).toBe('Préambule');
    expect(articleLabel({ number: '4 bis', title: 'Durée' })).toBe('Article 4 bis – Durée');
    expect(articleLabel({ number: 'Préambule', title: 'Préambule' })).toBe('Préambule');
    expect(articleHeading('12', null)).toBe('Article 12');
    expect(articleHeading(null, 'Durée')).toBe(' – Durée');
  });

  it('inside a French sentence an article is « l’article 4 bis » and the preamble « le préambule »', () => {
    expect(articleInSentence('4 bis')).toBe('l’article 4 bis');
    expect(articleInSentence('Préambule')).toBe('le préambule');
  });

  it('an amendment is « Amdt n° 12 (CGT) » on merged text and « Amendement n° 12 (CGT) » elsewhere, in French and in English', () => {
    expect(amendmentLabel({ number: 12, org: 'CGT' })).toBe('Amendement n° 12 (CGT)');
    expect(amendmentLabel({ number: 12, org: 'CGT' }, 'en')).toBe('Amendment no. 12 (CGT)');
    expect(amendmentMark({ number: 12, org: 'CGT' })).toBe('Amdt n° 12 (CGT)');
    expect(amendmentMark({ number: 12, org: 'CGT' }, 'en')).toBe('Amdt no. 12 (CGT)');
    expect(amendmentLabel(undefined)).toBe('Amendement');
  });

  it('a draft is « Projet d’amendement (CGT) » to its delegation, until tabling numbers it', () => {
    expect(ownAmendmentLabel({ number: null, org: 'CGT' })).toBe('Projet d’amendement (CGT)');
    expect(ownAmendmentLabel({ number: null, org: 'CGT' }, 'en')).toBe('Draft amendment (CGT)');
    expect(ownAmendmentLabel({ number: 3, org: 'CGT' })).toBe('Amendement n° 3 (CGT)');
  });

  it('an amendment on the agenda names its article; the version its merge takes names the organisation and the article', () => {
    expect(amendmentItemLabel({ number: 2, org: 'CGT' }, { number: '3', title: 'Temps de pause' })).toBe('Amendement n° 2 (CGT) – article 3 – Temps de pause');
    expect(amendmentItemLabel({ number: 2, org: 'CGT' }, { number: 'Préambule', title: 'Préambule' })).toBe('Amendement n° 2 (CGT) – Préambule');
    expect(mergeVersionName({ org: 'CGT' }, { kind: 'article', number: '3' })).toBe('Amendement CGT intégré – article 3');
    expect(mergeVersionName({ org: 'FO' }, { kind: 'preamble', number: 'Préambule' })).toBe('Amendement FO intégré – préambule');
  });

  it('every article status has a name in both languages, « Accord ad referendum » / « Agreed ad referendum »', () => {
    for (const language of ['fr', 'en'] as const) expect(Object.keys(ARTICLE_STATUS_LABELS[language]).sort()).toEqual([...ARTICLE_STATUSES].sort());
    expect(articleStatusLabel('agreed ad referendum')).toBe('Accord ad referendum');
    expect(articleStatusLabel('bracketed', 'en')).toBe('Bracketed');
    expect(articleStatusLabel('unheard-of')).toBe('unheard-of');
  });
});
