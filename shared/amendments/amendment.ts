import { z } from 'zod';
import { diffWords, type DiffOp } from '../text-diff.ts';
import { AmendmentContentSchema, splitParagraphs, type AmendmentContent } from './formula.ts';
import { isFinal, isLive, type AmendmentStatus, type AmendmentTransition } from './lifecycle.ts';
import { IdSchema as Id, NegotiationIdSchema as NegotiationId } from '../ids.ts';
import type { Visibility } from '../visibility.ts';
import type { ItemRun } from '../versions/authorship.ts';

/**
 * Amendments as the channel carries them: the command payloads (Socket.IO, parsed by the
 * server), the view the REST reads and the client show, and the pure text rules behind
 * "what would the article read like", "is it outdated", "do two amendments compete".
 * Texts are handled as blocks (paragraphs, list items…) as `readBlocks` renders them.
 */

/** An encoded Yjs RelativePosition, base64. */
const EncodedPosition = z.string().min(4).max(2_000).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'position encodée invalide');

/** A text range of an article, as two Yjs relative positions (they survive concurrent edits). */
export const AnchorSchema = z.strictObject({ start: EncodedPosition, end: EncodedPosition });
export type Anchor = z.infer<typeof AnchorSchema>;

export const DraftAmendmentSchema = z.strictObject({
  negotiationId: NegotiationId,
  /** Revise one of my organisation's drafts; absent: a new draft. */
  amendmentId: Id.optional(),
  /** The organisation in whose name it is written: the author's own, always (checked by the server). */
  org: Id.optional(),
  articleId: Id,
  content: AmendmentContentSchema,
  justification: z.string().trim().min(1).max(20_000),
  anchor: AnchorSchema.nullable().default(null),
});
export type DraftAmendmentPayload = z.input<typeof DraftAmendmentSchema>;

/** Tabling a draft, or drafting and tabling in one step (same fields as a draft, no id). */
export const TableAmendmentSchema = z.union([
  z.strictObject({ negotiationId: NegotiationId, amendmentId: Id }),
  DraftAmendmentSchema.omit({ amendmentId: true }),
]);
export type TableAmendmentPayload = z.input<typeof TableAmendmentSchema>;

export const AmendmentCommandSchema = z.strictObject({ negotiationId: NegotiationId, amendmentId: Id });

export const AdoptAmendmentSchema = AmendmentCommandSchema.extend({
  /** Merge at once, by the system, when the target still matches. */
  merge: z.boolean().default(false),
});

export const MergeAmendmentSchema = AmendmentCommandSchema.extend({
  /**
   * The pen-holder has written the change into the text by hand (the target no longer
   * matched): record the merge without touching the text.
   */
  manual: z.boolean().default(false),
});

/** The article text an amendment was written against. */
export interface AmendmentBase {
  blocks: string[];
  /** The text of the anchored range at the time, when anchored. */
  quote: string | null;
  /** Y.encodeStateVector of the article document, base64. */
  stateVector: string;
  /** Y.encodeSnapshot of the article document, base64. */
  snapshot: string;
  at: string;
}

export interface AmendmentHistoryEntry {
  status: AmendmentStatus;
  at: string;
  by: { userId: string; name: string } | 'system';
}

export interface AmendmentView {
  id: string;
  /** Its number in the order of tabling (n° 1, 2…); null while a draft. */
  number: number | null;
  negotiationId: string;
  articleId: string;
  target: { number: string; kind: 'article' | 'preamble'; title: string };
  org: { id: string; shortName: string };
  author: { userId: string; name: string };
  content: AmendmentContent;
  justification: string;
  anchor: Anchor | null;
  /** The French legal sentence. */
  formula: string;
  status: AmendmentStatus;
  base: AmendmentBase;
  history: AmendmentHistoryEntry[];
  merge: { versionId: string | null; automatic: boolean; manual: boolean } | null;
  createdAt: string;
  updatedAt: string;
  /** Derived at read time against the live text. */
  outdated: boolean;
  /** Ids of the live amendments (visible to the reader) touching the same text. */
  competing: string[];
  /** What the reader may do now (the client's buttons). */
  actions: AmendmentTransition[];
}

/** `GET …/amendments/:id`: the amendment and its diffs. */
export interface AmendmentDetail extends AmendmentView {
  currentBlocks: string[];
  /** Base text → the text as amended. */
  diffAgainstBase: DiffOp[];
  /** Current text → the text as amended (null when it no longer applies). */
  diffAgainstCurrent: DiffOp[] | null;
  /** Base text → current text: what changed since it was written. */
  diffBaseToCurrent: DiffOp[];
}

// --- Event payloads ------------------------------------------------------------------------

/** Who moved an amendment on: a person, or the system (an automatic merge). */
export type AmendmentActor = { userId: string; name: string } | 'system';

/** What `amendment:drafted` and `amendment:tabled` carry: the whole amendment as written. */
export interface AmendmentWritten {
  amendmentId: string;
  articleId: string;
  target: AmendmentView['target'];
  org: AmendmentView['org'];
  author: AmendmentView['author'];
  content: AmendmentContent;
  justification: string;
  anchor: Anchor | null;
  formula: string;
  base: AmendmentBase;
}

/** What `amendment:discussed|adopted|rejected|withdrawn` carry. */
export interface AmendmentStep {
  amendmentId: string;
  by: AmendmentActor;
}

export interface AmendmentMerged extends AmendmentStep {
  versionId: string | null;
  automatic: boolean;
  manual: boolean;
  /** What the merge wrote into the article's live text (none for a merge made by hand or a deletion). */
  passage?: { articleId: string; number: number | null; org: string; runs: ItemRun[] };
}

/** An amendment as folded from the log, with who may see it (the derived fields come at read time). */
export interface AmendmentRecord extends Omit<AmendmentView, 'outdated' | 'competing' | 'actions'> {
  visibility: Visibility;
}

// --- Pure text rules -------------------------------------------------------------------

/** Every (block, offset) where `words` occurs, in reading order. */
export function occurrences(blocks: readonly string[], words: string): { block: number; offset: number }[] {
  const found: { block: number; offset: number }[] = [];
  if (!words) return found;
  blocks.forEach((text, block) => {
    for (let at = text.indexOf(words); at >= 0; at = text.indexOf(words, at + words.length)) found.push({ block, offset: at });
  });
  return found;
}

/** Removes `words` from a paragraph with the space that went with them. */
function cut(text: string, offset: number, length: number): string {
  let start = offset;
  let end = offset + length;
  if (text[end] === ' ' && (start === 0 || text[start - 1] === ' ')) end++;
  else if (text[start - 1] === ' ' && (end === text.length || /[\s.,;:!?)»]/.test(text[end] ?? ''))) start--;
  return text.slice(0, start) + text.slice(end);
}

/**
 * The article's blocks once the amendment is applied, or null when its target is not in
 * the text (words absent, no such alinéa). Structural kinds (new, move, renumber) leave
 * this article's text as it is; `new-article` answers the new article's text.
 */
export function applyToBlocks(blocks: readonly string[], content: AmendmentContent): string[] | null {
  switch (content.kind) {
    case 'replace-article':
      return splitParagraphs(content.text);
    case 'replace-words':
    case 'delete-words': {
      const from = content.kind === 'replace-words' ? content.from : content.words;
      const to = content.kind === 'replace-words' ? content.to : '';
      const found = occurrences(blocks, from);
      const occurrence = content.kind === 'replace-words' ? content.occurrence : undefined;
      const chosen = occurrence === undefined ? found : found.slice(occurrence - 1, occurrence);
      if (chosen.length === 0) return null;
      const out = [...blocks];
      // From the last to the first, so that offsets stay right.
      for (const { block, offset } of [...chosen].reverse()) {
        const text = out[block];
        out[block] = to ? text.slice(0, offset) + to + text.slice(offset + from.length) : cut(text, offset, from.length);
      }
      return out;
    }
    case 'insert-paragraph': {
      const after = content.after ?? blocks.length;
      if (after > blocks.length) return null;
      return [...blocks.slice(0, after), ...splitParagraphs(content.text), ...blocks.slice(after)];
    }
    case 'delete-paragraph':
      if (content.index > blocks.length) return null;
      return blocks.filter((_, i) => i !== content.index - 1);
    case 'delete-article':
      return [];
    case 'new-article':
      return splitParagraphs(content.text);
    case 'move-article':
    case 'renumber-article':
      return [...blocks];
  }
}

/** A span of the article's text: [start, end) in the blocks joined by "\n". */
export interface Span {
  start: number;
  end: number;
}

const joined = (blocks: readonly string[]) => blocks.join('\n');

function blockStart(blocks: readonly string[], index: number): number {
  let at = 0;
  for (let i = 0; i < index && i < blocks.length; i++) at += blocks[i].length + 1;
  return at;
}

/**
 * The spans of the current text an amendment touches, for competition: the anchored range
 * when it has one (`anchored`), else what its kind designates. Structural kinds touch the
 * article as a whole only for kinds that rewrite it.
 */
export function targetSpans(blocks: readonly string[], content: AmendmentContent, anchored: Span | null): Span[] {
  if (anchored) return [anchored];
  const whole = { start: 0, end: joined(blocks).length };
  switch (content.kind) {
    case 'replace-article':
    case 'delete-article':
      return [whole];
    case 'replace-words':
    case 'delete-words': {
      const words = content.kind === 'replace-words' ? content.from : content.words;
      const found = occurrences(blocks, words);
      const chosen = content.kind === 'replace-words' && content.occurrence !== undefined
        ? found.slice(content.occurrence - 1, content.occurrence)
        : found;
      return chosen.map(({ block, offset }) => {
        const start = blockStart(blocks, block) + offset;
        return { start, end: start + words.length };
      });
    }
    case 'insert-paragraph': {
      const at = blockStart(blocks, content.after ?? blocks.length) - (content.after === 0 ? 0 : 1);
      return [{ start: Math.max(0, at), end: Math.max(0, at) }];
    }
    case 'delete-paragraph': {
      if (content.index > blocks.length) return [];
      const start = blockStart(blocks, content.index - 1);
      return [{ start, end: start + blocks[content.index - 1].length }];
    }
    case 'new-article':
    case 'move-article':
    case 'renumber-article':
      return [];
  }
}

/** Whether two sets of spans meet (an insertion point meets a span that contains it, or the same point). */
export function spansOverlap(a: readonly Span[], b: readonly Span[]): boolean {
  return a.some((x) =>
    b.some((y) => {
      if (x.start === x.end || y.start === y.end) return x.start <= y.end && y.start <= x.end;
      return x.start < y.end && y.start < x.end;
    }),
  );
}

/**
 * What the amendment's target reads in a text: the anchored range when it has one, the
 * paragraphs holding the words, the alinéa concerned, or the whole article. An amendment
 * is outdated when its target no longer reads as it did when it was written.
 */
export function targetText(blocks: readonly string[], content: AmendmentContent, anchoredText: string | null): string {
  if (anchoredText !== null) return anchoredText;
  switch (content.kind) {
    case 'replace-words':
    case 'delete-words': {
      const words = content.kind === 'replace-words' ? content.from : content.words;
      return blocks.filter((b) => b.includes(words)).join('\n');
    }
    case 'insert-paragraph':
      return content.after === undefined || content.after === 0 ? '' : (blocks[content.after - 1] ?? '\u0000');
    case 'delete-paragraph':
      return blocks[content.index - 1] ?? '\u0000';
    case 'new-article':
    case 'move-article':
    case 'renumber-article':
      return '';
    default:
      return joined(blocks);
  }
}

/** Word diffs of an amendment: against its base, against the current text, and base → current. */
export function amendmentDiffs(
  base: readonly string[],
  current: readonly string[],
  content: AmendmentContent,
): Pick<AmendmentDetail, 'diffAgainstBase' | 'diffAgainstCurrent' | 'diffBaseToCurrent'> {
  const fromBase = applyToBlocks(base, content) ?? [...base];
  const fromCurrent = applyToBlocks(current, content);
  const newArticle = content.kind === 'new-article';
  return {
    diffAgainstBase: diffWords(newArticle ? '' : joined(base), joined(fromBase)),
    diffAgainstCurrent: fromCurrent ? diffWords(newArticle ? '' : joined(current), joined(fromCurrent)) : null,
    diffBaseToCurrent: diffWords(joined(base), joined(current)),
  };
}

// --- Derived flags ---------------------------------------------------------------------------

/**
 * Whether the words an amendment targets read differently now than when it was written
 * (`anchoredNow`: the anchored passage as it reads today, '' when it is gone). A decided or
 * applied amendment is never outdated: its story is over.
 */
export function isOutdated(
  amendment: Pick<AmendmentRecord, 'status' | 'content' | 'anchor' | 'base'>,
  currentBlocks: readonly string[],
  anchoredNow: string | null,
): boolean {
  if (isFinal(amendment.status)) return false;
  const then = targetText(amendment.base.blocks, amendment.content, amendment.anchor ? amendment.base.quote : null);
  return targetText(currentBlocks, amendment.content, anchoredNow) !== then;
}

/**
 * The live amendments competing with each live one: on the same article, touching the same
 * words of the text as it reads now (`targets`: each amendment's target spans today).
 */
export function competingAmendments(
  amendments: readonly Pick<AmendmentRecord, 'id' | 'articleId' | 'status'>[],
  targets: ReadonlyMap<string, readonly Span[]>,
): Map<string, string[]> {
  const competing = new Map<string, string[]>();
  for (const a of amendments) {
    if (!isLive(a.status)) {
      competing.set(a.id, []);
      continue;
    }
    const rivals = amendments.filter(
      (o) => o.id !== a.id && o.articleId === a.articleId && isLive(o.status) && spansOverlap(targets.get(a.id) ?? [], targets.get(o.id) ?? []),
    );
    competing.set(a.id, rivals.map((o) => o.id));
  }
  return competing;
}
