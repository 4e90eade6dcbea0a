import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as TcpSocket } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceFrames } from '../../server/realtime/coalesced-frames.ts';
import type { AppServer } from '../../server/realtime/sockets.ts';

/** A Socket.IO server on a free port, with or without the coalescing, and one WebSocket client. */
async function pair(coalesce: boolean): Promise<{ http: HttpServer; io: Server; client: ClientSocket; tcp: TcpSocket }> {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  if (coalesce) coalesceFrames(io as unknown as AppServer);
  const connected = new Promise<TcpSocket>((resolve) => io.on('connection', (socket) => resolve(socket.conn.request.socket as TcpSocket)));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
  return { http, io, client, tcp: await connected };
}

/** Counts the system writes of a TCP socket (net.Socket writes through _write or, corked or queued, _writev). */
function countWrites(tcp: TcpSocket): { writes: number } {
  const counter = { writes: 0 };
  const target = tcp as unknown as { _write: (...a: unknown[]) => unknown; _writev: (...a: unknown[]) => unknown };
  const write = target._write.bind(tcp);
  const writev = target._writev.bind(tcp);
  target._write = (...args) => (counter.writes++, write(...args));
  target._writev = (...args) => (counter.writes++, writev(...args));
  return counter;
}

/** Sends `count` events to the socket in one turn of the event loop; resolves with what the client received. */
async function burst(io: Server, client: ClientSocket, count: number): Promise<number[]> {
  const received: number[] = [];
  const all = new Promise<void>((resolve) =>
    client.on('negotiation:event', (n: number) => {
      received.push(n);
      if (received.length === count) resolve();
    }),
  );
  for (let n = 1; n <= count; n++) io.emit('negotiation:event', n);
  await all;
  return received;
}

describe('events queued behind a socket write go out in one system write', () => {
  const open: { http: HttpServer; io: Server; client: ClientSocket }[] = [];
  afterEach(async () => {
    for (const { io, client } of open.splice(0)) {
      client.close();
      await io.close();
    }
  });

  it('sends a burst of 200 events in a handful of writes, all of them, in order (without it: one write each)', async () => {
    const plain = await pair(false);
    const coalesced = await pair(true);
    open.push(plain, coalesced);
    const plainWrites = countWrites(plain.tcp);
    const coalescedWrites = countWrites(coalesced.tcp);

    const expected = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(await burst(plain.io, plain.client, 200)).toEqual(expected);
    expect(await burst(coalesced.io, coalesced.client, 200)).toEqual(expected);

    // engine.io writes the first frame at once and the 199 queued behind it as one batch.
    expect(plainWrites.writes).toBeGreaterThanOrEqual(200);
    expect(coalescedWrites.writes).toBeLessThanOrEqual(4);
  });

  it('leaves a lone event as it was: written at once', async () => {
    const coalesced = await pair(true);
    open.push(coalesced);
    const writes = countWrites(coalesced.tcp);
    expect(await burst(coalesced.io, coalesced.client, 1)).toEqual([1]);
    expect(writes.writes).toBe(1);
  });
});
