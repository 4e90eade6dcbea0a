import type { Connection } from 'mongoose';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { EventPublisher } from '../events/event-log.ts';
import { eventModel } from '../events/event.model.ts';
import type { Logger } from '../logger.ts';
import type { NegotiationChannel } from '../realtime/channel.ts';
import type { ClusterBus } from './bus.ts';

const CHANNEL = 'events';
/** How often the log's heads are compared with what this process delivered, Redis up… */
export const REPAIR_EVERY_MS = 5_000;
/** …and while it is down: the log is then the only way the others' events arrive. */
export const REPAIR_WHILE_DOWN_MS = 1_000;
/** A repair reads at most this many events per negotiation at a time (the rest at the next one). */
const REPAIR_LIMIT = 1_000;

interface EventsMessage {
  negotiationId: string;
  events: NegotiationEvent[];
}

/**
 * The negotiation events of every process, delivered by each to its own sockets.
 *
 * The writer delivers locally and publishes the durable events on Redis; every other process
 * feeds them to its channel, whose per-socket cursors deliver each visible event once and in
 * order and read any hole from the log. A message lost (Redis restarting, a process killed
 * between its append and its publication) is caught by comparing the log's head with what the
 * channel has seen: on every reconnection to Redis, every REPAIR_EVERY_MS, and every
 * REPAIR_WHILE_DOWN_MS while Redis is down (the log alone then carries the others' events).
 */
export class ClusterEvents {
  private timer: NodeJS.Timeout | null = null;
  private repairing: Promise<void> | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private stopped = false;

  private readonly bus: ClusterBus;
  private readonly channel: NegotiationChannel;
  private readonly connection: Connection;
  private readonly logger: Logger;

  constructor(bus: ClusterBus, channel: NegotiationChannel, connection: Connection, logger: Logger) {
    this.bus = bus;
    this.channel = channel;
    this.connection = connection;
    this.logger = logger;
  }

  /** Per negotiation, the events delivered here and not yet sent to the other processes. */
  private readonly outgoing = new Map<string, NegotiationEvent[]>();

  /**
   * The event log's publisher: this process's sockets at once, then the other processes. The
   * callers of one append batch publish one after another in the same turn (each its own
   * events): they go out as one message per negotiation once that turn's work is done, so the
   * others receive and parse one message per batch, not one per command.
   */
  readonly publisher: EventPublisher = {
    publish: (negotiationId, events) => {
      this.channel.publish(negotiationId, events);
      if (events.length === 0) return;
      if (this.outgoing.size === 0) process.nextTick(() => this.sendOutgoing());
      const pending = this.outgoing.get(negotiationId);
      if (pending) pending.push(...events);
      else this.outgoing.set(negotiationId, [...events]);
    },
  };

  private sendOutgoing(): void {
    for (const [negotiationId, events] of this.outgoing) {
      const message: EventsMessage = { negotiationId, events: events.sort((a, b) => a.seq - b.seq) };
      this.bus.publish(CHANNEL, JSON.stringify(message));
    }
    this.outgoing.clear();
  }

  /** Starts delivering the others' events, each message also to `heard` (the event log's listeners). */
  start(heard: (negotiationId: string, events: NegotiationEvent[]) => void = () => undefined): void {
    this.unsubscribe.push(
      this.bus.subscribe(CHANNEL, (body) => {
        const { negotiationId, events } = JSON.parse(body.toString()) as EventsMessage;
        this.channel.publish(negotiationId, events);
        heard(negotiationId, events);
      }),
      this.bus.onUp(() => void this.repair()),
      this.bus.onDown(() => this.schedule()),
    );
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.repair().finally(() => this.schedule());
      },
      this.bus.isUp ? REPAIR_EVERY_MS : REPAIR_WHILE_DOWN_MS,
    );
    this.timer.unref();
  }

  /**
   * Brings every followed negotiation up to its log's head: what was stored beyond the last
   * event this process saw is read and handed to the channel (which drops what a socket has).
   */
  repair(): Promise<void> {
    this.repairing ??= this.repairOnce()
      .catch((err: unknown) => this.logger.warn({ err }, 'event repair failed'))
      .finally(() => (this.repairing = null));
    return this.repairing;
  }

  private async repairOnce(): Promise<void> {
    const followed = this.channel.followed();
    if (followed.length === 0) return;
    const events = eventModel(this.connection);
    // One read of the index's last entry per negotiation followed here.
    const heads = await Promise.all(
      followed.map(async (negotiationId) => {
        const last = await events.findOne({ negotiationId }, { seq: 1 }).sort({ seq: -1 }).lean();
        return { negotiationId, head: last?.seq ?? 0 };
      }),
    );
    for (const { negotiationId, head } of heads) {
      const seen = this.channel.lastPublished(negotiationId);
      if (head <= seen) continue;
      const to = Math.min(head, seen + REPAIR_LIMIT);
      const missed = await this.channel.read(negotiationId, seen, to);
      if (missed.length > 0) {
        this.logger.debug({ negotiationId, from: seen + 1, to }, 'events repaired from the log');
        this.channel.publish(negotiationId, missed);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const off of this.unsubscribe) off();
  }
}
