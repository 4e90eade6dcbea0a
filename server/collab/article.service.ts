import type { z } from 'zod';
import type { ArticleStatus } from '../../shared/identity.ts';
import type { EditArticleBodySchema, NewArticleBodySchema, StructureEntry } from '../../shared/structure.ts';
import type { Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { stampOf, type EventLog } from '../events/event-log.ts';
import { articleModel } from '../negotiations/article.model.ts';
import {
  addArticle,
  editArticleHeading,
  moveArticleTo,
  removeArticle,
  renumber,
  setStatusInStructure,
  type StructureDeps,
} from './structure.service.ts';

/** The outline's operations and the article workflow, each recorded in the negotiation's log. */
export interface ArticleContext extends StructureDeps {
  events: Pick<EventLog, 'record'>;
}

/** A pen-holder adds an article to the outline. */
export async function addArticleAs(ctx: ArticleContext, actor: Actor, input: z.infer<typeof NewArticleBodySchema>): Promise<StructureEntry> {
  const entry = await addArticle(ctx, actor.negotiationId, input);
  await ctx.events.record(actor.negotiationId, stampOf(actor), [
    { type: 'article:added', payload: { articleId: entry.id, number: entry.number, title: entry.title } },
  ]);
  return entry;
}

/**
 * Renumbers the articles, confirmed against the preview's token; a renumbering that changes
 * nothing records nothing. `previous` (by article) undoes it, confirmed with `token`.
 */
export async function renumberArticles(
  ctx: ArticleContext,
  actor: Actor,
  numbers: Record<string, string> | undefined,
  confirm: string,
): Promise<{ renumbered: Record<string, string>; previous: Record<string, string>; token: string }> {
  const { applied: renumbered, previous, token } = await renumber(ctx, actor.negotiationId, numbers, confirm);
  if (Object.keys(renumbered).length > 0) await ctx.events.record(actor.negotiationId, stampOf(actor), [{ type: 'articles:renumbered', payload: { renumbered } }]);
  return { renumbered, previous, token };
}

/** Changes an article's heading, or moves it in the outline. */
export async function editArticle(ctx: ArticleContext, actor: Actor, articleId: string, input: z.infer<typeof EditArticleBodySchema>): Promise<void> {
  const { position, ...heading } = input;
  if (Object.values(heading).some((v) => v !== undefined)) await editArticleHeading(ctx, actor.negotiationId, articleId, heading);
  if (position !== undefined) await moveArticleTo(ctx, actor.negotiationId, articleId, position);
  await ctx.events.record(actor.negotiationId, stampOf(actor), [
    { type: position !== undefined ? 'article:moved' : 'article:edited', payload: { articleId, ...input } },
  ]);
}

export async function deleteArticle(ctx: ArticleContext, actor: Actor, articleId: string): Promise<void> {
  await removeArticle(ctx, actor.negotiationId, articleId);
  await ctx.events.record(actor.negotiationId, stampOf(actor), [{ type: 'article:deleted', payload: { articleId } }]);
}

/**
 * Changes an article's negotiation status: a recorded decision (event `article:status-changed`),
 * then the metadata, then the outline every editor shows.
 */
export async function changeArticleStatus(
  ctx: ArticleContext,
  actor: Actor,
  articleId: string,
  status: ArticleStatus,
): Promise<{ from: ArticleStatus; to: ArticleStatus }> {
  const articles = articleModel(ctx.connection);
  const article = await articles.findOne({ articleId, negotiationId: actor.negotiationId }).lean();
  if (!article) throw new AppError('NOT_FOUND', 'Article introuvable dans cet accord.');
  const from = article.status as ArticleStatus;
  if (from === status) return { from, to: status };
  await ctx.events.record(actor.negotiationId, stampOf(actor), [
    { type: 'article:status-changed', payload: { articleId, number: article.number, from, to: status } },
  ]);
  await articles.updateOne({ articleId }, { $set: { status } });
  await setStatusInStructure(ctx, actor.negotiationId, articleId, status);
  return { from, to: status };
}
