import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoBulkWriteError, MongoClient, MongoServerError, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collection } from '../../src/collection.ts';
import { startEngine, type RunningEngine } from '../../src/index.ts';
import { readMatching } from '../../src/commands/common.ts';

describe('the embedded engine: indexes', () => {
  let engine: RunningEngine;
  let client: MongoClient;
  let db: Db;
  let n = 0;
  const fresh = () => db.collection(`i${++n}`);

  beforeAll(async () => {
    engine = await startEngine({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'engine-idx-')), port: 0, ttlIntervalMs: 100 });
    client = new MongoClient(engine.uri);
    await client.connect();
    db = client.db('idx');
  });
  afterAll(async () => {
    await client.close();
    await engine.close();
  });

  it('a duplicate on a unique index fails with code 11000, keyPattern, keyValue and mongod’s message', async () => {
    const sut = fresh();
    await sut.createIndex({ email: 1 }, { unique: true });
    await sut.insertOne({ email: 'a@b.c' });
    const err = (await sut.insertOne({ email: 'a@b.c' }).catch((e: unknown) => e)) as MongoServerError;
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'a@b.c' });
    expect(err.message).toBe(`E11000 duplicate key error collection: idx.${sut.collectionName} index: email_1 dup key: { email: "a@b.c" }`);
  });

  it('a duplicate _id is refused by the _id index', async () => {
    const sut = fresh();
    await sut.insertOne({ _id: 7 as never });
    const err = (await sut.insertOne({ _id: 7 as never }).catch((e: unknown) => e)) as MongoServerError;
    expect(err.message).toBe(`E11000 duplicate key error collection: idx.${sut.collectionName} index: _id_ dup key: { _id: 7 }`);
  });

  it('an ordered batch stops at the duplicate and reports it in writeErrors; an unordered one goes on', async () => {
    const sut = fresh();
    await sut.createIndex({ k: 1 }, { unique: true });
    const ordered = (await sut.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }]).catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect(ordered.insertedCount).toBe(1);
    expect(ordered.writeErrors).toMatchObject([{ index: 1, code: 11000 }]);
    const unordered = (await sut.insertMany([{ k: 3 }, { k: 1 }, { k: 4 }], { ordered: false }).catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(unordered.insertedCount).toBe(2);
    expect(await sut.countDocuments()).toBe(3);
  });

  it('a compound unique index allows repeats of one field but not of the pair', async () => {
    const sut = fresh();
    await sut.createIndex({ neg: 1, seq: 1 }, { unique: true });
    await sut.insertMany([{ neg: 'a', seq: 1 }, { neg: 'a', seq: 2 }, { neg: 'b', seq: 1 }]);
    const err = (await sut.insertOne({ neg: 'a', seq: 2 }).catch((e: unknown) => e)) as MongoServerError;
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ neg: 'a', seq: 2 });
    expect(err.message).toContain('index: neg_1_seq_1 dup key: { neg: "a", seq: 2 }');
  });

  it('an update that would collide on a unique index is refused and leaves the document as it was', async () => {
    const sut = fresh();
    await sut.createIndex({ k: 1 }, { unique: true });
    await sut.insertMany([{ _id: 1 as never, k: 1 }, { _id: 2 as never, k: 2 }]);
    await expect(sut.updateOne({ _id: 2 as never }, { $set: { k: 1 } })).rejects.toMatchObject({ code: 11000 });
    expect(await sut.findOne({ _id: 2 as never })).toEqual({ _id: 2, k: 2 });
    expect(await sut.countDocuments({ k: 1 })).toBe(1);
  });

  it('a unique sparse index ignores documents without the field; a partial one only the documents it covers', async () => {
    const sparse = fresh();
    await sparse.createIndex({ nick: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ a: 1 }, { a: 2 }, { nick: 'x' }]);
    await expect(sparse.insertOne({ nick: 'x' })).rejects.toMatchObject({ code: 11000 });

    const partial = fresh();
    await partial.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await partial.insertMany([{ email: 'e', active: false }, { email: 'e', active: false }, { email: 'e', active: true }]);
    await expect(partial.insertOne({ email: 'e', active: true })).rejects.toMatchObject({ code: 11000 });
  });

  it('creating a unique index over existing duplicates fails and leaves no index', async () => {
    const sut = fresh();
    await sut.insertMany([{ k: 1 }, { k: 1 }]);
    await expect(sut.createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await sut.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('lists and drops indexes, and refuses to drop _id_', async () => {
    const sut = fresh();
    await sut.createIndexes([{ key: { a: 1 } }, { key: { b: -1 }, name: 'b_desc', unique: true }]);
    const listed = await sut.listIndexes().toArray();
    expect(listed.map((i) => [i.name, i.key, i.unique ?? false])).toEqual([
      ['_id_', { _id: 1 }, false],
      ['a_1', { a: 1 }, false],
      ['b_desc', { b: -1 }, true],
    ]);
    await sut.dropIndex('a_1');
    await expect(sut.dropIndex('_id_')).rejects.toMatchObject({ code: 72 });
    await expect(sut.dropIndex('nope')).rejects.toMatchObject({ code: 27 });
    expect((await sut.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'b_desc']);
  });

  it('a TTL index removes expired documents on its periodic sweep', async () => {
    const sut = fresh();
    await sut.createIndex({ at: 1 }, { expireAfterSeconds: 1 });
    await sut.insertMany([{ k: 'old', at: new Date(Date.now() - 60_000) }, { k: 'new', at: new Date(Date.now() + 60_000) }, { k: 'none' }]);
    await expect.poll(async () => (await sut.find().toArray()).map((d) => d.k).sort(), { timeout: 5000, interval: 100 }).toEqual(['new', 'none']);
  });

  it('a sorted, limited query served in index order returns what a full sort would', async () => {
    const sut = fresh();
    await sut.createIndex({ neg: 1, seq: 1 }, { unique: true });
    const docs = Array.from({ length: 600 }, (_, i) => ({ neg: i % 2 ? 'a' : 'b', seq: (i * 7919) % 600 }));
    await sut.insertMany(docs);
    const seqs = docs.filter((d) => d.neg === 'a' && d.seq > 100).map((d) => d.seq);
    const asc = [...seqs].sort((x, y) => x - y);
    const page = async (sort: 1 | -1, skip: number, limit: number) =>
      (await sut.find({ neg: 'a', seq: { $gt: 100 } }).sort({ seq: sort }).skip(skip).limit(limit).toArray()).map((d) => d.seq);
    expect(await page(1, 0, 5)).toEqual(asc.slice(0, 5));
    expect(await page(1, 3, 4)).toEqual(asc.slice(3, 7));
    expect(await page(-1, 0, 1)).toEqual([asc[asc.length - 1]]);
    expect(await page(-1, 2, 3)).toEqual([...asc].reverse().slice(2, 5));
    expect(await page(1, 0, 0)).toEqual(asc);
    expect((await sut.findOne({ neg: 'b' }, { sort: { seq: -1 } }))?.seq).toBe(Math.max(...docs.filter((d) => d.neg === 'b').map((d) => d.seq)));
  });

  it('a sorted query without a limit takes the index that serves more of its filter, and sorts the few documents it yields', () => {
    const sut = new Collection('t', 'events');
    sut.addIndex({ v: 2, key: { negotiationId: 1, seq: 1 }, name: 'n_seq', unique: true });
    sut.addIndex({ v: 2, key: { negotiationId: 1, type: 1, seq: 1 }, name: 'n_type_seq' });
    for (let seq = 1; seq <= 3000; seq++) sut.insert({ _id: seq, negotiationId: 'n', seq, type: seq % 100 === 0 ? 'amendment:tabled' : 'position:declared' });
    const filter = { negotiationId: 'n', type: { $in: ['amendment:tabled', 'amendment:withdrawn'] } };
    // With a limit, the (negotiation, seq) order lets the scan stop early; without one, it would read all 3,000.
    expect(sut.orderedCandidates(filter, [['seq', 1]], true)).toBeDefined();
    expect(sut.orderedCandidates(filter, [['seq', 1]], false)).toBeUndefined();
    expect([...sut.candidates(filter)]).toHaveLength(30);
    const docs = readMatching(sut, filter, { sort: { seq: -1 } });
    expect(docs.map((d) => d.seq)).toEqual(Array.from({ length: 30 }, (_, i) => 3000 - i * 100));
    // What the (negotiation, seq) index serves as well as any other keeps its order.
    expect(sut.orderedCandidates({ negotiationId: 'n', seq: { $gt: 2990 } }, [['seq', 1]], false)).toBeDefined();
  });

  it('an indexed equality or range lookup reads only the matching index entries, not the collection', () => {
    const sut = new Collection('t', 'c');
    sut.addIndex({ v: 2, key: { n: 1 }, name: 'n_1' });
    for (let i = 0; i < 100_000; i++) sut.insert({ _id: i, n: i % 50_000, s: `s${i}` });
    expect([...sut.candidates({ n: 1234 })]).toHaveLength(2);
    expect([...sut.candidates({ n: { $gte: 10, $lt: 13 } })]).toHaveLength(6);
    expect([...sut.candidates({ _id: { $in: [5, 6, 7] } })]).toHaveLength(3);
    // No index on s: every document is a candidate.
    expect([...sut.candidates({ s: 's5' })]).toHaveLength(100_000);
  });
});
