import { describe, expect, it } from 'vitest';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { VoteView } from '../../shared/votes/vote.ts';
import { tallyVote } from '../../shared/votes/tally.ts';
import { applyVoteEvent } from '../../shared/votes/vote.fold.ts';

let seq = 0;
function event(type: string, payload: unknown): NegotiationEvent {
  seq += 1;
  return { negotiationId: 'n', seq, type, payload, actor: 'u', org: null, at: new Date(seq * 1000).toISOString(), visibility: { scope: 'committee' } } as NegotiationEvent;
}
const who = { userId: 'u1', name: 'Nadia' };
const opened = () =>
  event('vote:opened', { voteId: 'v1', title: 'Article 3', item: { kind: 'text' }, rule: 'consensus', sessionId: null, openedBy: who });
const fold = (events: NegotiationEvent[]) => events.reduce<VoteView | null>(applyVoteEvent, null);

describe('the votes read model', () => {
  it('keeps the latest ballot of each organisation', () => {
    const sut = fold([
      opened(),
      event('ballot:cast', { voteId: 'v1', org: 'cgt', choice: 'contre', castBy: who }),
      event('ballot:cast', { voteId: 'v1', org: 'cfdt', choice: 'pour', castBy: who }),
      event('ballot:cast', { voteId: 'v1', org: 'cgt', choice: 'abstention', castBy: who }),
    ]);
    expect(sut?.ballots.map((b) => [b.org, b.choice])).toEqual([
      ['cfdt', 'pour'],
      ['cgt', 'abstention'],
    ]);
  });

  it('ignores a ballot written after the close', () => {
    const result = tallyVote('consensus', [], []);
    const sut = fold([
      opened(),
      event('vote:closed', { voteId: 'v1', result, closedBy: who }),
      event('ballot:cast', { voteId: 'v1', org: 'cgt', choice: 'contre', castBy: who }),
    ]);
    expect(sut?.status).toBe('closed');
    expect(sut?.ballots).toEqual([]);
    expect(sut?.result).toEqual(result);
  });

  it('ignores events of a vote it never saw opened', () => {
    expect(fold([event('ballot:cast', { voteId: 'v1', org: 'cgt', choice: 'pour', castBy: who })])).toBeNull();
  });
});
