import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { connectDatabase, runInProcess, type Database, type DatabaseChange, type InProcessCommand } from '../../server/db/connection.ts';
import { startEngine } from '@negociation/mongo-engine';
import { killAfterAcks, modulePath, requireFromProject } from '../helpers/crash.ts';

/** A client in another process inserting in a loop, printing the time of each acknowledged insert. */
const WRITER = `
const { MongoClient } = require(process.env.MONGODB_MODULE);
(async () => {
  const client = new MongoClient(process.env.URI);
  await client.connect();
  const c = client.db('negociation').collection('writer');
  await c.insertOne({ warm: true });
  console.log('ready');
  for (;;) {
    await c.insertOne({ at: Date.now() });
    console.log(Date.now());
  }
})();
`;

/**
 * How many of another process's inserts `db` acknowledges while this thread computes for a
 * second without yielding (a diff, an export…).
 */
async function acksWhileBlocked(db: Database): Promise<number> {
  const writer = spawn(process.execPath, ['-e', WRITER], {
    env: { ...process.env, URI: db.uri, MONGODB_MODULE: createRequire(import.meta.url).resolve('mongodb') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const acks: number[] = [];
    const lines = readline.createInterface({ input: writer.stdout! });
    await new Promise<void>((resolve, reject) => {
      writer.once('exit', (code) => reject(new Error(`the writer stopped (${code})`)));
      lines.on('line', (line) => (line === 'ready' ? resolve() : acks.push(Number(line))));
    });
    const from = Date.now();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
    const to = Date.now();
    await new Promise((r) => setTimeout(r, 200));
    return acks.filter((at) => at > from + 100 && at < to - 100).length;
  } finally {
    writer.kill('SIGKILL');
  }
}

describe('the embedded database by default', () => {
  it('runs on the server\'s own thread: nobody is answered while that thread is busy', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-db-same-thread-'));
    const db = await connectDatabase({ DATA_DIR: dataDir, MONGODB_URI: undefined }, pino({ level: 'silent' }));
    try {
      expect(db.catchUp).toBeUndefined();
      expect(await acksWhileBlocked(db)).toBe(0);
    } finally {
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('the embedded database on a thread of its own (ENGINE_THREAD)', () => {
  let db: Database;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-db-thread-'));
    db = await connectDatabase({ DATA_DIR: dataDir, MONGODB_URI: undefined, ENGINE_THREAD: true }, pino({ level: 'silent' }));
  });

  afterAll(async () => {
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('acknowledges writes while the server\'s own thread is busy', async () => {
    // The engine on the server's thread answers nobody for that second.
    expect(await acksWhileBlocked(db)).toBeGreaterThan(0);
  }, 30_000);

  it('after SIGKILL of the process, every acknowledged insert is there on restart, through the driver and in process', async () => {
    const crashDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-db-thread-crash-'));
    try {
      // 10 writers through the driver and 10 through db.command (each waiting for `durable`,
      // as the event log does), printing each insert's id once it is acknowledged.
      const acked = await killAfterAcks(
        `
        import { connectDatabase, runInProcess } from ${modulePath('server/db/connection.ts')};
        const { pino } = ${requireFromProject}('pino');
        const db = await connectDatabase({ DATA_DIR: process.argv[2], MONGODB_URI: undefined, ENGINE_THREAD: true }, pino({ level: 'silent' }));
        const acked = db.connection.db.collection('acked');
        const printed = (id) => process.stdout.write(id + '\\n');
        await Promise.all([
          ...Array.from({ length: 10 }, async (_, w) => {
            for (let i = 0; ; i++) {
              await acked.insertOne({ _id: 'driver-' + w + '-' + i, payload: 'x'.repeat(200) });
              printed('driver-' + w + '-' + i);
            }
          }),
          ...Array.from({ length: 10 }, async (_, w) => {
            for (let i = 0; ; i++) {
              const { error, durable } = await runInProcess(db.command, { insert: 'acked', documents: [{ _id: 'command-' + w + '-' + i, payload: 'x'.repeat(200) }] });
              if (error) throw error;
              await durable;
              printed('command-' + w + '-' + i);
            }
          }),
        ]);
        `,
        crashDir,
        2_000,
      );
      expect(acked.some((id) => id.startsWith('driver-'))).toBe(true);
      expect(acked.some((id) => id.startsWith('command-'))).toBe(true);
      const restarted = await startEngine({ dir: path.join(crashDir, 'db'), port: 0 });
      const client = new MongoClient(restarted.uri);
      try {
        const stored = new Set((await client.db('negociation').collection<{ _id: string }>('acked').find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
        expect(acked.filter((id) => !stored.has(id))).toEqual([]);
      } finally {
        await client.close();
        await restarted.close();
      }
    } finally {
      fs.rmSync(crashDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('tells its watchers of a write through the driver before the writer goes on', async () => {
    const heard: DatabaseChange[] = [];
    const unwatch = db.watch!((change) => heard.push(change));
    try {
      const sessions = db.connection.db!.collection<{ _id: string; n: number }>('heard');
      await sessions.insertOne({ _id: 's1', n: 1 });
      await sessions.updateOne({ _id: 's1' }, { $set: { n: 2 } });
      db.catchUp?.();
      expect(heard.filter((c) => c.collection === 'heard' && c.kind !== 'schema')).toEqual([{ collection: 'heard', kind: 'update', id: 's1' }]);
      await runInProcess(db.command as InProcessCommand, { delete: 'heard', deletes: [{ q: { _id: 's1' }, limit: 1 }] });
      expect(heard.at(-1)).toEqual({ collection: 'heard', kind: 'remove', id: 's1' });
    } finally {
      unwatch();
    }
  });

  it('hands over values as the driver would and answers reads once durable', async () => {
    const command = db.command as InProcessCommand;
    const at = new Date('2026-12-03T22:00:00Z');
    const bytes = new Uint8Array([1, 2, 3]);
    const insert = await runInProcess(command, { insert: 'values', documents: [{ _id: 'v', at, bytes: Buffer.from(bytes), n: 2 ** 40, nested: { list: [1, 'a', null] } }] });
    expect(insert.error).toBeUndefined();
    const { reply } = await runInProcess(command, { find: 'values', filter: { _id: 'v' } });
    const [found] = (reply.cursor as { firstBatch: Record<string, unknown>[] }).firstBatch;
    expect(found.at).toEqual(at);
    expect(new Uint8Array((found.bytes as { buffer: Uint8Array }).buffer)).toEqual(bytes);
    expect(found.n).toBe(2 ** 40);
    expect(found.nested).toEqual({ list: [1, 'a', null] });
    expect(await db.connection.db!.collection('values').findOne({ _id: 'v' as never })).toMatchObject({ at, n: 2 ** 40 });
  });
});
