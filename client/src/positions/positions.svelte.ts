import type { NegotiationFeed } from '../activity/negotiation-feed.svelte.ts';
import { commandError } from '../amendments/amendments.svelte.ts';
import { api } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';
import { itemKey } from '../../../shared/items.ts';
import type { Position, PositionMatrix, Stance } from '../../../shared/positions/position.ts';

export type PositionItem = Position['item'];

/** My organisation's positions on one item (article or whole text): its history, and declaring a new one. */
export class PositionHistory {
  list = $state<Position[]>([]);
  error = $state<string | null>(null);
  busy = $state(false);
  private stop: () => void;

  readonly negotiationId: string;
  private readonly feed: NegotiationFeed;
  readonly org: string;
  readonly item: PositionItem;

  constructor(
    negotiationId: string,
    feed: NegotiationFeed,
    org: string,
    item: PositionItem,
  ) {
    this.negotiationId = negotiationId;
    this.feed = feed;
    this.org = org;
    this.item = item;
    this.stop = feed.on((event) => {
      if (event.type.startsWith('position:')) void this.load();
    });
  }

  async load(): Promise<void> {
    try {
      const query = `org=${encodeURIComponent(this.org)}&item=${encodeURIComponent(itemKey(this.item))}`;
      const { positions } = await api<{ positions: Position[] }>('GET', `/negotiations/${encodeURIComponent(this.negotiationId)}/positions?${query}`);
      this.list = positions.toSorted((a, b) => b.seq - a.seq);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  async declare(stance: Stance, statement: string): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await this.feed.command<Position>('position:declare', { stance, statement, item: this.item });
      await this.load();
      return true;
    } catch (err) {
      this.error = commandError(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  destroy(): void {
    this.stop();
  }
}

/** The organisations × items matrix of the latest stances. */
export class PositionsMatrix {
  matrix = $state<PositionMatrix | null>(null);
  error = $state<string | null>(null);

  readonly negotiationId: string;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
  }

  async load(): Promise<void> {
    try {
      this.matrix = await api<PositionMatrix>('GET', `/negotiations/${encodeURIComponent(this.negotiationId)}/positions/matrix`);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  get empty(): boolean {
    return !!this.matrix && Object.values(this.matrix.cells).every((row) => Object.keys(row).length === 0);
  }
}
