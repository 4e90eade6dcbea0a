import type { Capability } from '../app.ts';
import { AppError } from '../common/app-error.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { collabOf } from '../collab/collab.capability.ts';
import { stampOf } from '../events/event-log.ts';
import { httpCommand } from '../http/http-command.ts';
import { exportAmendmentBook, exportComparison, exportWorkingVersion, parseWorkingFormat, type RenderedDocument } from '../export/documents.ts';
import { TextEditRecorder, writtenRuns } from './text-edits.ts';
import { mergedRuns } from './merge-marks.ts';
import { agreementDocName, readStructure } from '../../shared/structure.ts';
import { CompareQuerySchema } from './compare-query.ts';
import { versionModel } from './version.model.ts';

export { CompareQuerySchema };
import { compareVersions, createVersion, listVersions, readVersion, versionKindOf } from './versions.service.ts';


/** Versions of an agreement: list, take, read, compare, and export any of them or any comparison as working documents. */
export const registerVersions: Capability = async (ctx) => {
  const { connection } = ctx.db;
  await versionModel(connection).createIndexes();
  const { api } = ctx;
  const deps = () => ({ connection, store: collabOf(ctx).store, events: ctx.events, clock: ctx.clock, ids: ctx.ids });
  const actorOf = (locals: Record<string, unknown>) => locals.actor as Actor;

  // Who wrote what: every change an editor makes to an article is recorded, for the tracked changes of comparisons.
  const edits = new TextEditRecorder(connection, ctx.logger, { command: ctx.db.command });
  collabOf(ctx).onEdit((doc, editor, transaction) => edits.observe(doc.name, editor, transaction, ctx.clock.now().getTime()));
  ctx.onClose(() => edits.flush());

  const send = (res: import('express').Response, file: RenderedDocument) => {
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.end(file.body);
  };

  api.get('/negotiations/:negotiationId/versions', requireActor('negotiation:read'), async (_req, res) => {
    res.json(await listVersions(connection, actorOf(res.locals).negotiationId));
  });

  httpCommand(api, 'version:create', { invalid: 'Nommez la version (200 caractères au plus).' }, async (actor, input) => {
    const version = await createVersion(deps(), {
      negotiationId: actor.negotiationId,
      name: input.name,
      reason: input.reason,
      kind: 'manual',
      author: { userId: actor.user.id, name: actor.user.name, org: actor.org.shortName },
      by: stampOf(actor),
    });
    ctx.logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, version: version.id }, 'version created');
    return version;
  });

  api.get('/negotiations/:negotiationId/versions/:versionId', requireActor('negotiation:read'), async (req, res) => {
    res.json(await readVersion(connection, actorOf(res.locals).negotiationId, String(req.params.versionId)));
  });

  // A version opened for signature is exported as signed (server/signature); any other version, and
  // the text in progress (`live`), as a working document.
  api.get('/negotiations/:negotiationId/versions/:versionId/export.:format', requireActor('export:download'), async (req, res, next) => {
    const versionId = String(req.params.versionId);
    const format = String(req.params.format);
    if (format !== 'pdf' && format !== 'docx') return next();
    const actor = actorOf(res.locals);
    if (versionId !== 'live' && (await versionKindOf(connection, actor.negotiationId, versionId)) === 'signature') return next();
    const file = await exportWorkingVersion(deps(), actor.negotiationId, versionId, parseWorkingFormat(format), ctx.clock.now());
    ctx.logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, version: versionId, format }, 'working version exported');
    send(res, file);
  });

  api.get('/negotiations/:negotiationId/compare/export.:format', requireActor('export:download'), async (req, res) => {
    const format = parseWorkingFormat(String(req.params.format));
    const parsed = CompareQuerySchema.safeParse(req.query);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Indiquez deux versions : from et to (un identifiant ou live).');
    const actor = actorOf(res.locals);
    await edits.flush(); // the latest changes are attributed too
    const file = await exportComparison(deps(), actor.negotiationId, parsed.data.from, parsed.data.to, format, ctx.clock.now());
    ctx.logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, from: parsed.data.from, to: parsed.data.to, format }, 'comparison exported');
    send(res, file);
  });

  api.get('/negotiations/:negotiationId/amendments/book.:format', requireActor('export:download'), async (req, res) => {
    const format = parseWorkingFormat(String(req.params.format));
    const actor = actorOf(res.locals);
    const file = await exportAmendmentBook(deps(), actor.negotiationId, format, ctx.clock.now());
    ctx.logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, format }, 'amendment book exported');
    send(res, file);
  });

  // « Qui a écrit quoi »: who inserted each piece of an article's live text, by Yjs item ids,
  // and the passages merged from amendments since the last version (marked with their number).
  api.get('/negotiations/:negotiationId/articles/:articleId/authorship', requireActor('negotiation:read'), async (req, res) => {
    const actor = actorOf(res.locals);
    const articleId = String(req.params.articleId);
    const entries = await collabOf(ctx).store.withDoc(agreementDocName(actor.negotiationId), (doc) => readStructure(doc));
    if (!entries.some((e) => e.id === articleId)) throw new AppError('NOT_FOUND', 'Article introuvable.');
    await edits.flush(); // the latest changes are attributed too
    res.json({ runs: await writtenRuns(connection, articleId), merged: await mergedRuns(connection, actor.negotiationId, articleId) });
  });

  api.get('/negotiations/:negotiationId/compare', requireActor('negotiation:read'), async (req, res) => {
    const parsed = CompareQuerySchema.safeParse(req.query);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Indiquez deux versions : from et to (un identifiant ou live).');
    res.json(await compareVersions(deps(), actorOf(res.locals).negotiationId, parsed.data.from, parsed.data.to, ctx.clock.now()));
  });
};
