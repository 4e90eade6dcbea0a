import { io, type Socket } from 'socket.io-client';
import { watchAccess } from '../lib/access-end.svelte.ts';
import type { Ack } from '../../../shared/errors.ts';
import type { NegotiationEvent } from '../../../shared/events.ts';
import type { JoinResult } from '../../../shared/channel.ts';
import { ApiError } from '../lib/api.ts';

type Listener = (event: NegotiationEvent) => void;

/**
 * The negotiation's event channel for the text view: one Socket.IO connection, joined from
 * the last seq seen (a reconnection catches up, nothing is applied twice), the events the
 * server let us see (the activity feed), and commands with their acks.
 */
export class NegotiationFeed {
  events = $state<NegotiationEvent[]>([]);
  live = $state(false);
  myOrg = $state<string | null>(null);
  private lastSeq = 0;
  private readonly socket: Socket;
  // Plain callbacks, not state: nothing renders from this set.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly listeners = new Set<Listener>();

  readonly negotiationId: string;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
    this.socket = io({ transports: ['websocket'], withCredentials: true });
    watchAccess(this.socket);
    this.socket.on('connect', () => this.join());
    this.socket.on('disconnect', () => (this.live = false));
    this.socket.on('negotiation:event', (event: NegotiationEvent) => this.receive([event]));
  }

  private join(): void {
    this.socket.emit('negotiation:join', { negotiationId: this.negotiationId, sinceSeq: this.lastSeq }, (ack: Ack<JoinResult>) => {
      if (!ack.ok) return;
      this.myOrg = ack.data.organisation.id;
      this.receive(ack.data.events);
      this.lastSeq = Math.max(this.lastSeq, ack.data.lastSeq);
      this.live = true;
      if (ack.data.more) this.join();
    });
  }

  private receive(events: NegotiationEvent[]): void {
    const fresh = events.filter((e) => e.seq > this.lastSeq);
    if (fresh.length === 0) return;
    this.lastSeq = fresh[fresh.length - 1].seq;
    // The feed keeps the most recent events only.
    this.events = [...this.events, ...fresh].slice(-200);
    for (const event of fresh) for (const listener of this.listeners) listener(event);
  }

  /** Calls `listener` for every new event; returns the unsubscribe. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a command; resolves with its data or throws an ApiError with the server's code and message. */
  command<T>(event: string, payload: Record<string, unknown>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.socket.timeout(15_000).emit(event, { negotiationId: this.negotiationId, ...payload }, (err: Error | null, ack: Ack<T>) => {
        if (err) return reject(new ApiError(0, 'NETWORK', 'network'));
        if (ack.ok) resolve(ack.data);
        else reject(new ApiError(400, ack.error.code, ack.error.message));
      });
    });
  }

  destroy(): void {
    this.listeners.clear();
    this.socket.disconnect();
  }
}
