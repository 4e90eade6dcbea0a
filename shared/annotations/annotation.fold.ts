import type { College } from '../access.ts';
import { streamOf, type EventTypeOf, type NegotiationEvent } from '../events.ts';
import type { Visibility } from '../visibility.ts';
import type { AnnotationRecord, AnnotationView, AnnotationVisibility } from './annotation.ts';

type AnnotationEvent = NegotiationEvent<EventTypeOf<'annotation'>>;

function isAnnotationEvent(event: NegotiationEvent): event is AnnotationEvent {
  return streamOf(event.type) === 'annotation';
}

/** The thread an event is about, or null for any other event. */
export function annotationIdOf(event: NegotiationEvent): string | null {
  return isAnnotationEvent(event) ? event.payload.annotationId : null;
}

/** Folds one event into a thread. Pure; a reply to an unknown thread changes nothing. */
export function applyAnnotationEvent(current: AnnotationRecord | null, event: NegotiationEvent): AnnotationRecord | null {
  if (!isAnnotationEvent(event)) return current;
  switch (event.type) {
    case 'annotation:created': {
      if (current) return current;
      const p = event.payload;
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
    case 'annotation:replied':
      // A reply already in the thread (a replayed catch-up) is not added twice.
      if (!current || current.messages.some((m) => m.id === event.payload.message.id)) return current;
      return { ...current, messages: [...current.messages, event.payload.message], updatedAt: event.at };
    case 'annotation:resolved':
      if (!current) return current;
      return { ...current, resolved: true, resolvedBy: event.payload.by, updatedAt: event.at };
    case 'annotation:reopened':
      if (!current) return current;
      return { ...current, resolved: false, resolvedBy: null, updatedAt: event.at };
    default:
      return current;
  }
}

/** Every thread of a log, oldest first. */
export function foldAnnotations(events: readonly NegotiationEvent[]): AnnotationRecord[] {
  const byId = new Map<string, AnnotationRecord>();
  for (const event of events) {
    const id = annotationIdOf(event);
    if (!id) continue;
    const next = applyAnnotationEvent(byId.get(id) ?? null, event);
    if (next) byId.set(id, next);
  }
  return [...byId.values()];
}

/**
 * The threads a reader holds (a list read earlier) as these events leave them, oldest first;
 * a new thread comes with the audience its event was sent to. Replaying events the list
 * already reflects changes nothing.
 */
export function applyAnnotationEvents(list: readonly AnnotationView[], events: readonly NegotiationEvent[]): AnnotationView[] {
  const byId = new Map<string, AnnotationView>(list.map((a) => [a.id, a]));
  let changed = false;
  for (const event of events) {
    const id = annotationIdOf(event);
    if (!id) continue;
    const previous = byId.get(id) ?? null;
    // The audience only matters to the server's reads; a view's record takes the event's.
    const record = previous && { ...previous, scope: event.visibility };
    const next = applyAnnotationEvent(record, event);
    if (!next || next === record) continue;
    const { scope: _scope, ...view } = next;
    byId.set(id, view);
    changed = true;
  }
  return changed ? [...byId.values()] : [...list];
}

/** The author of an annotation: who they are, for which organisation, on which side. */
export interface AnnotationAuthor {
  userId: string;
  orgId: string;
  college: College | 'neutral';
}

/** The audiences an author may choose: the presidency sits in no college, so it cannot pick `college`. */
export function annotationAudiences(author: Pick<AnnotationAuthor, 'college'>): AnnotationVisibility[] {
  return author.college === 'neutral' ? ['private', 'delegation', 'committee'] : ['private', 'delegation', 'college', 'committee'];
}

/** The event visibility of a chosen audience, or null when the author may not choose it. */
export function annotationVisibility(author: AnnotationAuthor, chosen: AnnotationVisibility): Visibility | null {
  switch (chosen) {
    case 'private':
      return { scope: 'private', user: author.userId };
    case 'delegation':
      return { scope: 'delegation', org: author.orgId };
    case 'college':
      return author.college === 'neutral' ? null : { scope: 'college', college: author.college };
    case 'committee':
      return { scope: 'committee' };
  }
}
