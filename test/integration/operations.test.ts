import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { call, login } from '../helpers/auth.ts';
import { command, connect, type ClientSocket } from './realtime-client.ts';

describe('readiness and the drain gate', () => {
  let server: TestServer;
  let ids: DemoIds;
  let cookie: string;
  let socket: ClientSocket;

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    cookie = await login(server, 'delegue@cfdt.demo');
    socket = await connect(server, cookie);
  });
  afterAll(async () => {
    socket?.close();
    await server?.close();
  });

  it('GET /api/ready answers 200 when the database answers, and is never cached', async () => {
    const response = await call(server, '/ready');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ ok: true, checks: { db: 'ok' } });
  });

  it('a dependency registered by a capability (Redis, later) is part of the verdict', async () => {
    server.app.context.onReadiness('cache', () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:6379')));
    const response = await call(server, '/ready');
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({ error: { code: 'UNAVAILABLE' }, checks: { db: 'ok', cache: 'failed' } });
    // The reason stays in the log: a public probe does not name internal hosts.
    expect(JSON.stringify(body)).not.toContain('10.1.2.3');
    server.app.context.onReadiness('cache', () => Promise.resolve());
    expect((await call(server, '/ready')).status).toBe(200);
  });

  it('once draining: not ready, new requests get 503 UNAVAILABLE, new commands an UNAVAILABLE ack', async () => {
    server.app.inFlight.drain();
    const ready = await call(server, '/ready');
    expect(ready.status).toBe(503);
    expect((await ready.json()).checks).toMatchObject({ db: 'ok', server: 'draining' });

    const request = await call(server, `/negotiations/${ids.negotiations.tempsDeTravail}`, { cookie });
    expect(request.status).toBe(503);
    expect(await request.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } });

    const ack = await command(socket, 'negotiation:join', { negotiationId: ids.negotiations.tempsDeTravail, sinceSeq: 0 });
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});

describe('readiness without a database', () => {
  it('GET /api/ready answers 503 once the database connection is gone, /api/health still 200', async () => {
    const server = await startTestServer();
    try {
      await server.app.context.db.connection.close();
      const ready = await call(server, '/ready');
      expect(ready.status).toBe(503);
      expect((await ready.json()).checks).toEqual({ db: 'failed' });
      expect((await call(server, '/health')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('a drain that cannot finish', () => {
  it('gives up on a request that never ends, still flushes and closes, and says it timed out within the bound', async () => {
    const server = await startTestServer();
    const lines: string[] = [];
    const log = server.logger;
    for (const level of ['info', 'warn', 'error'] as const) {
      const original = log[level].bind(log);
      (log as unknown as Record<string, unknown>)[level] = (obj: unknown, msg?: string) => {
        lines.push(typeof obj === 'string' ? obj : (msg ?? ''));
        return original(obj as object, msg as string);
      };
    }
    server.app.context.api.get('/test-hangs', () => undefined);
    const hanging = fetch(`${server.url}/api/test-hangs`).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 200));

    const started = Date.now();
    expect(await server.drain(2_000)).toBe('timed out');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await hanging).toBe('aborted');
    expect(lines).toContain('drain: gave up waiting for what is under way');
    expect(lines).toContain('drain: closing connections (1012, server restarting) and flushing live documents');
  });
});
