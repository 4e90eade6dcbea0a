import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { Role } from '../../../shared/access.ts';
import type { JoinResult } from '../../../shared/channel.ts';
import type { ClientToServerEvents, CommandName, CommandPayload, CommandResult, ServerToClientEvents } from '../../../shared/commands.ts';
import type { Ack } from '../../../shared/errors.ts';
import type { NegotiationEvent } from '../../../shared/events.ts';
import { followOwnMandate } from '../../../shared/members/members.fold.ts';
import { watchAccess } from './access-end.svelte.ts';
import { ApiError } from './api.ts';

/** The client side of the typed maps of shared/commands.ts. */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A command's payload as a negotiation's stream takes it: the stream names the negotiation and the command. */
type WithoutEnvelope<T> = T extends unknown ? Omit<T, 'negotiationId' | 'commandId'> : never;
export type StreamPayload<K extends CommandName> = WithoutEnvelope<CommandPayload<K>>;

/** Told of the events a stream applied, in seq order: a page of the catch-up, or one live event. */
export type EventsListener = (events: readonly NegotiationEvent[]) => void;

const COMMAND_TIMEOUT_MS = 15_000;
/** A command whose ack does not come is sent again (same id) this many times in all. */
const COMMAND_ATTEMPTS = 3;
/** The activity feed shows the most recent events only. */
const RECENT_KEPT = 200;

/**
 * A random id for each command (`crypto.getRandomValues` also works in pages served over
 * plain HTTP, where `crypto.randomUUID` does not exist). A command sent again after a
 * reconnection keeps its id, so that the server can apply it once.
 */
export function newCommandId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The reader's mandate in a negotiation, as the join answers it and their own changes of roles leave it. */
export interface Mandate {
  userId: string;
  organisation: JoinResult['organisation'];
  roles: Role[];
}

/**
 * One negotiation followed on the connection: joined from the last seq it holds (0 the
 * first time), a page at a time, and again from there after every reconnection, so that
 * each event the reader may see is applied once, in order. What follows the events (the
 * feature states, the activity feed) subscribes with `on`.
 */
export class NegotiationStream {
  /** The highest seq applied or passed over: where the next join starts. */
  lastSeq = 0;
  /** Joined and caught up, live events flowing. */
  live = $state(false);
  /** Caught up at least once: until then, the states folded so far are incomplete. */
  ready = $state(false);
  mandate = $state<Mandate | null>(null);
  /** Why the stream stopped for good (the join refused, the mandate ended): an error to tell the person. */
  ended = $state<ApiError | null>(null);
  /** The most recent events, oldest first (the activity feed). */
  recent = $state.raw<NegotiationEvent[]>([]);

  readonly negotiationId: string;
  private readonly connection: Connection;
  // Plain callbacks, not state: nothing renders from this set.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly listeners = new Set<EventsListener>();
  /** Bumped at each (re)join: a join loop of an earlier connection stops. */
  private generation = 0;

  constructor(connection: Connection, negotiationId: string) {
    this.connection = connection;
    this.negotiationId = negotiationId;
  }

  /** Joins from `lastSeq` and follows the pages (`more`) until caught up. */
  async join(socket: ClientSocket): Promise<void> {
    if (this.ended) return;
    const generation = ++this.generation;
    this.live = false;
    for (;;) {
      if (!socket.connected || generation !== this.generation) return;
      let ack: Ack<JoinResult>;
      try {
        ack = await socket.timeout(COMMAND_TIMEOUT_MS).emitWithAck('negotiation:join', { negotiationId: this.negotiationId, sinceSeq: this.lastSeq });
      } catch {
        // No answer in time: the next connection joins again from where this one stopped.
        return;
      }
      if (generation !== this.generation) return;
      if (!ack.ok) {
        if (ack.error.code === 'FORBIDDEN' || ack.error.code === 'NOT_FOUND') this.end(new ApiError(403, ack.error.code, ack.error.message));
        return;
      }
      this.mandate = { userId: ack.data.userId, organisation: ack.data.organisation, roles: ack.data.roles };
      this.receive(ack.data.events);
      // The server also passed over the events this reader may not see.
      this.lastSeq = Math.max(this.lastSeq, ack.data.lastSeq);
      if (!ack.data.more) break;
    }
    this.live = true;
    this.ready = true;
  }

  /** Applies the events after `lastSeq`, in order; an event already applied is dropped. */
  receive(events: readonly NegotiationEvent[]): void {
    const fresh: NegotiationEvent[] = [];
    for (const event of events) {
      if (event.negotiationId !== this.negotiationId || event.seq <= this.lastSeq) continue;
      this.lastSeq = event.seq;
      // A new role counts from this event on, as the server's channel and commands count it.
      if (this.mandate) this.mandate = followOwnMandate(this.mandate, event);
      fresh.push(event);
    }
    if (fresh.length === 0) return;
    this.recent = [...this.recent, ...fresh].slice(-RECENT_KEPT);
    for (const listener of this.listeners) listener(fresh);
  }

  /** The reader's roles: as this stream follows them once joined, else as the page read them (`read`). */
  rolesOr(read: readonly Role[] | undefined): readonly Role[] {
    return this.mandate?.roles ?? read ?? [];
  }

  /** Calls `listener` with every batch of new events; returns the unsubscribe. */
  on(listener: EventsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a command about this negotiation; resolves with its result or throws an ApiError with the server's code. */
  command<K extends CommandName>(name: K, payload: StreamPayload<K>): Promise<CommandResult<K>> {
    return this.connection.command(name, { ...payload, negotiationId: this.negotiationId } as unknown as CommandPayload<K>);
  }

  /** No more events from this negotiation (the mandate ended): told once, no rejoin. */
  end(reason: ApiError): void {
    this.generation++;
    this.live = false;
    this.ended = reason;
  }

  disconnected(): void {
    this.generation++;
    this.live = false;
  }
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'offline';

export interface ConnectionOptions {
  /** The server's address; the page's own origin by default. */
  url?: string;
  /** More Socket.IO options (tests pass the session cookie). */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

/**
 * THE client's Socket.IO connection, typed by the maps of shared/commands.ts: one for the
 * whole app, opened when a page first follows a negotiation or sends a command. It follows
 * each negotiation from the last seq it holds, across reconnections, and sends commands,
 * each with its own id. After a drop it reconnects by itself, after a random delay (half to
 * once and a half the back-off, doubling from 1 s up to 10 s), so that a crowd dropped at
 * once by a restart does not come back at once.
 */
export class Connection {
  state = $state<ConnectionState>('idle');

  private socket: ClientSocket | null = null;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly streams = new Map<string, NegotiationStream>();
  private readonly options: ConnectionOptions;

  constructor(options: ConnectionOptions = {}) {
    this.options = options;
  }

  private open(): ClientSocket {
    if (this.socket) {
      // The server ended the connection (an ended mandate or session): Socket.IO does not come back by itself.
      if (!this.socket.active) this.socket.connect();
      return this.socket;
    }
    const options: Partial<ManagerOptions & SocketOptions> = {
      transports: ['websocket'],
      withCredentials: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
      ...this.options.socket,
    };
    const socket: ClientSocket = this.options.url ? io(this.options.url, options) : io(options);
    this.socket = socket;
    this.state = 'connecting';
    socket.on('connect', () => {
      this.state = 'connected';
      for (const stream of this.streams.values()) void stream.join(socket);
    });
    socket.on('disconnect', () => {
      this.state = 'offline';
      for (const stream of this.streams.values()) stream.disconnected();
    });
    socket.on('connect_error', () => (this.state = 'offline'));
    socket.on('negotiation:event', (event) => this.streams.get(event.negotiationId)?.receive([event]));
    socket.on('negotiation:access-ended', ({ negotiationId }) =>
      this.streams.get(negotiationId)?.end(new ApiError(403, 'FORBIDDEN', 'Votre mandat dans cette négociation a pris fin.')),
    );
    // The person is told by lib/access-end; what was followed for them is forgotten.
    watchAccess(socket);
    socket.on('session:ended', () => this.close());
    return socket;
  }

  /** The negotiation's stream, joined now if it was not followed yet; it stays followed until `close`. */
  follow(negotiationId: string): NegotiationStream {
    let stream = this.streams.get(negotiationId);
    if (!stream) {
      stream = new NegotiationStream(this, negotiationId);
      this.streams.set(negotiationId, stream);
      const socket = this.open();
      if (socket.connected) void stream.join(socket);
    }
    return stream;
  }

  /**
   * Sends a command with a fresh command id; resolves with the ack's data, or throws an
   * ApiError. An ack lost to a dropped connection or a timeout is asked again, with the same
   * id, so that the server applies the command once however many times it arrives.
   */
  async command<K extends CommandName>(name: K, payload: CommandPayload<K>): Promise<CommandResult<K>> {
    const sent = { ...payload, commandId: payload.commandId ?? newCommandId() };
    for (let attempt = 1; ; attempt++) {
      const socket = this.open() as unknown as Socket;
      let ack: Ack<CommandResult<K>>;
      try {
        ack = await socket.timeout(COMMAND_TIMEOUT_MS).emitWithAck(name, sent);
      } catch {
        if (attempt < COMMAND_ATTEMPTS) continue;
        throw new ApiError(0, 'NETWORK', 'network', undefined, name);
      }
      if (!ack.ok) throw new ApiError(400, ack.error.code, ack.error.message, undefined, name);
      return ack.data;
    }
  }

  /** Signing out: the socket closes and every stream is forgotten (the next person starts afresh). */
  close(): void {
    this.socket?.disconnect();
    this.socket = null;
    for (const stream of this.streams.values()) stream.disconnected();
    this.streams.clear();
    this.state = 'idle';
  }
}

/** The app's one connection. */
export const connection = new Connection();
