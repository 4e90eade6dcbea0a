import { Types } from 'mongoose';
import type { z } from 'zod';
import type { AnnotateSchema, AnnotationMessage, AnnotationView, AnnotationVisibility, ReplySchema } from '../../shared/annotations.ts';
import type { Anchor } from '../../shared/amendments/amendment.ts';
import type { NegotiationEvent, Visibility } from '../../shared/events.ts';
import { canSee, type Viewer } from '../../shared/realtime.ts';
import { articleDocName } from '../../shared/structure.ts';
import type { AppContext } from '../app.ts';
import { viewerOf, type Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { collabOf } from '../collab/collab.capability.ts';
import { eventModel, type EventDoc } from '../events/event.model.ts';
import { toNegotiationEvent } from '../events/event-store.ts';
import { articleModel } from '../negotiations/article.model.ts';
import { stampOf } from '../events/event-log.ts';
import { anchorSpan, layoutOf, spanText } from '../amendments/article-text.ts';

/**
 * Annotations live in the negotiation's event log only, each event carrying the visibility
 * its author chose (replies and resolutions inherit the thread's): the channel's catch-up
 * and live pushes, these reads and the search all filter by that one field. They are never
 * written into the Yjs text, so the text, its versions and their exports hold none.
 */

export const ANNOTATION_EVENTS = {
  created: 'annotation:created',
  replied: 'annotation:replied',
  resolved: 'annotation:resolved',
  reopened: 'annotation:reopened',
} as const;
const TYPES: string[] = Object.values(ANNOTATION_EVENTS);

export type AnnotationContext = Pick<AppContext, 'db' | 'events' | 'logger'>;

interface CreatedPayload {
  annotationId: string;
  articleId: string;
  anchor: Anchor;
  quote: string;
  visibility: AnnotationVisibility;
  message: AnnotationMessage;
}
interface RepliedPayload {
  annotationId: string;
  message: AnnotationMessage;
}
interface StatePayload {
  annotationId: string;
  by: { userId: string; name: string };
}

type AnnotationRecord = AnnotationView & { scope: Visibility };

/** The event visibility of a chosen annotation visibility. */
export function visibilityFor(actor: Actor, chosen: AnnotationVisibility): Visibility {
  switch (chosen) {
    case 'private':
      return { scope: 'private', user: actor.user.id };
    case 'delegation':
      return { scope: 'delegation', org: actor.org.id };
    case 'college':
      if (actor.org.college === 'neutral') {
        throw new AppError('UNPROCESSABLE', 'La présidence n’appartient à aucun collège : choisissez une autre visibilité.');
      }
      return { scope: 'college', college: actor.org.college };
    case 'committee':
      return { scope: 'committee' };
  }
}

/** Folds one event into a thread. Pure. */
export function applyAnnotationEvent(current: AnnotationRecord | null, event: NegotiationEvent): AnnotationRecord | null {
  switch (event.type) {
    case ANNOTATION_EVENTS.created: {
      if (current) return current;
      const p = event.payload as CreatedPayload;
      return {
        id: p.annotationId,
        negotiationId: event.negotiationId,
        articleId: p.articleId,
        anchor: p.anchor,
        quote: p.quote,
        visibility: p.visibility,
        messages: [p.message],
        resolved: false,
        resolvedBy: null,
        createdAt: event.at,
        updatedAt: event.at,
        scope: event.visibility,
      };
    }
    case ANNOTATION_EVENTS.replied:
      if (!current) return current;
      return { ...current, messages: [...current.messages, (event.payload as RepliedPayload).message], updatedAt: event.at };
    case ANNOTATION_EVENTS.resolved:
      if (!current) return current;
      return { ...current, resolved: true, resolvedBy: (event.payload as StatePayload).by, updatedAt: event.at };
    case ANNOTATION_EVENTS.reopened:
      if (!current) return current;
      return { ...current, resolved: false, resolvedBy: null, updatedAt: event.at };
    default:
      return current;
  }
}

/** The database filter matching only what a viewer may see (the fold checks again with canSee). */
function visibleTo(viewer: Viewer): Record<string, unknown>[] {
  const scopes: Record<string, unknown>[] = [
    { 'visibility.scope': 'committee' },
    { 'visibility.scope': 'delegation', 'visibility.org': viewer.orgId },
    { 'visibility.scope': 'private', 'visibility.user': viewer.userId },
  ];
  if (viewer.college !== 'neutral') scopes.push({ 'visibility.scope': 'college', 'visibility.college': viewer.college });
  return scopes;
}

async function threads(ctx: AnnotationContext, actor: Actor): Promise<AnnotationView[]> {
  const viewer = viewerOf(actor);
  const docs = await eventModel(ctx.db.connection)
    .find({ negotiationId: actor.negotiationId, type: { $in: TYPES }, $or: visibleTo(viewer) })
    .sort({ seq: 1 })
    .lean();
  const byId = new Map<string, AnnotationRecord>();
  for (const doc of docs) {
    const event = toNegotiationEvent(doc as EventDoc);
    if (!canSee(viewer, event.visibility)) continue;
    const id = (event.payload as { annotationId?: unknown }).annotationId;
    if (typeof id !== 'string') continue;
    const next = applyAnnotationEvent(byId.get(id) ?? null, event);
    if (next) byId.set(id, next);
  }
  return [...byId.values()]
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

const messageOf = (actor: Actor, body: string, at: Date): AnnotationMessage => ({
  id: new Types.ObjectId().toHexString(),
  author: { userId: actor.user.id, name: actor.user.name, org: actor.org.id, orgShortName: actor.org.shortName },
  body,
  at: at.toISOString(),
});

/** Annotates a passage of an article, for the audience the author chose. */
export async function annotate(ctx: AnnotationContext, actor: Actor, input: z.infer<typeof AnnotateSchema>): Promise<AnnotationView> {
  const visibility = visibilityFor(actor, input.visibility);
  const article = await articleModel(ctx.db.connection).exists({ negotiationId: actor.negotiationId, articleId: input.articleId });
  if (!article) throw new AppError('NOT_FOUND', 'Article introuvable dans cette négociation.');
  const quote = await collabOf(ctx).store.withDoc(articleDocName(input.articleId), (doc) => {
    const layout = layoutOf(doc);
    const span = anchorSpan(doc, layout, input.anchor);
    if (!span) throw new AppError('BAD_REQUEST', 'Le passage annoté est introuvable dans cet article.');
    return spanText(layout, span);
  });
  const payload: CreatedPayload = {
    annotationId: new Types.ObjectId().toHexString(),
    articleId: input.articleId,
    anchor: input.anchor,
    quote,
    visibility: input.visibility,
    message: messageOf(actor, input.body, new Date()),
  };
  await ctx.events.record(actor.negotiationId, stampOf(actor), [{ type: ANNOTATION_EVENTS.created, payload, visibility }]);
  // Ids only: what a note says stays out of the logs.
  ctx.logger.debug({ negotiationId: actor.negotiationId, actor: actor.user.id, annotationId: payload.annotationId }, 'annotation created');
  return getAnnotation(ctx, actor, payload.annotationId);
}

async function threadEvent(ctx: AnnotationContext, actor: Actor, annotationId: string, type: string, payload: unknown): Promise<void> {
  const events = await eventModel(ctx.db.connection)
    .findOne({ negotiationId: actor.negotiationId, type: ANNOTATION_EVENTS.created, 'payload.annotationId': annotationId })
    .lean();
  const visibility = events?.visibility as Visibility | undefined;
  if (!visibility || !canSee(viewerOf(actor), visibility)) throw new AppError('NOT_FOUND', 'Annotation introuvable.');
  // A reply or a resolution reaches exactly the thread's audience, never more.
  await ctx.events.record(actor.negotiationId, stampOf(actor), [{ type, payload, visibility }]);
}

export async function replyToAnnotation(ctx: AnnotationContext, actor: Actor, input: z.infer<typeof ReplySchema>): Promise<AnnotationView> {
  await getAnnotation(ctx, actor, input.annotationId);
  const payload: RepliedPayload = { annotationId: input.annotationId, message: messageOf(actor, input.body, new Date()) };
  await threadEvent(ctx, actor, input.annotationId, ANNOTATION_EVENTS.replied, payload);
  return getAnnotation(ctx, actor, input.annotationId);
}

export async function setResolved(ctx: AnnotationContext, actor: Actor, annotationId: string, resolved: boolean): Promise<AnnotationView> {
  const thread = await getAnnotation(ctx, actor, annotationId);
  if (thread.resolved === resolved) {
    throw new AppError('CONFLICT', resolved ? 'Cette annotation est déjà résolue.' : 'Cette annotation est déjà ouverte.');
  }
  const payload: StatePayload = { annotationId, by: { userId: actor.user.id, name: actor.user.name } };
  await threadEvent(ctx, actor, annotationId, resolved ? ANNOTATION_EVENTS.resolved : ANNOTATION_EVENTS.reopened, payload);
  return getAnnotation(ctx, actor, annotationId);
}
