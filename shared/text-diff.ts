/**
 * Comparing two states of an agreement, article by article: which articles were added,
 * removed, moved, renumbered or retitled, and a word-level diff inside each changed article.
 * Pure functions: the server compares versions with them, the client could as well.
 */

import { wordDiff, type DiffOp } from './word-diff.ts';

export { diffWords, tokenize, wordDiff, MAX_EDIT_TOKENS, type DiffOp, type WordDiff } from './word-diff.ts';

/** One article as compared: its place in the outline and its text, block by block. */
export interface ArticleText {
  id: string;
  number: string;
  title: string;
  titre?: string | null;
  chapitre?: string | null;
  status?: string;
  blocks: string[];
}

export interface AgreementText {
  articles: ArticleText[];
}

export interface ArticleComparison {
  id: string;
  /** added / removed: only in `to` / only in `from`; changed: its text differs. */
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  /** Its position relative to the other articles changed. */
  moved: boolean;
  renumbered: boolean;
  retitled: boolean;
  fromNumber: string | null;
  toNumber: string | null;
  fromTitle: string | null;
  toTitle: string | null;
  /** Word-level diff of the text (blocks separated by "\n"); whole insert/delete for added/removed. */
  diff: DiffOp[];
  /** The text changed past the word diff's bound: `diff` deletes it and inserts the new one whole. */
  replaced: boolean;
}

export interface ComparisonSummary {
  added: number;
  removed: number;
  changed: number;
  moved: number;
  renumbered: number;
}

/** The longest common subsequence of two id lists (outlines are a few hundred articles). */
function stableIds(from: readonly string[], to: readonly string[]): Set<string> {
  const n = from.length;
  const m = to.length;
  const table = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = from[i] === to[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (from[i] === to[j]) {
      kept.add(from[i]);
      i++;
      j++;
    } else if (table[i + 1][j] > table[i][j + 1]) i++;
    else j++;
  }
  return kept;
}

const textOf = (article: ArticleText): string => article.blocks.join('\n');

/**
 * Compares two agreements article by article, in the order of `to` (removed articles
 * where they stood in `from`). Articles are matched by id, so a moved or renumbered
 * article is recognised as the same article.
 */
export function compareAgreements(from: AgreementText, to: AgreementText): ArticleComparison[] {
  const before = new Map(from.articles.map((a) => [a.id, a]));
  const after = new Map(to.articles.map((a) => [a.id, a]));
  const common = (list: ArticleText[], other: Map<string, ArticleText>) => list.filter((a) => other.has(a.id)).map((a) => a.id);
  const stable = stableIds(common(from.articles, after), common(to.articles, before));

  const compareOne = (id: string): ArticleComparison => {
    const a = before.get(id);
    const b = after.get(id);
    if (!a && b) {
      return { id, change: 'added', moved: false, renumbered: false, retitled: false, fromNumber: null, toNumber: b.number, fromTitle: null, toTitle: b.title, diff: [{ op: 'insert', text: textOf(b) }], replaced: false };
    }
    if (a && !b) {
      return { id, change: 'removed', moved: false, renumbered: false, retitled: false, fromNumber: a.number, toNumber: null, fromTitle: a.title, toTitle: null, diff: [{ op: 'delete', text: textOf(a) }], replaced: false };
    }
    const x = a as ArticleText;
    const y = b as ArticleText;
    const same = textOf(x) === textOf(y);
    const { ops: diff, replaced } = same ? { ops: [{ op: 'equal' as const, text: textOf(y) }], replaced: false } : wordDiff(textOf(x), textOf(y));
    return {
      id,
      change: same || diff.every((d) => d.op === 'equal') ? 'unchanged' : 'changed',
      moved: !stable.has(id),
      renumbered: x.number !== y.number,
      retitled: x.title !== y.title,
      fromNumber: x.number,
      toNumber: y.number,
      fromTitle: x.title,
      toTitle: y.title,
      diff,
      replaced,
    };
  };

  // The order of `to`, each removed article slotted after its predecessor in `from`.
  const order: string[] = to.articles.map((a) => a.id);
  from.articles.forEach((a, i) => {
    if (after.has(a.id)) return;
    const predecessor = from.articles
      .slice(0, i)
      .reverse()
      .find((p) => order.includes(p.id));
    order.splice(predecessor ? order.indexOf(predecessor.id) + 1 : 0, 0, a.id);
  });
  return order.map(compareOne);
}

export function summarise(comparisons: readonly ArticleComparison[]): ComparisonSummary {
  return {
    added: comparisons.filter((c) => c.change === 'added').length,
    removed: comparisons.filter((c) => c.change === 'removed').length,
    changed: comparisons.filter((c) => c.change === 'changed').length,
    moved: comparisons.filter((c) => c.moved).length,
    renumbered: comparisons.filter((c) => c.renumbered).length,
  };
}

// --- Versions over HTTP ------------------------------------------------------------------

export const VERSION_KINDS = ['manual', 'session', 'merge', 'signature'] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];

/** `GET /api/negotiations/:id/versions`, newest first. */
export interface VersionSummary {
  id: string;
  name: string;
  kind: VersionKind;
  createdAt: string;
}

export interface VersionAuthor {
  userId: string;
  name: string;
  org?: string | null;
}

/** A version's texts (or the live text, id `live`): the outline and each article's blocks. */
export interface VersionText extends AgreementText {
  id: string;
  name: string;
  kind: VersionKind | 'live';
  reason: string;
  createdAt: string;
  createdBy: VersionAuthor | null;
  articles: (ArticleText & { status?: string; formerNumbers?: string[]; kind?: 'preamble' | 'article' })[];
}

/** `GET /api/negotiations/:id/compare?from=…&to=…`. */
export interface Comparison {
  from: Omit<VersionText, 'articles'>;
  to: Omit<VersionText, 'articles'>;
  summary: ComparisonSummary;
  articles: ArticleComparison[];
}
