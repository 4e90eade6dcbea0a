import { connection, type NegotiationStream } from '../lib/connection.svelte.ts';
import { api } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';
import type { NegotiationEvent } from '../../../shared/events.ts';
import { itemKey } from '../../../shared/items.ts';
import { toPosition, withPosition } from '../../../shared/positions/position.fold.ts';
import type { Position, PositionMatrix, Stance } from '../../../shared/positions/position.ts';

/** The positions of a batch of events, in seq order. */
function declaredIn(events: readonly NegotiationEvent[]): Position[] {
  return events.flatMap((e) => (e.type === 'position:declared' ? [toPosition(e as NegotiationEvent<'position:declared'>)] : []));
}

/** A history with more positions in it, each once, newest first. */
function withHistory(list: readonly Position[], more: readonly Position[]): Position[] {
  const added = more.filter((p) => !list.some((known) => known.seq === p.seq));
  return added.length === 0 ? [...list] : [...list, ...added].sort((a, b) => b.seq - a.seq);
}

export type PositionItem = Position['item'];

/**
 * My organisation's positions on one item (article or whole text): its history, read once
 * and then kept by the `position:declared` events, and declaring a new one.
 */
export class PositionHistory {
  list = $state<Position[]>([]);
  error = $state<string | null>(null);
  busy = $state(false);
  private stop: () => void;

  readonly negotiationId: string;
  private readonly feed: NegotiationStream;
  readonly org: string;
  readonly item: PositionItem;

  constructor(
    negotiationId: string,
    feed: NegotiationStream,
    org: string,
    item: PositionItem,
  ) {
    this.negotiationId = negotiationId;
    this.feed = feed;
    this.org = org;
    this.item = item;
    const key = itemKey(item);
    this.stop = feed.on((events) => {
      const mine = declaredIn(events).filter((p) => p.org === org && itemKey(p.item) === key);
      if (mine.length > 0) this.list = withHistory(this.list, mine);
    });
  }

  async load(): Promise<void> {
    try {
      const query = `org=${encodeURIComponent(this.org)}&item=${encodeURIComponent(itemKey(this.item))}`;
      const { positions } = await api<{ positions: Position[] }>('GET', `/negotiations/${encodeURIComponent(this.negotiationId)}/positions?${query}`);
      // Positions declared while the history was on its way are kept.
      this.list = withHistory(positions, this.list);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  async declare(stance: Stance, statement: string): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      const declared = await this.feed.command('position:declare', { stance, statement, item: this.item });
      this.list = withHistory(this.list, [declared]);
      return true;
    } catch (err) {
      this.error = describeError(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  destroy(): void {
    this.stop();
  }
}

/**
 * The organisations × items matrix of the latest stances: read once, then each
 * `position:declared` event of the negotiation goes into its cell (shared/positions fold).
 */
export class PositionsMatrix {
  matrix = $state.raw<PositionMatrix | null>(null);
  error = $state<string | null>(null);

  readonly negotiationId: string;
  /** Positions declared while the matrix was on its way: applied once it has come. */
  private pending: Position[] = [];
  private readonly stop: () => void;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
    this.stop = connection.follow(negotiationId).on((events) => {
      const declared = declaredIn(events);
      if (declared.length > 0) this.apply(declared, true);
    });
  }

  private apply(positions: Position[], readAgainIfNew: boolean): void {
    if (!this.matrix) {
      this.pending.push(...positions);
      return;
    }
    let matrix = this.matrix;
    let newColumn = false;
    for (const position of positions) {
      const next = withPosition(matrix, position);
      if (next) matrix = next;
      else newColumn = true;
    }
    this.matrix = matrix;
    // A position on an item that has no column yet: its label comes with the matrix, read again.
    if (newColumn && readAgainIfNew) void this.load();
  }

  async load(): Promise<void> {
    try {
      this.matrix = await api<PositionMatrix>('GET', `/negotiations/${encodeURIComponent(this.negotiationId)}/positions/matrix`);
      const pending = this.pending;
      this.pending = [];
      if (pending.length > 0) this.apply(pending, false);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  destroy(): void {
    this.stop();
  }

  get empty(): boolean {
    return !!this.matrix && Object.values(this.matrix.cells).every((row) => Object.keys(row).length === 0);
  }
}
