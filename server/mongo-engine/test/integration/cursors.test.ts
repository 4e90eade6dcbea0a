import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, type Collection } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/index.ts';

describe('the embedded engine: cursors over 10,000 documents', () => {
  let engine: RunningEngine;
  let client: MongoClient;
  let sut: Collection;
  const commands: { name: string; batch?: number }[] = [];

  beforeAll(async () => {
    engine = await startEngine({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'engine-cur-')), port: 0 });
    client = new MongoClient(engine.uri, { monitorCommands: true });
    client.on('commandSucceeded', (e) => {
      const cursor = (e.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } }).cursor;
      commands.push({ name: e.commandName, batch: (cursor?.firstBatch ?? cursor?.nextBatch)?.length });
    });
    await client.connect();
    sut = client.db('cur').collection('docs');
    await sut.insertMany(Array.from({ length: 10_000 }, (_, i) => ({ i, pad: 'x'.repeat(20) })));
  });
  afterAll(async () => {
    await client.close();
    await engine.close();
  });

  it('a find returns every document once, in order, through a first batch of 101 and getMore batches', async () => {
    commands.length = 0;
    const docs = await sut.find({}, { sort: { i: 1 } }).toArray();
    expect(docs.map((d) => d.i)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(commands[0]).toEqual({ name: 'find', batch: 101 });
    expect(commands.filter((c) => c.name === 'getMore').length).toBeGreaterThan(0);
  });

  it('batchSize sets the size of every batch', async () => {
    commands.length = 0;
    const docs = await sut.find({ i: { $lt: 2500 } }, { batchSize: 1000 }).toArray();
    expect(docs).toHaveLength(2500);
    expect(commands.map((c) => c.batch)).toEqual([1000, 1000, 500]);
  });

  it('an aggregate cursor pages the same way', async () => {
    const docs = await sut.aggregate([{ $match: { i: { $gte: 5000 } } }, { $project: { _id: 0, i: 1 } }], { batchSize: 700 }).toArray();
    expect(docs).toHaveLength(5000);
    expect(docs[4999]).toEqual({ i: 9999 });
  });

  it('a killed cursor is gone: getMore on it fails with CursorNotFound', async () => {
    const db = client.db('cur');
    const first = await db.command({ find: 'docs', batchSize: 10 });
    const id = first.cursor.id;
    await db.command({ killCursors: 'docs', cursors: [id] });
    await expect(db.command({ getMore: id, collection: 'docs' })).rejects.toMatchObject({ code: 43, codeName: 'CursorNotFound' });
  });

  it('a limit caps the documents across batches', async () => {
    const docs = await sut.find({}, { limit: 250, batchSize: 100 }).toArray();
    expect(docs).toHaveLength(250);
  });
});
