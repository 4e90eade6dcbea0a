import type { AmendmentDetail, AmendmentView, Anchor } from '../../../shared/amendments/amendment.ts';
import type { AmendmentContent } from '../../../shared/amendments/formula.ts';
import type { AmendmentTransition } from '../../../shared/amendments/lifecycle.ts';
import type { NegotiationStream } from '../lib/connection.svelte.ts';
import { api } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';

const COMMANDS = {
  table: 'amendment:table',
  discuss: 'amendment:discuss',
  adopt: 'amendment:adopt',
  reject: 'amendment:reject',
  withdraw: 'amendment:withdraw',
} as const satisfies Record<Exclude<AmendmentTransition, 'merge'>, string>;

export interface AmendmentInput {
  articleId: string;
  content: AmendmentContent;
  justification: string;
  anchor: Anchor | null;
}

/**
 * The amendments of a negotiation as the reader may see them: loaded over HTTP, reloaded
 * whenever an amendment event arrives (or the text changed, for the outdated flags);
 * commands go over the negotiation's channel.
 */
export class Amendments {
  list = $state<AmendmentView[]>([]);
  error = $state<string | null>(null);
  busy = $state(false);
  details = $state<Record<string, AmendmentDetail>>({});
  private stop: () => void;
  private timer: ReturnType<typeof setTimeout> | null = null;

  readonly negotiationId: string;
  private readonly feed: NegotiationStream;

  constructor(
    negotiationId: string,
    feed: NegotiationStream,
  ) {
    this.negotiationId = negotiationId;
    this.feed = feed;
    this.stop = feed.on((events) => {
      if (events.some((event) => event.type.startsWith('amendment:') || event.type === 'version:created')) this.refresh();
    });
  }

  onArticle(articleId: string): AmendmentView[] {
    return this.list.filter((a) => a.articleId === articleId);
  }

  async load(): Promise<void> {
    try {
      this.list = await api<AmendmentView[]>('GET', `/negotiations/${encodeURIComponent(this.negotiationId)}/amendments`);
      // Open diffs follow the text.
      for (const id of Object.keys(this.details)) void this.showDiffs(id);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  /** Reloads soon (several events or keystrokes in a row make one request). */
  refresh(delayMs = 150): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, delayMs);
  }

  async showDiffs(id: string): Promise<void> {
    try {
      const detail = await api<AmendmentDetail>('GET', `/negotiations/${encodeURIComponent(this.negotiationId)}/amendments/${encodeURIComponent(id)}`);
      this.details = { ...this.details, [id]: detail };
    } catch (err) {
      this.error = describeError(err);
    }
  }

  hideDiffs(id: string): void {
    const { [id]: _hidden, ...rest } = this.details;
    this.details = rest;
  }

  private async run<T>(fn: () => Promise<T>): Promise<T | null> {
    this.busy = true;
    this.error = null;
    try {
      const result = await fn();
      await this.load();
      return result;
    } catch (err) {
      this.error = describeError(err);
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Writes a draft (seen by my delegation only) or tables it at once. */
  submit(input: AmendmentInput, table: boolean): Promise<AmendmentView | null> {
    return this.run(() => (table ? this.feed.command('amendment:table', { ...input }) : this.feed.command('amendment:draft', { ...input })));
  }

  act(amendmentId: string, transition: AmendmentTransition, options: { manual?: boolean } = {}): Promise<AmendmentView | null> {
    if (transition === 'merge') return this.run(() => this.feed.command('amendment:merge', { amendmentId, ...(options.manual ? { manual: true } : {}) }));
    return this.run(() => this.feed.command(COMMANDS[transition], { amendmentId }));
  }

  destroy(): void {
    this.stop();
    if (this.timer) clearTimeout(this.timer);
  }
}
