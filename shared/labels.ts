import type { ArticleStatus } from './identity.ts';

/**
 * How the workspace names articles, amendments and article statuses, wherever it shows them:
 * the screens (in the reader's language), the projector, the minutes, the versions and the
 * exports (in French). Written once here so that « Article 4 bis » or « Amdt n° 12 (CGT) » read
 * the same on every screen and in every document.
 */

export type LabelLanguage = 'fr' | 'en';

/** Whether an article number is a number (« 4 bis »), not the name of a part such as « Préambule ». */
export function isArticleNumber(number: string): boolean {
  return /^\d/.test(number);
}

/** « Article 4 bis »; a part that has no number (the preamble) is named by itself. */
export function articleName(number: string, _language: LabelLanguage = 'fr'): string {
  return isArticleNumber(number) ? `Article ${number}` : number;
}

/** How an article is named in a column: « Article 3 – Durée », or its title alone (the preamble). */
export function articleLabel(article: { number: string; title: string }, language: LabelLanguage = 'fr'): string {
  return isArticleNumber(article.number) ? `${articleName(article.number, language)} – ${article.title}` : article.title;
}

/**
 * An article's heading when its number or title may be missing (an article added or removed
 * between two versions): « Article 4 – Durée », « Article 4 », « Préambule – … ».
 */
export function articleHeading(number: string | null, title: string | null, language: LabelLanguage = 'fr'): string {
  return `${number ? articleName(number, language) : ''}${title ? ` – ${title}` : ''}`;
}

/** An article within a French sentence: « l’article 4 bis », « le préambule ». */
export function articleInSentence(number: string): string {
  return isArticleNumber(number) ? `l’article ${number}` : `le ${number.toLowerCase()}`;
}

/** An article after a dash, in French: « article 4 bis », « préambule ». */
export function articleReference(number: string): string {
  return isArticleNumber(number) ? `article ${number}` : number.toLowerCase();
}

interface AmendmentName {
  /** Null while it is a draft: it is numbered when tabled. */
  number: number | null;
  /** The organisation's short name (CGT). */
  org: string;
}

const AMENDMENT_WORDS = {
  fr: { numbered: (n: number, org: string) => `Amendement n° ${n} (${org})`, draft: (org: string) => `Projet d’amendement (${org})`, unknown: 'Amendement' },
  en: { numbered: (n: number, org: string) => `Amendment no. ${n} (${org})`, draft: (org: string) => `Draft amendment (${org})`, unknown: 'Amendment' },
} as const;

/** How an amendment is named: « Amendement n° 3 (CGT) », or « Amendement » while it has no number or is unknown. */
export function amendmentLabel(amendment: AmendmentName | undefined, language: LabelLanguage = 'fr'): string {
  const words = AMENDMENT_WORDS[language];
  return amendment?.number ? words.numbered(amendment.number, amendment.org) : words.unknown;
}

/** How an amendment is named to its delegation, draft or tabled: « Projet d’amendement (CGT) » until it is numbered. */
export function ownAmendmentLabel(amendment: AmendmentName, language: LabelLanguage = 'fr'): string {
  return amendment.number === null ? AMENDMENT_WORDS[language].draft(amendment.org) : amendmentLabel(amendment, language);
}

/** The mark left on text merged from an amendment, until the next version: « Amdt n° 12 (CGT) ». */
export function amendmentMark(amendment: { number: number | null; org: string }, language: LabelLanguage = 'fr'): string {
  return `Amdt ${language === 'fr' ? 'n°' : 'no.'} ${amendment.number ?? '?'} (${amendment.org})`;
}

/** An amendment with the article it amends, as an agenda item: « Amendement n° 2 (CGT) – article 3 – Temps de pause ». */
export function amendmentItemLabel(amendment: AmendmentName, target: { number: string; title: string }): string {
  const article = isArticleNumber(target.number) ? `${articleReference(target.number)} – ${target.title}` : target.title;
  return `${amendmentLabel(amendment)} – ${article}`;
}

/** The name of the version taken when an amendment is merged: « Amendement CGT intégré – article 3 ». */
export function mergeVersionName(amendment: { org: string }, target: { kind: string; number: string }): string {
  return `Amendement ${amendment.org} intégré – ${target.kind === 'preamble' ? 'préambule' : `article ${target.number}`}`;
}

/** The article statuses as each language names them (« Accord ad referendum »); lower-cased inside a French sentence. */
export const ARTICLE_STATUS_LABELS: Record<LabelLanguage, Record<ArticleStatus, string>> = {
  fr: { open: 'Ouvert', bracketed: 'Entre crochets', 'agreed ad referendum': 'Accord ad referendum', reserved: 'Réservé', withdrawn: 'Retiré' },
  en: { open: 'Open', bracketed: 'Bracketed', 'agreed ad referendum': 'Agreed ad referendum', reserved: 'Reserved', withdrawn: 'Withdrawn' },
};

/** An article status as a language names it; an unknown status is shown as it is. */
export function articleStatusLabel(status: string, language: LabelLanguage = 'fr'): string {
  return (ARTICLE_STATUS_LABELS[language] as Record<string, string>)[status] ?? status;
}
