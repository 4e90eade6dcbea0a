import { LIFECYCLE, type AmendmentTransition } from '../amendments/lifecycle.ts';
import type { NegotiationEvent } from '../events.ts';
import { articleLabel } from '../labels.ts';
import { applyVoteEvent } from '../votes/vote.fold.ts';
import { attendanceLines, type AttendanceParty } from './minutes.ts';
import { applySessionEvent, sessionIdOf } from './session.fold.ts';
import type { CurrentItemContent, CurrentItemView, SessionSummary, SessionView } from './session.ts';

/**
 * The sessions' panels kept by the events (the session list, one session with its attendance,
 * speakers and minutes status, and its current item), as a page or the projector holds them:
 * read once, then changed by each event the negotiation's stream brings, never read again.
 * Pure; an event the state already reflects (a replayed catch-up, the command's own answer)
 * changes nothing.
 */

/** The current item as every reader shows it: the session's own state (item, attendance, speakers) and the item's content. */
export function currentItemView(session: SessionView, parties: readonly AttendanceParty[], content: CurrentItemContent | null): CurrentItemView {
  const index = session.currentIndex;
  const item = index === null ? null : (session.agenda[index] ?? null);
  return {
    session: { id: session.id, title: session.title, status: session.status, startsAt: session.startsAt },
    index,
    total: session.agenda.length,
    item,
    heading: content?.heading ?? item?.title ?? null,
    article: content?.article ?? null,
    amendment: content?.amendment ?? null,
    vote: content?.vote ?? null,
    text: content?.text ?? (item?.kind === 'free' ? item.text : null),
    attendance: attendanceLines(parties, session),
    observers: session.observers,
    speakers: index === null ? [] : (session.speakers[index] ?? []),
  };
}

/** The content an event about this session brings for its current item: `undefined` when it brings none. */
function carriedContent(event: NegotiationEvent): CurrentItemContent | null | undefined {
  switch (event.type) {
    case 'session:opened':
    case 'session:item-changed':
    case 'session:agenda-updated':
      return event.payload.current;
    case 'session:closed':
    case 'session:cancelled':
      return null;
    default:
      return undefined;
  }
}

const TRANSITION_OF: Partial<Record<NegotiationEvent['type'], AmendmentTransition>> = {
  'amendment:discussed': 'discuss',
  'amendment:adopted': 'adopt',
  'amendment:rejected': 'reject',
  'amendment:withdrawn': 'withdraw',
  'amendment:merged': 'merge',
};

/** What the events of the item's own things (its amendment, its vote, its article's title) change in its content. */
function applyContentEvent(content: CurrentItemContent, session: SessionView, event: NegotiationEvent): CurrentItemContent {
  const item = session.currentIndex === null ? null : session.agenda[session.currentIndex];
  if (!item) return content;
  if (item.kind === 'amendment' && content.amendment && 'amendmentId' in event.payload && event.payload.amendmentId === item.amendmentId) {
    const transition = TRANSITION_OF[event.type];
    if (!transition) return content;
    const rule = LIFECYCLE[transition];
    // The lifecycle never comes back to a status it left: a replayed step changes nothing.
    if (!rule.from.includes(content.amendment.status)) return content;
    return { ...content, amendment: { ...content.amendment, status: rule.to } };
  }
  if (item.kind === 'vote' && event.type === 'vote:opened' && event.payload.sessionId === session.id && !item.voteId) {
    // The server's rule for an item not linked yet: the last vote of the session under the item's title, else its last vote.
    const p = event.payload;
    if (content.vote?.id === p.voteId || (p.title !== item.title && content.vote?.title === item.title)) return content;
    return { ...content, vote: applyVoteEvent(null, event) };
  }
  if (item.kind === 'vote' && content.vote && 'voteId' in event.payload && event.payload.voteId === content.vote.id) {
    const vote = applyVoteEvent(content.vote, event);
    return vote === content.vote ? content : { ...content, vote };
  }
  if (item.kind === 'article' && content.article && event.type === 'article:edited' && event.payload.articleId === item.articleId && event.payload.title !== undefined) {
    const article = { ...content.article, title: event.payload.title };
    return { ...content, article, heading: item.title ?? articleLabel(article) };
  }
  return content;
}

/** One session and its current item's content, as a session page or the projector holds them. */
export interface SessionPanels {
  session: SessionView;
  content: CurrentItemContent | null;
}

/** The session and its current item as these events leave them. */
export function applySessionPanelEvents(panels: SessionPanels, events: readonly NegotiationEvent[]): SessionPanels {
  let { session, content } = panels;
  for (const event of events) {
    if (sessionIdOf(event) === session.id) {
      const before = session;
      session = applySessionEvent(session, event) ?? session;
      const carried = carriedContent(event);
      // An event the session does not take (a replay, a step the state is past) brings nothing either.
      if (carried !== undefined && session !== before) content = carried;
      if (session.status !== 'open') content = null;
    } else if (content) {
      content = applyContentEvent(content, session, event);
    }
  }
  return session === panels.session && content === panels.content ? panels : { session, content };
}

/** The sessions' list (earliest start first) as these events leave it. */
export function applySessionListEvents(list: readonly SessionSummary[], events: readonly NegotiationEvent[]): SessionSummary[] {
  let sessions = [...list];
  let changed = false;
  for (const event of events) {
    const id = sessionIdOf(event);
    if (!id) continue;
    const at = sessions.findIndex((s) => s.id === id);
    if (event.type === 'session:convened') {
      if (at >= 0) continue;
      const p = event.payload;
      sessions.push({ id, title: p.title, startsAt: p.startsAt, status: 'convened' });
      changed = true;
      continue;
    }
    if (at < 0) continue;
    const status =
      event.type === 'session:opened' && sessions[at].status === 'convened'
        ? 'open'
        : event.type === 'session:closed' && sessions[at].status === 'open'
          ? 'closed'
          : event.type === 'session:cancelled' && sessions[at].status === 'convened'
            ? 'cancelled'
            : null;
    if (!status) continue;
    sessions = sessions.map((s, i) => (i === at ? { ...s, status } : s));
    changed = true;
  }
  if (!changed) return list as SessionSummary[];
  return sessions.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
}
