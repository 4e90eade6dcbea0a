import type { NegotiationEvent } from '../../shared/events.ts';
import type { Item, VoteView } from '../../shared/realtime.ts';
import type { TallyResult, VoteChoice, VoteRule } from '../../shared/votes/tally.ts';

/** The events that make up a vote's story. */
export const VOTE_EVENT_TYPES = ['vote:opened', 'ballot:cast', 'vote:closed'] as const;

export interface VoteOpenedPayload {
  voteId: string;
  title: string;
  item: Item;
  rule: VoteRule;
  sessionId: string | null;
  openedBy: { userId: string; name: string };
}

export interface BallotCastPayload {
  voteId: string;
  org: string;
  choice: VoteChoice;
  castBy: { userId: string; name: string };
}

export interface VoteClosedPayload {
  voteId: string;
  result: TallyResult;
  closedBy: { userId: string; name: string };
}

export function voteIdOf(event: NegotiationEvent): string | null {
  if (!(VOTE_EVENT_TYPES as readonly string[]).includes(event.type)) return null;
  const voteId = (event.payload as { voteId?: unknown })?.voteId;
  return typeof voteId === 'string' ? voteId : null;
}

/**
 * Folds one event into a vote. Pure, and safe to replay: the caller skips events at or
 * below the vote's last applied seq. A ballot after the close changes nothing (the result
 * was frozen at the close), whatever order concurrent processes wrote them in.
 */
export function applyVoteEvent(vote: VoteView | null, event: NegotiationEvent): VoteView | null {
  switch (event.type) {
    case 'vote:opened': {
      if (vote) return vote;
      const p = event.payload as VoteOpenedPayload;
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
      const p = event.payload as BallotCastPayload;
      const ballot = { org: p.org, choice: p.choice, castBy: p.castBy, at: event.at };
      return { ...vote, ballots: [...vote.ballots.filter((b) => b.org !== p.org), ballot] };
    }
    case 'vote:closed': {
      if (!vote || vote.status !== 'open') return vote;
      const p = event.payload as VoteClosedPayload;
      return { ...vote, status: 'closed', closedAt: event.at, result: p.result };
    }
    default:
      return vote;
  }
}
