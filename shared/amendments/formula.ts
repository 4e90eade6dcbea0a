import { z } from 'zod';
import { articleHeading } from '../labels.ts';

/**
 * What an amendment does to the text, typed after the formulas agreements use (DOMAIN,
 * "Amendments"), and the French legal sentence each one reads as.
 *
 * Paragraphs (alinéas) are counted from 1, as the sentences cite them (« le deuxième
 * alinéa »); `after: 0` inserts before the first one. Multi-paragraph texts separate
 * their paragraphs with line breaks.
 */

const Text = z.string().trim().min(1).max(20_000);
const Words = z.string().trim().min(1).max(2_000);
const ArticleNumber = z.string().trim().min(1).max(40);
const Alinea = z.number().int().min(1).max(999);

export const AmendmentContentSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('replace-article'), text: Text }),
  z.strictObject({
    kind: z.literal('replace-words'),
    from: Words,
    to: Words,
    /** Which occurrence of `from` (1 = the first); absent: every occurrence. */
    occurrence: z.number().int().min(1).max(999).optional(),
  }),
  z.strictObject({
    kind: z.literal('insert-paragraph'),
    /** Insert after this alinéa (0: before the first); absent: at the end of the article. */
    after: z.number().int().min(0).max(999).optional(),
    text: Text,
  }),
  z.strictObject({ kind: z.literal('delete-article') }),
  z.strictObject({ kind: z.literal('delete-paragraph'), index: Alinea }),
  z.strictObject({ kind: z.literal('delete-words'), words: Words }),
  z.strictObject({
    kind: z.literal('new-article'),
    /** The number of the article the new one follows. */
    after: ArticleNumber,
    number: ArticleNumber,
    heading: z.string().trim().max(300),
    text: Text,
  }),
  z.strictObject({ kind: z.literal('move-article'), after: ArticleNumber }),
  z.strictObject({ kind: z.literal('renumber-article'), newNumber: ArticleNumber }),
]);
export type AmendmentContent = z.infer<typeof AmendmentContentSchema>;
export type AmendmentKind = AmendmentContent['kind'];
export const AMENDMENT_KINDS = AmendmentContentSchema.options.map((o) => o.shape.kind.value) as AmendmentKind[];

/** The article an amendment is tabled on. */
export interface AmendmentTarget {
  /** "3", "3 bis", or "Préambule". */
  number: string;
  kind?: 'article' | 'preamble';
}

// French typography: a no-break space inside « », and before the colon.
const NBSP = '\u00a0';
const APOS = '\u2019';
const COLON = `${NBSP}:`;

/** « text », with no-break spaces inside the guillemets. */
export function quote(text: string): string {
  return `«${NBSP}${text}${NBSP}»`;
}

/**
 * A quoted text of several paragraphs, as legal texts print it: each paragraph opens
 * with «, only the last one closes with ».
 */
export function quoteParagraphs(text: string): string {
  const paragraphs = splitParagraphs(text);
  return paragraphs.map((p, i) => `«${NBSP}${p}${i === paragraphs.length - 1 ? `${NBSP}»` : ''}`).join('\n');
}

export function splitParagraphs(text: string): string[] {
  const paragraphs = text
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  return paragraphs.length > 0 ? paragraphs : [text.trim()];
}

const ORDINALS = [
  '',
  'premier',
  'deuxième',
  'troisième',
  'quatrième',
  'cinquième',
  'sixième',
  'septième',
  'huitième',
  'neuvième',
  'dixième',
  'onzième',
  'douzième',
  'treizième',
  'quatorzième',
  'quinzième',
  'seizième',
  'dix-septième',
  'dix-huitième',
  'dix-neuvième',
  'vingtième',
];

/** 1 → premier (première), 2 → deuxième, 21 → 21e. */
export function ordinal(n: number, feminine = false): string {
  if (n === 1) return feminine ? 'première' : 'premier';
  return ORDINALS[n] ?? `${n}e`;
}

const NUMBERS = ['', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix'];

function count(n: number): string {
  return NUMBERS[n] ?? String(n);
}

function isPreamble(target: AmendmentTarget): boolean {
  return target.kind === 'preamble' || /^pr[ée]ambule$/i.test(target.number.trim());
}

/** « l’article 3 » / « le préambule ». */
function articleRef(target: AmendmentTarget): string {
  return isPreamble(target) ? 'le préambule' : `l${APOS}article ${target.number.trim()}`;
}

/** « à l’article 3 » / « au préambule ». */
function atArticle(target: AmendmentTarget): string {
  return isPreamble(target) ? 'au préambule' : `à l${APOS}article ${target.number.trim()}`;
}

/** « de l’article 3 » / « du préambule ». */
function ofArticle(target: AmendmentTarget): string {
  return isPreamble(target) ? 'du préambule' : `de l${APOS}article ${target.number.trim()}`;
}

function capitalise(sentence: string): string {
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** « le mot » for one word, « les mots » for several. */
function wordsNoun(words: string): { noun: string; plural: boolean } {
  const plural = /\s/.test(words.trim());
  return { noun: plural ? 'les mots' : 'le mot', plural };
}

/** The French legal sentence of an amendment, as it is tabled and printed in the minutes. */
export function amendmentFormula(target: AmendmentTarget, content: AmendmentContent): string {
  const art = articleRef(target);
  switch (content.kind) {
    case 'replace-article':
      return `${capitalise(art)} est désormais rédigé comme suit${COLON} ${quoteParagraphs(content.text)}`;

    case 'replace-words': {
      const from = wordsNoun(content.from);
      const to = wordsNoun(content.to);
      if (content.occurrence !== undefined) {
        const nth = ordinal(content.occurrence, true);
        const of = from.plural ? 'des mots' : 'du mot';
        return `${capitalise(atArticle(target))}, la ${nth} occurrence ${of} ${quote(content.from)} est remplacée par ${to.noun} ${quote(content.to)}.`;
      }
      const verb = from.plural ? 'sont remplacés' : 'est remplacé';
      return `${capitalise(atArticle(target))}, ${from.noun} ${quote(content.from)} ${verb} par ${to.noun} ${quote(content.to)}.`;
    }

    case 'insert-paragraph': {
      const n = splitParagraphs(content.text).length;
      const what = n === 1 ? 'un alinéa ainsi rédigé' : `${count(n)} alinéas ainsi rédigés`;
      const quoted = quoteParagraphs(content.text);
      if (content.after === undefined) return `${capitalise(art)} est complété par ${what}${COLON} ${quoted}`;
      const inserted = n === 1 ? 'il est inséré un alinéa ainsi rédigé' : `sont insérés ${count(n)} alinéas ainsi rédigés`;
      const where = content.after === 0 ? `Avant le premier alinéa` : `Après le ${ordinal(content.after)} alinéa`;
      return `${where} ${ofArticle(target)}, ${inserted}${COLON} ${quoted}`;
    }

    case 'delete-article':
      return `${capitalise(art)} est supprimé.`;

    case 'delete-paragraph':
      return `Le ${ordinal(content.index)} alinéa ${ofArticle(target)} est supprimé.`;

    case 'delete-words': {
      const words = wordsNoun(content.words);
      return `${capitalise(atArticle(target))}, ${words.noun} ${quote(content.words)} ${words.plural ? 'sont supprimés' : 'est supprimé'}.`;
    }

    case 'new-article': {
      const number = content.number.trim();
      const heading = content.heading.trim();
      const title = articleHeading(number, heading || null);
      const paragraphs = [title, ...splitParagraphs(content.text)].join('\n');
      return `Après l${APOS}article ${content.after.trim()}, il est inséré un article ${number} ainsi rédigé${COLON} ${quoteParagraphs(paragraphs)}`;
    }

    case 'move-article':
      return `${capitalise(art)} est déplacé après l${APOS}article ${content.after.trim()}.`;

    case 'renumber-article':
      return `${capitalise(art)} devient l${APOS}article ${content.newNumber.trim()}.`;
  }
}
