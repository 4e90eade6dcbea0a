// Live text benchmark: our Yjs endpoint (auth, rights, MongoDB persistence) against a bare
// y-websocket-protocol relay built here from y-protocols (no auth, no persistence), with the
// same stock y-websocket clients. Each server runs in a child process (this file, with
// COLLAB_BENCH_CHILD set), so that its heap and its event loop are its own.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { forkServer, freePort, round, stopServer } from './children.ts';

const SELF = fileURLToPath(import.meta.url);

// --- Child: the bare relay ---------------------------------------------------------------

/** y-websocket's reference server logic, reduced to the protocol: one Y.Doc per room, no checks. */
async function runRelay(port: number): Promise<void> {
  const rooms = new Map<string, { doc: Y.Doc; awareness: awarenessProtocol.Awareness; conns: Set<WsSocket> }>();
  const room = (name: string) => {
    let r = rooms.get(name);
    if (!r) {
      const doc = new Y.Doc({ gc: false });
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
      const r = room(decodeURIComponent((req.url ?? '').slice('/yjs/'.length)));
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
      ws.on('close', () => r.conns.delete(ws));
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      syncProtocol.writeSyncStep1(e, r.doc);
      ws.send(encoding.toUint8Array(e));
    });
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  process.on('message', (msg: { cmd: string }) => {
    if (msg.cmd === 'stats') {
      globalThis.gc?.();
      process.send?.({ heapUsed: process.memoryUsage().heapUsed, loaded: rooms.size, stats: null });
    }
  });
  process.send?.({ ready: true });
}

// --- Child: our workspace ------------------------------------------------------------------

async function runWorkspace(port: number, dataDir: string): Promise<void> {
  const { startServer } = await import('../../server/main.ts');
  const { collabOf } = await import('../../server/collab/collab.capability.ts');
  const server = await startServer({ ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const { store } = collabOf(server.app.context);
  process.on('message', async (msg: { cmd: string }) => {
    if (msg.cmd === 'stats') {
      globalThis.gc?.();
      process.send?.({ heapUsed: process.memoryUsage().heapUsed, loaded: store.loadedCount, stats: { ...store.stats } });
    } else if (msg.cmd === 'close') {
      await server.close();
      process.send?.({ closed: true });
      process.exit(0);
    }
  });
  process.send?.({ ready: true });
}

if (process.env.COLLAB_BENCH_CHILD === 'relay') await runRelay(Number(process.env.PORT));
if (process.env.COLLAB_BENCH_CHILD === 'workspace') await runWorkspace(Number(process.env.PORT), String(process.env.DATA_DIR));

// --- Parent: clients and measurements ---------------------------------------------------------

interface Stats {
  heapUsed: number;
  loaded: number;
  stats: { flushes: number; records: number; compactions: number } | null;
}

class Child {
  readonly process: ChildProcess;
  readonly url: string;

  private constructor(
    process: ChildProcess,
    url: string,
  ) {
    this.process = process;
    this.url = url;
  }

  static async start(kind: 'relay' | 'workspace', port: number, dataDir = ''): Promise<Child> {
    const child = await forkServer(
      SELF,
      kind,
      { COLLAB_BENCH_CHILD: kind, PORT: String(port), DATA_DIR: dataDir },
      // COLLAB_BENCH_CPU_PROF=<dir>: a CPU profile of each child, for `node --cpu-prof` analysis.
      { execArgv: ['--expose-gc'], cpuProfDir: process.env.COLLAB_BENCH_CPU_PROF },
    );
    return new Child(child, `http://127.0.0.1:${port}`);
  }

  ask(cmd: 'stats'): Promise<Stats> {
    return new Promise((resolve) => {
      const on = (m: Stats & { ready?: boolean }) => {
        if ('heapUsed' in m) {
          this.process.off('message', on);
          resolve(m);
        }
      };
      this.process.on('message', on);
      this.process.send({ cmd });
    });
  }

  close(): Promise<void> {
    return stopServer(this.process);
  }

  kill(): void {
    this.process.kill('SIGKILL');
  }
}

const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openClients(url: string, docNames: string[], cookie?: string) {
  const { connectClient, synced } = await import('../../test/integration/yjs-helpers.ts');
  const clients = docNames.map((name) => connectClient(url, name, cookie));
  await Promise.all(clients.map((c) => synced(c, 60_000)));
  return clients;
}

/**
 * Writers put `<writer>:<n>` → send time into a map of the article document; every other
 * client on that document records the delay until the entry arrives.
 */
async function propagation(url: string, docs: string[], clientsPerDoc: number, updatesPerSecond: number, seconds: number, cookie?: string) {
  const names = docs.flatMap((d) => Array.from({ length: clientsPerDoc }, () => d));
  const clients = await openClients(url, names, cookie);
  const latencies: number[] = [];
  let measuring = false;
  for (const c of clients) {
    c.doc.getMap<number>('bench').observe((event) => {
      if (event.transaction.local || !measuring) return;
      const now = performance.now();
      for (const key of event.keysChanged) latencies.push(now - (event.target.get(key) as number));
    });
  }
  // Every client writes: the load is spread across the documents' clients.
  const perClient = updatesPerSecond / clients.length;
  const timers: NodeJS.Timeout[] = [];
  const counters = new Map<number, number>();
  const writersPerTick = Math.max(1, Math.round((perClient * clients.length) / 100));
  let next = 0;
  // A 10 ms tick sends updatesPerSecond/100 updates, round-robin over the clients.
  timers.push(
    setInterval(() => {
      for (let i = 0; i < writersPerTick; i++) {
        const index = next++ % clients.length;
        const c = clients[index];
        const n = (counters.get(index) ?? 0) + 1;
        counters.set(index, n);
        c.doc.getMap<number>('bench').set(`${c.doc.clientID}:${n}`, performance.now());
      }
    }, 10),
  );
  await sleep(1000);
  measuring = true;
  const statsStart = performance.now();
  await sleep(seconds * 1000);
  measuring = false;
  const elapsed = (performance.now() - statsStart) / 1000;
  for (const t of timers) clearInterval(t);
  await sleep(300);
  for (const c of clients) c.destroy();
  return { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), samples: latencies.length, elapsed };
}

async function prepareData(articles: number): Promise<{ dataDir: string; cookie: string; negotiationId: string; articleIds: string[]; port: number }> {
  const { startTestServer } = await import('../../test/helpers/server.ts');
  const { seedDemo } = await import('../../test/helpers/seed.ts');
  const { articleModel } = await import('../../server/negotiations/article.model.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-bench-'));
  const seeded = await startTestServer({ DATA_DIR: dataDir });
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
  const port = await freePort();
  const { login } = await import('../../test/helpers/auth.ts');
  const child = await Child.start('workspace', port, dataDir);
  const cookie = await login({ url: child.url }, 'negociateur@axess.demo');
  await child.close();
  return { dataDir, cookie, negotiationId, articleIds, port };
}

export async function run(): Promise<Record<string, unknown>> {
  const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
  const data = await prepareData(300);
  const allDocs = [`agreement:${data.negotiationId}`, ...data.articleIds.map((id) => `article:${id}`)];
  const results: Record<string, unknown> = { seconds: SECONDS };
  const log = (label: string, value: unknown) => process.stdout.write(`${label}: ${JSON.stringify(value)}\n`);

  // Prime: every article seeded once and stored, so that "cold" reads stored states.
  let ours = await Child.start('workspace', data.port, data.dataDir);
  const primed = await openClients(ours.url, allDocs, data.cookie);
  for (const c of primed) c.destroy();
  await sleep(1500);
  await ours.close();

  // Open a 300-article agreement: cold (fresh process, nothing in memory), then warm (loaded).
  ours = await Child.start('workspace', data.port, data.dataDir);
  const baseline = await ours.ask('stats');
  let start = performance.now();
  const first = await openClients(ours.url, allDocs, data.cookie);
  const coldMs = performance.now() - start;
  start = performance.now();
  const second = await openClients(ours.url, allDocs, data.cookie);
  const warmMs = performance.now() - start;
  for (const c of second) c.destroy();
  await sleep(300);
  const loaded = await ours.ask('stats');
  const heapPerArticle = (loaded.heapUsed - baseline.heapUsed) / loaded.loaded;
  for (const c of first) c.destroy();
  results.open300 = { coldMs: round(coldMs, 0), warmMs: round(warmMs, 0), targets: { coldMs: 1200, warmMs: 500 } };
  results.heap = { loadedDocs: loaded.loaded, bytesPerLoadedArticle: round(heapPerArticle, 0), kbPerLoadedArticle: round(heapPerArticle / 1024, 1), targetKb: 150 };
  log('open 300 articles', results.open300);
  log('heap', results.heap);
  await sleep(1500);

  // Propagation, one article, 10 clients, 200 updates/s.
  const oneDoc = [`article:${data.articleIds[0]}`];
  const oursOne = await propagation(ours.url, oneDoc, 10, 200, SECONDS, data.cookie);
  // Propagation, 100 articles, 2 clients each, 2,000 updates/s; MongoDB writes counted meanwhile.
  const hundred = data.articleIds.slice(100, 200).map((id) => `article:${id}`);
  const before = await ours.ask('stats');
  const oursMany = await propagation(ours.url, hundred, 2, 2000, SECONDS, data.cookie);
  const after = await ours.ask('stats');
  await ours.close();
  const windowSeconds = SECONDS + 1.3; // the warm-up second and the drain are written too
  const records = (after.stats?.records ?? 0) - (before.stats?.records ?? 0);
  const flushes = (after.stats?.flushes ?? 0) - (before.stats?.flushes ?? 0);
  const compactions = (after.stats?.compactions ?? 0) - (before.stats?.compactions ?? 0);
  results.mongoWrites = {
    documentsWrittenPerArticlePerSecond: round((records + compactions) / hundred.length / windowSeconds),
    insertCallsPerSecond: round(flushes / windowSeconds),
    compactions,
    target: 10,
  };
  log('mongo writes', results.mongoWrites);

  const relayPort = await freePort();
  const relay = await Child.start('relay', relayPort);
  start = performance.now();
  const relayOpen = await openClients(relay.url, allDocs);
  (results.open300 as Record<string, unknown>).relayMs = round(performance.now() - start, 0);
  for (const c of relayOpen) c.destroy();
  const relayOne = await propagation(relay.url, oneDoc, 10, 200, SECONDS);
  const relayMany = await propagation(relay.url, hundred, 2, 2000, SECONDS);
  relay.kill();

  results.propagation = {
    oneArticle10Clients200PerSecond: { ours: oursOne, relay: relayOne, ratioP99: round(oursOne.p99 / relayOne.p99), targetP99Ms: 15 },
    hundredArticles2000PerSecond: { ours: oursMany, relay: relayMany, ratioP99: round(oursMany.p99 / relayMany.p99), targetP99Ms: 40 },
    targetRatio: 1.5,
  };
  log('propagation', results.propagation);
  log('open 300 articles (with the relay for reference)', results.open300);
  fs.rmSync(data.dataDir, { recursive: true, force: true });
  return results;
}
