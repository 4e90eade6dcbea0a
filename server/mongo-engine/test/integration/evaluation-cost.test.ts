// What an update or a query costs the engine beyond its own work: mingo's operator tables (some
// 400 operators) are built once for the engine (query/bson-operators.ts), never copied per call.
// Copying them was most of the CPU of a `$set` by _id (in process: 172–182 µs, now 69–122) and of
// a projected find (123–131 µs, now 15–29).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Context } from 'mingo/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/index.ts';

let dir: string;
let engine: RunningEngine;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-evaluation-cost-'));
  engine = await startEngine({ dir, port: 0 });
  const documents = Array.from({ length: 20 }, (_, i) => ({ _id: `k${i}`, n: i, tags: ['a'], owner: 'o' }));
  await (await engine.command('t', { insert: 'c', documents })).durable;
});

afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { reply } = await engine.command('t', body);
  expect(reply.ok).toBe(1);
  return reply;
}

describe('evaluation context', () => {
  it('updates, filters and projections copy no operator table', async () => {
    const copies = vi.spyOn(Context, 'from');
    const additions = vi.spyOn(Context.prototype, 'addOps');
    try {
      for (let i = 0; i < 10; i++) {
        await run({ update: 'c', updates: [{ q: { _id: `k${i}` }, u: { $set: { n: i * 10 }, $push: { tags: 'b' }, $inc: { seen: 1 } } }] });
        await run({ update: 'c', updates: [{ q: { owner: 'o', tags: 'a' }, u: { $set: { 'tags.$': 'c' } } }] });
        await run({ find: 'c', filter: { _id: { $in: [`k${i}`, 'k19'] } }, projection: { n: 1 } });
        await run({ aggregate: 'c', pipeline: [{ $match: { n: { $gte: 0 } } }, { $addFields: { twice: { $multiply: ['$n', 2] } } }], cursor: {} });
      }
      expect(copies).not.toHaveBeenCalled();
      expect(additions).not.toHaveBeenCalled();
    } finally {
      copies.mockRestore();
      additions.mockRestore();
    }
  });

  it('the updates still apply as mongod would', async () => {
    const reply = await run({ find: 'c', filter: { _id: { $in: ['k3', 'k12'] } }, sort: { _id: 1 } });
    const docs = (reply.cursor as { firstBatch: Record<string, unknown>[] }).firstBatch;
    expect(docs).toEqual([
      { _id: 'k12', n: 12, tags: ['a'], owner: 'o' },
      { _id: 'k3', n: 30, tags: ['c', 'b'], owner: 'o', seen: 1 },
    ]);
  });
});
