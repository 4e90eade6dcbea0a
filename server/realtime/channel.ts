import type { NegotiationEvent } from '../../shared/events.ts';
import { followOwnMandate } from '../../shared/members/members.fold.ts';
import { canSee, type Viewer } from '../../shared/visibility.ts';
import type { CatchUpPage } from '../events/event-store.ts';
import type { Logger } from '../logger.ts';
import type { AppServer } from './sockets.ts';

/** What the channel reads missed events from: the negotiation event log. */
export interface EventSource {
  /** Every event after `sinceSeq` (durable ones), in order: what fills a hole in a live stream. */
  since(negotiationId: string, sinceSeq: number, limit?: number): Promise<NegotiationEvent[]>;
  /** A page of a catch-up: the first `limit` events after `sinceSeq` the viewer may see, and how far it reaches. */
  visibleSince(negotiationId: string, viewer: Viewer, sinceSeq: number, limit: number): Promise<CatchUpPage>;
}

/** Where a subscription sends its events, and the end of its access: a Socket.IO socket, or a test double. */
export interface EventSink {
  readonly id: string;
  emit(event: 'negotiation:event', payload: NegotiationEvent): unknown;
  emit(event: 'negotiation:access-ended', notice: { negotiationId: string }): unknown;
}

/** What a join answers: the events the socket missed and may see. */
export interface CatchUp {
  negotiationId: string;
  events: NegotiationEvent[];
  lastSeq: number;
  more: boolean;
}

/**
 * A catch-up answers at most this many events; the client joins again from `lastSeq`. A page
 * is one acknowledgement, held in memory until the socket has taken it: a thousand sockets
 * catching up at once on a long log must not hold the whole log each.
 */
export const CATCH_UP_LIMIT = 500;

/**
 * Sends one event to several sockets at once. Socket.IO's room broadcast encodes the packet
 * once for all of them; the default sends to each sink in turn.
 */
export type Broadcast = (sinks: readonly EventSink[], event: NegotiationEvent) => void;

const emitToEach: Broadcast = (sinks, event) => {
  for (const sink of sinks) sink.emit('negotiation:event', event);
};

/** Each socket is in the room named by its id: one broadcast to those rooms encodes the event once. */
export function roomBroadcast(io: AppServer): Broadcast {
  return (sinks, event) => {
    if (sinks.length === 1) sinks[0].emit('negotiation:event', event);
    else io.to(sinks.map((sink) => sink.id)).emit('negotiation:event', event);
  };
}

/**
 * One socket's view of one negotiation. Its `cursor` is the highest seq the socket has
 * been brought up to (sent, or skipped as not visible to it). Everything it receives goes
 * in seq order: the catch-up first, then live events; an event already passed is dropped,
 * and a hole before a live event is filled from the log. So a socket receives each event
 * it may see exactly once, in order, whatever the order in which use cases publish, and
 * even an event that was stored but never published.
 *
 * Two paths: a socket that is up to date (nothing queued, the event is the next seq) takes
 * a live event at once, in the one broadcast that carries it to every such socket; any
 * other case (catch-up still running, a hole to read, events out of order) goes through
 * the socket's own queue, and the socket is back on the direct path once that queue is empty.
 */
class Subscription {
  private cursor: number;
  private queue: Promise<void> = Promise.resolve();
  /** Steps in `queue` not finished yet: while any is, live events wait in the queue too. */
  private queued = 0;
  closed = false;

  readonly sink: EventSink;
  /** Who looks, as the mandate stands at the cursor: a change of the viewer's roles in the log changes it. */
  viewer: Viewer;
  readonly negotiationId: string;
  private readonly channel: NegotiationChannel;

  constructor(
    sink: EventSink,
    viewer: Viewer,
    negotiationId: string,
    sinceSeq: number,
    channel: NegotiationChannel,
  ) {
    this.sink = sink;
    this.viewer = viewer;
    this.negotiationId = negotiationId;
    this.channel = channel;
    this.cursor = sinceSeq;
  }

  /**
   * Reads what the socket missed. Live events published meanwhile wait behind `gate`,
   * which the caller opens once the join is acknowledged, so that the ack (carrying the
   * catch-up) always reaches the client before any later live event.
   */
  catchUp(gate: Promise<void>): Promise<CatchUp> {
    // The page may be shared with sockets that joined earlier, read before this one was
    // registered: what was published before it registered and lies beyond the page is read
    // from the log once the answer is out (what is published after comes through `offer`).
    const publishedBefore = this.channel.lastPublished(this.negotiationId);
    const result = (async (): Promise<CatchUp> => {
      const page = await this.channel.page(this.negotiationId, this.viewer, this.cursor);
      this.cursor = page.lastSeq;
      return { negotiationId: this.negotiationId, ...page };
    })();
    this.enqueue(() =>
      result.then(
        async () => {
          await gate;
          if (publishedBefore > this.cursor && !this.closed) {
            await this.deliverNow(await this.channel.readAll(this.negotiationId, this.cursor, publishedBefore, this));
          }
        },
        () => undefined,
      ),
    );
    return result;
  }

  /**
   * A live event: true when the socket is up to date and may see it (the caller sends it
   * in its broadcast); otherwise it is dropped (already passed, or not visible) or queued.
   */
  offer(event: NegotiationEvent): boolean {
    if (this.closed || event.seq <= this.cursor) return false;
    if (this.queued === 0 && event.seq === this.cursor + 1) return this.advance(event);
    this.deliver([event]);
    return false;
  }

  deliver(events: readonly NegotiationEvent[]): void {
    this.enqueue(() =>
      this.deliverNow(events).catch((err: unknown) => {
        this.channel.logger.error({ err, negotiationId: this.negotiationId, socket: this.sink.id }, 'event delivery failed');
      }),
    );
  }

  private enqueue(step: () => Promise<void>): void {
    this.queued++;
    this.queue = this.queue.then(step).finally(() => this.queued--);
  }

  private async deliverNow(events: readonly NegotiationEvent[]): Promise<void> {
    const fresh = events.filter((e) => e.seq > this.cursor).sort((a, b) => a.seq - b.seq);
    for (const event of fresh) {
      if (this.closed) return;
      if (event.seq <= this.cursor) continue;
      if (event.seq > this.cursor + 1) {
        // A hole: events stored but not (yet) published here (another process wrote them, or
        // its notice was lost). The log has them; a short read is read again, never skipped.
        for (const missing of await this.channel.readAll(this.negotiationId, this.cursor, event.seq - 1, this)) {
          this.send(missing);
        }
      }
      this.send(event);
    }
  }

  private send(event: NegotiationEvent): void {
    if (this.closed || event.seq <= this.cursor) return;
    if (this.advance(event)) this.sink.emit('negotiation:event', event);
  }

  /** Moves the cursor past the event; whether the socket may see it. */
  private advance(event: NegotiationEvent): boolean {
    this.cursor = event.seq;
    const visible = canSee(this.viewer, event.visibility);
    this.followMandate(event);
    return visible;
  }

  /**
   * A change of the viewer's own mandate takes effect from the next event on, in the log's
   * order, as the commands (which load the mandate afresh) see it: new roles widen or narrow
   * what the socket is sent (an organisation's governance follows its lead), and a revoked or
   * suspended mandate stops the stream at once: the socket is sent that event, then
   * `negotiation:access-ended`, then nothing more. (The live-access re-check,
   * server/auth/live-connections.ts, ends what no event reports: a change made in the database.)
   */
  private followMandate(event: NegotiationEvent): void {
    if (event.type !== 'member:roles-changed' && event.type !== 'member:revoked' && event.type !== 'member:suspended') return;
    if (event.payload?.userId !== this.viewer.userId) return;
    if (event.type === 'member:roles-changed') {
      this.viewer = followOwnMandate(this.viewer, event);
      return;
    }
    this.channel.leave(this.sink.id, this.negotiationId, this);
    // After the event itself, which the caller sends (or broadcasts) in this same turn.
    queueMicrotask(() => this.sink.emit('negotiation:access-ended', { negotiationId: this.negotiationId }));
  }
}

/**
 * Delivers a negotiation's events to the sockets that joined it, each filtered by what
 * its viewer may see.
 *
 * Why a position per socket rather than one Socket.IO room per organisation, college and
 * user: visibility has four scopes, so rooms would multiply (committee, 2 colleges, one
 * per organisation, one per user) and each event would still need a dedup so a socket in
 * several rooms gets it once; and rooms give no per-socket position in the log, which
 * exactly-once catch-up needs. So each event is offered to every subscription (50
 * comparisons for a committee), and the sockets that take it get it in ONE broadcast:
 * the packet is encoded once, as for a room, whatever the number of readers.
 *
 * Scaling out: the events another process recorded reach `publish` here through Redis
 * (server/cluster/cluster-events.ts), and what a lost message missed is read from the shared
 * log, by the holes it leaves or by the periodic comparison of the log's head with
 * `lastPublished`.
 */
export class NegotiationChannel {
  private readonly subscriptions = new Map<string, Map<string, Subscription>>();
  /** Hole fills in flight, shared by every socket that misses the same range. */
  private readonly reads = new Map<string, Promise<NegotiationEvent[]>>();
  /** Catch-up pages in flight, shared by the sockets of one viewer joining from the same seq. */
  private readonly pages = new Map<string, Promise<CatchUpPage>>();
  /** The highest seq published, per negotiation. */
  private readonly published = new Map<string, number>();

  readonly source: EventSource;
  readonly logger: Logger;
  private readonly broadcast: Broadcast;

  constructor(
    source: EventSource,
    logger: Logger,
    broadcast: Broadcast = emitToEach,
  ) {
    this.source = source;
    this.logger = logger;
    this.broadcast = broadcast;
  }

  /**
   * Subscribes a socket to a negotiation from `sinceSeq`, answering with what it missed.
   * Call `release()` once the answer is on its way: live events flow from then on.
   */
  join(sink: EventSink, viewer: Viewer, negotiationId: string, sinceSeq: number): { result: Promise<CatchUp>; release: () => void } {
    this.leave(sink.id, negotiationId);
    const subscription = new Subscription(sink, viewer, negotiationId, sinceSeq, this);
    let subscribers = this.subscriptions.get(negotiationId);
    if (!subscribers) this.subscriptions.set(negotiationId, (subscribers = new Map()));
    // Registered before the catch-up is read, so that nothing stored after the read is missed.
    subscribers.set(sink.id, subscription);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const result = subscription.catchUp(gate);
    result.catch(() => this.leave(sink.id, negotiationId, subscription));
    return { result, release };
  }

  /** Unsubscribes a socket (only from `which` subscription when given: a newer join stays). */
  leave(sinkId: string, negotiationId: string, which?: Subscription): void {
    const subscribers = this.subscriptions.get(negotiationId);
    const subscription = subscribers?.get(sinkId);
    if (!subscribers || !subscription || (which && which !== subscription)) return;
    subscription.closed = true;
    subscribers.delete(sinkId);
    if (subscribers.size === 0) this.subscriptions.delete(negotiationId);
  }

  /** A socket went away: every negotiation it joined forgets it. */
  leaveAll(sinkId: string): void {
    for (const negotiationId of [...this.subscriptions.keys()]) this.leave(sinkId, negotiationId);
  }

  /** Sends stored events to every subscribed socket that may see them. Call after the append resolved. */
  publish(negotiationId: string, events: readonly NegotiationEvent[]): void {
    const own = events.filter((e) => e.negotiationId === negotiationId).sort((a, b) => a.seq - b.seq);
    if (own.length > 0) this.published.set(negotiationId, Math.max(this.lastPublished(negotiationId), own[own.length - 1].seq));
    const subscribers = this.subscriptions.get(negotiationId);
    if (!subscribers) return;
    for (const event of own) {
      const audience: EventSink[] = [];
      for (const subscription of [...subscribers.values()]) if (subscription.offer(event)) audience.push(subscription.sink);
      if (audience.length > 0) this.broadcast(audience, event);
    }
  }

  /** Every (socket, negotiation, viewer) followed now: what the session sweep re-checks. */
  followers(): { sinkId: string; negotiationId: string; viewer: Viewer }[] {
    return [...this.subscriptions.entries()].flatMap(([negotiationId, subscribers]) =>
      [...subscribers.values()].map((s) => ({ sinkId: s.sink.id, negotiationId, viewer: s.viewer })),
    );
  }

  /** The negotiations some socket of this process follows. */
  followed(): string[] {
    return [...this.subscriptions.keys()];
  }

  /** How many sockets follow a negotiation (for health and tests). */
  subscriberCount(negotiationId: string): number {
    return this.subscriptions.get(negotiationId)?.size ?? 0;
  }

  lastPublished(negotiationId: string): number {
    return this.published.get(negotiationId) ?? 0;
  }

  /**
   * A catch-up page, read once for all the sockets of one viewer that join from the same
   * seq at the same time (a crowd reconnecting after a restart asks for the same pages).
   */
  page(negotiationId: string, viewer: Viewer, sinceSeq: number): Promise<CatchUpPage> {
    const key = JSON.stringify([negotiationId, sinceSeq, viewer.userId, viewer.orgId, viewer.college, viewer.roles ?? []]);
    let pending = this.pages.get(key);
    if (!pending) {
      pending = this.source.visibleSince(negotiationId, viewer, sinceSeq, CATCH_UP_LIMIT).finally(() => this.pages.delete(key));
      this.pages.set(key, pending);
    }
    return pending;
  }

  /**
   * Every event after `afterSeq` up to `toSeq`, with no hole: a read that comes back short (an
   * event another process has stored but this one cannot read yet) is tried again, waiting a
   * little longer each time, for as long as `reader` is subscribed. An event is never skipped.
   */
  async readAll(negotiationId: string, afterSeq: number, toSeq: number, reader: { closed: boolean }): Promise<NegotiationEvent[]> {
    for (let attempt = 0; ; attempt++) {
      const events = await this.read(negotiationId, afterSeq, toSeq);
      if (events.length >= toSeq - afterSeq || reader.closed) return events;
      if (attempt === 10) this.logger.warn({ negotiationId, afterSeq, toSeq, got: events.length }, 'events missing from the log: still waiting for them');
      await new Promise((resolve) => setTimeout(resolve, Math.min(10 * 2 ** attempt, 1_000)));
    }
  }

  /** Events after `afterSeq` up to `toSeq` included, read once for all sockets that need them. */
  read(negotiationId: string, afterSeq: number, toSeq: number): Promise<NegotiationEvent[]> {
    const key = `${negotiationId}:${afterSeq}:${toSeq}`;
    let pending = this.reads.get(key);
    if (!pending) {
      pending = this.source
        .since(negotiationId, afterSeq, toSeq - afterSeq)
        .then((events) => events.filter((e) => e.seq <= toSeq))
        .finally(() => this.reads.delete(key));
      this.reads.set(key, pending);
    }
    return pending;
  }
}
