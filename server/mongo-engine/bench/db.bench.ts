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
import { MongoClient, ObjectId } from 'mongodb';
import { startEngine, type Doc, type RunningEngine } from '../src/index.ts';
import { startEngineThread } from '../src/thread/engine-thread.ts';

const print = (line: string) => process.stdout.write(line + '\n');
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A run of acknowledged inserts: the rate, and the CPU time spent per insert by the processes named. */
interface InsertRun {
  perSecond: number;
  /** CPU (user + system) per insert, µs: this process, plus the engine's own when it runs apart. */
  cpuMicros: number;
  /**
   * Of which the writers' thread (µs per insert): with the engine on a thread of its own, the
   * rest is the engine's thread, and the busier of the two bounds the rate on two free cores.
   */
  mainThreadCpuMicros: number;
  /** The 1-minute load average when the run ended (2 cores, shared). */
  load: number;
  /** Inserts per journal fdatasync (the group commit's factor), from serverStatus. */
  perSync?: number;
}

/** The engine's journal counters (serverStatus.journal): records appended and fdatasyncs done. */
async function journalCounters(client: MongoClient): Promise<{ records: number; fsyncs: number }> {
  const { journal } = await client.db('admin').command({ serverStatus: 1 });
  return { records: Number(journal.records), fsyncs: Number(journal.fsyncs) };
}

/** CPU time (µs) of another process so far, from /proc (Linux; clock ticks of 10 ms). */
function processCpuMicros(pid: number | undefined): number {
  if (pid === undefined || process.platform !== 'linux') return 0;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function inserts(uri: string, writers: number, total: number, enginePid?: number): Promise<InsertRun> {
  const client = new MongoClient(uri, { maxPoolSize: Math.max(writers, 5) });
  await client.connect();
  const c = client.db('bench').collection(`inserts_${writers}`);
  await c.insertOne({ warm: true });
  const perWriter = Math.ceil(total / writers);
  const journalBefore = await journalCounters(client);
  const cpu = process.cpuUsage();
  const mainCpu = process.threadCpuUsage();
  const engineCpu = processCpuMicros(enginePid);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) await c.insertOne({ w, i, payload: 'x'.repeat(100) });
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const usedMain = process.threadCpuUsage(mainCpu);
  const count = perWriter * writers;
  const cpuMicros = (used.user + used.system + processCpuMicros(enginePid) - engineCpu) / count;
  const journalAfter = await journalCounters(client);
  await client.close();
  const perSync = (journalAfter.records - journalBefore.records) / Math.max(1, journalAfter.fsyncs - journalBefore.fsyncs);
  return { perSecond: count / seconds, cpuMicros, mainThreadCpuMicros: (usedMain.user + usedMain.system) / count, load: os.loadavg()[0]!, perSync };
}

const describeRun = (r: InsertRun) =>
  `${round(r.perSecond, 0)}/s, ${round(r.cpuMicros, 0)} µs CPU per insert${r.perSync === undefined ? '' : `, ${round(r.perSync, 1)} inserts per fdatasync`}, load ${round(r.load, 1)}`;
/** With the engine on its own thread: each thread's CPU per insert, and the rate the busier one allows on two free cores. */
const describeThreads = (r: InsertRun) =>
  `writers' thread ${round(r.mainThreadCpuMicros, 0)} µs + engine's thread ${round(r.cpuMicros - r.mainThreadCpuMicros, 0)} µs per insert: ` +
  `at most ${round(1e6 / Math.max(r.mainThreadCpuMicros, r.cpuMicros - r.mainThreadCpuMicros), 0)}/s on two free cores at this load's CPU cost`;

/**
 * The same writers without the driver: each awaits `engine.command` and then its `durable`
 * promise, as the workspace's event log appends (its hot write path) do in the server's process.
 */
async function commandInserts(engine: RunningEngine, writers: number, total: number): Promise<InsertRun> {
  const perWriter = Math.ceil(total / writers);
  const insert = async (document: Doc) => {
    const { reply, durable } = await engine.command('bench', { insert: `command_${writers}`, documents: [document] });
    if (reply.ok !== 1) throw new Error(`insert refused: ${String(reply.errmsg)}`);
    await durable;
  };
  await insert({ warm: true });
  const cpu = process.cpuUsage();
  const mainCpu = process.threadCpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) await insert({ _id: new ObjectId(), w, i, payload: 'x'.repeat(100) });
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const usedMain = process.threadCpuUsage(mainCpu);
  const count = perWriter * writers;
  return { perSecond: count / seconds, cpuMicros: (used.user + used.system) / count, mainThreadCpuMicros: (usedMain.user + usedMain.system) / count, load: os.loadavg()[0]! };
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
async function engineProcess(dir: string): Promise<{ uri: string; pid: number | undefined; stop: () => Promise<void> }> {
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
    pid: child.pid,
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
    // As the workspace hosts it by default: in the writers' process, on their own thread, on a Unix socket.
    let engine = await startEngine({ dir: path.join(dir, 'writes'), socket: path.join(dir, 'engine.sock') });
    // The workspace hears of every write (its access cache): so does the bench.
    engine.watch(() => undefined);
    const single = await inserts(engine.uri, 1, 2_000);
    print(`acknowledged inserts, 1 writer, engine on the writers' thread (Unix socket, as the workspace):   ${describeRun(single)} (CPU of the whole process)`);
    const fifty = await inserts(engine.uri, 50, 20_000);
    print(`acknowledged inserts, 50 writers, engine on the writers' thread (Unix socket, as the workspace): ${describeRun(fifty)} (target >= 5000/s; x${round(fifty.perSecond / single.perSecond)} over 1 writer)`);
    const commands = await commandInserts(engine, 50, 20_000);
    print(`acknowledged inserts, 50 writers through engine.command on the same thread (no driver, as the event log appends): ${describeRun(commands)}`);
    const threaded = await insertsFromThreads(engine.uri, 2, 25, 20_000);
    print(`acknowledged inserts/s, 50 writers on 2 client threads, engine on the main thread: ${round(threaded, 0)}`);
    await engine.close();

    // With ENGINE_THREAD=1 (from 3 to 4 December 2026, the default): the engine on a worker thread of the writers' process.
    const hosted = await startEngineThread({ dir: path.join(dir, 'writes-own-thread'), socket: path.join(dir, 'engine.sock'), announceChanges: { kinds: ['update', 'remove', 'schema'] } });
    hosted.watch(() => undefined);
    const fiftyOwnThread = await inserts(hosted.uri, 50, 20_000);
    print(`acknowledged inserts, 50 writers, engine on a thread of its own (ENGINE_THREAD=1, Unix socket): ${describeRun(fiftyOwnThread)}`);
    print(`  ${describeThreads(fiftyOwnThread)}`);
    const commandsOwnThread = await commandInserts(hosted, 50, 20_000);
    print(`acknowledged inserts, 50 writers through engine.command to the engine's thread (ENGINE_THREAD=1, no driver): ${describeRun(commandsOwnThread)}`);
    print(`  ${describeThreads(commandsOwnThread)}`);
    await hosted.close();

    engine = await startEngine({ dir: path.join(dir, 'writes-tcp'), port: 0 });
    const fiftyTcp = await inserts(engine.uri, 50, 20_000);
    print(`acknowledged inserts, 50 writers, engine in-process (loopback TCP):                  ${describeRun(fiftyTcp)}`);
    await engine.close();

    const separate = await engineProcess(path.join(dir, 'writes-process'));
    const singleSeparate = await inserts(separate.uri, 1, 2_000, separate.pid);
    print(`acknowledged inserts, 1 writer, engine in its own process:   ${describeRun(singleSeparate)} (CPU of both processes)`);
    const fiftySeparate = await inserts(separate.uri, 50, 20_000, separate.pid);
    print(`acknowledged inserts, 50 writers, engine in its own process: ${describeRun(fiftySeparate)} (CPU of both processes; x${round(fiftySeparate.perSecond / singleSeparate.perSecond)} over 1 writer)`);
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
        inProcess: { writers1: round(single.perSecond, 0), writers50: round(fifty.perSecond, 0), groupCommitSpeedup: round(fifty.perSecond / single.perSecond) },
        inProcessCommand: { writers50: round(commands.perSecond, 0) },
        inProcessOwnThread: { writers50: round(fiftyOwnThread.perSecond, 0) },
        inProcessOwnThreadCommand: { writers50: round(commandsOwnThread.perSecond, 0) },
        inProcessTcp: { writers50: round(fiftyTcp.perSecond, 0) },
        inProcessTwoClientThreads: { writers50: round(threaded, 0) },
        engineProcess: {
          writers1: round(singleSeparate.perSecond, 0),
          writers50: round(fiftySeparate.perSecond, 0),
          groupCommitSpeedup: round(fiftySeparate.perSecond / singleSeparate.perSecond),
        },
      },
      cpuMicrosPerInsert: {
        inProcess: { writers1: round(single.cpuMicros, 0), writers50: round(fifty.cpuMicros, 0) },
        inProcessCommand: { writers50: round(commands.cpuMicros, 0) },
        inProcessOwnThread: { writers50: round(fiftyOwnThread.cpuMicros, 0), writers50WritersThread: round(fiftyOwnThread.mainThreadCpuMicros, 0) },
        inProcessOwnThreadCommand: { writers50: round(commandsOwnThread.cpuMicros, 0), writers50WritersThread: round(commandsOwnThread.mainThreadCpuMicros, 0) },
        inProcessTcp: { writers50: round(fiftyTcp.cpuMicros, 0) },
        engineProcess: { writers1: round(singleSeparate.cpuMicros, 0), writers50: round(fiftySeparate.cpuMicros, 0) },
      },
      insertsPerFdatasync: { inProcessWriters1: round(single.perSync ?? 0, 1), inProcessWriters50: round(fifty.perSync ?? 0, 1), engineProcessWriters50: round(fiftySeparate.perSync ?? 0, 1) },
      load: { inProcessWriters50: round(fifty.load, 1), inProcessOwnThreadWriters50: round(fiftyOwnThread.load, 1), engineProcessWriters50: round(fiftySeparate.load, 1) },
      indexedFindMs: {
        docs1000: { p50: round(small.p50, 3), p99: round(small.p99, 3) },
        docs100000: { p50: round(large.p50, 3), p99: round(large.p99, 3) },
        p50Ratio: round(ratio),
        p99Ratio: round(large.p99 / small.p99),
      },
      startupMs100000: round(startupMs, 0),
      targets: { writers50InProcess: fifty.perSecond >= 5000, p50Ratio: ratio <= 2, startup: startupMs <= 2000 },
      machine: { cpus: os.cpus().length, node: process.version },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
