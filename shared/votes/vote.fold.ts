import { streamOf, type EventTypeOf, type NegotiationEvent } from '../events.ts';
import type { VoteView } from './vote.ts';

type VoteEvent = NegotiationEvent<EventTypeOf<'vote'>>;

function isVoteEvent(event: NegotiationEvent): event is VoteEvent {
  return streamOf(event.type) === 'vote';
}

/** The vote an event is about (`vote:opened`, `ballot:cast`, `vote:closed`), or null for any other event. */
export function voteIdOf(event: NegotiationEvent): string | null {
  return isVoteEvent(event) ? event.payload.voteId : null;
}

/**
 * Folds one event into a vote. Pure, and safe to replay: the caller skips events at or
 * below the vote's last applied seq. A ballot after the close changes nothing (the result
 * was frozen at the close), whatever order concurrent processes wrote them in.
 */
export function applyVoteEvent(vote: VoteView | null, event: NegotiationEvent): VoteView | null {
  if (!isVoteEvent(event)) return vote;
  switch (event.type) {
    case 'vote:opened': {
      if (vote) return vote;
      const p = event.payload;
      return {
        id: p.voteId,
        negotiationId: event.negotiationId,
        title: p.title,
        item: p.item,
        rule: p.rule,
        sessionId: p.sessionId,
        status: 'open',
        openedAt: event.at,
        openedBy: p.openedBy.name,
        ballots: [],
        closedAt: null,
        result: null,
      };
    }
    case 'ballot:cast': {
      if (!vote || vote.status !== 'open') return vote;
      const p = event.payload;
      const ballot = { org: p.org, choice: p.choice, castBy: p.castBy, at: event.at };
      return { ...vote, ballots: [...vote.ballots.filter((b) => b.org !== p.org), ballot] };
    }
    case 'vote:closed': {
      if (!vote || vote.status !== 'open') return vote;
      return { ...vote, status: 'closed', closedAt: event.at, result: event.payload.result };
    }
    default:
      return vote;
  }
}

/** Every vote of a log, in the order they were opened. */
export function foldVotes(events: readonly NegotiationEvent[]): VoteView[] {
  return applyVoteEvents([], events);
}

/**
 * The votes as these events leave them, in the order they were opened: what a reader holds
 * (a list read earlier) kept by the events that follow. Replaying events the list already
 * reflects changes nothing (an open vote is known, a ballot replaces its organisation's, a
 * closed vote stays as it closed).
 */
export function applyVoteEvents(list: readonly VoteView[], events: readonly NegotiationEvent[]): VoteView[] {
  const votes = new Map(list.map((v) => [v.id, v]));
  let changed = false;
  for (const event of events) {
    const id = voteIdOf(event);
    if (!id) continue;
    const previous = votes.get(id) ?? null;
    const next = applyVoteEvent(previous, event);
    if (next && next !== previous) {
      votes.set(id, next);
      changed = true;
    }
  }
  if (!changed && list.length === votes.size) return [...list];
  return [...votes.values()].sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
}
