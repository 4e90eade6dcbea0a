import type { College } from '../access.ts';
import { streamOf, type EventTypeOf, type NegotiationEvent } from '../events.ts';
import type { Visibility } from '../visibility.ts';
import type { AnnotationRecord, AnnotationVisibility } from './annotation.ts';

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
      if (!current) return current;
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
