import { streamOf, type EventTypeOf, type NegotiationEvent } from '../events.ts';
import type { AmendmentActor, AmendmentRecord } from './amendment.ts';
import type { AmendmentStatus } from './lifecycle.ts';

type AmendmentEvent = NegotiationEvent<EventTypeOf<'amendment'>>;

function written(event: NegotiationEvent<'amendment:drafted' | 'amendment:tabled'>, current: AmendmentRecord | null, status: AmendmentStatus): AmendmentRecord {
  const p = event.payload;
  const by: AmendmentActor = { userId: p.author.userId, name: p.author.name };
  return {
    id: p.amendmentId,
    number: current?.number ?? null,
    negotiationId: event.negotiationId,
    articleId: p.articleId,
    target: p.target,
    org: p.org,
    author: current?.author ?? p.author,
    content: p.content,
    justification: p.justification,
    anchor: p.anchor,
    formula: p.formula,
    status,
    base: p.base,
    history: [...(current?.history.filter((h) => h.status !== status) ?? []), { status, at: event.at, by }],
    merge: null,
    createdAt: current?.createdAt ?? event.at,
    updatedAt: event.at,
    visibility: event.visibility,
  };
}

const STATUS_AFTER = {
  'amendment:discussed': 'under discussion',
  'amendment:adopted': 'adopted',
  'amendment:rejected': 'rejected',
  'amendment:withdrawn': 'withdrawn',
  'amendment:merged': 'merged',
} as const satisfies Record<string, AmendmentStatus>;

function isAmendmentEvent(event: NegotiationEvent): event is AmendmentEvent {
  return streamOf(event.type) === 'amendment';
}

/** Folds one event into an amendment. Pure; an event that does not fit the state changes nothing. */
export function applyAmendmentEvent(current: AmendmentRecord | null, event: NegotiationEvent): AmendmentRecord | null {
  if (!isAmendmentEvent(event)) return current;
  switch (event.type) {
    case 'amendment:drafted':
      return current && current.status !== 'draft' ? current : written(event, current, 'draft');
    case 'amendment:tabled':
      return current && current.status !== 'draft' ? current : written(event, current, 'tabled');
    case 'amendment:discussed':
    case 'amendment:adopted':
    case 'amendment:rejected':
    case 'amendment:withdrawn':
    case 'amendment:merged': {
      if (!current) return current;
      const status = STATUS_AFTER[event.type];
      const next: AmendmentRecord = {
        ...current,
        status,
        history: [...current.history, { status, at: event.at, by: event.payload.by }],
        updatedAt: event.at,
        visibility: event.visibility,
      };
      if (event.type === 'amendment:merged') {
        const m = event.payload;
        next.merge = { versionId: m.versionId, automatic: m.automatic, manual: m.manual };
      }
      return next;
    }
    default:
      return current;
  }
}

/** The amendment an event is about, or null for any other event. */
export function amendmentIdOf(event: NegotiationEvent): string | null {
  return isAmendmentEvent(event) ? event.payload.amendmentId : null;
}

/**
 * Every amendment of a log, in the order they were first written, numbered in the order of
 * tabling (drafts take no number, so numbers tell nothing about them).
 */
export function foldAmendments(events: readonly NegotiationEvent[]): AmendmentRecord[] {
  const byId = new Map<string, AmendmentRecord>();
  let tabled = 0;
  for (const event of events) {
    const id = amendmentIdOf(event);
    if (!id) continue;
    const previous = byId.get(id) ?? null;
    let next = applyAmendmentEvent(previous, event);
    if (next && event.type === 'amendment:tabled' && next.status === 'tabled' && previous?.status !== 'tabled' && next.number === null) {
      next = { ...next, number: ++tabled };
    }
    if (next) byId.set(id, next);
  }
  return [...byId.values()];
}
