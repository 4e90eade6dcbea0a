import { blocksOfState, structureOfState } from '../../shared/structure.ts';
import { compareAgreements, summarise, type Comparison, type VersionText } from '../../shared/text-diff.ts';

/**
 * The heavy half of reading and comparing versions, run in a worker thread
 * (server/common/worker-pool.ts): a whole agreement's Yjs states decoded, and two agreements
 * compared article by article. Pure functions of their input.
 */

/** A version as stored: its head, the outline's state and each article's state. */
export interface StoredVersion {
  head: Omit<VersionText, 'articles'>;
  structure: Uint8Array;
  articles: { articleId: string; state: Uint8Array }[];
}

/** One side of a comparison: a stored version, or a text already read (the live text). */
export type VersionSide = { stored: StoredVersion } | { text: VersionText };

/** A version's texts: the outline and each article's blocks, rendered from the stored states. */
export function readStoredVersion(stored: StoredVersion): VersionText {
  const states = new Map(stored.articles.map((a) => [a.articleId, a.state]));
  return {
    ...stored.head,
    articles: structureOfState(stored.structure).map((entry) => {
      const state = states.get(entry.id);
      return { ...entry, blocks: state ? blocksOfState(state) : [] };
    }),
  };
}

const textOf = (side: VersionSide): VersionText => ('text' in side ? side.text : readStoredVersion(side.stored));

export function compareSides({ from, to }: { from: VersionSide; to: VersionSide }): Comparison {
  const [a, b] = [textOf(from), textOf(to)];
  const articles = compareAgreements(a, b);
  const head = ({ articles: _articles, ...rest }: VersionText) => rest;
  return { from: head(a), to: head(b), summary: summarise(articles), articles };
}
