import type { Connection } from 'mongoose';
import { eventTypesOf, type NegotiationEvent } from '../../shared/events.ts';
import { foldSessions } from '../../shared/sessions/session.fold.ts';
import type { SessionView } from '../../shared/sessions/session.ts';
import { AppError } from '../common/app-error.ts';
import { eventModel, type EventDoc } from '../events/event.model.ts';
import { toNegotiationEvent } from '../events/event-store.ts';

/**
 * The sessions read model: folded from the `session:*` and `minutes:*` events at read time.
 * A negotiation holds a handful of sessions, a few dozen events each: the fold is cheap and
 * can never disagree with the log.
 */
export async function loadSessions(connection: Connection, negotiationId: string): Promise<SessionView[]> {
  const docs = await eventModel(connection)
    .find({ negotiationId, type: { $in: eventTypesOf('session') } })
    .sort({ seq: 1 })
    .lean();
  return foldSessions(docs.map((d) => toNegotiationEvent(d as EventDoc)));
}

export async function loadSession(connection: Connection, negotiationId: string, sessionId: string): Promise<SessionView> {
  const session = (await loadSessions(connection, negotiationId)).find((s) => s.id === sessionId);
  if (!session) throw new AppError('NOT_FOUND', 'Séance introuvable.');
  return session;
}

/** The negotiation a session belongs to (for the minutes document's authorisation), or null. */
export async function negotiationOfSession(connection: Connection, sessionId: string): Promise<string | null> {
  const doc = await eventModel(connection).findOne({ type: 'session:convened', 'payload.sessionId': sessionId }, { negotiationId: 1 }).lean();
  return doc?.negotiationId ?? null;
}

/** Every committee-visible event of the negotiation, in order: what the minutes may quote. */
export async function committeeEvents(connection: Connection, negotiationId: string): Promise<NegotiationEvent[]> {
  const docs = await eventModel(connection)
    .find({ negotiationId, 'visibility.scope': 'committee' })
    .sort({ seq: 1 })
    .lean();
  return docs.map((d) => toNegotiationEvent(d as EventDoc));
}

/** The latest text a `minutes:drafted` event recorded for the session. */
export async function draftedText(connection: Connection, negotiationId: string, sessionId: string): Promise<string | null> {
  const doc = await eventModel(connection)
    .findOne({ negotiationId, type: 'minutes:drafted', 'payload.sessionId': sessionId })
    .sort({ seq: -1 })
    .lean();
  return (doc?.payload as { text?: string } | undefined)?.text ?? null;
}
