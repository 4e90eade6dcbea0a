import type { AppContext } from '../app.ts';
import { RenumberPreviewBodySchema } from '../../shared/structure.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { httpCommand } from '../http/http-command.ts';
import { previewRenumbering } from './structure.service.ts';
import { addArticleAs, changeArticleStatus, deleteArticle, editArticle, renumberArticles, type ArticleContext } from './article.service.ts';

/** The outline's operations (pen-holders) and the article workflow (status), as REST commands. */
export function registerArticleRoutes(ctx: AppContext, articles: ArticleContext): void {
  const { api, logger } = ctx;
  httpCommand(api, 'article:add', { invalid: 'Article mal formé : un titre au moins.' }, (actor, input) => addArticleAs(articles, actor, input));
  // What a renumbering would change (numbers and cross-references), and the token its confirmation names.
  api.post('/negotiations/:negotiationId/articles/renumber/preview', requireActor('text:write'), async (req, res) => {
    const parsed = RenumberPreviewBodySchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Numérotation mal formée.');
    res.json(await previewRenumbering(articles, (res.locals.actor as Actor).negotiationId, parsed.data.numbers));
  });
  httpCommand(api, 'article:renumber', { invalid: 'Numérotation mal formée : confirmez l’aperçu (confirm).' }, (actor, input) =>
    renumberArticles(articles, actor, input.numbers, input.confirm),
  );
  httpCommand(api, 'article:edit', { invalid: 'Modification mal formée.' }, (actor, input, { articleId }) => editArticle(articles, actor, articleId, input));
  httpCommand(api, 'article:delete', { invalid: 'Requête mal formée.' }, async (actor, _input, { articleId }) => {
    await deleteArticle(articles, actor, articleId);
    logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, articleId }, 'article deleted');
  });
  httpCommand(api, 'article:set-status', { invalid: 'Statut inconnu.' }, (actor, input, { articleId }) =>
    changeArticleStatus(articles, actor, articleId, input.status),
  );
}
