/**
 * One run of an article's live text and who inserted it, as `GET …/articles/:articleId/authorship`
 * answers (server/versions/text-edits.ts) and the editor's « qui a écrit quoi » colours it: the
 * Yjs ids (client, clock, len) of the items, which the editor's own document shares.
 */
export interface WrittenRun {
  client: number;
  clock: number;
  len: number;
  name: string;
  /** The organisation's short name; null for an account without one. */
  org: string | null;
}
