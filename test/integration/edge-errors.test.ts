import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../helpers/auth.ts';
import { DEMO_ACCOUNTS } from '../helpers/participants.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import type { Socket } from 'socket.io-client';
import { connect, join, type ClientSocket } from './realtime-client.ts';

// What reaches the server malformed or oversized, before any route or command handles it,
// still gets the one error shape: `{ error: { code, message } }` over HTTP, an ack error on
// Socket.IO.

interface RawResponse {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** Sends bytes as they are (no client library to tidy them up) and reads the response. */
function rawRequest(server: TestServer, bytes: string | Buffer): Promise<RawResponse> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /\r\ncontent-type: ([^\r\n]+)/i.exec(head)?.[1];
      resolve({ status, contentType, body: rest.join('\r\n\r\n') });
    });
  });
}

/** A POST of `length` bytes (sent whole: the body parser reads off what it refuses, so the client can read the answer). */
async function post(server: TestServer, path: string, length: number, contentType: string): Promise<RawResponse> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body: Buffer.alloc(length, 0x20) });
  return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: await response.text() };
}

function expectErrorShape(response: RawResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.contentType).toMatch(/^application\/json/);
  const body = JSON.parse(response.body) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

describe('bad input at the edges gets the one error shape', () => {
  let server: TestServer;
  let ids: DemoIds;
  let cookie: string;
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    cookie = await login(server, DEMO_ACCOUNTS.cfdt);
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  afterAll(() => server?.close());

  it('headers over the server’s limit are answered 431 in JSON', async () => {
    const response = await rawRequest(server, `GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${'a'.repeat(32 * 1024)}\r\n\r\n`);
    expectErrorShape(response, 431, 'HEADERS_TOO_LARGE');
  });

  it('a request that is not HTTP is answered 400 in JSON', async () => {
    const response = await rawRequest(server, 'HELLO\r\n\r\n');
    expectErrorShape(response, 400, 'BAD_REQUEST');
  });

  it('a JSON body over 256 KB is answered 413 in JSON', async () => {
    const response = await post(server, '/api/auth/login', 300 * 1024, 'application/json');
    expectErrorShape(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a file over 20 MB sent for verification is answered 413 in JSON', async () => {
    const response = await post(server, '/api/verify', 21 * 1024 * 1024, 'application/pdf');
    expectErrorShape(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a body in an encoding the server does not speak is answered 415 in JSON', async () => {
    const response = await rawRequest(
      server,
      'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Encoding: zstd-x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    );
    expectErrorShape(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a JSON body in a charset the server does not read is answered 415 in JSON', async () => {
    const response = await rawRequest(
      server,
      'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json; charset=ebcdic\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    );
    expectErrorShape(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a malformed escape in an API path is answered 400 in JSON', async () => {
    const response = await rawRequest(server, `GET /api/negotiations/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
    expectErrorShape(response, 400, 'BAD_REQUEST');
  });

  it('an unknown Socket.IO command is answered at once with UNKNOWN_COMMAND, and the socket keeps working', async () => {
    const socket = await connect(server, cookie);
    open.push(socket);
    // Answered at once: without an answer the client would wait for its own timeout.
    const ack = await (socket as unknown as Socket).timeout(3000).emitWithAck('amendment:frobnicate', { negotiationId: ids.negotiations.tempsDeTravail });
    expect(ack).toEqual({ ok: false, error: { code: 'UNKNOWN_COMMAND', message: expect.stringContaining('amendment:frobnicate') } });
    expect((await join(socket, ids.negotiations.tempsDeTravail)).negotiationId).toBe(ids.negotiations.tempsDeTravail);
  });
});
