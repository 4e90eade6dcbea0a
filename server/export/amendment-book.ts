import type { AmendmentStatus } from '../../shared/amendments/lifecycle.ts';
import { LABELS, frenchDate } from './french.ts';
import { articleHeading } from '../../shared/labels.ts';

/**
 * The « cahier d'amendements »: every tabled amendment, article by article in the order of the
 * text, each with its number, organisation, legal formula, justification, status and outcome.
 * Built once (pure, for a worker) and laid out by the PDF and DOCX renderers.
 */

/** What the book is made from: the outline in order, and the tabled amendments. */
export interface AmendmentBookInput {
  negotiationTitle: string;
  /** ISO date-time the book is drawn up. */
  at: string;
  articles: { id: string; number: string; title: string }[];
  amendments: {
    number: number | null;
    articleId: string;
    target: { number: string; title: string };
    org: string;
    author: string;
    formula: string;
    justification: string;
    status: AmendmentStatus;
    /** When each status was reached. */
    history: { status: AmendmentStatus; at: string }[];
    merged: boolean;
  }[];
}

export interface BookEntry {
  number: string;
  org: string;
  author: string;
  formula: string;
  justification: string;
  /** « Adopté le 12 mars 2024 ». */
  status: string;
  /** « Intégré au texte le 12 mars 2024 », « Non retenu », « En attente de décision ». */
  outcome: string;
}

export interface BookArticle {
  /** « Article 4 – Durée ». */
  heading: string;
  entries: BookEntry[];
}

export interface AmendmentBook {
  title: string;
  /** « Cahier d'amendements arrêté au 3 décembre 2026 ». */
  subtitle: string;
  total: number;
  articles: BookArticle[];
  /** Said when no amendment was tabled. */
  empty: string | null;
}

const STATUS: Record<AmendmentStatus, string> = {
  draft: 'Brouillon',
  tabled: 'Déposé',
  'under discussion': 'En discussion',
  adopted: 'Adopté',
  rejected: 'Rejeté',
  withdrawn: 'Retiré',
  merged: 'Adopté et intégré',
};

/** An amendment's status in French, dated by when it was reached. */
export function statusLine(status: AmendmentStatus, history: { status: AmendmentStatus; at: string }[]): string {
  const reached = history.filter((h) => h.status === status).at(-1);
  return reached ? `${STATUS[status]} le ${frenchDate(reached.at)}` : STATUS[status];
}

function outcome(a: AmendmentBookInput['amendments'][number]): string {
  const when = (status: AmendmentStatus) => {
    const h = a.history.filter((x) => x.status === status).at(-1);
    return h ? ` le ${frenchDate(h.at)}` : '';
  };
  switch (a.status) {
    case 'merged':
      return `Intégré au texte${when('merged')}`;
    case 'adopted':
      return 'Adopté, à intégrer au texte';
    case 'rejected':
      return 'Non retenu';
    case 'withdrawn':
      return `Retiré par son auteur${when('withdrawn')}`;
    default:
      return 'En attente de décision';
  }
}

const heading = (number: string, title: string) => articleHeading(number, title.trim() || null);

export function buildAmendmentBook(input: AmendmentBookInput): AmendmentBook {
  const tabled = input.amendments.filter((a) => a.status !== 'draft').sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
  const byArticle = new Map<string, AmendmentBookInput['amendments']>();
  for (const a of tabled) byArticle.set(a.articleId, [...(byArticle.get(a.articleId) ?? []), a]);
  const articles: BookArticle[] = [];
  const entry = (a: AmendmentBookInput['amendments'][number]): BookEntry => ({
    number: a.number === null ? '–' : String(a.number),
    org: a.org,
    author: a.author,
    formula: a.formula,
    justification: a.justification,
    status: statusLine(a.status, a.history),
    outcome: outcome(a),
  });
  for (const article of input.articles) {
    const list = byArticle.get(article.id);
    if (!list) continue;
    byArticle.delete(article.id);
    articles.push({ heading: heading(article.number, article.title), entries: list.map(entry) });
  }
  // Amendments on articles no longer in the text (withdrawn, moved out) come last, under their target as written.
  for (const list of byArticle.values()) articles.push({ heading: `${heading(list[0].target.number, list[0].target.title)} (hors du texte actuel)`, entries: list.map(entry) });
  return {
    title: input.negotiationTitle,
    subtitle: `${LABELS.amendmentBook} arrêté au ${frenchDate(input.at)}`,
    total: tabled.length,
    articles,
    empty: tabled.length === 0 ? 'Aucun amendement n’a été déposé.' : null,
  };
}
