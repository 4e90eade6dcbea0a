import { renderCalendar, type IcsEvent } from '../../shared/sessions/ics.ts';
import { parisLocalToUtc } from '../../shared/sessions/paris-time.ts';
import type { AgendaItem, SessionView } from '../../shared/sessions/session.ts';

/** How an agenda item is named in full (« Article 3 – Temps de pause », « Amendement n° 2 (CGT) – article 3 – Temps de pause »); null when unknown. */
export type AgendaHeading = (item: AgendaItem) => string | null;

/** The calendar entries of the negotiation: its sessions, and the phase deadlines the government set. */

const HOST = 'negociation.local';

/** Who convenes, as every invitation and its cancellation names it (RFC 5546 needs the same organizer on both). */
export const ORGANIZER = 'mailto:ne-pas-repondre@negociation.localhost';

/** The calendar UID of a session: the same in the feed, the convocation and its cancellation. */
export const sessionUid = (sessionId: string): string => `session-${sessionId}@${HOST}`;

function agendaText(session: SessionView, heading?: AgendaHeading): string {
  const lines = session.agenda.map(
    (item, i) => `${i + 1}. ${item.kind === 'free' || item.kind === 'vote' ? item.title : (item.title ?? heading?.(item) ?? (item.kind === 'article' ? 'Article' : 'Amendement'))}`,
  );
  return [
    session.videoLink ? `Visioconférence : ${session.videoLink}` : null,
    lines.length > 0 ? `Ordre du jour :\n${lines.join('\n')}` : null,
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function sessionEvent(session: SessionView, negotiationTitle: string, heading?: AgendaHeading): IcsEvent {
  return {
    uid: sessionUid(session.id),
    start: session.startsAt,
    end: session.endsAt,
    summary: `${session.title} – ${negotiationTitle}`,
    description: agendaText(session, heading) || undefined,
    location: session.place ?? (session.videoLink ? 'Visioconférence' : undefined),
    url: session.videoLink ?? undefined,
    status: session.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    // A cancellation is the event's one change after its convocation (SEQUENCE 0).
    sequence: session.status === 'cancelled' ? 1 : 0,
  };
}

export function sessionCalendar(session: SessionView, negotiationTitle: string, now: Date, heading?: AgendaHeading): string {
  return renderCalendar({ name: `${session.title} – ${negotiationTitle}`, events: [sessionEvent(session, negotiationTitle, heading)], now: now.toISOString() });
}

export function negotiationCalendar(
  negotiation: { id: string; title: string; phaseDeadlines: readonly { label: string; date: string }[] },
  sessions: readonly SessionView[],
  now: Date,
  heading?: AgendaHeading,
): string {
  const deadlines: IcsEvent[] = negotiation.phaseDeadlines.map((d, i) => ({
    uid: `deadline-${negotiation.id}-${i}@${HOST}`,
    start: parisLocalToUtc(`${d.date}T12:00`).toISOString(),
    allDay: true,
    summary: `Échéance : ${d.label} – ${negotiation.title}`,
  }));
  return renderCalendar({
    name: negotiation.title,
    events: [...sessions.map((s) => sessionEvent(s, negotiation.title, heading)), ...deadlines],
    now: now.toISOString(),
  });
}
