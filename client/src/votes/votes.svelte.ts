import type { NegotiationStream } from '../lib/connection.svelte.ts';
import { api } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';
import type { Item } from '../../../shared/items.ts';
import type { VoteView } from '../../../shared/votes/vote.ts';
import { applyVoteEvents } from '../../../shared/votes/vote.fold.ts';
import type { NegotiationEvent } from '../../../shared/events.ts';
import { COLLEGES } from '../../../shared/access.ts';
import { tallyVote, type TallyResult, type VoteChoice, type VoteRule, type VotingOrganisation } from '../../../shared/votes/tally.ts';
import type { Party } from '../../../shared/identity.ts';

/** Where the vote panel shows refusals; an amendment's own controls use the amendment id. */
export const PANEL = 'panel';

/**
 * The negotiation's indicative votes: read once over HTTP, then kept by the vote events
 * through the fold the server uses (shared/votes/vote.fold.ts); the live tally of an open
 * vote is computed here with the shared rule and the weights in force.
 */
export class Votes {
  list = $state<VoteView[]>([]);
  /** The last refusal, shown where the command was given (see errorAt). */
  error = $state<string | null>(null);
  busy = $state(false);
  private errorPlace = $state<string>(PANEL);
  private stop: () => void;
  /** Events that came while the list was being read: applied again to what the read answers. */
  private duringRead: NegotiationEvent[] | null = null;

  readonly negotiationId: string;
  private readonly feed: NegotiationStream;
  private readonly organisations: Party[];

  constructor(
    negotiationId: string,
    feed: NegotiationStream,
    organisations: Party[],
  ) {
    this.negotiationId = negotiationId;
    this.feed = feed;
    this.organisations = organisations;
    this.stop = feed.on((events) => {
      this.duringRead?.push(...events);
      this.list = applyVoteEvents(this.list, events);
    });
  }

  /** The votes about an article (or an amendment of it, by id). */
  about(ids: string[]): VoteView[] {
    return this.list.filter((v) => (v.item.kind === 'article' || v.item.kind === 'amendment') && ids.includes(v.item.id));
  }

  /** The refusal to show at a place: `'panel'`, or the id of the amendment a vote was opened from. */
  errorAt(place: string): string | null {
    return this.errorPlace === place ? this.error : null;
  }

  /** The closed vote's frozen result, or the live tally of an open one. */
  tally(vote: VoteView): TallyResult {
    if (vote.result) return vote.result;
    const voters: VotingOrganisation[] = this.organisations
      .filter((o): o is Party & { college: VotingOrganisation['college'] } => (COLLEGES as readonly string[]).includes(o.college))
      .map((o) => ({ id: o.id, shortName: o.shortName, college: o.college, weight: o.weight }));
    return tallyVote(vote.rule, voters, vote.ballots);
  }

  async load(): Promise<void> {
    this.duringRead = [];
    try {
      const list = await api<VoteView[]>('GET', `/negotiations/${encodeURIComponent(this.negotiationId)}/votes`);
      this.list = applyVoteEvents(list, this.duringRead);
    } catch (err) {
      this.errorPlace = PANEL;
      this.error = describeError(err);
    } finally {
      this.duringRead = null;
    }
  }

  private async run(fn: () => Promise<VoteView>, place = PANEL): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      const answer = await fn();
      // The command's own event changes the list (it may come before or after the answer); the
      // answer only adds a vote the list lacks, never replaces a newer state of it.
      if (!this.list.some((v) => v.id === answer.id)) this.list = [...this.list, answer];
      return true;
    } catch (err) {
      this.errorPlace = place;
      this.error = describeError(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Opens a vote; `place` says where a refusal is shown (the panel, or the amendment it was opened from). */
  open(item: Item, rule: VoteRule, title: string, place = PANEL): Promise<boolean> {
    return this.run(() => this.feed.command('vote:open', { item, rule, title }), place);
  }

  cast(voteId: string, choice: VoteChoice): Promise<boolean> {
    return this.run(() => this.feed.command('vote:cast', { voteId, choice }));
  }

  close(voteId: string): Promise<boolean> {
    return this.run(() => this.feed.command('vote:close', { voteId }));
  }

  destroy(): void {
    this.stop();
  }
}
