import { streamOf, type EventTypeOf, type NegotiationEvent } from '../events.ts';
import type { AmendmentActor, AmendmentRecord } from './amendment.ts';
import { LIFECYCLE, type AmendmentStatus, type AmendmentTransition } from './lifecycle.ts';

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

const TRANSITION_OF = {
  'amendment:discussed': 'discuss',
  'amendment:adopted': 'adopt',
  'amendment:rejected': 'reject',
  'amendment:withdrawn': 'withdraw',
  'amendment:merged': 'merge',
} as const satisfies Record<string, AmendmentTransition>;

function isAmendmentEvent(event: NegotiationEvent): event is AmendmentEvent {
  return streamOf(event.type) === 'amendment';
}

/**
 * Folds one event into an amendment. Pure; an event that does not fit the state changes
 * nothing, so replaying an event the amendment already reflects leaves it as it is (the
 * lifecycle never comes back to a status it left).
 */
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
      const rule = LIFECYCLE[TRANSITION_OF[event.type]];
      if (!current || !rule.from.includes(current.status)) return current;
      const status = rule.to;
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
 * The amendments as these events leave them: what a reader holds (a list read earlier, in
 * the order they were first written) kept by the events that follow. A tabled amendment takes
 * the next number in the order of tabling (drafts take none, so numbers tell nothing about
 * them); every tabled amendment is the committee's, so each reader numbers them alike.
 * Replaying events the list already reflects changes nothing.
 */
export function applyAmendmentEvents(list: readonly AmendmentRecord[], events: readonly NegotiationEvent[]): AmendmentRecord[] {
  const byId = new Map(list.map((a) => [a.id, a]));
  let last = Math.max(0, ...list.map((a) => a.number ?? 0));
  let changed = false;
  for (const event of events) {
    const id = amendmentIdOf(event);
    if (!id) continue;
    const previous = byId.get(id) ?? null;
    let next = applyAmendmentEvent(previous, event);
    if (!next || next === previous) continue;
    if (event.type === 'amendment:tabled' && next.status === 'tabled' && next.number === null) next = { ...next, number: ++last };
    byId.set(id, next);
    changed = true;
  }
  return changed ? [...byId.values()] : [...list];
}

/** Every amendment of a log, in the order they were first written, numbered in the order of tabling. */
export function foldAmendments(events: readonly NegotiationEvent[]): AmendmentRecord[] {
  return applyAmendmentEvents([], events);
}
