import { io, type Socket } from 'socket.io-client';
import type { Ack } from '../../shared/errors.ts';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/commands.ts';
import type { JoinResult } from '../../shared/channel.ts';
import type { RunningServer } from '../../server/main.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real Socket.IO client, with the session cookie of a real sign-in (or none). */
export function connect(server: Pick<RunningServer, 'url'>, cookie?: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(server.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: cookie ? { cookie } : {},
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Sends a command and waits for its ack (any event name, any payload: tests send malformed ones too). */
export function command<T>(socket: ClientSocket, event: string, payload: unknown): Promise<Ack<T>> {
  return (socket as unknown as Socket).timeout(15_000).emitWithAck(event, payload) as Promise<Ack<T>>;
}

/** Collects every pushed event of a socket, in arrival order. */
export function collect(socket: ClientSocket): NegotiationEvent[] {
  const received: NegotiationEvent[] = [];
  socket.on('negotiation:event', (event) => received.push(event));
  return received;
}

export async function join(socket: ClientSocket, negotiationId: string, sinceSeq = 0): Promise<JoinResult> {
  const ack = await command<JoinResult>(socket, 'negotiation:join', { negotiationId, sinceSeq });
  if (!ack.ok) throw new Error(`join refused: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

/**
 * Joins and appends the catch-up to `into` inside the ack callback itself: a live event
 * decoded in the same network read as the ack must land after the catch-up, as in a client.
 */
export function joinInto(socket: ClientSocket, negotiationId: string, sinceSeq: number, into: NegotiationEvent[]): Promise<JoinResult> {
  return new Promise((resolve, reject) => {
    (socket as unknown as Socket).timeout(15_000).emit('negotiation:join', { negotiationId, sinceSeq }, (err: Error | null, ack: Ack<JoinResult>) => {
      if (err) return reject(err);
      if (!ack.ok) return reject(new Error(`join refused: ${ack.error.code}`));
      into.push(...ack.data.events);
      resolve(ack.data);
    });
  });
}

/**
 * Joins from the log's start and follows the catch-up's pages (CATCH_UP_LIMIT events each) to
 * its head, each page appended to `into` as `joinInto` does: answers the last page, whose
 * `lastSeq` is the head. A test that takes the first page's `lastSeq` for the head is wrong once
 * the file's earlier tests have recorded more events than a page holds.
 */
export async function joinAtHead(socket: ClientSocket, negotiationId: string, into: NegotiationEvent[] = []): Promise<JoinResult> {
  let page = await joinInto(socket, negotiationId, 0, into);
  while (page.more) page = await joinInto(socket, negotiationId, page.lastSeq, into);
  return page;
}

/** Waits until `predicate` holds, polling; fails with `what` after the timeout. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets in-flight pushes arrive, to prove that something did NOT arrive. */
export const quiet = (ms = 150) => new Promise((r) => setTimeout(r, ms));
