import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { startEngine, type EngineOptions } from '../../src/index.ts';
import { killAfterAcks, modulePath, requireFromProject } from '../helpers/crash.ts';

const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** Starts an engine on `dir`, hands a connected client to `body`, then closes both. */
async function withEngine<T>(options: EngineOptions, body: (client: MongoClient) => Promise<T>): Promise<T> {
  const engine = await startEngine({ port: 0, ...options });
  const client = new MongoClient(engine.uri);
  try {
    await client.connect();
    return await body(client);
  } finally {
    await client.close();
    await engine.close();
  }
}

const journals = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('journal-')).sort();

describe('the embedded engine: durability', () => {
  it('documents, collections and unique indexes survive a restart', async () => {
    const dir = tempDir('engine-restart-');
    await withEngine({ dir }, async (client) => {
      const c = client.db('d').collection('people');
      await c.createIndex({ email: 1 }, { unique: true });
      await c.insertMany([{ email: 'a', n: 1 }, { email: 'b', n: 2 }, { email: 'c', n: 3 }]);
      await c.updateOne({ email: 'b' }, { $set: { n: 20 } });
      await c.deleteOne({ email: 'c' });
      await client.db('d').createCollection('empty');
    });
    await withEngine({ dir }, async (client) => {
      const c = client.db('d').collection('people');
      expect(await c.find({}, { projection: { _id: 0 } }).sort({ email: 1 }).toArray()).toEqual([{ email: 'a', n: 1 }, { email: 'b', n: 20 }]);
      expect((await client.db('d').listCollections().toArray()).map((x) => x.name).sort()).toEqual(['empty', 'people']);
      await expect(c.insertOne({ email: 'a' })).rejects.toMatchObject({ code: 11000 });
    });
  });

  it('a second engine on a directory in use is refused; once the first closes, it opens', async () => {
    const dir = tempDir('engine-lock-');
    const first = await startEngine({ dir, port: 0 });
    await expect(startEngine({ dir, port: 0 })).rejects.toThrow(/already open|in use/);
    await first.close();
    const second = await startEngine({ dir, port: 0 });
    await second.close();
  });

  it('a journal cut in the middle of its last record still opens with every complete record, and keeps working', async () => {
    const dir = tempDir('engine-torn-');
    await withEngine({ dir }, async (client) => {
      const c = client.db('d').collection('c');
      for (let i = 0; i < 10; i++) await c.insertOne({ _id: i as never, text: 'x'.repeat(100) });
    });
    const [journal] = journals(dir);
    const file = path.join(dir, journal);
    fs.truncateSync(file, fs.statSync(file).size - 40);
    await withEngine({ dir }, async (client) => {
      const c = client.db('d').collection('c');
      expect((await c.find().toArray()).map((d) => d._id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      await c.insertOne({ _id: 'after' as never });
    });
    await withEngine({ dir }, async (client) => {
      expect(await client.db('d').collection('c').countDocuments()).toBe(10);
    });
  });

  it('garbage after the last record (a torn header, zeros, a bad checksum) is ignored', async () => {
    const dir = tempDir('engine-garbage-');
    await withEngine({ dir }, async (client) => {
      await client.db('d').collection('c').insertMany([{ a: 1 }, { a: 2 }]);
    });
    const file = path.join(dir, journals(dir)[0]);
    const bad = Buffer.alloc(8 + 20);
    bad.writeUInt32LE(20, 0);
    bad.writeUInt32LE(0xdeadbeef, 4);
    fs.appendFileSync(file, Buffer.concat([bad, Buffer.alloc(100), Buffer.from([1, 2, 3])]));
    await withEngine({ dir }, async (client) => {
      expect(await client.db('d').collection('c').countDocuments()).toBe(2);
    });
  });

  it('compaction folds the journal into a snapshot while writes go on, and the state reloads identically', async () => {
    const dir = tempDir('engine-compact-');
    const expected = await withEngine({ dir, compactBytes: 64 * 1024 }, async (client) => {
      const c = client.db('d').collection('c');
      await c.createIndex({ k: 1 }, { unique: true });
      for (let round = 0; round < 20; round++) {
        await Promise.all(Array.from({ length: 10 }, (_, w) => c.insertMany(Array.from({ length: 20 }, (_, i) => ({ k: `${round}-${w}-${i}`, pad: 'p'.repeat(50) })))));
        await c.updateMany({ k: { $regex: `^${round}-0-` } }, { $set: { updated: round } });
        await c.deleteMany({ k: { $regex: `^${round}-1-` } });
      }
      return (await c.find({}, { projection: { _id: 0 } }).sort({ k: 1 }).toArray()).map((d) => JSON.stringify(d));
    });
    const files = fs.readdirSync(dir);
    expect(files.some((f) => f.startsWith('snapshot-'))).toBe(true);
    expect(journals(dir).length).toBeLessThanOrEqual(2);
    const journalBytes = journals(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    expect(journalBytes).toBeLessThan(64 * 1024 * 4);
    await withEngine({ dir }, async (client) => {
      const c = client.db('d').collection('c');
      const docs = await c.find({}, { projection: { _id: 0 } }).sort({ k: 1 }).toArray();
      expect(docs.map((d) => JSON.stringify(d))).toEqual(expected);
      await expect(c.insertOne({ k: expected.length > 0 ? JSON.parse(expected[0]).k : 'x' })).rejects.toMatchObject({ code: 11000 });
    });
  });

  it('after SIGKILL mid-stream, every acknowledged write is there on restart', async () => {
    const dir = tempDir('engine-crash-');
    // The writer runs the engine and 20 concurrent writers in one process and prints each id
    // once its insert is acknowledged; a small compaction threshold makes snapshots happen
    // during the run, so the kill may also land in the middle of one.
    const acked = await killAfterAcks(
      `
      import { startEngine } from ${modulePath('src/index.ts')};
      const { MongoClient } = ${requireFromProject}('mongodb');
      const engine = await startEngine({ dir: process.argv[2], port: 0, compactBytes: 32 * 1024 });
      const client = new MongoClient(engine.uri, { maxPoolSize: 20 });
      await client.connect();
      const c = client.db('crash').collection('acks');
      await Promise.all(Array.from({ length: 20 }, async (_, w) => {
        for (let i = 0; ; i++) {
          const id = w + '-' + i;
          await c.insertOne({ _id: id, payload: 'y'.repeat(200) });
          process.stdout.write(id + '\\n');
        }
      }));
      `,
      dir,
      2000,
    );
    await withEngine({ dir }, async (client) => {
      const stored = new Set((await client.db('crash').collection('acks').find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id)));
      const missing = acked.filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      expect(stored.size).toBeGreaterThanOrEqual(2000);
    });
  }, 120_000);
});
