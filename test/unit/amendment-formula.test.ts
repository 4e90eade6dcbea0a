import { describe, expect, it } from 'vitest';
import {
  AMENDMENT_KINDS,
  AmendmentContentSchema,
  amendmentFormula,
  ordinal,
  type AmendmentContent,
  type AmendmentTarget,
} from '../../shared/amendments/formula.ts';

// Written with visible markers, then turned into the real characters: `_` is a no-break
// space (U+00A0), `’` the typographic apostrophe.
const fr = (s: string): string => s.replaceAll('_', '\u00a0');

const ART3: AmendmentTarget = { number: '3' };

const cases: { name: string; target?: AmendmentTarget; content: AmendmentContent; formula: string }[] = [
  {
    name: 'replace the whole article',
    content: { kind: 'replace-article', text: 'La durée du travail est fixée à 35 heures.' },
    formula: fr('L’article 3 est désormais rédigé comme suit_: «_La durée du travail est fixée à 35 heures._»'),
  },
  {
    name: 'replace the whole article with two paragraphs (only the last one closes the quote)',
    content: { kind: 'replace-article', text: 'Premier alinéa.\nSecond alinéa.' },
    formula: fr('L’article 3 est désormais rédigé comme suit_: «_Premier alinéa.\n«_Second alinéa._»'),
  },
  {
    name: 'replace words',
    content: { kind: 'replace-words', from: 'trois mois', to: 'six mois' },
    formula: fr('À l’article 3, les mots «_trois mois_» sont remplacés par les mots «_six mois_».'),
  },
  {
    name: 'replace one word by one word',
    content: { kind: 'replace-words', from: 'trimestre', to: 'semestre' },
    formula: fr('À l’article 3, le mot «_trimestre_» est remplacé par le mot «_semestre_».'),
  },
  {
    name: 'replace the second occurrence of words',
    content: { kind: 'replace-words', from: 'trois mois', to: 'six mois', occurrence: 2 },
    formula: fr('À l’article 3, la deuxième occurrence des mots «_trois mois_» est remplacée par les mots «_six mois_».'),
  },
  {
    name: 'replace the first occurrence of a word',
    content: { kind: 'replace-words', from: 'salarié', to: 'agent', occurrence: 1 },
    formula: fr('À l’article 3, la première occurrence du mot «_salarié_» est remplacée par le mot «_agent_».'),
  },
  {
    name: 'complete the article with a paragraph',
    content: { kind: 'insert-paragraph', text: 'Les heures de nuit sont majorées.' },
    formula: fr('L’article 3 est complété par un alinéa ainsi rédigé_: «_Les heures de nuit sont majorées._»'),
  },
  {
    name: 'complete the article with two paragraphs',
    content: { kind: 'insert-paragraph', text: 'A.\nB.' },
    formula: fr('L’article 3 est complété par deux alinéas ainsi rédigés_: «_A.\n«_B._»'),
  },
  {
    name: 'insert a paragraph after the second one',
    content: { kind: 'insert-paragraph', after: 2, text: 'Texte.' },
    formula: fr('Après le deuxième alinéa de l’article 3, il est inséré un alinéa ainsi rédigé_: «_Texte._»'),
  },
  {
    name: 'insert a paragraph before the first one',
    content: { kind: 'insert-paragraph', after: 0, text: 'Texte.' },
    formula: fr('Avant le premier alinéa de l’article 3, il est inséré un alinéa ainsi rédigé_: «_Texte._»'),
  },
  {
    name: 'delete the article',
    content: { kind: 'delete-article' },
    formula: 'L’article 3 est supprimé.',
  },
  {
    name: 'delete a paragraph',
    content: { kind: 'delete-paragraph', index: 1 },
    formula: 'Le premier alinéa de l’article 3 est supprimé.',
  },
  {
    name: 'delete words',
    content: { kind: 'delete-words', words: 'le cas échéant,' },
    formula: fr('À l’article 3, les mots «_le cas échéant,_» sont supprimés.'),
  },
  {
    name: 'delete one word',
    content: { kind: 'delete-words', words: 'notamment' },
    formula: fr('À l’article 3, le mot «_notamment_» est supprimé.'),
  },
  {
    name: 'insert a new article',
    content: { kind: 'new-article', after: '3', number: '3 bis', heading: 'Astreintes', text: 'Les astreintes sont indemnisées.' },
    formula: fr(
      'Après l’article 3, il est inséré un article 3 bis ainsi rédigé_: «_Article 3 bis – Astreintes\n«_Les astreintes sont indemnisées._»',
    ),
  },
  {
    name: 'move an article',
    content: { kind: 'move-article', after: '7' },
    formula: 'L’article 3 est déplacé après l’article 7.',
  },
  {
    name: 'renumber an article',
    content: { kind: 'renumber-article', newNumber: '4' },
    formula: 'L’article 3 devient l’article 4.',
  },
  {
    name: 'the preamble is named as such',
    target: { number: 'Préambule', kind: 'preamble' },
    content: { kind: 'replace-words', from: 'branche', to: 'branche professionnelle' },
    formula: fr('Au préambule, le mot «_branche_» est remplacé par les mots «_branche professionnelle_».'),
  },
  {
    name: 'an article numbered « 12 bis »',
    target: { number: '12 bis' },
    content: { kind: 'delete-article' },
    formula: 'L’article 12 bis est supprimé.',
  },
];

describe('the legal formula of an amendment', () => {
  it.each(cases)('$name', ({ target, content, formula }) => {
    expect(amendmentFormula(target ?? ART3, AmendmentContentSchema.parse(content))).toBe(formula);
  });

  it('covers every kind of amendment', () => {
    const covered = new Set(cases.map((c) => c.content.kind));
    expect([...covered].sort()).toEqual([...AMENDMENT_KINDS].sort());
  });

  it('never leaves a breaking space inside the guillemets', () => {
    for (const { target, content } of cases) {
      const sut = amendmentFormula(target ?? ART3, content);
      expect(sut).not.toMatch(/« | »/);
    }
  });

  it('counts alinéas in French ordinals', () => {
    expect([1, 2, 3, 10, 21].map((n) => ordinal(n))).toEqual(['premier', 'deuxième', 'troisième', 'dixième', '21e']);
    expect(ordinal(1, true)).toBe('première');
  });
});

describe('the content of an amendment, at the boundary', () => {
  it.each([
    ['an unknown kind', { kind: 'rewrite-everything', text: 'x' }],
    ['an empty replacement text', { kind: 'replace-article', text: '   ' }],
    ['a paragraph index of 0', { kind: 'delete-paragraph', index: 0 }],
    ['a fractional occurrence', { kind: 'replace-words', from: 'a', to: 'b', occurrence: 1.5 }],
    ['an unexpected field', { kind: 'delete-article', text: 'x' }],
    ['a new article without a number', { kind: 'new-article', after: '3', heading: '', text: 'x' }],
    ['an operator instead of text', { kind: 'delete-words', words: { $gt: '' } }],
  ])('refuses %s', (_name, content) => {
    expect(AmendmentContentSchema.safeParse(content).success).toBe(false);
  });

  it('trims the texts it accepts', () => {
    expect(AmendmentContentSchema.parse({ kind: 'delete-words', words: '  notamment ' })).toEqual({
      kind: 'delete-words',
      words: 'notamment',
    });
  });
});
