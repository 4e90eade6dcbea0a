import type { IdSource } from '../events/clock.ts';
import type { Connection } from 'mongoose';
import * as Y from 'yjs';
import type { ArticleStatus } from '../../shared/identity.ts';
import {
  agreementDocName,
  articleDocName,
  articleFragment,
  deleteArticle,
  insertArticle,
  moveArticle,
  numberChoices,
  numberingToken,
  planRenumbering,
  readBlocks,
  readStructure,
  renumberArticles,
  rewriteCrossReferences,
  sequentialNumbers,
  updateArticle,
  writeParagraphs,
  type RenumberingPlan,
  type StructureEntry,
} from '../../shared/structure.ts';
import { AppError } from '../common/app-error.ts';
import type { Logger } from '../logger.ts';
import { articleModel } from '../negotiations/article.model.ts';
import type { DocStore } from './doc-store.ts';
import { Origin, type SharedDoc } from './shared-doc.ts';

/**
 * The agreement's outline lives in its structure document (what pen-holders edit live);
 * the `articles` collection mirrors it for everything that reads metadata (the negotiation
 * page, access checks). The mirror follows the document, except the status: that is a
 * recorded decision (article:status), so the document is brought back to the metadata's.
 */
export async function syncMetadata(connection: Connection, negotiationId: string, doc: Y.Doc): Promise<void> {
  const entries = readStructure(doc);
  const articles = articleModel(connection);
  const existing = await articles.find({ negotiationId }).lean();
  const byId = new Map(existing.map((a) => [a.articleId, a]));
  const statusFixes: Record<string, string> = {};
  const ops = entries.map((entry, order) => {
    const known = byId.get(entry.id);
    if (known && known.status !== entry.status) statusFixes[entry.id] = known.status;
    return {
      updateOne: {
        filter: { articleId: entry.id },
        update: {
          $set: { number: entry.number, title: entry.title || '—', titre: entry.titre, chapitre: entry.chapitre, order, kind: entry.kind },
          $setOnInsert: { negotiationId, articleId: entry.id, status: 'open', seedParagraphs: [] },
        },
        upsert: true,
      },
    };
  });
  // An id already used in another negotiation is not taken over.
  const foreign = await articles
    .find({ articleId: { $in: entries.filter((e) => !byId.has(e.id)).map((e) => e.id) }, negotiationId: { $ne: negotiationId } })
    .lean();
  const foreignIds = new Set(foreign.map((a) => a.articleId));
  const allowed = ops.filter((op) => !foreignIds.has(op.updateOne.filter.articleId));
  if (allowed.length > 0) await articles.bulkWrite(allowed, { ordered: false });
  const kept = new Set(entries.map((e) => e.id));
  const removed = existing.filter((a) => !kept.has(a.articleId)).map((a) => a.articleId);
  if (removed.length > 0) await articles.deleteMany({ negotiationId, articleId: { $in: removed } });
  for (const entry of entries) if (!byId.has(entry.id) && entry.status !== 'open') statusFixes[entry.id] = 'open';
  if (Object.keys(statusFixes).length > 0) {
    doc.transact(() => {
      for (const [id, status] of Object.entries(statusFixes)) updateArticle(doc, id, { status });
    }, Origin.SERVER);
  }
}

/** Keeps the metadata in step with live edits of structure documents, debounced per negotiation. */
export class MetadataSync {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();

  private readonly connection: Connection;
  private readonly logger: Logger;
  private readonly delayMs: number;

  constructor(
    connection: Connection,
    logger: Logger,
    delayMs = 150,
  ) {
    this.connection = connection;
    this.logger = logger;
    this.delayMs = delayMs;
  }

  schedule(negotiationId: string, doc: Y.Doc): void {
    const previous = this.timers.get(negotiationId);
    if (previous) clearTimeout(previous);
    this.timers.set(
      negotiationId,
      setTimeout(() => {
        this.timers.delete(negotiationId);
        void this.run(negotiationId, doc);
      }, this.delayMs),
    );
  }

  /** Runs now (after any run in progress): what use cases await before answering. */
  run(negotiationId: string, doc: Y.Doc): Promise<void> {
    const timer = this.timers.get(negotiationId);
    if (timer) clearTimeout(timer);
    this.timers.delete(negotiationId);
    const previous = this.running.get(negotiationId) ?? Promise.resolve();
    const next = previous
      .then(() => syncMetadata(this.connection, negotiationId, doc))
      .catch((err) => this.logger.error({ err, negotiationId }, 'article metadata sync failed'));
    this.running.set(negotiationId, next);
    return next;
  }

  async close(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running.values());
  }
}

export interface StructureDeps {
  connection: Connection;
  store: DocStore;
  metadata: MetadataSync;
  /** Where a new article's id comes from (`ctx.ids`). */
  ids: IdSource;
}

async function onStructure<T>(deps: StructureDeps, negotiationId: string, fn: (doc: SharedDoc) => T): Promise<T> {
  return deps.store.withDoc(agreementDocName(negotiationId), async (doc) => {
    const result = doc.transact(() => fn(doc), Origin.SERVER);
    await deps.metadata.run(negotiationId, doc);
    return result;
  });
}

export interface NewArticle {
  title: string;
  number?: string;
  numbering?: 'next' | 'bis';
  titre?: string | null;
  chapitre?: string | null;
  position?: number;
  paragraphs?: string[];
}

/** Adds an article to the outline (at the end by default), numbered after the last one unless told. */
export async function addArticle(deps: StructureDeps, negotiationId: string, input: NewArticle): Promise<StructureEntry> {
  const id = deps.ids.newId();
  const entry = await onStructure(deps, negotiationId, (doc) => {
    const entries = readStructure(doc);
    const neighbour = entries[Math.min(input.position ?? entries.length, entries.length) - 1];
    // Its number follows its place: 14 after 13, or « 13 bis » between 13 and 14, as asked.
    const choice = numberChoices(entries, input.position);
    const numbering = input.numbering ?? choice.preferred;
    const created: StructureEntry = {
      id,
      number: input.number ?? (numbering === 'bis' && choice.bis ? choice.bis : choice.next),
      title: input.title,
      titre: input.titre === undefined ? (neighbour?.titre ?? null) : input.titre,
      chapitre: input.chapitre === undefined ? (neighbour?.chapitre ?? null) : input.chapitre,
      kind: 'article',
      status: 'open',
      formerNumbers: [],
    };
    insertArticle(doc, created, input.position);
    return created;
  });
  if (input.paragraphs?.length) {
    await deps.store.withDoc(articleDocName(id), (doc) => {
      if (articleFragment(doc).length === 0) doc.transact(() => writeParagraphs(doc, input.paragraphs ?? []), Origin.SERVER);
    });
  }
  return entry;
}

function mustExist(found: boolean): void {
  if (!found) throw new AppError('NOT_FOUND', 'Article introuvable dans cet accord.');
}

export async function moveArticleTo(deps: StructureDeps, negotiationId: string, articleId: string, position: number): Promise<void> {
  mustExist(await onStructure(deps, negotiationId, (doc) => moveArticle(doc, articleId, position)));
}

export async function editArticleHeading(
  deps: StructureDeps,
  negotiationId: string,
  articleId: string,
  fields: { title?: string; titre?: string | null; chapitre?: string | null },
): Promise<void> {
  mustExist(await onStructure(deps, negotiationId, (doc) => updateArticle(doc, articleId, fields)));
}

export async function removeArticle(deps: StructureDeps, negotiationId: string, articleId: string): Promise<void> {
  mustExist(await onStructure(deps, negotiationId, (doc) => deleteArticle(doc, articleId)));
}

/**
 * Renumbers articles (1, 2, 3… in outline order unless numbers are given) and rewrites the
 * cross-references in every article's text, so that "l'article 3" still points at the
 * same article. Returns old → new.
 */
/** What renumbering (by `numbers`, or 1, 2, 3… in outline order) would change: numbers and cross-references. */
export async function previewRenumbering(deps: StructureDeps, negotiationId: string, numbers?: Record<string, string>): Promise<RenumberingPlan> {
  const entries = await deps.store.withDoc(agreementDocName(negotiationId), (doc) => readStructure(doc));
  const texts: Record<string, string[]> = {};
  for (const e of entries) texts[e.id] = await deps.store.withDoc(articleDocName(e.id), (doc) => readBlocks(doc));
  return planRenumbering(entries, texts, numbers ?? sequentialNumbers(entries));
}

/**
 * Renumbers, once confirmed against the numbering the preview was made on (`confirm`, its
 * token): CONFLICT if the outline changed since. Answers the numbers the renumbered articles
 * had (renumbering back to them is the undo) and the new numbering's token.
 */
export async function renumber(
  deps: StructureDeps,
  negotiationId: string,
  numbers: Record<string, string> | undefined,
  /** null: decided elsewhere (an adopted amendment that renumbers an article is merged). */
  confirm: string | null,
): Promise<{ applied: Record<string, string>; previous: Record<string, string>; token: string }> {
  const { applied, ids, previous, token } = await onStructure(deps, negotiationId, (doc) => {
    const entries = readStructure(doc);
    if (confirm !== null && numberingToken(entries) !== confirm) {
      throw new AppError('CONFLICT', 'La numérotation a changé depuis l’aperçu : relisez l’aperçu avant de confirmer.');
    }
    const wanted = numbers ?? sequentialNumbers(entries);
    const previous: Record<string, string> = {};
    for (const e of entries) if (wanted[e.id] !== undefined && wanted[e.id] !== e.number) previous[e.id] = e.number;
    const applied = renumberArticles(doc, wanted);
    return { applied, previous, ids: entries.map((e) => e.id), token: numberingToken(readStructure(doc)) };
  });
  const result = { applied, previous, token };
  if (Object.keys(applied).length === 0) return result;
  for (const id of ids) {
    await deps.store.withDoc(articleDocName(id), (doc) => {
      doc.transact(() => rewriteTextNodes(articleFragment(doc), applied), Origin.SERVER);
    });
  }
  return result;
}

function rewriteTextNodes(node: Y.XmlFragment | Y.XmlElement, renumbering: Record<string, string>): void {
  for (const child of node.toArray()) {
    if (child instanceof Y.XmlText) {
      let offset = 0;
      for (const op of child.toDelta() as { insert?: unknown; attributes?: Record<string, unknown> }[]) {
        if (typeof op.insert !== 'string') {
          offset += 1;
          continue;
        }
        const next = rewriteCrossReferences(op.insert, renumbering);
        if (next !== op.insert) {
          child.delete(offset, op.insert.length);
          child.insert(offset, next, op.attributes ?? {});
        }
        offset += next.length;
      }
    } else if (child instanceof Y.XmlElement) rewriteTextNodes(child, renumbering);
  }
}

/** Reflects a recorded status change in the outline, for every open editor. */
export async function setStatusInStructure(deps: StructureDeps, negotiationId: string, articleId: string, status: ArticleStatus): Promise<void> {
  await deps.store.withDoc(agreementDocName(negotiationId), (doc) => {
    doc.transact(() => updateArticle(doc, articleId, { status }), Origin.SERVER);
  });
}
