/** A run of Yjs items of one client: clocks `clock` to `clock + len - 1`. */
export interface ItemRun {
  client: number;
  clock: number;
  len: number;
}

/**
 * One run of an article's live text and who inserted it, as `GET …/articles/:articleId/authorship`
 * answers (server/versions/text-edits.ts) and the editor's « qui a écrit quoi » colours it: the
 * Yjs ids (client, clock, len) of the items, which the editor's own document shares.
 */
export interface WrittenRun extends ItemRun {
  name: string;
  /** The organisation's short name; null for an account without one. */
  org: string | null;
}

/**
 * A passage an amendment's merge wrote into the article (the server's record of the merge, its
 * Yjs items), marked « Amdt n° X (ORG) » in the editor until the next version is taken.
 */
export interface MergedRun extends ItemRun {
  amendmentId: string;
  /** The amendment's number in the order of tabling. */
  number: number | null;
  /** The tabling organisation's short name. */
  org: string;
}
