import { streamOf, type EventTypeOf, type NegotiationEvent } from '../events.ts';
import type { SessionView } from './session.ts';

type SessionEvent = NegotiationEvent<EventTypeOf<'session'>>;

function isSessionEvent(event: NegotiationEvent): event is SessionEvent {
  return streamOf(event.type) === 'session';
}

/** The session an event is about (`session:*`, `minutes:*`), or null for any other event. */
export function sessionIdOf(event: NegotiationEvent): string | null {
  return isSessionEvent(event) ? event.payload.sessionId : null;
}

/**
 * Folds one event into a session. Pure; an event that does not fit the state changes nothing,
 * nor does one at or below the last seq the session took in (a page that read the session
 * replays the events that came meanwhile: a speakers list or an item change replayed after a
 * move would land on another item).
 */
export function applySessionEvent(session: SessionView | null, event: NegotiationEvent): SessionView | null {
  if (!isSessionEvent(event) || (session && event.seq <= session.seq)) return session;
  const next = applyNew(session, event);
  return next && next !== session ? { ...next, seq: event.seq } : next;
}

function applyNew(session: SessionView | null, event: SessionEvent): SessionView | null {
  if (event.type === 'session:convened') {
    if (session) return session;
    const p = event.payload;
    return {
      id: p.sessionId,
      negotiationId: event.negotiationId,
      seq: event.seq,
      title: p.title,
      startsAt: p.startsAt,
      endsAt: p.endsAt,
      status: 'convened',
      place: p.place,
      videoLink: p.videoLink,
      agenda: p.agenda,
      documents: p.documents,
      attendance: [],
      observers: [],
      currentIndex: null,
      convenedAt: event.at,
      openedAt: null,
      closedAt: null,
      openedSeq: null,
      closedSeq: null,
      versionId: null,
      nextSession: null,
      cancelledAt: null,
      cancellationReason: null,
      speakers: p.agenda.map(() => []),
      minutes: { status: 'none', draftedAt: null, circulatedAt: null, approvedAt: null, approvedBy: null, approvedText: null, approvedDoc: null },
    };
  }
  if (!session) return null;
  switch (event.type) {
    case 'session:agenda-updated': {
      if (session.status === 'closed' || session.status === 'cancelled') return session;
      const p = event.payload;
      const currentIndex =
        p.currentIndex !== undefined ? p.currentIndex : session.currentIndex === null ? null : Math.min(session.currentIndex, Math.max(0, p.agenda.length - 1));
      // Each item keeps its speakers list: moved with it, or kept at its place when the agenda is rewritten.
      const speakers = [...(session.speakers ?? [])];
      if (p.moved && p.moved.from < speakers.length) speakers.splice(p.moved.to, 0, ...speakers.splice(p.moved.from, 1));
      return {
        ...session,
        agenda: p.agenda,
        documents: p.documents,
        currentIndex: p.agenda.length === 0 ? null : currentIndex,
        speakers: p.agenda.map((_, i) => speakers[i] ?? []),
      };
    }
    case 'session:speakers-updated': {
      const p = event.payload;
      if (p.index >= session.agenda.length) return session;
      return { ...session, speakers: session.agenda.map((_, i) => (i === p.index ? p.speakers : (session.speakers?.[i] ?? []))) };
    }
    case 'session:attendance-recorded': {
      const p = event.payload;
      const others = session.attendance.filter((a) => !p.entries.some((e) => e.org === a.org));
      return { ...session, attendance: [...others, ...p.entries], observers: p.observers ?? session.observers };
    }
    case 'session:opened':
      if (session.status !== 'convened') return session;
      return { ...session, status: 'open', openedAt: event.at, openedSeq: event.seq, currentIndex: session.agenda.length > 0 ? 0 : null };
    case 'session:item-changed': {
      if (session.status !== 'open') return session;
      return { ...session, currentIndex: event.payload.index };
    }
    case 'session:closed': {
      if (session.status !== 'open') return session;
      const p = event.payload;
      return { ...session, status: 'closed', closedAt: event.at, closedSeq: event.seq, currentIndex: null, versionId: p.versionId, nextSession: p.nextSession };
    }
    case 'session:cancelled':
      if (session.status !== 'convened') return session;
      return { ...session, status: 'cancelled', cancelledAt: event.at, cancellationReason: event.payload.reason, currentIndex: null };
    case 'minutes:drafted':
      if (session.minutes.status === 'approved') return session;
      return { ...session, minutes: { ...session.minutes, status: 'draft', draftedAt: event.at } };
    case 'minutes:circulated':
      if (session.minutes.status === 'approved' || session.minutes.status === 'none') return session;
      return { ...session, minutes: { ...session.minutes, status: 'circulated', circulatedAt: event.at } };
    case 'minutes:approved': {
      if (session.minutes.status === 'approved' || session.minutes.status === 'none') return session;
      const p = event.payload;
      return { ...session, minutes: { ...session.minutes, status: 'approved', approvedAt: event.at, approvedBy: p.by, approvedText: p.text, approvedDoc: p.doc ?? null } };
    }
    default:
      return session;
  }
}

/** Every session of a negotiation, from its events in seq order, earliest start first. */
export function foldSessions(events: readonly NegotiationEvent[]): SessionView[] {
  const sessions = new Map<string, SessionView>();
  for (const event of events) {
    const id = sessionIdOf(event);
    if (!id) continue;
    const next = applySessionEvent(sessions.get(id) ?? null, event);
    if (next) sessions.set(id, next);
  }
  return [...sessions.values()].sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
}
