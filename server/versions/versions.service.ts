import type { Connection } from 'mongoose';
import { Types } from 'mongoose';
import * as Y from 'yjs';
import {
  type Comparison,
  type VersionAuthor,
  type VersionKind,
  type VersionSummary,
  type VersionText,
} from '../../shared/text-diff.ts';
import { agreementDocName, articleDocName, readBlocks, readStructure, structureOfState } from '../../shared/structure.ts';
import { AppError } from '../common/app-error.ts';
import { workerPool, workerTask } from '../common/worker-pool.ts';
import type { DocStore } from '../collab/doc-store.ts';
import type { Clock, IdSource } from '../events/clock.ts';
import type { EventLog, Stamp } from '../events/event-log.ts';
import { versionModel } from './version.model.ts';
import type { compareSides, readStoredVersion, StoredVersion, VersionSide } from './versions.worker.ts';

export type { Comparison, VersionSummary, VersionText };

export interface VersionDeps {
  connection: Connection;
  store: DocStore;
}

/** What taking a version needs besides the reads: the log, the time it is taken at and its new id. */
export type VersionWriteDeps = VersionDeps & { events: Pick<EventLog, 'record'>; clock: Clock; ids: IdSource };

/**
 * THE way a version is taken, by hand (a pen-holder's "save a version") or by a workflow
 * (end of session, merged amendment, opening for signature): the structure and every
 * article's full Yjs state, as they are now, under a name, with who, when and why; then
 * `version:created` in the negotiation's log, in the name of `by`.
 */
export async function createVersion(
  deps: VersionWriteDeps,
  /** `now`: the time a workflow acts at when it is not the clock's (a seeded past campaign). */
  input: { negotiationId: string; name: string; reason?: string; kind: VersionKind; author: VersionAuthor; by: Stamp; now?: Date },
): Promise<VersionSummary> {
  const structure = await deps.store.encodeState(agreementDocName(input.negotiationId));
  const entries = structureOfState(structure);
  const articles: { articleId: string; state: Buffer }[] = [];
  for (const entry of entries) {
    const state = await deps.store.encodeState(articleDocName(entry.id));
    articles.push({ articleId: entry.id, state: Buffer.from(state) });
  }
  const createdAt = input.now ?? deps.clock.now();
  const doc = await versionModel(deps.connection).create({
    _id: deps.ids.newId(),
    negotiationId: input.negotiationId,
    name: input.name,
    reason: input.reason ?? '',
    kind: input.kind,
    createdAt,
    createdBy: { userId: input.author.userId, name: input.author.name, org: input.author.org ?? null },
    structure: Buffer.from(structure),
    articles,
  });
  const version: VersionSummary = { id: String(doc._id), name: doc.name, kind: input.kind, createdAt: createdAt.toISOString() };
  await deps.events.record(
    input.negotiationId,
    input.by,
    [{ type: 'version:created', payload: { versionId: version.id, name: version.name, kind: version.kind } }],
    createdAt,
  );
  return version;
}

export async function listVersions(connection: Connection, negotiationId: string): Promise<VersionSummary[]> {
  const docs = await versionModel(connection)
    .find({ negotiationId }, { name: 1, kind: 1, createdAt: 1 })
    .sort({ createdAt: -1 })
    .lean();
  return docs.map((d) => ({ id: String(d._id), name: d.name, kind: d.kind as VersionKind, createdAt: d.createdAt.toISOString() }));
}

// The driver's bytes may be views into a whole reply: each state is copied into a buffer of
// its own, so that handing it to a worker copies that state only.
const ownBytes = (b: Buffer | { buffer: Uint8Array } | Uint8Array): Uint8Array =>
  (b instanceof Uint8Array ? b : new Uint8Array((b as { buffer: Uint8Array }).buffer)).slice();

/** The kind of one of the negotiation's stored versions (a signed one is exported as signed). */
export async function versionKindOf(connection: Connection, negotiationId: string, versionId: string): Promise<VersionKind> {
  const doc = Types.ObjectId.isValid(versionId) ? await versionModel(connection).findOne({ _id: versionId, negotiationId }, { kind: 1 }).lean() : null;
  if (!doc) throw new AppError('NOT_FOUND', 'Version introuvable.');
  return doc.kind as VersionKind;
}

/** A version as stored, to be read in a worker. */
export async function loadVersion(connection: Connection, negotiationId: string, versionId: string): Promise<StoredVersion> {
  if (!Types.ObjectId.isValid(versionId)) throw new AppError('NOT_FOUND', 'Version introuvable.');
  const doc = await versionModel(connection).findOne({ _id: versionId, negotiationId }).lean();
  if (!doc) throw new AppError('NOT_FOUND', 'Version introuvable.');
  return {
    head: {
      id: String(doc._id),
      name: doc.name,
      kind: doc.kind as VersionKind,
      reason: doc.reason ?? '',
      createdAt: doc.createdAt.toISOString(),
      createdBy: doc.createdBy ? { userId: doc.createdBy.userId, name: doc.createdBy.name, org: doc.createdBy.org ?? null } : null,
    },
    structure: ownBytes(doc.structure as unknown as Buffer),
    articles: doc.articles.map((a) => ({ articleId: a.articleId, state: ownBytes(a.state as unknown as Buffer) })),
  };
}

/** The live text as a stored version would hold it (its outline's and articles' states now), named « Texte en cours ». */
export async function liveStoredVersion(deps: VersionDeps, negotiationId: string, now: Date): Promise<StoredVersion> {
  const structure = await deps.store.encodeState(agreementDocName(negotiationId));
  const articles: StoredVersion['articles'] = [];
  for (const entry of structureOfState(structure)) articles.push({ articleId: entry.id, state: await deps.store.encodeState(articleDocName(entry.id)) });
  return {
    head: { id: 'live', name: 'Texte en cours', kind: 'live', reason: '', createdAt: now.toISOString(), createdBy: null },
    structure,
    articles,
  };
}

const readTask = workerTask<typeof readStoredVersion>(new URL('./versions.worker.ts', import.meta.url), 'readStoredVersion');
const compareTask = workerTask<typeof compareSides>(new URL('./versions.worker.ts', import.meta.url), 'compareSides');

/** A version's texts: the outline and each article's blocks, decoded off the event loop. */
export async function readVersion(connection: Connection, negotiationId: string, versionId: string): Promise<VersionText> {
  return workerPool.run(readTask, await loadVersion(connection, negotiationId, versionId));
}

/** The live text, rendered the same way as a version, as read at `now`. */
export async function readLive(deps: VersionDeps, negotiationId: string, now: Date): Promise<VersionText> {
  const entries = await deps.store.withDoc(agreementDocName(negotiationId), (doc) => readStructure(doc));
  const articles = [];
  for (const entry of entries) {
    articles.push({ ...entry, blocks: await deps.store.withDoc(articleDocName(entry.id), (doc: Y.Doc) => readBlocks(doc)) });
  }
  return { id: 'live', name: 'Texte en cours', kind: 'live', reason: '', createdAt: now.toISOString(), createdBy: null, articles };
}

/**
 * Any two versions, or a version and the live text, compared article by article. The live
 * text is read here, from the documents in memory; the stored states are decoded and the
 * texts compared in a worker (a whole agreement takes a while).
 */
export async function compareVersions(deps: VersionDeps, negotiationId: string, fromId: string, toId: string, now: Date): Promise<Comparison> {
  const side = async (id: string): Promise<VersionSide> =>
    id === 'live' ? { text: await readLive(deps, negotiationId, now) } : { stored: await loadVersion(deps.connection, negotiationId, id) };
  const [from, to] = [await side(fromId), await side(toId)];
  return workerPool.run(compareTask, { from, to });
}
