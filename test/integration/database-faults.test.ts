import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine } from '@negociation/mongo-engine';
import { EventStore } from '../../server/events/event-store.ts';
import { call, login } from '../helpers/auth.ts';
import { draft } from '../helpers/events.ts';
import { seedDemo } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// A full disk under the workspace's DATA_DIR: a small tmpfs the test mounts (as root).
const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'app-full-disk-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mountPoint]).status === 0;
if (!mounted) process.stderr.write('full-disk test skipped: cannot mount a tmpfs here (mount needs root and a kernel that allows it)\n');

afterAll(() => {
  if (mounted) spawnSync('umount', ['-l', mountPoint]);
});

describe.skipIf(!mounted)('the workspace on a full disk', () => {
  let server: TestServer;
  const filler = path.join(mountPoint, 'filler');

  beforeAll(async () => {
    server = await startTestServer({ DATA_DIR: path.join(mountPoint, 'data') });
    await seedDemo(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('says it is not ready while the database cannot write, and serves sign-ins again once space returns, without a restart', async () => {
    expect((await call(server, '/ready')).status).toBe(200);
    const { bavail, bsize } = fs.statfsSync(mountPoint);
    fs.writeFileSync(filler, Buffer.alloc(bavail * bsize - 16 * 1024));
    // Each sign-in stores a session: soon one finds no room.
    let refused = 0;
    for (let i = 0; i < 200 && refused === 0; i++) {
      const response = await call(server, '/auth/login', { body: { email: 'delegue@cfdt.demo', password: 'demo-negociation' } });
      if (response.status >= 500) refused++;
    }
    expect(refused).toBe(1);
    const notReady = await call(server, '/ready');
    expect(notReady.status).toBe(503);
    expect((await notReady.json()).checks.db).toBe('failed');

    fs.rmSync(filler);
    const deadline = Date.now() + 5_000;
    let ready = await call(server, '/ready');
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      ready = await call(server, '/ready');
    }
    expect(ready.status).toBe(200);
    expect(await login(server, 'delegue@cfdt.demo')).toMatch(/^nego_sid=/);
  }, 60_000);
});

describe.skipIf(!mounted)('the event log on a full disk', () => {
  it('an append the engine undid is refused, never stored; the log stays gap-free, now and after a restart', { timeout: 120_000 }, async () => {
    const dir = path.join(mountPoint, 'events');
    let engine = await startEngine({ dir, port: 0, compactBytes: 1 << 30 });
    let connection = mongoose.createConnection(`${engine.uri}events`);
    await connection.asPromise();
    const store = new EventStore(connection, (body) => engine.command('events', body));
    await store.init();
    const filler = path.join(mountPoint, 'events-filler');
    const { bavail, bsize } = fs.statfsSync(mountPoint);
    fs.writeFileSync(filler, Buffer.alloc(bavail * bsize - 256 * 1024));

    const answered = new Map<string, number>();
    const refused = new Set<string>();
    let roomAgain = false;
    // 20 appenders on one negotiation; one refused tries again at once, in its rejection
    // handler, while the engine is still undoing the writes after the last durable one.
    await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        for (let i = 0; i < 400 && !(roomAgain && refused.size > 0 && i > 60); i++) {
          const key = `${w}-${i}`;
          await store
            .append('neg-full', [draft('test:appended', { key, pad: 'p'.repeat(1500) }, `u${w}`)])
            .then(
              ([event]) => answered.set(key, event.seq),
              () => {
                refused.add(key);
                if (refused.size === 50) {
                  fs.rmSync(filler);
                  roomAgain = true;
                }
              },
            );
        }
      }),
    );
    expect(refused.size).toBeGreaterThanOrEqual(50);
    expect(answered.size).toBeGreaterThan(0);

    const check = async (events: EventStore) => {
      const stored = await events.since('neg-full', 0, 100_000);
      expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
      const keyAt = new Map(stored.map((e) => [e.seq, (e.payload as unknown as { key: string }).key]));
      expect([...answered].filter(([key, seq]) => keyAt.get(seq) !== key)).toEqual([]);
      expect(stored.filter((e) => refused.has((e.payload as unknown as { key: string }).key))).toEqual([]);
      expect(stored.length).toBe(answered.size);
    };
    await check(store);
    await connection.close();
    await engine.close();

    engine = await startEngine({ dir, port: 0 });
    connection = mongoose.createConnection(`${engine.uri}events`);
    try {
      await connection.asPromise();
      await check(new EventStore(connection));
    } finally {
      await connection.close();
      await engine.close();
    }
  });
});
