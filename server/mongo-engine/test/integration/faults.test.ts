import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineOptions, type RunningEngine } from '../../src/index.ts';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

async function withEngine<T>(options: EngineOptions, body: (client: MongoClient, engine: RunningEngine) => Promise<T>): Promise<T> {
  const engine = await startEngine({ port: 0, ...options });
  const client = new MongoClient(engine.uri, { maxPoolSize: 50 });
  try {
    await client.connect();
    return await body(client, engine);
  } finally {
    await client.close();
    await engine.close();
  }
}

/** `n` acknowledged inserts, 20 writers at a time, each its own command (many group commits). */
async function insertAcknowledged(client: MongoClient, n: number): Promise<void> {
  const c = client.db('d').collection('c');
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      for (let i = next++; i < n; i = next++) await c.insertOne({ _id: i as never, text: `document ${i} `.repeat(5) });
    }),
  );
}

function flipMiddle(file: string): number {
  const buf = fs.readFileSync(file);
  const at = Math.floor(buf.length / 2);
  for (let i = 0; i < 4; i++) buf[at + i] ^= 0xff;
  fs.writeFileSync(file, buf);
  return at;
}

/**
 * Flips four bytes inside the text of the record nearest the middle of the journal: the
 * damage a disk does to a record's body, which must not stop repair from naming the record.
 */
function flipMiddleText(file: string): number {
  const buf = fs.readFileSync(file);
  const at = buf.indexOf('document ', Math.floor(buf.length / 2), 'latin1') + 2;
  for (let i = 0; i < 4; i++) buf[at + i] ^= 0xff;
  fs.writeFileSync(file, buf);
  return at;
}

const filesOf = (dir: string, prefix: string) => fs.readdirSync(dir).filter((f) => f.startsWith(prefix)).sort();

function repair(dir: string, to: string) {
  return spawnSync(process.execPath, ['src/cli.ts', '--repair', '--dir', dir, '--to', to], { cwd: packageDir, encoding: 'utf8' });
}

describe('the engine on damaged data', () => {
  it('four bytes flipped in the middle of the journal: the start is refused, naming the file and the offset, and nothing is truncated', async () => {
    const dir = tempDir('corrupt-journal-');
    await withEngine({ dir }, (client) => insertAcknowledged(client, 2000));
    const [journal] = filesOf(dir, 'journal-');
    const file = path.join(dir, journal);
    const size = fs.statSync(file).size;
    flipMiddleText(file);
    await expect(startEngine({ dir, port: 0 })).rejects.toThrow(new RegExp(`${journal} is damaged at byte \\d+ .*--repair`));
    expect(fs.statSync(file).size).toBe(size);

    // Repair salvages every other record into a new directory and names the one it lost.
    const to = path.join(tempDir('repaired-'), 'db');
    const run = repair(dir, to);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${journal}, bytes \\d+–\\d+ \\(.*\\): lost: an insert into d\\.c \\(_id \\d+\\); later records replayed`));
    expect(run.stdout).toMatch(/1 damaged part\(s\); 1999 document\(s\) kept/);
    expect(fs.readFileSync(path.join(to, 'REPAIR-REPORT.txt'), 'utf8')).toContain('1 damaged part(s)');
    await withEngine({ dir: to }, async (client) => {
      expect(await client.db('d').collection('c').countDocuments()).toBe(1999);
    });
  }, 120_000);

  it('four bytes flipped in the middle of a snapshot: the start is refused, naming the snapshot; repair keeps what decodes and says what is unverified', async () => {
    const dir = tempDir('corrupt-snapshot-');
    await withEngine({ dir, compactBytes: 64 * 1024 }, async (client, engine) => {
      const c = client.db('d').collection('c');
      for (let i = 0; i < 20; i++) await c.insertMany(Array.from({ length: 100 }, (_, j) => ({ _id: (i * 100 + j) as never, text: 'x'.repeat(200) })));
      // Let the last compaction finish before closing.
      await engine.close();
    }).catch(() => undefined);
    const snapshot = filesOf(dir, 'snapshot-').at(-1)!;
    expect(snapshot).toBeDefined();
    flipMiddle(path.join(dir, snapshot));
    await expect(startEngine({ dir, port: 0 })).rejects.toThrow(new RegExp(`${snapshot} is damaged at byte \\d+`));

    const to = path.join(tempDir('repaired-'), 'db');
    const run = repair(dir, to);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${snapshot}, bytes \\d+–\\d+ \\(a record that fails its checksum\\): collection d\\.c: \\d+ document\\(s\\) read back from the damaged part and restored UNVERIFIED`));
    await withEngine({ dir: to }, async (client) => {
      const n = await client.db('d').collection('c').countDocuments();
      expect(n).toBeGreaterThan(1900);
      expect(n).toBeLessThanOrEqual(2000);
    });
  }, 120_000);

  it('repair refuses to write into a directory that is not empty, with exit code 2', () => {
    const dir = tempDir('repair-usage-');
    const to = tempDir('repair-target-');
    fs.writeFileSync(path.join(to, 'something'), 'x');
    const run = repair(dir, to);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/is not empty/);
  });
});

// A full disk: a small tmpfs the test mounts (as root), filled with a file it can delete.
const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'full-disk-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint]).status === 0;
if (!mounted) process.stderr.write('full-disk tests skipped: cannot mount a tmpfs here (mount needs root and a kernel that allows it)\n');

describe.skipIf(!mounted)('the engine on a full disk', () => {
  afterAll(() => {
    spawnSync('umount', ['-l', mountPoint]);
  });

  let engine: RunningEngine;
  let client: MongoClient;
  const filler = path.join(mountPoint, 'filler');
  beforeAll(async () => {
    engine = await startEngine({ dir: path.join(mountPoint, 'db'), port: 0, compactBytes: 1 << 30 });
    client = new MongoClient(engine.uri, { maxPoolSize: 30 });
    await client.connect();
    // Leave some 200 KB free.
    const free = () => {
      const s = fs.statfsSync(mountPoint);
      return s.bavail * s.bsize;
    };
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 200 * 1024)));
  });
  afterAll(async () => {
    await client?.close();
    await engine?.close();
  });

  it('refused writes are never visible, the engine says it cannot write, and writes resume once space returns', async () => {
    const c = client.db('d').collection('c');
    const acknowledged = new Set<string>();
    const refused = new Set<string>();
    const seen = new Set<string>();
    const healthWhenRefused: ReturnType<RunningEngine['health']>[] = [];
    let writing = true;
    // The health as the engine goes: a small write may fit in the file's last page again right
    // after a refusal, so it is read on every turn of the event loop, not only as a write fails.
    const healthWhileWriting: ReturnType<RunningEngine['health']>[] = [];
    const watchHealth = () => {
      healthWhileWriting.push(engine.health());
      if (writing) setImmediate(watchHealth);
    };
    watchHealth();
    const reader = (async () => {
      while (writing) {
        for (const d of await c.find({}, { projection: { _id: 1 } }).toArray()) seen.add(String(d._id));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        for (let i = 0; refused.size < 40; i++) {
          const id = `${w}-${i}`;
          try {
            await c.insertOne({ _id: id as never, payload: 'p'.repeat(4000) });
            acknowledged.add(id);
          } catch {
            refused.add(id);
            healthWhenRefused.push(engine.health());
          }
        }
      }),
    );
    writing = false;
    await reader;
    expect(refused.size).toBeGreaterThanOrEqual(40);
    expect([...healthWhenRefused, ...healthWhileWriting]).toContainEqual({ writable: false, reason: expect.stringMatching(/ENOSPC|no space/i) });

    const stored = new Set((await c.find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id)));
    expect([...stored].sort()).toEqual([...acknowledged].sort());
    expect([...seen].filter((id) => !acknowledged.has(id))).toEqual([]);

    // Space returns: writes resume without a restart, and the probe notices even before one.
    fs.rmSync(filler);
    const deadline = Date.now() + 5_000;
    while (!engine.health().writable && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(engine.health()).toEqual({ writable: true });
    await c.insertOne({ _id: 'after' as never });
    expect(await c.countDocuments({ _id: 'after' as never })).toBe(1);
  }, 60_000);

  it('what was acknowledged before and after the full disk is there after a restart', async () => {
    const count = await client.db('d').collection('c').countDocuments();
    await client.close();
    await engine.close();
    engine = await startEngine({ dir: path.join(mountPoint, 'db'), port: 0 });
    client = new MongoClient(engine.uri);
    expect(await client.db('d').collection('c').countDocuments()).toBe(count);
  });
});

describe('reads answer only what is durable', () => {
  it('a read of a write not yet on disk waits for it, even while another command reads meanwhile', async () => {
    const dir = tempDir('durable-reads-');
    const engine = await startEngine({ dir, port: 0 });
    try {
      await (await engine.command('d', { insert: 'x', documents: [{ _id: 0 }] })).durable;
      await (await engine.command('d', { insert: 'y', documents: [{ _id: 0 }] })).durable;
      const order: string[] = [];
      const { durable } = await engine.command('d', { insert: 'x', documents: [{ _id: 1 }] });
      void durable.then(() => order.push('insert durable'));
      // Two reads under way at once: the one of `x` saw a write that a full disk could still undo.
      const [ofX] = await Promise.all([
        engine.command('d', { find: 'x', filter: {} }).then((r) => (order.push('read of x answered'), r)),
        engine.command('d', { find: 'y', filter: {} }).then((r) => (order.push('read of y answered'), r)),
      ]);
      expect((ofX.reply.cursor as { firstBatch: unknown[] }).firstBatch).toEqual([{ _id: 0 }, { _id: 1 }]);
      expect(order.indexOf('insert durable')).toBeGreaterThanOrEqual(0);
      expect(order.indexOf('insert durable')).toBeLessThan(order.indexOf('read of x answered'));
    } finally {
      await engine.close();
    }
  });
});
