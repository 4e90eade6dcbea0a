// A query naming one `_id` (a string or an ObjectId) reads that document by its key: no plan, no
// walk of the `_id` index. The workspace updates its command replies, sessions and read models
// by `_id`; a third of such an update went to planning and walking the index. And an update
// touches only the indexes whose keys it changes (never the `_id` index).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ObjectId } from '../../src/bson/codec.ts';
import { SortedList } from '../../src/indexes/sorted-list.ts';
import { startEngine, type RunningEngine } from '../../src/index.ts';

let dir: string;
let engine: RunningEngine;
const ids = Array.from({ length: 200 }, () => new ObjectId());

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-by-id-'));
  engine = await startEngine({ dir, port: 0 });
  const documents = [...ids.map((_id, i) => ({ _id, n: i })), ...Array.from({ length: 200 }, (_, i) => ({ _id: `key-${i}`, n: i, owner: i % 2 ? 'a' : 'b' }))];
  await (await engine.command('t', { insert: 'c', documents })).durable;
});

afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(() => vi.restoreAllMocks());

async function find(filter: Record<string, unknown>): Promise<unknown[]> {
  const { reply } = await engine.command('t', { find: 'c', filter, batchSize: 1000 });
  expect(reply.ok).toBe(1);
  return (reply.cursor as { firstBatch: { n: number }[] }).firstBatch.map((d) => d.n);
}

describe('a query by _id', () => {
  it('finds the document it names, under the other conditions too, and nothing else', async () => {
    expect(await find({ _id: 'key-7' })).toEqual([7]);
    expect(await find({ _id: ids[12] })).toEqual([12]);
    expect(await find({ _id: 'key-7', owner: 'a' })).toEqual([7]);
    expect(await find({ _id: 'key-7', owner: 'b' })).toEqual([]);
    expect(await find({ _id: 'key-999' })).toEqual([]);
    // A string holding an ObjectId's hex is not that ObjectId.
    expect(await find({ _id: ids[12].toHexString() })).toEqual([]);
    expect(await find({ _id: { $in: ['key-1', 'key-2'] } })).toEqual([1, 2]);
  });

  it('walks no index, to read, update or delete', async () => {
    const walks = vi.spyOn(SortedList.prototype, 'from');
    await find({ _id: 'key-3' });
    const updated = await engine.command('t', { update: 'c', updates: [{ q: { _id: 'key-4', owner: 'b' }, u: { n: 44, owner: 'b' } }] });
    expect(updated.reply.nModified).toBe(1);
    const removed = await engine.command('t', { delete: 'c', deletes: [{ q: { _id: ids[5] }, limit: 1 }] });
    expect(removed.reply.n).toBe(1);
    expect(walks).not.toHaveBeenCalled();
    expect(await find({ _id: 'key-4' })).toEqual([44]);
    expect(await find({ _id: ids[5] })).toEqual([]);
  });
});

describe('an update', () => {
  it('touches only the indexes whose keys it changes, and still refuses a duplicate key', async () => {
    await (await engine.command('t', { createIndexes: 'u', indexes: [{ key: { owner: 1 }, name: 'owner_1' }, { key: { slot: 1 }, name: 'slot_1', unique: true }] })).durable;
    await (await engine.command('t', { insert: 'u', documents: [{ _id: 'r1', owner: 'a', slot: 1, reply: 'x' }, { _id: 'r2', owner: 'a', slot: 2, reply: 'y' }] })).durable;
    const moves = [vi.spyOn(SortedList.prototype, 'insert'), vi.spyOn(SortedList.prototype, 'delete')];
    const moved = () => moves.reduce((n, spy) => n + spy.mock.calls.length, 0);
    const replace = (q: Record<string, unknown>, u: Record<string, unknown>) => engine.command('t', { update: 'u', updates: [{ q, u }] });
    expect((await replace({ _id: 'r1' }, { owner: 'a', slot: 1, reply: 'done' })).reply.nModified).toBe(1);
    expect(moved()).toBe(0);
    // The owner changes: its index moves one entry (out, in); the others stay.
    expect((await replace({ _id: 'r1' }, { owner: 'b', slot: 1, reply: 'done' })).reply.nModified).toBe(1);
    expect(moved()).toBe(2);
    const byOwner = async (owner: string) => ((await engine.command('t', { find: 'u', filter: { owner } })).reply.cursor as { firstBatch: { _id: string }[] }).firstBatch.map((d) => d._id);
    expect(await byOwner('b')).toEqual(['r1']);
    expect(await byOwner('a')).toEqual(['r2']);
    const taken = await replace({ _id: 'r1' }, { owner: 'b', slot: 2, reply: 'done' });
    expect((taken.reply.writeErrors as { code: number }[])[0].code).toBe(11000);
    expect((await engine.command('t', { find: 'u', filter: { slot: 1 } })).reply.cursor).toMatchObject({ firstBatch: [{ _id: 'r1', reply: 'done' }] });
  });
});
