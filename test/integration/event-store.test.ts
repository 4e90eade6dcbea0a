import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '@negociation/mongo-engine';
import { EventStore } from '../../server/events/event-store.ts';
import { draft } from '../helpers/events.ts';
import { killAfterAcks, modulePath, requireFromProject } from '../helpers/crash.ts';

describe('the negotiation event log', () => {
  let engine: RunningEngine;
  const connections: mongoose.Connection[] = [];

  beforeAll(async () => {
    engine = await startEngine({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'events-')), port: 0 });
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await engine.close();
  });

  /** A store through the driver, or through the engine in this process, counting its inserts. */
  function storeOn(path: 'driver' | 'in-process', connection: mongoose.Connection, inserts: number[] = []): EventStore {
    if (path === 'driver') {
      const collection = connection.collection('events');
      const insertMany = collection.insertMany.bind(collection);
      const counted = (docs: Parameters<typeof insertMany>[0], options?: Parameters<typeof insertMany>[1]) => {
        inserts.push(docs.length);
        return insertMany(docs, options);
      };
      Object.defineProperty(collection, 'insertMany', { value: counted, configurable: true });
      return new EventStore(connection);
    }
    return new EventStore(connection, (body) => {
      inserts.push((body.documents as unknown[]).length);
      return engine.command('events-test', body);
    });
  }

  async function connect(): Promise<mongoose.Connection> {
    const connection = mongoose.createConnection(`${engine.uri.replace(/\/$/, '')}/events-test`);
    await connection.asPromise();
    connections.push(connection);
    return connection;
  }

  it('20 concurrent appenders × 50 events each get seq 1…1000 with no gap and no duplicate', { timeout: 120_000 }, async () => {
    // Four stores on four connections stand for four server processes: they collide on
    // sequence numbers for real and must retry on the duplicate key. Two go through the
    // driver, two through the engine in process (as the server hosting it does).
    const stores = await Promise.all([0, 1, 2, 3].map(async (i) => storeOn(i % 2 === 0 ? 'driver' : 'in-process', await connect())));
    await stores[0].init();
    const appenders = Array.from({ length: 20 }, async (_, appender) => {
      const store = stores[appender % stores.length];
      for (let i = 0; i < 50; i++) {
        await store.append('neg-1', [draft('test:appended', { appender, i }, `user-${appender}`)]);
      }
    });
    await Promise.all(appenders);

    const all = await stores[0].since('neg-1', 0);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    const keys = new Set(all.map((e) => JSON.stringify(e.payload)));
    expect(keys.size).toBe(1000);
  });

  it('a batch appended by one command is stored in order and read back after a given seq', async () => {
    const sut = new EventStore(await connect());
    const stored = await sut.append('neg-2', [
      draft('a:happened', { n: 1 }, 'u'),
      { ...draft('b:happened', { n: 2 }, 'u'), org: 'cgt', visibility: { scope: 'delegation', org: 'cgt' } },
    ]);
    expect(stored.map((e) => e.seq)).toEqual([1, 2]);
    const after = await sut.since('neg-2', 1);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ seq: 2, type: 'b:happened', org: 'cgt', visibility: { scope: 'delegation', org: 'cgt' } });
  });

  it.each(['driver', 'in-process'] as const)(
    '%s: appends arriving while an insert is under way share the next insert, and each caller gets its own events in order',
    async (path) => {
      const inserts: number[] = [];
      const sut = storeOn(path, await connect(), inserts);
      const negotiationId = `neg-group-${path}`;
      const callers = Array.from({ length: 40 }, (_, i) =>
        sut.append(negotiationId, [
          draft('x:happened', { caller: i, part: 1 }, `u${i}`),
          draft('x:happened', { caller: i, part: 2 }, `u${i}`),
        ]),
      );
      const results = await Promise.all(callers);

      // 80 events, far fewer inserts than the 40 appends: they were grouped.
      expect(inserts.reduce((a, b) => a + b, 0)).toBe(80);
      expect(inserts.length).toBeLessThan(10);
      // Arrival order is seq order, and each caller's two events are consecutive and its own.
      results.forEach((events, i) => {
        expect(events.map((e) => e.seq)).toEqual([2 * i + 1, 2 * i + 2]);
        expect(events.map((e) => e.payload)).toEqual([{ caller: i, part: 1 }, { caller: i, part: 2 }]);
      });
      expect((await sut.since(negotiationId, 0)).map((e) => e.seq)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    },
  );

  it.each(['driver', 'in-process'] as const)(
    '%s: an append that cannot be stored fails alone: the appends grouped with it are stored, with no gap',
    async (path) => {
      const sut = storeOn(path, await connect());
      const negotiationId = `neg-bad-${path}`;
      const cyclic: Record<string, unknown> = { name: 'boucle' };
      cyclic.self = cyclic;
      const outcomes = await Promise.allSettled([
        sut.append(negotiationId, [draft('ok:happened', { n: 1 }, 'u')]),
        sut.append(negotiationId, [draft('bad:happened', cyclic, 'u')]),
        sut.append(negotiationId, [draft('ok:happened', { n: 2 }, 'u')]),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const stored = await sut.since(negotiationId, 0);
      expect(stored.map((e) => [e.seq, e.payload])).toEqual([
        [1, { n: 1 }],
        [2, { n: 2 }],
      ]);
    },
  );

  it('in process: an event applied but not yet on disk is neither answered nor read back until it is durable', async () => {
    let sync!: () => void;
    const synced = new Promise<void>((resolve) => (sync = resolve));
    const sut = new EventStore(await connect(), async (body) => {
      const { reply, durable } = await engine.command('events-test', body);
      return { reply, durable: Promise.all([durable, synced]).then(() => undefined) };
    });
    let answered = false;
    const appending = sut.append('neg-held', [draft('x:happened', {}, 'u')]).then((events) => ((answered = true), events));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    expect(await sut.since('neg-held', 0)).toEqual([]);
    sync();
    expect((await appending).map((e) => e.seq)).toEqual([1]);
    expect((await sut.since('neg-held', 0)).map((e) => e.seq)).toEqual([1]);
  });

  it('in process: after SIGKILL mid-stream, every acknowledged event is in the log on restart, with no gap', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-crash-'));
    // 20 appenders on one negotiation through the engine in process, as the server does;
    // each prints `seq appender-i` once its append is answered.
    const acked = await killAfterAcks(
      `
      import { startEngine } from ${modulePath('server/mongo-engine/src/index.ts')};
      import { EventStore } from ${modulePath('server/events/event-store.ts')};
      const mongoose = ${requireFromProject}('mongoose');
      const engine = await startEngine({ dir: process.argv[2], port: 0, compactBytes: 64 * 1024 });
      const connection = mongoose.createConnection(engine.uri + 'crash');
      await connection.asPromise();
      const store = new EventStore(connection, (body) => engine.command('crash', body));
      await store.init();
      await Promise.all(Array.from({ length: 20 }, async (_, w) => {
        for (let i = 0; ; i++) {
          const [event] = await store.append('neg-crash', [{ type: 'test:appended', payload: { key: w + '-' + i }, actor: 'u' + w }]);
          process.stdout.write(event.seq + ' ' + w + '-' + i + '\\n');
        }
      }));
      `,
      dir,
      2000,
    );
    const restarted = await startEngine({ dir, port: 0 });
    const connection = mongoose.createConnection(`${restarted.uri}crash`);
    try {
      await connection.asPromise();
      const stored = await new EventStore(connection).since('neg-crash', 0, 100_000);
      expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
      const bySeq = new Map(stored.map((e) => [e.seq, (e.payload as unknown as { key: string }).key]));
      const missing = acked.map((line) => line.split(' ')).filter(([seq, key]) => bySeq.get(Number(seq)) !== key);
      expect(missing).toEqual([]);
    } finally {
      await connection.close();
      await restarted.close();
    }
  }, 120_000);
});
