import type { AppContext } from '../app.ts';
import {
  ArticleStatusBodySchema,
  EditArticleBodySchema,
  NewArticleBodySchema,
  RenumberBodySchema,
} from '../../shared/structure.ts';
import { AppError } from '../common/app-error.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { addArticleAs, changeArticleStatus, deleteArticle, editArticle, renumberArticles, type ArticleContext } from './article.service.ts';

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, body: unknown, message: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AppError('BAD_REQUEST', message);
  return parsed.data;
}

/** The outline's operations (pen-holders) and the article workflow (status). */
export function registerArticleRoutes(ctx: AppContext, articles: ArticleContext): void {
  const { api, logger } = ctx;
  const actorOf = (locals: Record<string, unknown>) => locals.actor as Actor;

  api.post('/negotiations/:negotiationId/articles', requireActor('text:write'), async (req, res) => {
    const body = parse(NewArticleBodySchema, req.body, 'Article mal formé : un titre au moins.');
    res.status(201).json(await addArticleAs(articles, actorOf(res.locals), body));
  });

  api.post('/negotiations/:negotiationId/articles/renumber', requireActor('text:write'), async (req, res) => {
    const body = parse(RenumberBodySchema, req.body ?? {}, 'Numérotation mal formée.');
    res.json(await renumberArticles(articles, actorOf(res.locals), body.numbers));
  });

  api.patch('/negotiations/:negotiationId/articles/:articleId', requireActor('text:write'), async (req, res) => {
    const body = parse(EditArticleBodySchema, req.body, 'Modification mal formée.');
    await editArticle(articles, actorOf(res.locals), String(req.params.articleId), body);
    res.status(204).end();
  });

  api.delete('/negotiations/:negotiationId/articles/:articleId', requireActor('text:write'), async (req, res) => {
    const actor = actorOf(res.locals);
    const articleId = String(req.params.articleId);
    await deleteArticle(articles, actor, articleId);
    logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, articleId }, 'article deleted');
    res.status(204).end();
  });

  api.put('/negotiations/:negotiationId/articles/:articleId/status', requireActor('article:status'), async (req, res) => {
    const body = parse(ArticleStatusBodySchema, req.body, 'Statut inconnu.');
    res.json(await changeArticleStatus(articles, actorOf(res.locals), String(req.params.articleId), body.status));
  });
}
