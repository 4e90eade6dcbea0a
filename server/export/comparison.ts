import * as Y from 'yjs';
import { readAttributedBlocks, structureOfState, type AttributedText, type StructureEntry } from '../../shared/structure.ts';
import { compareAgreements, summarise, type ArticleComparison, type ComparisonSummary, type VersionText } from '../../shared/text-diff.ts';
import { AuthorshipIndex, type AuthorshipRecords, type ChangeAuthor } from '../versions/authorship.ts';
import type { StoredVersion } from '../versions/versions.worker.ts';
import type { DiffOp } from '../../shared/word-diff.ts';
import { frenchDate } from './french.ts';

/**
 * Two states of an agreement compared for the exports: the word diff of each article
 * (shared/word-diff.ts, through compareAgreements) says what changed; the record of who wrote
 * what (server/versions/text-edits.ts) says who made each change and when, by the Yjs ids of
 * the characters inserted (in the newer state) or deleted (in the older one). Pure, for a
 * worker thread: the states are decoded here.
 */

export interface ChangeSegment {
  op: 'equal' | 'insert' | 'delete';
  text: string;
  /** "Claire Marchand · AXESS"; null for unchanged text. */
  author: string | null;
  /** ISO date-time of the change, when known. */
  at: string | null;
}

/** An amendment on an article, as the tableau comparatif's third column lists it. */
export interface AmendmentLine {
  articleId: string;
  number: number;
  org: string;
  /** « adopté le 12 mars 2024 », « rejeté », « en discussion »… */
  status: string;
  formula: string;
}

export interface ComparedArticle {
  id: string;
  change: ArticleComparison['change'];
  moved: boolean;
  renumbered: boolean;
  retitled: boolean;
  fromNumber: string | null;
  toNumber: string | null;
  fromTitle: string | null;
  toTitle: string | null;
  /** The article's text (blocks joined by "\n"), equal, inserted and deleted, each change with its author. */
  segments: ChangeSegment[];
  amendments: AmendmentLine[];
}

export interface ComparisonDocument {
  negotiationTitle: string;
  /** "Version « Avant séance » du 3 mars 2024". */
  fromLine: string;
  toLine: string;
  /** Who the changes whose author is not recorded are attributed to (the newer version's author). */
  fallback: ChangeAuthor;
  summary: ComparisonSummary;
  articles: ComparedArticle[];
  /** Everyone a change is attributed to, in order of appearance. */
  authors: string[];
}

interface AttributedArticle extends StructureEntry, AttributedText {}

interface AttributedSide {
  head: StoredVersion['head'];
  articles: AttributedArticle[];
}

function readSide(stored: StoredVersion): AttributedSide {
  const states = new Map(stored.articles.map((a) => [a.articleId, a.state]));
  return {
    head: stored.head,
    articles: structureOfState(stored.structure).map((entry) => {
      const state = states.get(entry.id);
      if (!state) return { ...entry, blocks: [], ids: new Float64Array(0) };
      const doc = new Y.Doc({ gc: false });
      Y.applyUpdate(doc, state);
      const attributed = readAttributedBlocks(doc);
      doc.destroy();
      return { ...entry, ...attributed };
    }),
  };
}

/** "Version « … » du 3 mars 2024", or "Texte en cours au …". */
export function sideLine(head: StoredVersion['head']): string {
  return head.kind === 'live' ? `Texte en cours au ${frenchDate(head.createdAt)}` : `Version « ${head.name} » du ${frenchDate(head.createdAt)}`;
}

/**
 * Cuts a diff operation into segments by author: each character is looked up by its Yjs id;
 * characters no item holds (block separators) go with their neighbours.
 */
function attribute(
  op: 'insert' | 'delete',
  text: string,
  ids: Float64Array,
  offset: number,
  lookup: (client: number, clock: number) => ChangeAuthor | null,
  fallback: ChangeAuthor,
): ChangeSegment[] {
  const authors: (ChangeAuthor | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const at = 2 * (offset + i);
    authors.push(at + 1 < ids.length ? lookup(ids[at], ids[at + 1]) : null);
  }
  // A separator or an unrecorded character takes its neighbour's author when there is one.
  for (let i = 1; i < authors.length; i++) if (!authors[i] && ids[2 * (offset + i)] === -1) authors[i] = authors[i - 1];
  for (let i = authors.length - 2; i >= 0; i--) if (!authors[i] && ids[2 * (offset + i)] === -1) authors[i] = authors[i + 1];
  const segments: ChangeSegment[] = [];
  for (let i = 0; i < text.length; i++) {
    const author = authors[i] ?? fallback;
    const last = segments.at(-1);
    if (last && last.author === author.name && last.at === author.at) last.text += text[i];
    else segments.push({ op, text: text[i], author: author.name, at: author.at });
  }
  return segments;
}

/**
 * Moves each lone insertion or deletion, where the text around it allows, so that it starts
 * at a paragraph break: « …effectif. » + « \nLa pause… usagers. » rather than « …effectif » +
 * « .\nLa pause… usagers » + « . ». Both read the same, but only the first leaves the old
 * paragraph whole, and its last character with whoever wrote it.
 */
export function alignToParagraphs(diff: readonly DiffOp[]): DiffOp[] {
  const ops = diff.map((op) => ({ ...op }));
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op.op === 'equal' || op.text.startsWith('\n')) continue;
    const before = ops[i - 1]?.op === 'equal' ? ops[i - 1] : null;
    const after = ops[i + 1]?.op === 'equal' ? ops[i + 1] : null;
    if ((ops[i - 1] && !before) || (ops[i + 1] && !after)) continue; // a replacement: left as it is
    const left = before?.text ?? '';
    const right = after?.text ?? '';
    // Every position the edit may take: shifted left by the end of `left`, right by the start of `right`.
    let shiftLeft = 0;
    while (shiftLeft < left.length && left[left.length - 1 - shiftLeft] === op.text[op.text.length - 1 - (shiftLeft % op.text.length)]) shiftLeft++;
    let shiftRight = 0;
    while (shiftRight < right.length && right[shiftRight] === op.text[shiftRight % op.text.length]) shiftRight++;
    const whole = left + op.text + right;
    for (let shift = -shiftLeft; shift <= shiftRight; shift++) {
      const start = left.length + shift;
      const text = whole.slice(start, start + op.text.length);
      if (!text.startsWith('\n')) continue;
      if (before) before.text = whole.slice(0, start);
      op.text = text;
      if (after) after.text = whole.slice(start + op.text.length);
      break;
    }
  }
  return ops.filter((op) => op.text !== '');
}

export interface ComparisonInput {
  negotiationTitle: string;
  from: StoredVersion;
  to: StoredVersion;
  authorship: AuthorshipRecords;
  amendments: AmendmentLine[];
}

export function buildComparison(input: ComparisonInput): ComparisonDocument {
  const from = readSide(input.from);
  const to = readSide(input.to);
  const text = (side: AttributedSide): Pick<VersionText, 'articles'> => ({ articles: side.articles.map((a) => ({ ...a, blocks: a.blocks })) });
  const comparisons = compareAgreements(text(from), text(to));
  const fromArticles = new Map(from.articles.map((a) => [a.id, a]));
  const toArticles = new Map(to.articles.map((a) => [a.id, a]));
  const createdBy = to.head.createdBy;
  const fallback: ChangeAuthor = {
    name: createdBy ? (createdBy.org ? `${createdBy.name} · ${createdBy.org}` : createdBy.name) : 'Auteur non enregistré',
    // The live text has no date of its own: a change nobody recorded is left undated.
    at: to.head.kind === 'live' ? null : to.head.createdAt,
  };

  const authors: string[] = [];
  const articles = comparisons.map((c): ComparedArticle => {
    const index = new AuthorshipIndex(input.authorship[c.id]);
    const before = fromArticles.get(c.id);
    const after = toArticles.get(c.id);
    const segments: ChangeSegment[] = [];
    let inFrom = 0;
    let inTo = 0;
    for (const op of alignToParagraphs(c.diff)) {
      if (op.op === 'equal') {
        segments.push({ op: 'equal', text: op.text, author: null, at: null });
        inFrom += op.text.length;
        inTo += op.text.length;
      } else if (op.op === 'insert') {
        segments.push(...attribute('insert', op.text, after?.ids ?? new Float64Array(0), inTo, (client, clock) => index.insertedBy(client, clock), fallback));
        inTo += op.text.length;
      } else {
        segments.push(...attribute('delete', op.text, before?.ids ?? new Float64Array(0), inFrom, (client, clock) => index.deletedBy(client, clock), fallback));
        inFrom += op.text.length;
      }
    }
    for (const s of segments) if (s.author && !authors.includes(s.author)) authors.push(s.author);
    return {
      id: c.id,
      change: c.change,
      moved: c.moved,
      renumbered: c.renumbered,
      retitled: c.retitled,
      fromNumber: c.fromNumber,
      toNumber: c.toNumber,
      fromTitle: c.fromTitle,
      toTitle: c.toTitle,
      segments,
      amendments: input.amendments.filter((a) => a.articleId === c.id).sort((a, b) => a.number - b.number),
    };
  });
  for (const s of articles) if ((s.renumbered || s.retitled || s.change === 'added' || s.change === 'removed') && !authors.includes(fallback.name)) authors.push(fallback.name);
  return {
    negotiationTitle: input.negotiationTitle,
    fromLine: sideLine(from.head),
    toLine: sideLine(to.head),
    fallback,
    summary: summarise(comparisons),
    articles,
    authors,
  };
}
