import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Decimal128, Long, MongoClient, MongoServerError, ObjectId, type Db } from 'mongodb';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/index.ts';

describe('the embedded engine through the real driver: CRUD', () => {
  let engine: RunningEngine;
  let client: MongoClient;
  let db: Db;
  let n = 0;
  const fresh = () => db.collection(`c${++n}`);

  beforeAll(async () => {
    engine = await startEngine({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'engine-crud-')), port: 0 });
    client = new MongoClient(engine.uri);
    await client.connect();
    db = client.db('crud');
  });
  afterAll(async () => {
    await client.close();
    await engine.close();
  });

  it('reports a standalone 8.0 server with wire version 25', async () => {
    const hello = await db.admin().command({ hello: 1 });
    expect(hello).toMatchObject({ isWritablePrimary: true, maxWireVersion: 25, ok: 1 });
    expect(hello.setName).toBeUndefined();
    const info = await db.admin().command({ buildInfo: 1 });
    expect(info.version).toMatch(/^8\.0\./);
  });

  it('refuses a document over 16 MB, inserted or grown by an update, and changes nothing', async () => {
    const sut = db.collection<{ _id: number; text: string; a?: string; b?: string }>(`c${++n}`);
    await sut.insertOne({ _id: 1, text: 'small' });
    const big = 'x'.repeat(16 * 1024 * 1024);
    const { reply } = await engine.command('crud', { insert: sut.collectionName, documents: [{ _id: 2, big }] });
    expect((reply.writeErrors as { code: number }[])[0].code).toBe(10334);
    const half = 'y'.repeat(9 * 1024 * 1024);
    await sut.updateOne({ _id: 1 }, { $set: { a: half } });
    await expect(sut.updateOne({ _id: 1 }, { $set: { b: half } })).rejects.toMatchObject({ code: 10334 });
    const docs = await sut.find({}, { projection: { _id: 1, b: 1 } }).toArray();
    expect(docs).toEqual([{ _id: 1 }]);
  });

  it('stores documents with generated ObjectIds and finds them by filter, projection, sort, skip and limit', async () => {
    const sut = fresh();
    const inserted = await sut.insertMany([{ n: 3, tag: 'a' }, { n: 1, tag: 'b' }, { n: 2, tag: 'a' }, { n: 4, tag: 'a' }]);
    expect(Object.values(inserted.insertedIds).every((id) => id instanceof ObjectId)).toBe(true);
    const docs = await sut.find({ tag: 'a' }, { projection: { _id: 0, n: 1 } }).sort({ n: -1 }).skip(1).limit(2).toArray();
    expect(docs).toEqual([{ n: 3 }, { n: 2 }]);
  });

  it('sorts ObjectId, Date, Long and Decimal128 values in BSON order', async () => {
    const sut = fresh();
    const ids = [new ObjectId('000000000000000000000002'), new ObjectId('000000000000000000000010'), new ObjectId('00000000000000000000000a')];
    await sut.insertMany([
      { k: 1, oid: ids[0], at: new Date(3000), big: Long.fromString('9007199254740993'), dec: Decimal128.fromString('10.5') },
      { k: 2, oid: ids[1], at: new Date(1000), big: Long.fromString('9007199254740995'), dec: Decimal128.fromString('9.25') },
      { k: 3, oid: ids[2], at: new Date(2000), big: 5, dec: 100 },
    ]);
    const order = async (field: string) => (await sut.find({}).sort({ [field]: 1 }).toArray()).map((d) => d.k);
    expect(await order('oid')).toEqual([1, 3, 2]);
    expect(await order('at')).toEqual([2, 3, 1]);
    expect(await order('big')).toEqual([3, 1, 2]);
    expect(await order('dec')).toEqual([2, 1, 3]);
    expect(await sut.countDocuments({ at: { $gt: new Date(1500) } })).toBe(2);
    expect((await sut.findOne({ oid: new ObjectId(ids[2].toHexString()) }))?.k).toBe(3);
  });

  it('filters compare Long, Decimal128 and numbers by value, and $type knows them', async () => {
    const sut = fresh();
    await sut.insertMany([
      { k: 1, v: Decimal128.fromString('10.5') },
      { k: 2, v: Decimal128.fromString('9.25') },
      { k: 3, v: Long.fromString('9007199254740995') },
      { k: 4, v: 10 },
      { k: 5, v: 'ten' },
    ]);
    const ks = async (filter: object) => (await sut.find(filter).sort({ k: 1 }).toArray()).map((d) => d.k);
    expect(await ks({ v: { $gt: Decimal128.fromString('9.5') } })).toEqual([1, 3, 4]);
    expect(await ks({ v: { $lt: 10 } })).toEqual([2]);
    expect(await ks({ v: Decimal128.fromString('10') })).toEqual([4]);
    expect(await ks({ v: { $gte: Long.fromString('9007199254740994') } })).toEqual([3]);
    expect(await ks({ v: { $in: [9.25, 'ten'] } })).toEqual([2, 5]);
    expect(await ks({ v: { $type: 'decimal' } })).toEqual([1, 2]);
    expect(await ks({ v: { $type: 'long' } })).toEqual([3]);
  });

  it('updates with operators, arrayFilters, pipelines, upserts and $setOnInsert', async () => {
    const sut = fresh();
    await sut.insertOne({ _id: 1 as never, grades: [80, 95, 100], items: [{ q: 1 }, { q: 5 }] });
    await sut.updateOne({ _id: 1 as never }, { $set: { 'grades.$[g]': 0 }, $inc: { 'items.$[i].q': 10 } }, { arrayFilters: [{ g: { $gte: 95 } }, { 'i.q': { $gt: 2 } }] });
    expect(await sut.findOne({ _id: 1 as never })).toEqual({ _id: 1, grades: [80, 0, 0], items: [{ q: 1 }, { q: 15 }] });

    await sut.updateOne({ _id: 1 as never }, [{ $set: { total: { $sum: '$grades' }, label: { $concat: ['n', 'o'] } } }]);
    expect(await sut.findOne({ _id: 1 as never }, { projection: { total: 1, label: 1 } })).toEqual({ _id: 1, total: 80, label: 'no' });

    const up = await sut.updateOne({ email: 'a@b.c' }, { $set: { seen: 1 }, $setOnInsert: { created: true } }, { upsert: true });
    expect(up.upsertedCount).toBe(1);
    await sut.updateOne({ email: 'a@b.c' }, { $set: { seen: 2 }, $setOnInsert: { created: false } }, { upsert: true });
    const doc = await sut.findOne({ email: 'a@b.c' }, { projection: { _id: 0 } });
    expect(doc).toEqual({ email: 'a@b.c', seen: 2, created: true });

    const many = await sut.updateMany({}, { $set: { touched: true } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const same = await sut.updateMany({}, { $set: { touched: true } });
    expect(same).toMatchObject({ matchedCount: 2, modifiedCount: 0 });
  });

  it('updateOne with a sort updates the first document in that order', async () => {
    const sut = fresh();
    await sut.insertMany([{ n: 2 }, { n: 9 }, { n: 5 }]);
    await sut.updateOne({}, { $set: { top: true } }, { sort: { n: -1 } });
    expect((await sut.findOne({ top: true }))?.n).toBe(9);
  });

  it('refuses to change _id and to apply conflicting operators', async () => {
    const sut = fresh();
    await sut.insertOne({ _id: 'x' as never, a: 1 });
    await expect(sut.updateOne({ _id: 'x' as never }, { $set: { _id: 'y' } })).rejects.toMatchObject({ code: 66 });
    await expect(sut.updateOne({ _id: 'x' as never }, { $set: { a: 2 }, $inc: { a: 1 } })).rejects.toMatchObject({ code: 40 });
  });

  it('deletes one or many and findAndModify returns before or after images', async () => {
    const sut = fresh();
    await sut.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }, { k: 3 }]);
    expect((await sut.deleteOne({ k: 1 })).deletedCount).toBe(1);
    expect((await sut.deleteMany({ k: { $gte: 1 } })).deletedCount).toBe(3);
    await sut.insertMany([{ k: 5, v: 'a' }, { k: 6, v: 'b' }]);
    const before = await sut.findOneAndUpdate({ k: 5 }, { $set: { v: 'z' } }, { returnDocument: 'before', projection: { _id: 0 } });
    expect(before).toEqual({ k: 5, v: 'a' });
    const after = await sut.findOneAndUpdate({ k: 6 }, { $set: { v: 'y' } }, { returnDocument: 'after', projection: { _id: 0 } });
    expect(after).toEqual({ k: 6, v: 'y' });
    const removed = await sut.findOneAndDelete({}, { sort: { k: -1 } });
    expect(removed?.k).toBe(6);
    const upserted = await sut.findOneAndReplace({ k: 7 }, { k: 7, v: 'new' }, { upsert: true, returnDocument: 'after' });
    expect(upserted).toMatchObject({ k: 7, v: 'new' });
  });

  it('aggregates with $match, $group, $lookup and $facet, and counts and distincts', async () => {
    const orders = fresh();
    const products = fresh();
    await products.insertMany([{ _id: 'p1' as never, name: 'pen' }, { _id: 'p2' as never, name: 'ink' }]);
    await orders.insertMany([
      { product: 'p1', qty: 2, tags: ['a', 'b'] },
      { product: 'p1', qty: 3, tags: ['b'] },
      { product: 'p2', qty: 7, tags: ['c'] },
    ]);
    const totals = await orders
      .aggregate([
        { $group: { _id: '$product', qty: { $sum: '$qty' } } },
        { $lookup: { from: products.collectionName, localField: '_id', foreignField: '_id', as: 'p' } },
        { $project: { _id: 0, name: { $first: '$p.name' }, qty: 1 } },
        { $sort: { qty: -1 } },
      ])
      .toArray();
    expect(totals).toEqual([{ qty: 7, name: 'ink' }, { qty: 5, name: 'pen' }]);
    const [facets] = await orders.aggregate([{ $facet: { count: [{ $count: 'n' }], big: [{ $match: { qty: { $gt: 2 } } }, { $project: { _id: 0, qty: 1 } }] } }]).toArray();
    expect(facets).toEqual({ count: [{ n: 3 }], big: [{ qty: 3 }, { qty: 7 }] });
    expect(await orders.countDocuments({ product: 'p1' })).toBe(2);
    expect(await orders.estimatedDocumentCount()).toBe(3);
    expect((await orders.distinct('tags')).sort()).toEqual(['a', 'b', 'c']);
  });

  it('an aggregation that sets nested fields leaves the stored documents unchanged', async () => {
    const sut = fresh();
    await sut.insertOne({ _id: 1 as never, a: { b: 1 } });
    const [out] = await sut.aggregate([{ $addFields: { 'a.c': 2 } }, { $set: { 'a.b': 9 } }]).toArray();
    expect(out).toEqual({ _id: 1, a: { b: 9, c: 2 } });
    expect(await sut.findOne({ _id: 1 as never })).toEqual({ _id: 1, a: { b: 1 } });
  });

  it('lists, renames and drops collections and databases', async () => {
    const other = client.db('crud-admin');
    await other.createCollection('one');
    await expect(other.createCollection('one')).rejects.toMatchObject({ code: 48, codeName: 'NamespaceExists' });
    await other.collection('one').insertOne({ a: 1 });
    await other.collection('one').rename('two');
    expect((await other.listCollections().toArray()).map((c) => c.name)).toEqual(['two']);
    expect((await client.db().admin().listDatabases()).databases.map((d) => d.name)).toContain('crud-admin');
    expect(await other.collection('two').drop()).toBe(true);
    await other.collection('three').insertOne({ a: 1 });
    await other.dropDatabase();
    expect((await client.db().admin().listDatabases()).databases.map((d) => d.name)).not.toContain('crud-admin');
  });

  it('answers an unknown command with CommandNotFound (59)', async () => {
    const err = await db.command({ frobnicate: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
  });

  it('serves mongoose models: create, find, findOne, updateOne, insertMany with an ordered duplicate error', async () => {
    const connection = mongoose.createConnection(`${engine.uri}mongoose-test`);
    await connection.asPromise();
    try {
      const schema = new mongoose.Schema({ email: { type: String, unique: true }, name: String, at: Date });
      const User = connection.model('User', schema);
      await User.createIndexes();
      await User.create({ email: 'a@x.fr', name: 'A', at: new Date(5) });
      await User.updateOne({ email: 'a@x.fr' }, { $set: { name: 'Alice' } });
      expect(await User.findOne({ email: 'a@x.fr' }).lean()).toMatchObject({ name: 'Alice', at: new Date(5) });
      const err = await User.insertMany([{ email: 'b@x.fr' }, { email: 'a@x.fr' }, { email: 'c@x.fr' }], { ordered: true }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 11000 });
      expect((await User.find().sort({ email: 1 }).lean()).map((u) => u.email)).toEqual(['a@x.fr', 'b@x.fr']);
    } finally {
      await connection.close();
    }
  });
});
