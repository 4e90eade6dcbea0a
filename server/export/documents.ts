import type { AmendmentRecord } from '../../shared/amendments/amendment.ts';
import { parisDate } from '../../shared/sessions/paris-time.ts';
import { structureOfState } from '../../shared/structure.ts';
import { foldAmendments } from '../../shared/amendments/amendment.fold.ts';
import { eventTypesOf } from '../../shared/events.ts';
import type { Connection } from 'mongoose';
import { eventModel, type EventDoc } from '../events/event.model.ts';
import { toNegotiationEvent } from '../events/event-store.ts';
import { AppError } from '../common/app-error.ts';
import { workerPool, workerTask } from '../common/worker-pool.ts';
import { partiesInForce } from '../negotiations/negotiation.service.ts';
import { agreementTextOf } from '../signature/signed-snapshot.ts';
import { authorshipOf } from '../versions/text-edits.ts';
import { liveStoredVersion, loadVersion, readLive, readVersion, type VersionDeps } from '../versions/versions.service.ts';
import type { StoredVersion } from '../versions/versions.worker.ts';
import type { AmendmentBookInput } from './amendment-book.ts';
import { statusLine } from './amendment-book.ts';
import type { AmendmentLine } from './comparison.ts';
import type { DocumentJob, WorkingFormat, renderDocument } from './documents.worker.ts';

/**
 * The working documents a delegation takes to its fédération: the text of any version (or of
 * the text in progress) marked « document de travail — non signé », a comparison of any two
 * as Word tracked changes or a tableau comparatif, and the amendment book. What they are made
 * of is gathered here; the rendering runs in a worker.
 */

export const WORKING_FORMATS = ['pdf', 'docx'] as const satisfies readonly WorkingFormat[];

export interface RenderedDocument {
  body: Buffer;
  contentType: string;
  fileName: string;
}

const CONTENT_TYPES: Record<WorkingFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

const renderTask = workerTask<typeof renderDocument>(new URL('./documents.worker.ts', import.meta.url), 'renderDocument');

function slug(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50)
      .replace(/-+$/, '') || 'accord'
  );
}

async function render(job: DocumentJob, base: string): Promise<RenderedDocument> {
  const bytes = await workerPool.run(renderTask, job);
  return {
    body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    contentType: CONTENT_TYPES[job.format],
    fileName: `${base}.${job.format}`,
  };
}

export function parseWorkingFormat(format: string): WorkingFormat {
  if (!(WORKING_FORMATS as readonly string[]).includes(format)) throw new AppError('NOT_FOUND', `Format d’export inconnu : ${WORKING_FORMATS.join(', ')}.`);
  return format as WorkingFormat;
}

/** A version (or `live`, the text in progress) as a working document. */
export async function exportWorkingVersion(deps: VersionDeps, negotiationId: string, versionId: string, format: WorkingFormat, now: Date): Promise<RenderedDocument> {
  const { title, parties } = await partiesInForce(deps.connection, negotiationId);
  const version = versionId === 'live' ? await readLive(deps, negotiationId, now) : await readVersion(deps.connection, negotiationId, versionId);
  const { articles: _articles, ...head } = version;
  const job: DocumentJob = {
    kind: 'working',
    format,
    at: now.toISOString(),
    document: {
      negotiationTitle: title,
      version: { id: head.id, name: head.name, kind: head.kind, createdAt: head.createdAt, author: head.createdBy?.name ?? null },
      parties: parties.map((p) => ({ shortName: p.shortName, fullName: p.fullName, college: p.college, weight: p.weight })),
      text: agreementTextOf(title, version, parisDate(version.createdAt)),
    },
  };
  const name = versionId === 'live' ? `texte-en-cours-${parisDate(now)}` : `${slug(head.name)}-${parisDate(head.createdAt)}`;
  return render(job, `${slug(title)}-${name}-document-de-travail`);
}

/** Every tabled amendment (what the whole committee sees), folded from the log, in the order of their numbers. */
async function tabledAmendments(connection: Connection, negotiationId: string): Promise<AmendmentRecord[]> {
  const events = await eventModel(connection)
    .find({ negotiationId, type: { $in: eventTypesOf('amendment') } })
    .sort({ seq: 1 })
    .lean();
  return foldAmendments(events.map((e) => toNegotiationEvent(e as EventDoc)))
    .filter((a) => a.status !== 'draft' && a.visibility.scope === 'committee')
    .sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
}

const AMENDMENT_LINE = (a: AmendmentRecord): AmendmentLine => ({
  articleId: a.articleId,
  number: a.number ?? 0,
  org: a.org.shortName,
  status: statusLine(a.status, a.history).toLocaleLowerCase('fr'),
  formula: a.formula,
});

/** Two versions (or a version and `live`) compared: tracked changes (DOCX) or a tableau comparatif (PDF). */
export async function exportComparison(deps: VersionDeps, negotiationId: string, fromId: string, toId: string, format: WorkingFormat, now: Date): Promise<RenderedDocument> {
  const { title } = await partiesInForce(deps.connection, negotiationId);
  const side = (id: string): Promise<StoredVersion> => (id === 'live' ? liveStoredVersion(deps, negotiationId, now) : loadVersion(deps.connection, negotiationId, id));
  const from = await side(fromId);
  const to = await side(toId);
  const ids = new Set([...structureOfState(from.structure), ...structureOfState(to.structure)].map((e) => e.id));
  const authorship = await authorshipOf(deps.connection, [...ids]);
  const amendments = (await tabledAmendments(deps.connection, negotiationId)).map(AMENDMENT_LINE);
  const job: DocumentJob = { kind: 'comparison', format, at: now.toISOString(), input: { negotiationTitle: title, from, to, authorship, amendments } };
  const label = (v: StoredVersion) => (v.head.kind === 'live' ? 'texte-en-cours' : slug(v.head.name));
  return render(job, `${slug(title)}-comparaison-${label(from)}-${label(to)}`);
}

/** Every tabled amendment, by article in the order of the text in progress. */
export async function exportAmendmentBook(deps: VersionDeps, negotiationId: string, format: WorkingFormat, now: Date): Promise<RenderedDocument> {
  const { title } = await partiesInForce(deps.connection, negotiationId);
  const live = await readLive(deps, negotiationId, now);
  const records = await tabledAmendments(deps.connection, negotiationId);
  const input: AmendmentBookInput = {
    negotiationTitle: title,
    at: now.toISOString(),
    articles: live.articles.map((a) => ({ id: a.id, number: a.number, title: a.title })),
    amendments: records.map((a) => ({
      number: a.number,
      articleId: a.articleId,
      target: { number: a.target.number, title: a.target.title },
      org: a.org.shortName,
      author: a.author.name,
      formula: a.formula,
      justification: a.justification,
      status: a.status,
      history: a.history.map((h) => ({ status: h.status, at: h.at })),
      merged: a.merge !== null,
    })),
  };
  return render({ kind: 'book', format, at: now.toISOString(), input }, `${slug(title)}-cahier-d-amendements-${parisDate(now)}`);
}
