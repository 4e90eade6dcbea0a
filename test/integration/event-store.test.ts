import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../server/db/engine/index.ts';
import { EventStore } from '../../server/events/event-store.ts';

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

  async function connect(): Promise<mongoose.Connection> {
    const connection = mongoose.createConnection(`${engine.uri.replace(/\/$/, '')}/events-test`);
    await connection.asPromise();
    connections.push(connection);
    return connection;
  }

  it('20 concurrent appenders × 50 events each get seq 1…1000 with no gap and no duplicate', { timeout: 120_000 }, async () => {
    // Four stores on four connections stand for four server processes: they collide on
    // sequence numbers for real and must retry on the duplicate key.
    const stores = await Promise.all([0, 1, 2, 3].map(async () => new EventStore(await connect())));
    await stores[0].init();
    const appenders = Array.from({ length: 20 }, async (_, appender) => {
      const store = stores[appender % stores.length];
      for (let i = 0; i < 50; i++) {
        await store.append('neg-1', [{ type: 'test:appended', payload: { appender, i }, actor: `user-${appender}` }]);
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
      { type: 'a:happened', payload: { n: 1 }, actor: 'u' },
      { type: 'b:happened', payload: { n: 2 }, actor: 'u', org: 'cgt', visibility: { scope: 'delegation', org: 'cgt' } },
    ]);
    expect(stored.map((e) => e.seq)).toEqual([1, 2]);
    const after = await sut.since('neg-2', 1);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ seq: 2, type: 'b:happened', org: 'cgt', visibility: { scope: 'delegation', org: 'cgt' } });
  });
});
