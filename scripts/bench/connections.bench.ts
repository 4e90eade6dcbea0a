// Connection cost benchmark: what an idle connection costs the server, and how fast a crowd
// joins one negotiation.
// - 1,000 Socket.IO clients (each its own session) connect to the workspace; the server's
//   memory is read before and after (in the server child, after two full collections): the
//   difference per client is the cost of an idle connection (target ≤ 50 KB). Then they all
//   send `negotiation:join` at the same instant, from the start of the log, and each one
//   follows the pages (`more`) until caught up: the time until the last is caught up is the
//   1,000-join time (target ≤ 5 s). Their memory once joined is printed too.
// - 300 stock y-websocket providers open one article, each with a presence (what the editor
//   sets); the first opens the document, and the memory the 300 others add, per connection,
//   is the cost of an idle Yjs connection beyond the document (target ≤ 100 KB).
// The workspace runs in a child process (this file, with CONNECTIONS_BENCH_CHILD set), with
// the flags of `npm start` and --expose-gc; the clients run here.
// CONNECTIONS_BENCH_SOCKETS / _YJS: other crowd sizes; CONNECTIONS_BENCH_CPU_PROF=DIR writes CPU
// profiles of the server during the joins and the storm (DIR/join.cpuprofile, storm.cpuprofile).
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { io as connectIo, type Socket } from 'socket.io-client';
import { forkServer, freePort, round, stopServer } from './children.ts';

const SELF = fileURLToPath(import.meta.url);
const SOCKETS = Number(process.env.CONNECTIONS_BENCH_SOCKETS ?? 1000);
const YJS_CONNECTIONS = Number(process.env.CONNECTIONS_BENCH_YJS ?? 300);
const TARGET = { socketIoBytes: 50 * 1024, yjsBytes: 100 * 1024, joinMs: 5_000 };

interface Memory {
  rss: number;
  /** The highest RSS the server has had so far. */
  maxRss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

// --- Child: the workspace ------------------------------------------------------------------

async function runWorkspace(port: number, dataDir: string): Promise<void> {
  const { startServer } = await import('../../server/main.ts');
  const server = await startServer({ ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const gc = (globalThis as { gc?: () => void }).gc;
  const { Session } = await import('node:inspector/promises');
  const profiler = new Session();
  process.on('message', async (msg: { cmd: string; file?: string }) => {
    if (msg.cmd === 'profile:start') {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      process.send?.({ profiling: true });
    } else if (msg.cmd === 'profile:stop' && msg.file) {
      const { profile } = await profiler.post('Profiler.stop');
      fs.writeFileSync(msg.file, JSON.stringify(profile));
      profiler.disconnect();
      process.send?.({ profiling: false });
    } else if (msg.cmd === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMs: (user + system) / 1000 });
    } else if (msg.cmd === 'memory') {
      // Garbage of the last steps (handshakes, catch-ups) is not what an idle connection holds.
      for (let i = 0; i < 3; i++) {
        gc?.();
        await new Promise((r) => setTimeout(r, 50));
      }
      const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
      process.send?.({ memory: { rss, maxRss: process.resourceUsage().maxRSS * 1024, heapUsed, external, arrayBuffers } });
    } else if (msg.cmd === 'close') {
      await server.close();
      process.exit(0);
    }
  });
  process.send?.({ ready: true });
}

if (process.env.CONNECTIONS_BENCH_CHILD === 'workspace') await runWorkspace(Number(process.env.PORT), String(process.env.DATA_DIR));

// --- Parent: clients and measurements ------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kb = (bytes: number) => round(bytes / 1024, 1);

/** Sends the child a command and resolves with the field `key` of its answer. */
type Answer<K> = K extends 'memory' ? Memory : K extends 'cpuMs' ? number : boolean;
function ask<K extends 'memory' | 'profiling' | 'cpuMs'>(child: ChildProcess, message: { cmd: string; file?: string }, key: K): Promise<Answer<K>> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (!(key in m)) return;
      child.off('message', on);
      resolve(m[key] as Answer<K>);
    };
    child.on('message', on);
    child.send(message);
  });
}

const memoryOf = (child: ChildProcess) => ask(child, { cmd: 'memory' }, 'memory');
/** The server's CPU time so far: on this shared machine, steadier than the wall clock. */
const cpuOf = (child: ChildProcess) => ask(child, { cmd: 'cpu' }, 'cpuMs');

/** What `after` holds more than `before`, per connection: the JS heap plus the buffers outside it, and the RSS. */
function perConnection(before: Memory, after: Memory, count: number) {
  return {
    heapAndBuffersBytes: Math.round((after.heapUsed + after.external - before.heapUsed - before.external) / count),
    heapBytes: Math.round((after.heapUsed - before.heapUsed) / count),
    rssBytes: Math.round((after.rss - before.rss) / count),
  };
}

/** The demo, and one session per Socket.IO client (sessions made in the database: signing in 1,000 times is argon2's business, not this benchmark's). */
async function prepareData(sockets: number) {
  const { startTestServer } = await import('../../test/helpers/server.ts');
  const { seedDemo } = await import('../../test/helpers/seed.ts');
  const { createSession, SESSION_COOKIE } = await import('../../server/auth/session.service.ts');
  const { articleModel } = await import('../../server/negotiations/article.model.ts');
  const { eventModel } = await import('../../server/events/event.model.ts');
  const { membershipModel } = await import('../../server/negotiations/membership.model.ts');
  const { userModel } = await import('../../server/auth/user.model.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-bench-'));
  const seeded = await startTestServer({ DATA_DIR: dataDir });
  const ids = await seedDemo(seeded);
  const negotiationId = ids.negotiations.tempsDeTravail;
  const connection = seeded.app.context.db.connection;
  const members = await membershipModel(connection).find({ negotiationId }).lean();
  const cookies: string[] = [];
  for (let i = 0; i < sockets; i++) {
    const token = await createSession(connection, members[i % members.length].userId);
    cookies.push(`${SESSION_COOKIE}=${token}`);
  }
  const penHolder = await userModel(connection).findOne({ email: 'negociateur@axess.demo' }).lean();
  const penCookie = `${SESSION_COOKIE}=${await createSession(connection, String(penHolder?._id))}`;
  const article = await articleModel(connection).findOne({ negotiationId }).sort({ order: 1 }).lean();
  const events = await eventModel(connection).countDocuments({ negotiationId });
  await seeded.close();
  return { dataDir, negotiationId, articleId: String(article?.articleId), cookies, penCookie, events };
}

function connectSocket(url: string, cookie: string): Promise<Socket> {
  const socket = connectIo(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Opens the sockets a batch at a time (a connection storm is not what is measured here). */
async function connectAll(url: string, cookies: string[]): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < cookies.length; i += 100) {
    sockets.push(...(await Promise.all(cookies.slice(i, i + 100).map((cookie) => connectSocket(url, cookie)))));
  }
  return sockets;
}

interface JoinAck {
  ok: boolean;
  data?: { lastSeq: number; more: boolean; events: unknown[] };
  error?: { code: string };
}

/** Every socket joins at once from seq 0 and follows the pages; when each got its first answer and when it was caught up. */
async function joinAll(sockets: Socket[], negotiationId: string) {
  const firstAck: number[] = [];
  const caughtUp: number[] = [];
  let pages = 0;
  let events = 0;
  const start = performance.now();
  await Promise.all(
    sockets.map(async (socket) => {
      let sinceSeq = 0;
      for (let page = 0; ; page++) {
        const ack = (await socket.timeout(60_000).emitWithAck('negotiation:join', { negotiationId, sinceSeq })) as JoinAck;
        if (!ack.ok || !ack.data) throw new Error(`join refused: ${ack.error?.code}`);
        if (page === 0) firstAck.push(performance.now() - start);
        pages++;
        events += ack.data.events.length;
        sinceSeq = ack.data.lastSeq;
        if (!ack.data.more) break;
      }
      caughtUp.push(performance.now() - start);
    }),
  );
  firstAck.sort((a, b) => a - b);
  caughtUp.sort((a, b) => a - b);
  const at = (values: number[], p: number) => round(values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))], 0);
  return { allJoinedMs: at(caughtUp, 100), firstAckP50Ms: at(firstAck, 50), caughtUpP50Ms: at(caughtUp, 50), pagesPerSocket: round(pages / sockets.length, 1), eventsPerSocket: round(events / sockets.length, 1) };
}

async function socketIo(child: ChildProcess, url: string, data: Awaited<ReturnType<typeof prepareData>>) {
  const before = await memoryOf(child);
  const sockets = await connectAll(url, data.cookies);
  await sleep(1000);
  const connected = await memoryOf(child);
  const profileDir = process.env.CONNECTIONS_BENCH_CPU_PROF;
  if (profileDir) await ask(child, { cmd: 'profile:start' }, 'profiling');
  const cpuBefore = await cpuOf(child);
  const join = { ...(await joinAll(sockets, data.negotiationId)), serverCpuMs: 0 };
  join.serverCpuMs = round((await cpuOf(child)) - cpuBefore, 0);
  if (profileDir) await ask(child, { cmd: 'profile:stop', file: path.resolve(profileDir, 'join.cpuprofile') }, 'profiling');
  await sleep(1000);
  const joined = await memoryOf(child);
  for (const socket of sockets) socket.close();
  await sleep(1000);
  // The storm: a server restart, and every client connects and joins at once.
  if (profileDir) await ask(child, { cmd: 'profile:start' }, 'profiling');
  const stormCpu = await cpuOf(child);
  const stormStart = performance.now();
  const stormSockets = await Promise.all(data.cookies.map((cookie) => connectSocket(url, cookie)));
  const connectedAllMs = round(performance.now() - stormStart, 0);
  const storm = await joinAll(stormSockets, data.negotiationId);
  const stormMs = round(performance.now() - stormStart, 0);
  const stormServerCpuMs = round((await cpuOf(child)) - stormCpu, 0);
  if (profileDir) await ask(child, { cmd: 'profile:stop', file: path.resolve(profileDir, 'storm.cpuprofile') }, 'profiling');
  for (const socket of stormSockets) socket.close();
  await sleep(1000);
  return {
    sockets: sockets.length,
    idle: perConnection(before, connected, sockets.length),
    idleJoined: perConnection(before, joined, sockets.length),
    join,
    storm: { connectedAllMs, allJoinedMs: stormMs, serverCpuMs: stormServerCpuMs, join: storm },
  };
}

async function yjs(child: ChildProcess, url: string, data: Awaited<ReturnType<typeof prepareData>>) {
  const { connectClient, synced, waitFor } = await import('../../test/integration/yjs-helpers.ts');
  // Each provider listens for the process's exit: hundreds of them are expected here.
  process.setMaxListeners(YJS_CONNECTIONS + 10);
  const docName = `article:${data.articleId}`;
  const open = (i: number) => {
    const client = connectClient(url, docName, data.penCookie);
    client.provider.awareness.setLocalStateField('user', { name: `Lecteur ${i}`, org: 'AXESS', color: '#1d4e89' });
    return client;
  };
  const first = open(0);
  await synced(first, 60_000);
  await sleep(500);
  const withDocument = await memoryOf(child);
  const clients = [];
  for (let i = 1; i <= YJS_CONNECTIONS; i += 50) {
    const batch = Array.from({ length: Math.min(50, YJS_CONNECTIONS + 1 - i) }, (_, j) => open(i + j));
    await Promise.all(batch.map((c) => synced(c, 60_000)));
    clients.push(...batch);
  }
  // Idle: every provider has everyone's presence, nothing is moving.
  await waitFor(() => first.provider.awareness.getStates().size >= YJS_CONNECTIONS + 1, 60_000, 'every presence');
  await sleep(1000);
  const idle = await memoryOf(child);
  for (const client of [first, ...clients]) client.destroy();
  await sleep(500);
  return { connections: clients.length, idle: perConnection(withDocument, idle, clients.length), peakRssBytes: idle.maxRss };
}

export async function run(): Promise<Record<string, unknown>> {
  const data = await prepareData(SOCKETS);
  const port = await freePort();
  const child = await forkServer(
    SELF,
    'workspace',
    { CONNECTIONS_BENCH_CHILD: 'workspace', PORT: String(port), DATA_DIR: data.dataDir },
    { execArgv: ['--expose-gc'] },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    const io = await socketIo(child, url, data);
    const y = await yjs(child, url, data);
    const results = {
      machine: { cpus: os.cpus().length, node: process.version },
      negotiationEvents: data.events,
      socketIo: io,
      yjs: y,
      ratios: {
        socketIoIdleVsTarget: round(io.idle.heapAndBuffersBytes / TARGET.socketIoBytes),
        yjsIdleVsTarget: round(y.idle.heapAndBuffersBytes / TARGET.yjsBytes),
        joinVsTarget: round(io.join.allJoinedMs / TARGET.joinMs),
      },
    };
    process.stdout.write(
      [
        `Socket.IO, ${io.sockets} idle clients: ${kb(io.idle.heapAndBuffersBytes)} KB each (heap ${kb(io.idle.heapBytes)} KB, RSS ${kb(io.idle.rssBytes)} KB); target ≤ ${kb(TARGET.socketIoBytes)} KB → ×${results.ratios.socketIoIdleVsTarget}`,
        `  once joined: ${kb(io.idleJoined.heapAndBuffersBytes)} KB each (RSS ${kb(io.idleJoined.rssBytes)} KB)`,
        `${io.sockets} joins at once (${data.events} events in the log, ${io.join.pagesPerSocket} pages and ${io.join.eventsPerSocket} events per client): all caught up in ${io.join.allJoinedMs} ms, ${io.join.serverCpuMs} ms of server CPU (first answer p50 ${io.join.firstAckP50Ms} ms, caught up p50 ${io.join.caughtUpP50Ms} ms); target ≤ ${TARGET.joinMs} ms → ×${results.ratios.joinVsTarget}`,
        `${io.sockets} clients connecting and joining at once: all connected in ${io.storm.connectedAllMs} ms, all caught up in ${io.storm.allJoinedMs} ms, ${io.storm.serverCpuMs} ms of server CPU`,
        `Yjs, ${y.connections} idle connections on one article: ${kb(y.idle.heapAndBuffersBytes)} KB each beyond the document (heap ${kb(y.idle.heapBytes)} KB, RSS ${kb(y.idle.rssBytes)} KB); target ≤ ${kb(TARGET.yjsBytes)} KB → ×${results.ratios.yjsIdleVsTarget}; the server's peak RSS so far ${round(y.peakRssBytes / 1024 / 1024, 0)} MB`,
      ].join('\n') + '\n',
    );
    return results;
  } finally {
    await stopServer(child);
    fs.rmSync(data.dataDir, { recursive: true, force: true });
  }
}
