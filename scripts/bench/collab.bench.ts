// Live text benchmark: our Yjs endpoint (auth, rights, MongoDB persistence) side by side with
// the server people would pick instead, Hocuspocus 4 (its database extension storing to the
// same embedded MongoDB engine, at its default debounce), and with a bare y-protocols relay
// (no auth, no persistence): the floor. Each server runs in a child process (this file, with
// COLLAB_BENCH_CHILD set) with the Node flags of `npm start`, one at a time, in rotating order
// over COLLAB_BENCH_ROUNDS rounds (3); every round starts each server afresh from the same
// stored documents and runs, for each:
//   W3  open the 301 documents of a 300-article agreement cold (fresh process), then warm: the
//       time until all are synced and the server's CPU per document opened (its profile apart);
//   W4  heap per loaded document (with the cold open's clients connected, after a collection),
//       and again at the end, the documents let go and opened again (without the code compiled once);
//   W1  10 clients on one article, 200 updates/s in all: propagation p50/p99;
//   W2  2 clients on each of 100 articles, 2,000 updates/s in all: propagation p50/p99;
//   and the server's CPU per 1,000 updates over W1 and W2 (the stores they cause included), and
//   how long its event loop was held during W1 and W2 (longest block, blocks of 10 and 20 ms or
//   more: perf_hooks' delay histogram, from the first update until the last arrived).
// Figures are the medians of the rounds; ratios are taken per round (the three servers ran
// within a minute of each other) and their median is printed. What is not the same for the
// three is listed in FAIRNESS and written to the results.
// COLLAB_BENCH_SECONDS (5) measured seconds per propagation workload; COLLAB_BENCH_CPU_PROF=DIR
// writes a CPU profile of each server for each workload and for its idle reading
// (DIR/<server>-r<round>-<workload>.cpuprofile, open them in Chrome's DevTools) and prints what
// dominates each server under W2, opening warm, and idle.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance, type Histogram } from 'node:perf_hooks';
import WebSocket, { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { forkServer, freePort, round, stopServer, stretchProfiler } from './children.ts';
import { HOCUSPOCUS_COLLECTION, HOCUSPOCUS_DATABASE, startHocuspocus } from './hocuspocus.ts';
import { summariseProfile, type ProfileSummary } from './profile-summary.ts';

const SELF = fileURLToPath(import.meta.url);
const SERVERS = ['workspace', 'relay', 'hocuspocus'] as const;
type ServerKind = (typeof SERVERS)[number];
const LABELS: Record<ServerKind, string> = { workspace: 'ours', relay: 'relay', hocuspocus: 'Hocuspocus' };

/** Where the three differ, on purpose or by nature: read the ratios with these in mind. */
const FAIRNESS = [
  'Clients: stock y-websocket providers for ours and the relay, @hocuspocus/provider for Hocuspocus (its protocol prefixes each message with the document name and opens with an auth message); all over the same `ws` library, one WebSocket per document and client, every update sent at once (no provider batching).',
  'Rights: ours authenticates each connection with a session cookie and authorises every update; the relay and Hocuspocus check nothing (no onAuthenticate hook).',
  'Durability: ours appends the updates every 100 ms and compacts them (≤ 100 ms of edits at risk); Hocuspocus stores the whole document 2 s after the last change (10 s at most while changes keep coming) and when its last client leaves; the relay stores nothing and keeps the documents in its memory.',
  'Storage: ours and Hocuspocus both run the embedded MongoDB engine in their own process and reach it through the mongodb driver over loopback (ours reads the documents opened together in two queries, Hocuspocus one findOne per document, as its extension does); the relay reads the same document states from memory on a cold open.',
  'Yjs: Hocuspocus keeps its documents with Yjs garbage collection on (its default); ours and the relay keep deleted content (gc off: versions are rendered from history). The workloads delete nothing, so it weighs little here.',
  'Documents: the same 301 Yjs states (a 300-article agreement and its outline) for all three, each round restoring them from the same stored copy; W1 and W2 write the same updates.',
  'CPU: the window of each workload runs from its first update until the server has stored everything (2.5 s after the clients leave), so it includes what a server spends doing nothing (timers, pollers, its database). Each server\'s idle CPU is read over 2 s with no client, 5 s after W2 has settled (earlier, it is still finishing the work: compactions, collections), and that rate times the windows is taken off in "CPU less idle": the cost of the updates themselves, for all three alike. The full collection the heap figure forces is outside every CPU window.',
  'Machine: one server at a time, the same Node flags (npm start\'s, with --expose-gc for the heap figure), the order rotated each round; the clients run in this process.',
];

// --- Children ------------------------------------------------------------------------------

interface ChildStats {
  heapUsed: number;
  loaded: number;
  cpuMs: number;
  store: { flushes: number; records: number; compactions: number } | null;
}

/** How long the server's event loop was held during a workload: what makes a propagation tail. */
interface LoopBlocks {
  /** The longest block (ms): the delay of a 1 ms timer, at its worst. */
  maxMs: number;
  p99Ms: number;
  /** How many times the loop was held 10 ms or more, and 20 ms or more (from the histogram). */
  over10ms: number;
  over20ms: number;
}

type Command = { id: number; cmd: 'stats' } | { id: number; cmd: 'cpu' } | { id: number; cmd: 'loop-start' } | { id: number; cmd: 'loop-stop' } | { id: number; cmd: 'profile-start' } | { id: number; cmd: 'profile-stop'; file: string } | { id: number; cmd: 'close' };

/** The commands every child answers: figures, CPU profiles of a stretch of work, close. */
async function serveCommands(loaded: () => number, store: () => ChildStats['store'], close: () => Promise<void>): Promise<void> {
  const profiler = await stretchProfiler();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  process.on('message', async (msg: Command) => {
    let result: unknown = null;
    if (msg.cmd === 'stats') {
      // The CPU is read before the collection the heap figure needs: the bench's own forced
      // collections are not the server's work (with its whole app, ours has the largest heap).
      const cpu = process.cpuUsage();
      globalThis.gc?.();
      result = { heapUsed: process.memoryUsage().heapUsed, loaded: loaded(), cpuMs: (cpu.user + cpu.system) / 1000, store: store() } satisfies ChildStats;
    } else if (msg.cmd === 'cpu') {
      // No collection here: the CPU of a stretch of work, read around it.
      const cpu = process.cpuUsage();
      result = (cpu.user + cpu.system) / 1000;
    } else if (msg.cmd === 'loop-start') {
      loop.reset();
      loop.enable();
    } else if (msg.cmd === 'loop-stop') {
      loop.disable();
      result = loopBlocks(loop);
    } else if (msg.cmd === 'profile-start') {
      await profiler.start();
    } else if (msg.cmd === 'profile-stop') {
      await profiler.stop(msg.file);
    } else if (msg.cmd === 'close') {
      await close();
      process.send?.({ id: msg.id, result });
      process.exit(0);
    }
    process.send?.({ id: msg.id, result });
  });
  process.send?.({ ready: true });
}

/** The event loop's blocks as the delay histogram saw them (its values are in ns). */
function loopBlocks(histogram: Histogram): LoopBlocks {
  const ms = (ns: number) => round(ns / 1e6, 1);
  // The share of samples above a delay, from the histogram's percentiles (each sample is one wait of the 1 ms timer).
  const above = (limitMs: number) => {
    for (const [percent, value] of histogram.percentiles) if (value >= limitMs * 1e6) return Math.max(1, Math.round(((100 - percent) / 100) * histogram.count));
    return 0;
  };
  return { maxMs: ms(histogram.max), p99Ms: ms(histogram.percentile(99)), over10ms: above(10), over20ms: above(20) };
}

/** Document states by name, as the parent wrote them for the relay (name → base64 update). */
function readStates(file: string): Map<string, Uint8Array> {
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  return new Map(Object.entries(stored).map(([name, state]) => [name, new Uint8Array(Buffer.from(state, 'base64'))]));
}

/** y-websocket's reference server logic, reduced to the protocol: one Y.Doc per room, no checks. */
async function runRelay(port: number, statesFile: string): Promise<void> {
  // The stored states, as a server with storage would read them on a cold open: from memory here.
  const stored = readStates(statesFile);
  const rooms = new Map<string, { doc: Y.Doc; awareness: awarenessProtocol.Awareness; conns: Set<WsSocket> }>();
  const room = (name: string) => {
    let r = rooms.get(name);
    if (!r) {
      const doc = new Y.Doc({ gc: false });
      const state = stored.get(name);
      if (state) Y.applyUpdate(doc, state);
      const awareness = new awarenessProtocol.Awareness(doc);
      awareness.setLocalState(null);
      const conns = new Set<WsSocket>();
      r = { doc, awareness, conns };
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 0);
        syncProtocol.writeUpdate(e, update);
        const msg = encoding.toUint8Array(e);
        for (const c of conns) if (c !== origin) c.send(msg);
      });
      awareness.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [...added, ...updated, ...removed]));
        const msg = encoding.toUint8Array(e);
        for (const c of conns) if (c !== origin) c.send(msg);
      });
      rooms.set(name, r);
    }
    return r;
  };
  const wss = new WebSocketServer({ noServer: true });
  const http = createServer();
  http.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const name = decodeURIComponent((req.url ?? '').slice('/yjs/'.length));
      const r = room(name);
      r.conns.add(ws);
      ws.binaryType = 'nodebuffer';
      ws.on('message', (data: Buffer) => {
        const decoder = decoding.createDecoder(new Uint8Array(data));
        const encoder = encoding.createEncoder();
        const type = decoding.readVarUint(decoder);
        if (type === 0) {
          encoding.writeVarUint(encoder, 0);
          syncProtocol.readSyncMessage(decoder, encoder, r.doc, ws);
          if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
        } else if (type === 1) {
          awarenessProtocol.applyAwarenessUpdate(r.awareness, decoding.readVarUint8Array(decoder), ws);
        }
      });
      ws.on('close', () => {
        r.conns.delete(ws);
        // Like the others, a document nobody has open is let go.
        if (r.conns.size === 0 && rooms.get(name) === r) {
          rooms.delete(name);
          r.doc.destroy();
        }
      });
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      syncProtocol.writeSyncStep1(e, r.doc);
      ws.send(encoding.toUint8Array(e));
    });
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  await serveCommands(
    () => rooms.size,
    () => null,
    async () => {
      wss.close();
      http.close();
    },
  );
}

async function runWorkspace(port: number, dataDir: string): Promise<void> {
  const { startServer } = await import('../../server/main.ts');
  const { collabOf } = await import('../../server/collab/collab.capability.ts');
  const server = await startServer({ ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const { store } = collabOf(server.app.context);
  await serveCommands(
    () => store.loadedCount,
    () => ({ ...store.stats }),
    () => server.close(),
  );
}

/** Hocuspocus (`hocuspocus.ts`) on the embedded engine started in this process, as ours does. */
async function runHocuspocus(port: number, dataDir: string): Promise<void> {
  const { startEngine } = await import('@negociation/mongo-engine');
  const engine = await startEngine({ dir: path.join(dataDir, 'db'), port: 0, host: '127.0.0.1' });
  const hocuspocus = await startHocuspocus({ port, mongoUri: engine.uri });
  await serveCommands(
    () => hocuspocus.documentsCount(),
    () => null,
    async () => {
      await hocuspocus.close();
      await engine.close();
    },
  );
}

const role = process.env.COLLAB_BENCH_CHILD as ServerKind | undefined;
if (role === 'relay') await runRelay(Number(process.env.PORT), String(process.env.STATES_FILE));
if (role === 'workspace') await runWorkspace(Number(process.env.PORT), String(process.env.DATA_DIR));
if (role === 'hocuspocus') await runHocuspocus(Number(process.env.PORT), String(process.env.DATA_DIR));

// --- Parent: the servers as seen from here --------------------------------------------------

class Child {
  readonly kind: ServerKind;
  readonly process: ChildProcess;
  readonly port: number;
  private nextId = 1;

  private constructor(kind: ServerKind, process: ChildProcess, port: number) {
    this.kind = kind;
    this.process = process;
    this.port = port;
  }

  static async start(kind: ServerKind, env: Record<string, string>): Promise<Child> {
    const port = await freePort();
    const child = await forkServer(SELF, kind, { ...env, COLLAB_BENCH_CHILD: kind, PORT: String(port) }, { execArgv: ['--expose-gc'] });
    return new Child(kind, child, port);
  }

  private ask<T>(command: Omit<Command, 'id'> & Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const on = (m: { id?: number; result?: T }) => {
        if (m.id !== id) return;
        this.process.off('message', on);
        resolve(m.result as T);
      };
      this.process.on('message', on);
      this.process.send({ ...command, id });
    });
  }

  stats(): Promise<ChildStats> {
    return this.ask({ cmd: 'stats' });
  }

  /** From now on, the server's event loop is watched for blocks… */
  watchLoop(): Promise<void> {
    return this.ask({ cmd: 'loop-start' });
  }

  /** …until now: its longest blocks. */
  loopBlocks(): Promise<LoopBlocks> {
    return this.ask({ cmd: 'loop-stop' });
  }

  /** The server's CPU time so far (ms), without the collection `stats` forces. */
  cpuMs(): Promise<number> {
    return this.ask({ cmd: 'cpu' });
  }

  async profile<T>(file: string | null, work: () => Promise<T>): Promise<T> {
    if (!file) return work();
    await this.ask({ cmd: 'profile-start' });
    try {
      return await work();
    } finally {
      await this.ask({ cmd: 'profile-stop', file });
    }
  }

  async close(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((r) => this.process.once('exit', r));
    await Promise.race([this.ask({ cmd: 'close' }), exited, new Promise((r) => setTimeout(r, 15_000))]);
    await stopServer(this.process);
  }
}

// --- Parent: clients ---------------------------------------------------------------------

interface BenchClient {
  doc: Y.Doc;
  synced(): boolean;
  destroy(): void;
}

async function connectAll(kind: ServerKind, port: number, docNames: string[], cookie: string): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  if (kind === 'hocuspocus') {
    const { HocuspocusProvider, HocuspocusProviderWebsocket } = await import('@hocuspocus/provider');
    for (const name of docNames) {
      const doc = new Y.Doc();
      // A socket of its own per document, as y-websocket has (Hocuspocus could share one).
      const socket = new HocuspocusProviderWebsocket({ url: `ws://127.0.0.1:${port}`, WebSocketPolyfill: WebSocket });
      const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc });
      provider.attach();
      clients.push({
        doc,
        synced: () => provider.synced,
        destroy() {
          provider.destroy();
          socket.destroy();
          doc.destroy();
        },
      });
    }
  } else {
    const { connectClient } = await import('../../test/integration/yjs-helpers.ts');
    for (const name of docNames) {
      const client = connectClient(`http://127.0.0.1:${port}`, name, kind === 'workspace' ? cookie : undefined);
      clients.push({ doc: client.doc, synced: () => client.provider.synced, destroy: () => client.destroy() });
    }
  }
  const deadline = Date.now() + 120_000;
  while (!clients.every((c) => c.synced())) {
    if (Date.now() > deadline) throw new Error(`${kind}: ${clients.filter((c) => !c.synced()).length} documents never synced`);
    await sleep(5);
  }
  return clients;
}

const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const median = (values: number[]): number => percentile(values, 50);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Propagation {
  p50: number;
  p99: number;
  /** Measured updates received by the other clients of their document, and how many should have been. */
  deliveries: number;
  expectedDeliveries: number;
  updates: number;
  /** The server's CPU time from the first update until it has stored them (settled). */
  cpuMs: number;
  cpuMsPer1000Updates: number;
  /** How long that CPU window lasted (wall clock). */
  windowMs: number;
  /** The server's event loop from the first update until the last arrived (the clients' departure and the stores after it apart). */
  loop: LoopBlocks;
}

// After the last update: time for the clients to leave and for each server to store what it
// holds (ours: flush, unload after 1 s, compaction; Hocuspocus: store on the last client leaving).
const SETTLE_MS = 2_500;
const WARMUP_SECONDS = 1;
/** How long late updates are waited for once the writers stop. */
const DRAIN_MS = 10_000;

/**
 * Writers put `<writer>:<n>` → send time into a map of the article document; every other
 * client on that document records the delay until the entry arrives. The updates sent after
 * the first second are measured, however late they arrive (a drain waits for them).
 */
async function propagation(
  server: Child,
  docs: string[],
  clientsPerDoc: number,
  updatesPerSecond: number,
  seconds: number,
  cookie: string,
  profileFile: string | null,
): Promise<Propagation> {
  const names = docs.flatMap((d) => Array.from({ length: clientsPerDoc }, () => d));
  const clients = await connectAll(server.kind, server.port, names, cookie);
  const latencies: number[] = [];
  let measuredFrom = Infinity;
  for (const c of clients) {
    c.doc.getMap<number>('bench').observe((event) => {
      if (event.transaction.local) return;
      const now = performance.now();
      for (const key of event.keysChanged) {
        const sentAt = event.target.get(key) as number;
        if (sentAt >= measuredFrom) latencies.push(now - sentAt);
      }
    });
  }
  const total = Math.round((WARMUP_SECONDS + seconds) * updatesPerSecond);
  const measured = Math.round(seconds * updatesPerSecond);
  const expected = measured * (clientsPerDoc - 1);
  // The CPU around the window, read without the collection `stats` forces: that collection,
  // run right after its reading, would be counted in the window as the server's work.
  const before = await server.cpuMs();
  const windowStart = performance.now();
  let updates = 0;
  let loop: LoopBlocks | null = null;
  await server.profile(profileFile, async () => {
    await server.watchLoop();
    // A drift-free ticker: every 10 ms, the updates the elapsed time calls for, round-robin
    // over the clients (every client writes: the load is spread over the documents' clients).
    const start = performance.now();
    const counters = new Array<number>(clients.length).fill(0);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - start) * updatesPerSecond) / 1000));
        while (updates < due) {
          if (updates === total - measured) measuredFrom = performance.now();
          const index = updates++ % clients.length;
          const c = clients[index];
          c.doc.getMap<number>('bench').set(`${c.doc.clientID}:${++counters[index]}`, performance.now());
        }
        if (updates >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    const drainUntil = performance.now() + DRAIN_MS;
    while (latencies.length < expected && performance.now() < drainUntil) await sleep(20);
    loop = await server.loopBlocks();
    for (const c of clients) c.destroy();
    await sleep(SETTLE_MS);
  });
  const after = await server.cpuMs();
  const windowMs = performance.now() - windowStart;
  const cpuMs = after - before;
  return {
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    deliveries: latencies.length,
    expectedDeliveries: expected,
    updates,
    cpuMs: round(cpuMs, 0),
    cpuMsPer1000Updates: round((cpuMs * 1000) / updates),
    windowMs: round(windowMs, 0),
    loop: loop!,
  };
}

/**
 * Heap per loaded document once the server has run: every document let go (the clients of W2
 * left long ago), the 301 opened again with one client each. The first open's figure also
 * counts what any first open compiles (bytecode, optimised code: 2 MB for ours in a heap
 * snapshot, 6.5 KB a document), which no further document costs.
 */
async function heapPerReloadedDoc(server: Child, kind: ServerKind, data: Prepared): Promise<number> {
  const deadline = performance.now() + 15_000;
  let empty = await server.stats();
  while (empty.loaded > 0 && performance.now() < deadline) {
    await sleep(250);
    empty = await server.stats();
  }
  const clients = await connectAll(kind, server.port, data.agreementDocs, data.cookie);
  const loaded = await server.stats();
  for (const c of clients) c.destroy();
  return round((loaded.heapUsed - empty.heapUsed) / Math.max(1, loaded.loaded - empty.loaded) / 1024, 1);
}

/** How long the server is watched doing nothing, for its idle CPU. */
const IDLE_MS = 2_000;
/** How long the server rests after the last workload before its idle CPU is read. */
const IDLE_REST_MS = 5_000;

/** The server's CPU per second with no client connected (its timers, pollers, its database's). */
async function idleCpuPerSecond(server: Child, profileFile: string | null): Promise<number> {
  const before = await server.cpuMs();
  const start = performance.now();
  await server.profile(profileFile, () => sleep(IDLE_MS));
  const after = await server.cpuMs();
  return ((after - before) * 1000) / (performance.now() - start);
}

// --- Parent: the stored documents, the same for the three ------------------------------------

interface Prepared {
  workspaceDir: string;
  hocuspocusDir: string;
  statesFile: string;
  cookie: string;
  agreementDocs: string[];
  articleDocs: string[];
}

async function prepareData(articles: number, scratch: string): Promise<Prepared> {
  const { startTestServer } = await import('../../test/helpers/server.ts');
  const { seedDemo } = await import('../../test/helpers/seed.ts');
  const { articleModel } = await import('../../server/negotiations/article.model.ts');
  const { login } = await import('../../test/helpers/auth.ts');
  const workspaceDir = path.join(scratch, 'workspace');
  const seeded = await startTestServer({ DATA_DIR: workspaceDir });
  const ids = await seedDemo(seeded);
  const negotiationId = Object.values(ids.negotiations)[1];
  const connection = seeded.app.context.db.connection;
  await articleModel(connection).deleteMany({ negotiationId });
  const articleIds = Array.from({ length: articles }, (_, i) => `bench${String(i).padStart(4, '0')}`);
  await articleModel(connection).insertMany(
    articleIds.map((articleId, i) => ({
      negotiationId,
      articleId,
      number: String(i + 1),
      title: `Article de banc d’essai ${i + 1}`,
      titre: `Titre ${Math.floor(i / 30) + 1}`,
      chapitre: `Chapitre ${Math.floor(i / 10) + 1}`,
      order: i,
      status: 'open',
      kind: 'article',
      seedParagraphs: [
        `Les dispositions du présent article s’appliquent à l’ensemble des salariés relevant du champ d’application (${i + 1}).`,
        'L’employeur informe le comité social et économique « dans un délai raisonnable » des modalités retenues.',
        'Les heures effectuées au-delà de la durée prévue donnent lieu à une majoration de 25 % ou à un repos compensateur équivalent.',
      ],
    })),
  );
  await seeded.close();

  // Our server seeds each article's text on its first open and stores it: open them all
  // once, and read every document's state back, for the relay and Hocuspocus to start from.
  const agreementDocs = [`agreement:${negotiationId}`, ...articleIds.map((id) => `article:${id}`)];
  const ours = await Child.start('workspace', { DATA_DIR: workspaceDir });
  const cookie = await login({ url: `http://127.0.0.1:${ours.port}` }, 'negociateur@axess.demo');
  const primed = await connectAll('workspace', ours.port, agreementDocs, cookie);
  const states: Record<string, string> = {};
  agreementDocs.forEach((name, i) => (states[name] = Buffer.from(Y.encodeStateAsUpdate(primed[i].doc)).toString('base64')));
  for (const c of primed) c.destroy();
  await sleep(1500);
  await ours.close();
  const statesFile = path.join(scratch, 'states.json');
  fs.writeFileSync(statesFile, JSON.stringify(states));

  const hocuspocusDir = path.join(scratch, 'hocuspocus');
  const { startEngine } = await import('@negociation/mongo-engine');
  const { MongoClient, Binary } = await import('mongodb');
  const engine = await startEngine({ dir: path.join(hocuspocusDir, 'db'), port: 0 });
  const client = await MongoClient.connect(engine.uri);
  await client
    .db(HOCUSPOCUS_DATABASE)
    .collection(HOCUSPOCUS_COLLECTION)
    .insertMany(Object.entries(states).map(([name, state]) => ({ _id: name as never, state: new Binary(Buffer.from(state, 'base64')) })));
  await client.close();
  await engine.close();
  return { workspaceDir, hocuspocusDir, statesFile, cookie, agreementDocs, articleDocs: articleIds.map((id) => `article:${id}`) };
}

// --- Parent: one round of one server ----------------------------------------------------------

interface ServerRound {
  coldMs: number;
  warmMs: number;
  /** The server's CPU per document opened (ms), cold and warm; the profiler's own cost included when COLLAB_BENCH_CPU_PROF is set. */
  coldCpuMsPerOpen: number;
  warmCpuMsPerOpen: number;
  loadedDocs: number;
  kbPerLoadedDoc: number;
  /** The same, the documents opened again once every one was let go: the code the first open compiled is out of it. */
  kbPerReloadedDoc: number;
  w1: Propagation;
  w2: Propagation;
  /** Server CPU over W1 and W2, per 1,000 updates. */
  cpuMsPer1000Updates: number;
  /** The server's CPU per second doing nothing (read 5 s after W2 has settled). */
  idleCpuMsPerSecond: number;
  /** The same, less what the server would have spent idle over those windows: the cost of the updates themselves. */
  updateCpuMsPer1000Updates: number;
  /** Ours only: MongoDB writes during W2. */
  storeWrites: { documentsPerArticlePerSecond: number; insertCallsPerSecond: number; compactions: number } | null;
}

async function runServer(kind: ServerKind, data: Prepared, roundNo: number, scratch: string, seconds: number, profileDir: string | null): Promise<ServerRound> {
  // Every round starts from the same stored documents.
  const dir = path.join(scratch, `${kind}-round${roundNo}`);
  if (kind === 'workspace') fs.cpSync(data.workspaceDir, dir, { recursive: true });
  if (kind === 'hocuspocus') fs.cpSync(data.hocuspocusDir, dir, { recursive: true });
  const profileFile = (workload: string) => (profileDir ? path.join(profileDir, `${kind}-r${roundNo}-${workload}.cpuprofile`) : null);
  const server = await Child.start(kind, { DATA_DIR: dir, STATES_FILE: data.statesFile });
  try {
    const baseline = await server.stats();
    // Cold and warm are profiled apart, and the server's CPU is read around each: with the
    // machine shared, the CPU per open says more than the wall-clock time.
    const open = async (workload: string) => {
      const cpu = await server.cpuMs();
      return server.profile(profileFile(workload), async () => {
        const start = performance.now();
        const clients = await connectAll(kind, server.port, data.agreementDocs, data.cookie);
        return { clients, ms: performance.now() - start, cpuMs: (await server.cpuMs()) - cpu };
      });
    };
    const { clients: cold, ms: coldMs, cpuMs: coldCpuMs } = await open('open-cold');
    // Every document loaded, one client each.
    const loaded = await server.stats();
    const { clients: warm, ms: warmMs, cpuMs: warmCpuMs } = await open('open-warm');
    for (const c of [...warm, ...cold]) c.destroy();
    await sleep(SETTLE_MS);

    const w1 = await propagation(server, data.articleDocs.slice(0, 1), 10, 200, seconds, data.cookie, profileFile('w1'));
    const before = await server.stats();
    const w2 = await propagation(server, data.articleDocs.slice(100, 200), 2, 2000, seconds, data.cookie, profileFile('w2'));
    const after = await server.stats();
    // Read after a rest: right after a workload the server is still finishing it (unload
    // compactions, the collector's helper threads), which is the workload's cost, not idling.
    await sleep(IDLE_REST_MS);
    const idle = await idleCpuPerSecond(server, profileFile('idle'));
    const reloaded = await heapPerReloadedDoc(server, kind, data);
    const window = w2.updates / 2000 + SETTLE_MS / 1000;
    const storeWrites =
      before.store && after.store
        ? {
            documentsPerArticlePerSecond: round((after.store.records - before.store.records + after.store.compactions - before.store.compactions) / 100 / window),
            insertCallsPerSecond: round((after.store.flushes - before.store.flushes) / window),
            compactions: after.store.compactions - before.store.compactions,
          }
        : null;
    return {
      coldMs: round(coldMs, 0),
      warmMs: round(warmMs, 0),
      coldCpuMsPerOpen: round(coldCpuMs / data.agreementDocs.length),
      warmCpuMsPerOpen: round(warmCpuMs / data.agreementDocs.length),
      loadedDocs: loaded.loaded,
      kbPerLoadedDoc: round((loaded.heapUsed - baseline.heapUsed) / Math.max(1, loaded.loaded) / 1024, 1),
      kbPerReloadedDoc: reloaded,
      w1,
      w2,
      cpuMsPer1000Updates: round(((w1.cpuMs + w2.cpuMs) * 1000) / (w1.updates + w2.updates)),
      idleCpuMsPerSecond: round(idle, 1),
      updateCpuMsPer1000Updates: round(((w1.cpuMs + w2.cpuMs - (idle * (w1.windowMs + w2.windowMs)) / 1000) * 1000) / (w1.updates + w2.updates)),
      storeWrites,
    };
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// --- Parent: the run ---------------------------------------------------------------------------

/** The figures compared, lower is better for all; how to read each from a round. */
const METRICS: Record<string, (r: ServerRound) => number> = {
  'W1 p50 ms': (r) => r.w1.p50,
  'W1 p99 ms': (r) => r.w1.p99,
  'W2 p50 ms': (r) => r.w2.p50,
  'W2 p99 ms': (r) => r.w2.p99,
  'W1 loop max ms': (r) => r.w1.loop.maxMs,
  'W2 loop max ms': (r) => r.w2.loop.maxMs,
  'W2 blocks ≥10 ms': (r) => r.w2.loop.over10ms,
  'W3 open cold ms': (r) => r.coldMs,
  'W3 open warm ms': (r) => r.warmMs,
  'W3 CPU/cold open': (r) => r.coldCpuMsPerOpen,
  'W3 CPU/warm open': (r) => r.warmCpuMsPerOpen,
  'W4 heap KB/doc': (r) => r.kbPerLoadedDoc,
  'W4 heap, reloaded': (r) => r.kbPerReloadedDoc,
  'CPU ms/1,000 upd': (r) => r.cpuMsPer1000Updates,
  'idle CPU ms/s': (r) => r.idleCpuMsPerSecond,
  'CPU less idle': (r) => r.updateCpuMsPer1000Updates,
};

/** Issue 19's targets: level with or ahead of Hocuspocus, close to the relay, durability kept. */
const TARGETS: { metric: string; other: Exclude<ServerKind, 'workspace'>; atMost: number }[] = [
  { metric: 'W1 p99 ms', other: 'hocuspocus', atMost: 1 },
  { metric: 'W1 p99 ms', other: 'relay', atMost: 1.3 },
  { metric: 'W2 p99 ms', other: 'hocuspocus', atMost: 1 },
  { metric: 'W2 p99 ms', other: 'relay', atMost: 1.3 },
  { metric: 'CPU ms/1,000 upd', other: 'hocuspocus', atMost: 1 },
  { metric: 'CPU less idle', other: 'hocuspocus', atMost: 1 },
  { metric: 'W3 open cold ms', other: 'hocuspocus', atMost: 1 },
  { metric: 'W3 open warm ms', other: 'hocuspocus', atMost: 1 },
  { metric: 'W4 heap KB/doc', other: 'hocuspocus', atMost: 1 },
  { metric: 'W4 heap, reloaded', other: 'hocuspocus', atMost: 1 },
];

export async function run(): Promise<Record<string, unknown>> {
  const seconds = Number(process.env.COLLAB_BENCH_SECONDS ?? process.env.BENCH_SECONDS ?? 5);
  const rounds = Math.max(1, Number(process.env.COLLAB_BENCH_ROUNDS ?? 3));
  // COLLAB_BENCH_SERVERS=workspace,hocuspocus: some of the servers only (no ratios to the others).
  const only = process.env.COLLAB_BENCH_SERVERS?.split(',');
  const profileDir = process.env.COLLAB_BENCH_CPU_PROF ? path.resolve(process.env.COLLAB_BENCH_CPU_PROF) : null;
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-bench-collab-'));
  // Each y-websocket provider listens for the process's exit: hundreds of them are expected here.
  process.setMaxListeners(0);
  const out = (text: string) => process.stdout.write(text);
  try {
    const data = await prepareData(300, scratch);
    out(`${data.agreementDocs.length} documents; W1/W2 ${seconds} s measured after ${WARMUP_SECONDS} s; ${rounds} rounds, servers in rotating order\n`);
    const byServer: Record<ServerKind, ServerRound[]> = { workspace: [], relay: [], hocuspocus: [] };
    for (let n = 1; n <= rounds; n++) {
      const order = SERVERS.map((_, i) => SERVERS[(i + n - 1) % SERVERS.length]);
      for (const kind of order) {
        if (only && !only.includes(kind)) continue;
        const r = await runServer(kind, data, n, scratch, seconds, profileDir);
        byServer[kind].push(r);
        const missing = (w: Propagation) => (w.deliveries < w.expectedDeliveries ? ` (${w.expectedDeliveries - w.deliveries} of ${w.expectedDeliveries} never arrived)` : '');
        out(
          `round ${n} ${LABELS[kind].padEnd(10)} W1 p50/p99 ${r.w1.p50}/${r.w1.p99} ms${missing(r.w1)}  W2 ${r.w2.p50}/${r.w2.p99} ms${missing(r.w2)}  loop max W1 ${r.w1.loop.maxMs} W2 ${r.w2.loop.maxMs} ms (W2 blocks ≥ 10/20 ms: ${r.w2.loop.over10ms}/${r.w2.loop.over20ms})  open cold ${r.coldMs} warm ${r.warmMs} ms (CPU ${r.coldCpuMsPerOpen}/${r.warmCpuMsPerOpen} ms per open)  ` +
            `heap ${r.kbPerLoadedDoc} KB/doc (${r.loadedDocs} loaded; ${r.kbPerReloadedDoc} reloaded)  CPU ${r.cpuMsPer1000Updates} ms/1,000 updates (W1 ${r.w1.cpuMsPer1000Updates}, W2 ${r.w2.cpuMsPer1000Updates}; ` +
            `idle ${r.idleCpuMsPerSecond} ms/s, less idle ${r.updateCpuMsPer1000Updates})  load ${os.loadavg()[0].toFixed(1)}\n`,
        );
      }
    }

    // Medians per server, and per-round ratios of ours to each of the others, their median.
    const medians = Object.fromEntries(SERVERS.map((kind) => [kind, Object.fromEntries(Object.entries(METRICS).map(([name, read]) => [name, round(median(byServer[kind].map(read)))]))]));
    const ratio = (other: ServerKind) =>
      Object.fromEntries(Object.entries(METRICS).map(([name, read]) => [name, round(median(byServer.workspace.map((r, i) => (byServer[other][i] ? read(r) / read(byServer[other][i]) : NaN))))]));
    const ratios = { toRelay: ratio('relay'), toHocuspocus: ratio('hocuspocus') };
    out(`\nmedians of ${rounds} rounds; ratios: ours ÷ the other, median of the rounds' ratios (lower is better)\n`);
    out(`${''.padEnd(18)}${'ours'.padStart(10)}${'relay'.padStart(10)}${'Hocuspocus'.padStart(12)}${'÷ relay'.padStart(10)}${'÷ Hocuspocus'.padStart(14)}\n`);
    for (const name of Object.keys(METRICS)) {
      out(
        `${name.padEnd(18)}${String(medians.workspace[name]).padStart(10)}${String(medians.relay[name]).padStart(10)}${String(medians.hocuspocus[name]).padStart(12)}` +
          `${`${ratios.toRelay[name]}×`.padStart(10)}${`${ratios.toHocuspocus[name]}×`.padStart(14)}\n`,
      );
    }
    const storeWrites = byServer.workspace.map((r) => r.storeWrites).filter((w) => w !== null);
    if (storeWrites.length > 0) out(`ours, MongoDB writes during W2 (median round): ${JSON.stringify(storeWrites[Math.floor(storeWrites.length / 2)])}\n`);
    out(`\nnot the same for the three:\n${FAIRNESS.map((f) => `- ${f}\n`).join('')}`);

    let profiles: Record<string, ProfileSummary> | null = null;
    if (profileDir) {
      profiles = {};
      for (const [workload, title] of [['w2', 'under W2'], ['open-warm', 'opening the 301 documents warm'], ['idle', 'idle, no client']] as const) for (const kind of SERVERS) {
        const file = path.join(profileDir, `${kind}-r${Math.ceil(rounds / 2)}-${workload}.cpuprofile`);
        if (!fs.existsSync(file)) continue;
        const summary = summariseProfile(JSON.parse(fs.readFileSync(file, 'utf8')));
        profiles[`${kind} ${workload}`] = summary;
        out(`\n${LABELS[kind]} ${title} (${path.basename(file)}): ${summary.busyMs} ms busy of ${summary.totalMs} ms\n`);
        for (const area of summary.areas.slice(0, 10)) out(`  ${String(area.percent).padStart(5)} %  ${area.name}\n`);
        out('  heaviest functions (self time):\n');
        for (const fn of summary.functions.slice(0, 12)) out(`  ${String(fn.percent).padStart(5)} %  ${fn.name}\n`);
        out('  our functions, with what they call:\n');
        for (const fn of summary.inclusive.slice(0, 12)) out(`  ${String(fn.percent).padStart(5)} %  ${fn.name}\n`);
      }
    }
    out('\ntargets (ours ÷ the other, median ratio):\n');
    const verdicts = TARGETS.map(({ metric, other, atMost }) => {
      const value = ratios[other === 'relay' ? 'toRelay' : 'toHocuspocus'][metric];
      const met = value <= atMost;
      out(`  ${metric} ≤ ${atMost}× ${LABELS[other]}: ${value}× → ${met ? 'met' : 'NOT met'}\n`);
      return { metric, other, atMost, value, met };
    });
    return { documents: data.agreementDocs.length, seconds, rounds, perRound: byServer, medians, ratios, targets: verdicts, fairness: FAIRNESS, profiles };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
