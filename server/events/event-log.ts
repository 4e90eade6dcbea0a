import { systemClock, type Clock } from './clock.ts';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventContent, EventDraft, NegotiationEvent } from '../../shared/events.ts';
import { CommandAlreadyRecorded, type EventStore } from './event-store.ts';
import { takeCommandTag } from './command-scope.ts';

/** Who an event is recorded in the name of: a person acting for an organisation, or the system. */
export interface Stamp {
  actor: string;
  org: string | null;
}

/** What the system records by itself (a deadline passed, an automatic merge). */
export const SYSTEM: Stamp = { actor: 'system', org: null };

/** Where stored events go once durable: the negotiation channel of this app (none for a seed). */
export interface EventPublisher {
  publish(negotiationId: string, events: readonly NegotiationEvent[]): void;
}

/** A use case's event: the catalogue's type and payload; the log stamps who acted, unless `by` says otherwise. */
export type RecordDraft = EventContent & { by?: Stamp };

/** An append as it may travel to another process: drafts stamped already, and the command they record. */
export interface Append {
  drafts: EventDraft[];
  /** The time to stamp them with (ISO), when the use case names one; else the appending process's clock. */
  at?: string;
  /** The key its first event carries (a command's id): stored once across every process. */
  command?: string;
}

/**
 * With several processes, the one process that appends a negotiation's events for all
 * (server/cluster/append-owner.ts).
 */
export interface AppendOwners {
  /**
   * Has the negotiation's owner append it, when that is another process: answers its events,
   * published by it. Null when this process is to append it (its own, or Redis unreachable).
   * A forwarded append without a command gets a key of its own (`append.command`), kept if it
   * ends up appended here after all: an owner that dies after storing it is then no second copy.
   */
  forward(negotiationId: string, append: Append): Promise<NegotiationEvent[] | null>;
  /** Where the appends forwarded to this process go. */
  serve(append: (negotiationId: string, append: Append) => Promise<NegotiationEvent[]>): void;
}

/** The key a forwarded append without a command of its own carries. */
export const FORWARDED_KEY = 'append:';

/**
 * Runs a negotiation's serialised task with every other process kept out (a lease shared
 * through the database, server/cluster/lease.ts); absent with one process.
 */
export type Exclusive = <T>(negotiationId: string, task: () => Promise<T>) => Promise<T>;

/**
 * The negotiation event log of one app: THE way a change is recorded. It stamps each event
 * with who acted and for which organisation, appends it durably (the commit point), and
 * only then hands it to the channel that delivers it to the sockets allowed to see it.
 *
 * It also runs a negotiation's commands one at a time in this process (`serialize`), so a
 * command never decides on state that another command of the same negotiation is about to
 * change: two "next item" clicks move two items, a ballot is never accepted after the close
 * was decided, a merge never races an adoption.
 */
export class EventLog {
  readonly store: EventStore;
  private readonly publisher: EventPublisher | null;
  private readonly exclusive: Exclusive | null;
  private readonly lanes = new Map<string, Promise<unknown>>();
  /** The negotiations whose lane the current async context runs in. */
  private readonly inLane = new AsyncLocalStorage<ReadonlySet<string>>();

  /** The time events are stamped with when the use case names none (the app's clock). */
  private readonly clock: Clock;

  /** With several processes: who appends each negotiation's events. */
  private readonly owners: AppendOwners | null;

  constructor(store: EventStore, publisher: EventPublisher | null = null, exclusive: Exclusive | null = null, clock: Clock = systemClock, owners: AppendOwners | null = null) {
    this.store = store;
    this.publisher = publisher;
    this.exclusive = exclusive;
    this.clock = clock;
    this.owners = owners;
    owners?.serve((negotiationId, append) => this.appendHere(negotiationId, append));
  }

  /**
   * Appends the drafts in the name of `by` (each draft may name another, e.g. the system),
   * then publishes them. Resolves with the stored events once they are durable and sent.
   */
  async record(negotiationId: string, by: Stamp, drafts: readonly RecordDraft[], at?: Date): Promise<NegotiationEvent[]> {
    const stamped = drafts.map(({ by: own, ...content }) => {
      const stamp = own ?? by;
      return { ...content, actor: stamp.actor, org: stamp.org } as EventDraft;
    });
    if (stamped.length === 0) return [];
    const append: Append = { drafts: stamped, at: at?.toISOString(), command: takeCommandTag() };
    try {
      const forwarded = this.owners ? await this.owners.forward(negotiationId, append) : null;
      return forwarded ?? (await this.appendHere(negotiationId, append));
    } catch (err) {
      // Stored by an owner that died before answering: the append's own key found it.
      if (err instanceof CommandAlreadyRecorded && append.command?.startsWith(FORWARDED_KEY)) return this.store.recordedAs(negotiationId, append.command, stamped.length);
      throw err;
    }
  }

  /** Appends in this process, then publishes: this process's appends, and those forwarded to it. */
  private async appendHere(negotiationId: string, { drafts, at, command }: Append): Promise<NegotiationEvent[]> {
    const stored = await this.store.append(negotiationId, drafts, at ? () => new Date(at) : () => this.clock.now(), command);
    this.publisher?.publish(negotiationId, stored);
    for (const listener of this.listeners) listener(negotiationId, stored);
    return stored;
  }

  private readonly listeners = new Set<(negotiationId: string, events: readonly NegotiationEvent[]) => void>();

  /**
   * Events another process recorded, as they reach this one (over Redis, durable already):
   * told to the listeners as this app's own are, so a listener following the whole log (the
   * mail feed) need not read them back from it.
   */
  heard(negotiationId: string, events: readonly NegotiationEvent[]): void {
    for (const listener of this.listeners) listener(negotiationId, events);
  }

  /**
   * Told of every event this app records, once durable, and of those the other processes
   * recorded as they arrive (`heard`): the mail feed. A listener that must not miss any also
   * reads the log from its own checkpoint: a crash may fall between the append and the call,
   * and a message between processes may be lost.
   */
  onRecorded(listener: (negotiationId: string, events: readonly NegotiationEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `sinceSeq`, in order, durable ones only (see EventStore.since). */
  since(negotiationId: string, sinceSeq: number, limit?: number): Promise<NegotiationEvent[]> {
    return this.store.since(negotiationId, sinceSeq, limit);
  }

  /**
   * Runs `task` after every task queued before it for the negotiation, in arrival order. A
   * failed task does not stop the ones behind it. A task already running in the
   * negotiation's lane runs nested tasks at once (waiting for itself would never end).
   *
   * With several processes, the lane also holds the negotiation's lease while it runs: the
   * tasks of one negotiation run one at a time across the cluster, exactly as in one process.
   * (Optimistic concurrency on the expected seq would re-run a use case on conflict, and some
   * have effects outside the log: a merge changes the live text and takes a version.)
   */
  serialize<T>(negotiationId: string, task: () => Promise<T>): Promise<T> {
    const held = this.inLane.getStore();
    if (held?.has(negotiationId)) return task();
    const inside = new Set(held ?? []).add(negotiationId);
    const run = (this.lanes.get(negotiationId) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.inLane.run(inside, () => (this.exclusive ? this.exclusive(negotiationId, task) : task())));
    this.lanes.set(negotiationId, run);
    void run
      .finally(() => {
        if (this.lanes.get(negotiationId) === run) this.lanes.delete(negotiationId);
      })
      .catch(() => undefined);
    return run;
  }
}

/** The stamp of a person acting in a negotiation: their user id and the organisation of their mandate. */
export function stampOf(actor: { user: { id: string }; org: { id: string } }): Stamp {
  return { actor: actor.user.id, org: actor.org.id };
}
