import type { z } from 'zod';
import type {
  AnnotateSchema,
  AnnotationCreatedPayload,
  AnnotationMessage,
  AnnotationRecord,
  AnnotationRepliedPayload,
  AnnotationStatePayload,
  AnnotationView,
  AnnotationVisibility,
  ReplySchema,
} from '../../shared/annotations/annotation.ts';
import { annotationVisibility, foldAnnotations } from '../../shared/annotations/annotation.fold.ts';
import { eventTypesOf, type Visibility } from '../../shared/events.ts';
import { canSee } from '../../shared/visibility.ts';
import { articleDocName } from '../../shared/structure.ts';
import type { AppContext } from '../app.ts';
import { viewerOf, type Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { collabOf } from '../collab/collab.capability.ts';
import { eventModel, type EventDoc } from '../events/event.model.ts';
import { toNegotiationEvent, visibleTo } from '../events/event-store.ts';
import { assertArticleExists } from '../negotiations/negotiation.service.ts';
import { stampOf } from '../events/event-log.ts';
import { anchorSpan, layoutOf, spanText } from '../../shared/amendments/article-layout.ts';

/**
 * Annotations live in the negotiation's event log only, each event carrying the visibility
 * its author chose (replies and resolutions inherit the thread's): the channel's catch-up
 * and live pushes, these reads and the search all filter by that one field. They are never
 * written into the Yjs text, so the text, its versions and their exports hold none.
 */

export type AnnotationContext = Pick<AppContext, 'db' | 'events' | 'logger' | 'clock' | 'ids'>;

/** The event visibility of the audience an author chose; the presidency sits in no college. */
export function visibilityFor(actor: Actor, chosen: AnnotationVisibility): Visibility {
  const visibility = annotationVisibility({ userId: actor.user.id, orgId: actor.org.id, college: actor.org.college }, chosen);
  if (!visibility) throw new AppError('UNPROCESSABLE', 'La présidence n’appartient à aucun collège : choisissez une autre visibilité.');
  return visibility;
}

async function threads(ctx: AnnotationContext, actor: Actor): Promise<AnnotationView[]> {
  const viewer = viewerOf(actor);
  const docs = await eventModel(ctx.db.connection)
    .find({ negotiationId: actor.negotiationId, type: { $in: eventTypesOf('annotation') }, $or: visibleTo(viewer) })
    .sort({ seq: 1 })
    .lean();
  const visible = docs.map((doc) => toNegotiationEvent(doc as EventDoc)).filter((event) => canSee(viewer, event.visibility));
  const records: AnnotationRecord[] = foldAnnotations(visible);
  return records
    .filter((r) => canSee(viewer, r.scope))
    .map(({ scope: _scope, ...view }) => view);
}

export interface AnnotationFilter {
  articleId?: string;
  /** Words to find in the quote or the messages (case and accents ignored). */
  q?: string;
}

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/** The threads the actor may see, oldest first; the search looks only among those. */
export async function listAnnotations(ctx: AnnotationContext, actor: Actor, filter: AnnotationFilter = {}): Promise<AnnotationView[]> {
  const all = await threads(ctx, actor);
  const q = filter.q ? fold(filter.q) : null;
  return all.filter(
    (a) =>
      (!filter.articleId || a.articleId === filter.articleId) &&
      (!q || fold(a.quote).includes(q) || a.messages.some((m) => fold(m.body).includes(q))),
  );
}

/** One thread; NOT_FOUND when it does not exist or the actor may not see it (the two are told apart by no one). */
export async function getAnnotation(ctx: AnnotationContext, actor: Actor, annotationId: string): Promise<AnnotationView> {
  const found = (await threads(ctx, actor)).find((a) => a.id === annotationId);
  if (!found) throw new AppError('NOT_FOUND', 'Annotation introuvable.');
  return found;
}

const messageOf = (ctx: AnnotationContext, actor: Actor, body: string): AnnotationMessage => ({
  id: ctx.ids.newId(),
  author: { userId: actor.user.id, name: actor.user.name, org: actor.org.id, orgShortName: actor.org.shortName },
  body,
  at: ctx.clock.now().toISOString(),
});

/** Annotates a passage of an article, for the audience the author chose. */
export async function annotate(ctx: AnnotationContext, actor: Actor, input: z.infer<typeof AnnotateSchema>): Promise<AnnotationView> {
  const visibility = visibilityFor(actor, input.visibility);
  await assertArticleExists(ctx.db.connection, actor.negotiationId, input.articleId);
  const quote = await collabOf(ctx).store.withDoc(articleDocName(input.articleId), (doc) => {
    const layout = layoutOf(doc);
    const span = anchorSpan(doc, layout, input.anchor);
    if (!span) throw new AppError('BAD_REQUEST', 'Le passage annoté est introuvable dans cet article.');
    return spanText(layout, span);
  });
  const payload: AnnotationCreatedPayload = {
    annotationId: ctx.ids.newId(),
    articleId: input.articleId,
    anchor: input.anchor,
    quote,
    visibility: input.visibility,
    message: messageOf(ctx, actor, input.body),
  };
  await ctx.events.record(actor.negotiationId, stampOf(actor), [{ type: 'annotation:created', payload, visibility }]);
  // Ids only: what a note says stays out of the logs.
  ctx.logger.debug({ negotiationId: actor.negotiationId, actor: actor.user.id, annotationId: payload.annotationId }, 'annotation created');
  return getAnnotation(ctx, actor, payload.annotationId);
}

async function threadEvent(
  ctx: AnnotationContext,
  actor: Actor,
  annotationId: string,
  content: { type: 'annotation:replied'; payload: AnnotationRepliedPayload } | { type: 'annotation:resolved' | 'annotation:reopened'; payload: AnnotationStatePayload },
): Promise<void> {
  const events = await eventModel(ctx.db.connection)
    .findOne({ negotiationId: actor.negotiationId, type: 'annotation:created', 'payload.annotationId': annotationId })
    .lean();
  const visibility = events?.visibility as Visibility | undefined;
  if (!visibility || !canSee(viewerOf(actor), visibility)) throw new AppError('NOT_FOUND', 'Annotation introuvable.');
  // A reply or a resolution reaches exactly the thread's audience, never more.
  await ctx.events.record(actor.negotiationId, stampOf(actor), [{ ...content, visibility }]);
}

export async function replyToAnnotation(ctx: AnnotationContext, actor: Actor, input: z.infer<typeof ReplySchema>): Promise<AnnotationView> {
  await getAnnotation(ctx, actor, input.annotationId);
  const payload: AnnotationRepliedPayload = { annotationId: input.annotationId, message: messageOf(ctx, actor, input.body) };
  await threadEvent(ctx, actor, input.annotationId, { type: 'annotation:replied', payload });
  return getAnnotation(ctx, actor, input.annotationId);
}

export async function setResolved(ctx: AnnotationContext, actor: Actor, annotationId: string, resolved: boolean): Promise<AnnotationView> {
  const thread = await getAnnotation(ctx, actor, annotationId);
  if (thread.resolved === resolved) {
    throw new AppError('CONFLICT', resolved ? 'Cette annotation est déjà résolue.' : 'Cette annotation est déjà ouverte.');
  }
  const payload: AnnotationStatePayload = { annotationId, by: { userId: actor.user.id, name: actor.user.name } };
  await threadEvent(ctx, actor, annotationId, { type: resolved ? 'annotation:resolved' : 'annotation:reopened', payload });
  return getAnnotation(ctx, actor, annotationId);
}
