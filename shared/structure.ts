import * as Y from 'yjs';
import { z } from 'zod';
import { ARTICLE_STATUSES, type ArticleStatus } from './identity.ts';

/**
 * The live text's shape in Yjs, shared by the server (seeding, versions, metadata) and the
 * editor. An article document holds its text in the XmlFragment the ProseMirror binding
 * uses (`default`): block nodes (`paragraph`, lists, tables) whose leaves are XmlText.
 * The agreement's structure document holds the ordered outline in the array `articles`,
 * one Y.Map per article; the position in the array is the article's order.
 */
export const ARTICLE_FRAGMENT = 'default';
export const STRUCTURE_ARRAY = 'articles';

export const DOC_PREFIX = { article: 'article:', agreement: 'agreement:' } as const;

export type DocName = { kind: 'article'; id: string } | { kind: 'agreement'; id: string };

/** `article:<articleId>` or `agreement:<negotiationId>`; null for anything else. */
export function parseDocName(name: string): DocName | null {
  const match = /^(article|agreement):([A-Za-z0-9_-]{1,64})$/.exec(name);
  if (!match) return null;
  return { kind: match[1] as DocName['kind'], id: match[2] };
}

export const articleDocName = (articleId: string): string => `${DOC_PREFIX.article}${articleId}`;
export const agreementDocName = (negotiationId: string): string => `${DOC_PREFIX.agreement}${negotiationId}`;

/** One entry of the agreement's outline, as the structure document stores it. */
export interface StructureEntry {
  id: string;
  /** "1", "3 bis"; "Préambule" for the preamble. */
  number: string;
  title: string;
  titre: string | null;
  chapitre: string | null;
  kind: 'preamble' | 'article';
  status: string;
  /** Numbers the article carried before renumberings, most recent last ("article 4 (ex-3)"). */
  formerNumbers: string[];
}

const FIELDS = ['id', 'number', 'title', 'titre', 'chapitre', 'kind', 'status'] as const;

export function structureArray(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(STRUCTURE_ARRAY);
}

function toEntry(map: Y.Map<unknown>): StructureEntry {
  const formers = map.get('formerNumbers');
  return {
    id: String(map.get('id') ?? ''),
    number: String(map.get('number') ?? ''),
    title: String(map.get('title') ?? ''),
    titre: (map.get('titre') as string | null | undefined) ?? null,
    chapitre: (map.get('chapitre') as string | null | undefined) ?? null,
    kind: map.get('kind') === 'preamble' ? 'preamble' : 'article',
    status: String(map.get('status') ?? 'open'),
    formerNumbers: Array.isArray(formers) ? formers.map(String) : [],
  };
}

/** The outline, in order. */
export function readStructure(doc: Y.Doc): StructureEntry[] {
  return structureArray(doc)
    .toArray()
    .map(toEntry)
    .filter((e) => e.id !== '');
}

function toMap(entry: StructureEntry): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const key of FIELDS) map.set(key, entry[key]);
  map.set('formerNumbers', [...entry.formerNumbers]);
  return map;
}

function indexOf(doc: Y.Doc, articleId: string): number {
  return structureArray(doc)
    .toArray()
    .findIndex((m) => m.get('id') === articleId);
}

/** Inserts an article at `position` (end when omitted). */
export function insertArticle(doc: Y.Doc, entry: StructureEntry, position?: number): void {
  const array = structureArray(doc);
  if (indexOf(doc, entry.id) >= 0) return;
  const at = position === undefined ? array.length : Math.max(0, Math.min(position, array.length));
  array.insert(at, [toMap(entry)]);
}

/** Moves an article to `position` in the outline (the position counted after its removal). */
export function moveArticle(doc: Y.Doc, articleId: string, position: number): boolean {
  const from = indexOf(doc, articleId);
  if (from < 0) return false;
  doc.transact(() => {
    const array = structureArray(doc);
    const entry = toEntry(array.get(from));
    array.delete(from, 1);
    array.insert(Math.max(0, Math.min(position, array.length)), [toMap(entry)]);
  });
  return true;
}

export function deleteArticle(doc: Y.Doc, articleId: string): boolean {
  const at = indexOf(doc, articleId);
  if (at < 0) return false;
  structureArray(doc).delete(at, 1);
  return true;
}

/** Sets fields of one article (title, titre, chapitre, status). */
export function updateArticle(
  doc: Y.Doc,
  articleId: string,
  fields: Partial<Pick<StructureEntry, 'title' | 'titre' | 'chapitre' | 'status'>>,
): boolean {
  const at = indexOf(doc, articleId);
  if (at < 0) return false;
  const map = structureArray(doc).get(at);
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) map.set(key, value);
  });
  return true;
}

/**
 * Gives articles new numbers; each keeps the numbers it had, so that a cross-reference
 * written against the old numbering stays readable ("article 4 (ex-3)").
 * Returns the renumbering applied, old → new.
 */
export function renumberArticles(doc: Y.Doc, numbers: Record<string, string>): Record<string, string> {
  const applied: Record<string, string> = {};
  doc.transact(() => {
    for (const map of structureArray(doc).toArray()) {
      const id = String(map.get('id'));
      const next = numbers[id];
      const current = String(map.get('number'));
      if (next === undefined || next === current) continue;
      const formers = (map.get('formerNumbers') as string[] | undefined) ?? [];
      // Back to the number it had just before: an undo, which leaves no « ex- » behind.
      map.set('formerNumbers', formers.at(-1) === next ? formers.slice(0, -1) : [...formers.filter((n) => n !== next), current]);
      map.set('number', next);
      applied[current] = next;
    }
  });
  return applied;
}

/** Numbers 1, 2, 3… in outline order (the preamble keeps its name): "renumber all". */
export function sequentialNumbers(entries: readonly StructureEntry[]): Record<string, string> {
  const numbers: Record<string, string> = {};
  let n = 0;
  for (const entry of entries) if (entry.kind === 'article') numbers[entry.id] = String(++n);
  return numbers;
}

const SUFFIXES = ['bis', 'ter', 'quater', 'quinquies', 'sexies', 'septies', 'octies', 'nonies', 'decies'];

/** "13 bis" → 13; "Préambule" → null. */
function baseNumber(number: string): number | null {
  const match = /^(\d+)/.exec(number.trim());
  return match ? Number(match[1]) : null;
}

/** How a new article inserted at `position` of the outline may be numbered. */
export interface NumberChoice {
  /** The number after the article before it: 14 after 13 (or after 13 bis). */
  next: string;
  /** Inserted between: « 13 bis » (or the first free of ter, quater…) after 13. */
  bis: string | null;
  /** Whether `next` is already an article's number (then the articles after need renumbering). */
  nextTaken: boolean;
  /** What is chosen when nobody says: `next` when free, else `bis`. */
  preferred: 'next' | 'bis';
}

export function numberChoices(entries: readonly StructureEntry[], position = entries.length): NumberChoice {
  const before = entries.slice(0, Math.max(0, Math.min(position, entries.length)));
  const previous = before.filter((e) => e.kind === 'article' && baseNumber(e.number) !== null).at(-1);
  const taken = new Set(entries.filter((e) => e.kind === 'article').map((e) => e.number.replace(/[\s\u00A0\u202F]+/g, ' ').trim()));
  const base = previous ? baseNumber(previous.number)! : 0;
  const next = String(base + 1);
  let bis: string | null = null;
  if (previous) bis = SUFFIXES.map((suffix) => `${base} ${suffix}`).find((n) => !taken.has(n)) ?? null;
  const nextTaken = taken.has(next);
  return { next, bis, nextTaken, preferred: nextTaken && bis ? 'bis' : 'next' };
}

/** One change a renumbering would make, as its preview lists it. */
export interface RenumberingPlan {
  /** Articles whose number changes, in outline order. */
  changes: { id: string; title: string; from: string; to: string }[];
  /** Paragraphs whose cross-references are rewritten: where, before and after. */
  references: { articleId: string; number: string; before: string; after: string }[];
  /** The outline's numbering the plan was made on: the confirmation must name it. */
  token: string;
}

/** The outline's numbering as a short token: a renumbering confirms against it. */
export function numberingToken(entries: readonly StructureEntry[]): string {
  let hash = 0x811c9dc5;
  for (const ch of entries.map((e) => `${e.id}=${e.number}`).join('|')) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `${entries.length}-${hash.toString(36)}`;
}

/** What `numbers` (id → new number) would do, before it is done: numbers and cross-references. */
export function planRenumbering(entries: readonly StructureEntry[], texts: Record<string, readonly string[]>, numbers: Record<string, string>): RenumberingPlan {
  const changes: RenumberingPlan['changes'] = [];
  const mapping: Record<string, string> = {};
  for (const e of entries) {
    const to = numbers[e.id];
    if (to === undefined || to === e.number) continue;
    changes.push({ id: e.id, title: e.title, from: e.number, to });
    mapping[e.number] = to;
  }
  const references: RenumberingPlan['references'] = [];
  for (const e of entries) {
    const number = numbers[e.id] ?? e.number;
    for (const block of texts[e.id] ?? []) {
      const after = rewriteCrossReferences(block, mapping);
      if (after !== block) references.push({ articleId: e.id, number, before: block, after });
    }
  }
  return { changes, references, token: numberingToken(entries) };
}

/**
 * Rewrites cross-references after a renumbering: "article 3" becomes "article 4", in one
 * pass so that a chain 3→4, 4→5 does not cascade. Pure text; the server applies it to
 * every article's text nodes.
 */
export function rewriteCrossReferences(text: string, renumbering: Record<string, string>): string {
  if (Object.keys(renumbering).length === 0) return text;
  return text.replace(
    /\b([Aa]rticles?|[Aa]rt\.)([\s\u00A0\u202F]+)(\d+(?:[\s\u00A0\u202F]+(?:bis|ter|quater))?)\b/g,
    (whole, word: string, space: string, number: string) => {
      const normalised = number.replace(/[\s\u00A0\u202F]+/g, ' ');
      const next = renumbering[normalised];
      return next === undefined ? whole : `${word}${space}${next}`;
    },
  );
}

// --- Article text ------------------------------------------------------------------------

export function articleFragment(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(ARTICLE_FRAGMENT);
}

/** Fills an empty article with paragraphs of plain text (the editor's `paragraph` nodes). */
export function writeParagraphs(doc: Y.Doc, paragraphs: readonly string[]): void {
  const fragment = articleFragment(doc);
  doc.transact(() => {
    fragment.insert(
      fragment.length,
      paragraphs.map((text) => {
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [new Y.XmlText(text)]);
        return paragraph;
      }),
    );
  });
}

const BLOCKS = new Set(['paragraph', 'heading', 'listItem', 'tableRow', 'blockquote', 'codeBlock']);

/**
 * Where each character of an article's text came from: the Yjs id (client, clock) of the
 * item that holds it, two numbers per character of `blocks.join('\n')`; -1, -1 for what no
 * item holds (the block separators, the " | " between table cells).
 */
export interface AttributedText {
  blocks: string[];
  ids: Float64Array;
}

/** Collects block texts, and the item id of each character when asked. */
class BlockReader {
  readonly blocks: string[] = [];
  private readonly ids: number[] | null;
  private current = '';

  constructor(withIds: boolean) {
    this.ids = withIds ? [] : null;
  }

  text(node: Y.XmlText): void {
    // The visible strings of the text, as its delta would give them, item by item.
    for (let item = node._start; item; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
      const str = item.content.str;
      this.current += str;
      if (this.ids) for (let i = 0; i < str.length; i++) this.ids.push(item.id.client, item.id.clock + i);
    }
  }

  separator(text: string): void {
    this.current += text;
    if (this.ids) for (let i = 0; i < text.length; i++) this.ids.push(-1, -1);
  }

  inline(node: Y.XmlElement | Y.XmlText | Y.XmlFragment): void {
    if (node instanceof Y.XmlText) return this.text(node);
    const between = node instanceof Y.XmlElement && node.nodeName === 'tableRow' ? ' | ' : '';
    node.toArray().forEach((child, i) => {
      if (i > 0 && between) this.separator(between);
      this.inline(child as Y.XmlElement | Y.XmlText);
    });
  }

  walk(node: Y.XmlElement | Y.XmlFragment): void {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) continue;
      const element = child as Y.XmlElement;
      if (BLOCKS.has(element.nodeName) && !(element.nodeName === 'listItem' && hasBlockChildren(element))) {
        const start = this.ids?.length ?? 0;
        this.inline(element);
        // The separator belongs before the block's characters, not after them.
        if (this.ids && this.blocks.length > 0) this.ids.splice(start, 0, -1, -1);
        this.blocks.push(this.current);
        this.current = '';
      } else this.walk(element);
    }
  }

  attributed(): AttributedText {
    return { blocks: this.blocks, ids: Float64Array.from(this.ids ?? []) };
  }
}

/**
 * The article's text as blocks of plain text, in reading order: each paragraph, each list
 * item, each table row (cells joined by " | "). What versions compare and exports read.
 */
export function readBlocks(doc: Y.Doc): string[] {
  const reader = new BlockReader(false);
  reader.walk(articleFragment(doc));
  return reader.blocks;
}

/** The article's blocks, and which Yjs item each character belongs to (who wrote what, when). */
export function readAttributedBlocks(doc: Y.Doc): AttributedText {
  const reader = new BlockReader(true);
  reader.walk(articleFragment(doc));
  return reader.attributed();
}

function hasBlockChildren(element: Y.XmlElement): boolean {
  return element.toArray().some((c) => c instanceof Y.XmlElement && c.nodeName !== 'paragraph' && BLOCKS.has(c.nodeName));
}

/** The blocks of an encoded article state (a version's stored update). */
export function blocksOfState(state: Uint8Array): string[] {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, state);
  const blocks = readBlocks(doc);
  doc.destroy();
  return blocks;
}

/** The outline of an encoded structure state. */
export function structureOfState(state: Uint8Array): StructureEntry[] {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const entries = readStructure(doc);
  doc.destroy();
  return entries;
}

/**
 * An update that seeds a document from content built in a fixed client id: the same seed
 * produces the same items wherever and however often it runs, so two servers (or a retry)
 * seeding the same empty document converge to one copy instead of two.
 */
export function deterministicSeed(build: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc({ gc: false });
  doc.clientID = SEED_CLIENT_ID;
  build(doc);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

const SEED_CLIENT_ID = 1;

// --- Request bodies ------------------------------------------------------------------------

const Heading = z.string().trim().min(1).max(300);
const Optional = z.string().trim().max(300).nullable().optional();

export const NewArticleBodySchema = z.object({
  title: Heading,
  number: z.string().trim().min(1).max(20).optional(),
  /** Without a number: the one after the previous article (14 after 13), or « 13 bis » (numberChoices). */
  numbering: z.enum(['next', 'bis']).optional(),
  titre: Optional,
  chapitre: Optional,
  position: z.number().int().min(0).optional(),
  paragraphs: z.array(z.string().max(20_000)).max(200).optional(),
});

export const EditArticleBodySchema = z
  .object({ title: Heading.optional(), titre: Optional, chapitre: Optional, position: z.number().int().min(0).optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'nothing to change');

/** A renumbering is confirmed against the numbering its preview was made on (`token`). */
export const RenumberBodySchema = z.object({ numbers: z.record(z.string(), z.string().trim().min(1).max(20)).optional(), confirm: z.string().min(1).max(100) });
/** What a renumbering's preview is asked with: the numbers wanted (1, 2, 3… in outline order when absent). */
export const RenumberPreviewBodySchema = RenumberBodySchema.pick({ numbers: true });

export const ArticleStatusBodySchema = z.object({
  status: z.enum(ARTICLE_STATUSES),
});

export const VersionBodySchema = z.object({
  name: z.string().trim().min(1).max(200),
  reason: z.string().trim().max(2000).optional(),
});

// --- Event payloads ------------------------------------------------------------------------

export interface ArticleAddedPayload {
  articleId: string;
  number: string;
  title: string;
}
/** What `article:edited` and `article:moved` carry: the fields changed. */
export interface ArticleEditedPayload {
  articleId: string;
  title?: string;
  titre?: string | null;
  chapitre?: string | null;
  position?: number;
}
export interface ArticleDeletedPayload {
  articleId: string;
}
export interface ArticlesRenumberedPayload {
  /** Old number → new number. */
  renumbered: Record<string, string>;
}
export interface ArticleStatusChangedPayload {
  articleId: string;
  number: string;
  from: ArticleStatus;
  to: ArticleStatus;
}
