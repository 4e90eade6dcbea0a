import type { NegotiationStream } from '../lib/connection.svelte.ts';
import { commandError } from '../amendments/amendments.svelte.ts';
import { api } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';
import type { Item } from '../../../shared/items.ts';
import type { VoteView } from '../../../shared/votes/vote.ts';
import { COLLEGES } from '../../../shared/access.ts';
import { tallyVote, type TallyResult, type VoteChoice, type VoteRule, type VotingOrganisation } from '../../../shared/votes/tally.ts';
import type { Party } from '../../../shared/identity.ts';

/** Where the vote panel shows refusals; an amendment's own controls use the amendment id. */
export const PANEL = 'panel';

/**
 * The negotiation's indicative votes: loaded over HTTP, reloaded at each vote event; the
 * live tally of an open vote is computed here with the shared rule and the weights in force.
 */
export class Votes {
  list = $state<VoteView[]>([]);
  /** The last refusal, shown where the command was given (see errorAt). */
  error = $state<string | null>(null);
  busy = $state(false);
  private errorPlace = $state<string>(PANEL);
  private stop: () => void;
  private timer: ReturnType<typeof setTimeout> | null = null;

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
      if (events.some((event) => event.type.startsWith('vote:') || event.type.startsWith('ballot:'))) this.refresh();
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
    try {
      this.list = await api<VoteView[]>('GET', `/negotiations/${encodeURIComponent(this.negotiationId)}/votes`);
    } catch (err) {
      this.errorPlace = PANEL;
      this.error = describeError(err);
    }
  }

  refresh(delayMs = 50): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, delayMs);
  }

  private async run(fn: () => Promise<unknown>, place = PANEL): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await fn();
      await this.load();
      return true;
    } catch (err) {
      this.errorPlace = place;
      this.error = commandError(err);
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
    if (this.timer) clearTimeout(this.timer);
  }
}
