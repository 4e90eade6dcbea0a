import type { AppContext } from '../app.ts';
import type { ArticleStatus } from '../../shared/identity.ts';
import {
  ArticleStatusBodySchema,
  EditArticleBodySchema,
  NewArticleBodySchema,
  RenumberBodySchema,
} from '../../shared/structure.ts';
import { AppError } from '../common/app-error.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { articleModel } from '../negotiations/article.model.ts';
import { recordEvents } from '../realtime/realtime.handlers.ts';
import {
  addArticle,
  editArticleHeading,
  moveArticleTo,
  removeArticle,
  renumber,
  setStatusInStructure,
  type StructureDeps,
} from './structure.service.ts';

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, body: unknown, message: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AppError('BAD_REQUEST', message);
  return parsed.data;
}

/**
 * Changes an article's negotiation status: a recorded decision (event `article:status-changed`),
 * then the metadata, then the outline every editor shows.
 */
export async function changeArticleStatus(
  ctx: Pick<AppContext, 'io' | 'events'>,
  deps: StructureDeps,
  actor: Actor,
  articleId: string,
  status: ArticleStatus,
): Promise<{ from: ArticleStatus; to: ArticleStatus }> {
  const articles = articleModel(deps.connection);
  const article = await articles.findOne({ articleId, negotiationId: actor.negotiationId }).lean();
  if (!article) throw new AppError('NOT_FOUND', 'Article introuvable dans cet accord.');
  const from = article.status as ArticleStatus;
  if (from === status) return { from, to: status };
  await recordEvents(ctx, actor.negotiationId, [
    {
      type: 'article:status-changed',
      payload: { articleId, number: article.number, from, to: status },
      actor: actor.user.id,
      org: actor.org.id,
    },
  ]);
  await articles.updateOne({ articleId }, { $set: { status } });
  await setStatusInStructure(deps, actor.negotiationId, articleId, status);
  return { from, to: status };
}

/** The outline's operations (pen-holders) and the article workflow (status). */
export function registerArticleRoutes(ctx: AppContext, deps: StructureDeps): void {
  const { api, logger } = ctx;
  const actorOf = (locals: Record<string, unknown>) => locals.actor as Actor;
  const record = (actor: Actor, type: string, payload: unknown) =>
    recordEvents(ctx, actor.negotiationId, [{ type, payload, actor: actor.user.id, org: actor.org.id }]);

  api.post('/negotiations/:negotiationId/articles', requireActor('text:write'), async (req, res) => {
    const body = parse(NewArticleBodySchema, req.body, 'Article mal formé : un titre au moins.');
    const actor = actorOf(res.locals);
    const entry = await addArticle(deps, actor.negotiationId, body);
    await record(actor, 'article:added', { articleId: entry.id, number: entry.number, title: entry.title });
    res.status(201).json(entry);
  });

  api.post('/negotiations/:negotiationId/articles/renumber', requireActor('text:write'), async (req, res) => {
    const body = parse(RenumberBodySchema, req.body ?? {}, 'Numérotation mal formée.');
    const actor = actorOf(res.locals);
    const renumbered = await renumber(deps, actor.negotiationId, body.numbers);
    if (Object.keys(renumbered).length > 0) await record(actor, 'articles:renumbered', { renumbered });
    res.json({ renumbered });
  });

  api.patch('/negotiations/:negotiationId/articles/:articleId', requireActor('text:write'), async (req, res) => {
    const body = parse(EditArticleBodySchema, req.body, 'Modification mal formée.');
    const actor = actorOf(res.locals);
    const articleId = String(req.params.articleId);
    const { position, ...heading } = body;
    if (Object.values(heading).some((v) => v !== undefined)) await editArticleHeading(deps, actor.negotiationId, articleId, heading);
    if (position !== undefined) await moveArticleTo(deps, actor.negotiationId, articleId, position);
    await record(actor, position !== undefined ? 'article:moved' : 'article:edited', { articleId, ...body });
    res.status(204).end();
  });

  api.delete('/negotiations/:negotiationId/articles/:articleId', requireActor('text:write'), async (req, res) => {
    const actor = actorOf(res.locals);
    const articleId = String(req.params.articleId);
    await removeArticle(deps, actor.negotiationId, articleId);
    await record(actor, 'article:deleted', { articleId });
    logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, articleId }, 'article deleted');
    res.status(204).end();
  });

  api.put('/negotiations/:negotiationId/articles/:articleId/status', requireActor('article:status'), async (req, res) => {
    const body = parse(ArticleStatusBodySchema, req.body, 'Statut inconnu.');
    const actor = actorOf(res.locals);
    res.json(await changeArticleStatus(ctx, deps, actor, String(req.params.articleId), body.status));
  });
}
