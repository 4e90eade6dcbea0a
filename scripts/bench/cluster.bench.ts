// Several processes against one: the same workloads on a cluster of 1 and of 3 workspace
// processes (`scripts/cluster/harness.ts`: the engine as a server, a local redis-server, the
// processes behind the round-robin proxy), clients spread evenly over the processes:
//   Y1  10 clients on one article, 200 updates/s in all: propagation p50/p99;
//   Y2  2 clients on each of 100 articles (on two different processes when there are several),
//       2,000 updates/s in all: propagation p50/p99;
//   Y2½ Y2 at half its rate (1,000 updates/s), not a target: the same path below the rate at
//       which three processes, Redis, the engine and the clients saturate a 2-core machine;
//   E1  50 sockets following one negotiation, 500 position:declare/s in all: command → event
//       p50/p99 over every socket that receives it;
//   F   3 processes only: 6 clients writing through the proxy, SIGKILL of one process: time until
//       every client holds every line written before the kill and one written by each after;
//       then every line is in storage (zero loss).
// The Y workloads run in the same way on Hocuspocus 4 with its Redis extension, 1 and 3
// processes on their own engine server and redis-server (`hocuspocus.ts`; its clients
// @hocuspocus/provider): what one → three processes costs the server users would pick instead
// (CLUSTER_BENCH_HOCUSPOCUS=0 leaves it out).
// Targets (issue 15): cross-process p99 ≤ single-process p99 + 5 ms for Yjs, ≤ 1.5× for events;
// failover ≤ 3 s; zero loss. Each workload first runs CLUSTER_BENCH_WARMUP_SECONDS (1) at its
// rate unmeasured: the processes are new, and their first second (the code of the path an
// update or a command takes compiled by V8, three processes at once on two cores, the Redis
// script loaded) is a start-up cost, not the steady path a delegate's keystroke takes on a
// process that has run for hours; its p50/p99 are printed apart (`warm-up`), not hidden.
// The clusters run side by side and take turns, workload by workload, for
// CLUSTER_BENCH_ROUNDS (2) rounds, the side that goes first alternating (see measureSides); each
// side's p50/p99 is over the samples of all its rounds, and each round's is printed too.
// CLUSTER_BENCH_SECONDS (5) measured seconds per workload and round,
// CLUSTER_BENCH_REST_SECONDS (20) at most waited before each for the machine's speed to come back,
// CLUSTER_BENCH_SCALE (1) multiplies every rate (below 1 on a crowded machine),
// CLUSTER_BENCH_ONLY (e.g. `e1,y2`; Y2½ is `y2half`) runs only those workloads, CLUSTER_BENCH_PROCESSES=1 (or 3) the
// one-process (three-process) run only, CLUSTER_BENCH_CPU_PROF=DIR
// writes a CPU profile of each workspace process (`node --cpu-prof`) into DIR.
// The processes reach the database through a relay that counts the commands (E1 prints the
// wire commands per position:declare, by name).
import fs from 'node:fs';
import os from 'node:os';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { Cluster } from '../cluster/harness.ts';
import { round } from './children.ts';
import { HOCUSPOCUS_COLLECTION } from './hocuspocus.ts';
import { countingRelay, type WireCounter } from '../cluster/wire-count.ts';

// y-websocket providers each listen for the process's exit: hundreds of them here.
process.setMaxListeners(0);

const SECONDS = Number(process.env.CLUSTER_BENCH_SECONDS ?? 5);
const SCALE = Number(process.env.CLUSTER_BENCH_SCALE ?? 1);
const WARMUP_SECONDS = Number(process.env.CLUSTER_BENCH_WARMUP_SECONDS ?? 1);
const NEGOTIATOR = 'negociateur@axess.demo';
const DELEGATES = ['delegue@cfdt.demo', 'delegue@cgt.demo', 'delegue@fo.demo', 'delegue@sud.demo', 'delegue@cftc.demo'];
const BENCH_ARTICLES = 100;
const ONLY = new Set((process.env.CLUSTER_BENCH_ONLY ?? 'y1,y2,y2half,e1,failover').split(',').map((w) => w.trim().toLowerCase()));
const CPU_PROF = process.env.CLUSTER_BENCH_CPU_PROF;
/** Hocuspocus's clusters run the Yjs workloads too, in the same run (CLUSTER_BENCH_HOCUSPOCUS=0: ours only). */
const WITH_HOCUSPOCUS = process.env.CLUSTER_BENCH_HOCUSPOCUS !== '0';

interface Seeded {
  negotiationId: string;
  oneArticle: string;
  articles: string[];
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); 0 where unknown. */
function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;

/**
 * What a workload cost, per 1,000 of its operations: CPU of the workspace processes, of
 * redis-server, of the database and of this bench process (its clients: on a machine of few
 * cores they compete with the servers) — steadier than latency on a shared machine — and the Redis
 * commands the processes sent, by name (`INFO commandstats`).
 */
async function meter(cluster: Cluster) {
  const redis = new Redis(cluster.redisUrl, { lazyConnect: true });
  await redis.connect();
  await redis.config('RESETSTAT');
  // `bench`: this process, the clients' side (their sockets and providers, and the relay that counts the database's commands).
  const benchMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const cpu = () => ({ workspace: cluster.processes.reduce((sum, p) => sum + cpuMs(p.child?.pid), 0), redis: cpuMs(cluster.redisPid), database: cpuMs(cluster.enginePid), bench: benchMs() });
  const start = cpu();
  return async (operations: number) => {
    const end = cpu();
    const stats = await redis.info('commandstats');
    const traffic = await redis.info('stats');
    await redis.quit();
    const bytes = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(traffic)?.[1] ?? NaN);
    const per = (n: number) => round((n * 1000) / Math.max(1, operations));
    const commands: Record<string, number> = {};
    for (const [, name, calls] of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (!['info', 'config'].includes(name)) commands[name] = round(Number(calls) / Math.max(1, operations));
    return {
      cpuMsPer1000: { workspace: per(end.workspace - start.workspace), redis: per(end.redis - start.redis), database: per(end.database - start.database), bench: per(end.bench - start.bench) },
      redisCommandsPerOperation: commands,
      // Both directions of every Redis connection (the processes' and this meter's own few).
      redisBytesPerOperation: { in: round(bytes('total_net_input_bytes') / Math.max(1, operations)), out: round(bytes('total_net_output_bytes') / Math.max(1, operations)) },
    };
  };
}

/**
 * With CLUSTER_BENCH_CPU_PROF, the monotonic clock (µs, the clock of a CPU profile's
 * `startTime` and sample times on Linux) when a workload's measurement begins and ends, for each
 * workspace process: `DIR/windows.json` (one `{ pid, workload, startUs, endUs }` a line), so
 * that a profile can be read over the measured seconds only, not the setup around them.
 */
function profileWindow(cluster: Cluster, workload: string) {
  const startUs = Number(process.hrtime.bigint() / 1000n);
  return {
    end() {
      if (!CPU_PROF) return;
      const endUs = Number(process.hrtime.bigint() / 1000n);
      const lines = cluster.processes.map((p) => JSON.stringify({ pid: p.child?.pid, processes: cluster.processes.length, workload, startUs, endUs }) + '\n');
      fs.appendFileSync(`${CPU_PROF}/windows.json`, lines.join(''));
    },
  };
}

/** Waits until every expected sample has arrived, or 15 s (what is still missing then is reported). */
async function arrived(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/**
 * After a Yjs workload, waits until its documents are done with the database: each is compacted
 * 5 s after its last update (on every process that had it open) and unloaded, and the next
 * workload measured meanwhile paid for it (E1 after Y2: 100 documents, 0.04–0.08 reads of
 * `yjs_states` per declare); Hocuspocus stores each document a second after its last client
 * left, and unloads it. Waits 6 s, then until no command on the side's Yjs collections for a
 * second (20 s at most).
 */
async function settled(side: Side): Promise<void> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep(6_000);
  const collections = side.server === 'hocuspocus' ? ` ${HOCUSPOCUS_COLLECTION}` : ' yjs_';
  const yjsCommands = () => Object.entries(side.wire.counts()).reduce((sum, [name, n]) => sum + (name.includes(collections) ? n : 0), 0);
  const deadline = Date.now() + 20_000;
  let seen = yjsCommands();
  let quietSince = Date.now();
  while (Date.now() - quietSince < 1_000 && Date.now() < deadline) {
    await sleep(100);
    const now = yjsCommands();
    if (now !== seen) [seen, quietSince] = [now, Date.now()];
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samples: number[], expected: number, warmup: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const warm = [...warmup].sort((a, b) => a - b);
  return { samples: sorted.length, expected, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), warmup: { samples: warm.length, p50: round(percentile(warm, 50)), p99: round(percentile(warm, 99)) } };
}

/**
 * Sends `rate` operations a second through `send` for WARMUP_SECONDS, then calls `measure` and
 * goes on for SECONDS; resolves with how many were sent in each part.
 */
async function paced(rate: number, send: (index: number, measured: boolean) => void, measure: () => Promise<void> | void): Promise<{ warmup: number; measured: number }> {
  const interval = 1000 / rate;
  let sent = 0;
  const run = (seconds: number, measured: boolean) =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const before = sent;
      const tick = () => {
        const due = before + Math.floor((performance.now() - started) / interval);
        while (sent < due) send(sent++, measured);
        if (performance.now() - started < seconds * 1000) setTimeout(tick, 2);
        else resolve();
      };
      tick();
    });
  if (WARMUP_SECONDS > 0) await run(WARMUP_SECONDS, false);
  const warmup = sent;
  await measure();
  await run(SECONDS, true);
  return { warmup, measured: sent - warmup };
}

async function login(url: string, email: string): Promise<string> {
  const { DEMO_PASSWORD } = await import('../../server/seed/demo-content.ts');
  const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('nego_sid='));
  if (response.status !== 200 || !cookie) throw new Error(`login as ${email} failed: ${response.status}`);
  return cookie;
}

async function seed(uri: string): Promise<Seeded> {
  const { hashPassword } = await import('../../server/auth/password.ts');
  const { DEMO_PASSWORD } = await import('../../server/seed/demo-content.ts');
  const { seedDemo } = await import('../../server/seed/seed.ts');
  const { articleModel } = await import('../../server/negotiations/article.model.ts');
  const connection = await mongoose.createConnection(uri).asPromise();
  const ids = await seedDemo(connection, { passwordHash: await hashPassword(DEMO_PASSWORD) });
  const negotiationId = ids.negotiations.tempsDeTravail;
  const articles = Array.from({ length: BENCH_ARTICLES }, (_, i) => `clusterbench${String(i).padStart(3, '0')}`);
  await articleModel(connection).insertMany(
    articles.map((articleId, i) => ({
      negotiationId,
      articleId,
      number: `B${i + 1}`,
      title: `Article de banc d’essai ${i + 1}`,
      titre: 'Titre B',
      chapitre: `Chapitre ${Math.floor(i / 10) + 1}`,
      order: 1_000 + i,
      status: 'open',
      kind: 'article',
      seedParagraphs: [`Article de banc d’essai ${i + 1}.`],
    })),
  );
  await connection.close();
  return { negotiationId, oneArticle: `article:${ids.articles.tempsDeTravail[0]}`, articles: articles.map((a) => `article:${a}`) };
}

/** A client of one document in this process, synced: what `propagation` writes and listens with. */
interface DocClient {
  doc: Y.Doc;
  destroy(): void;
}

/** A y-websocket provider in this process, with the session cookie. */
async function provider(url: string, docName: string, cookie: string): Promise<DocClient> {
  const { connectClient, synced } = await import('../../test/integration/yjs-helpers.ts');
  const client = connectClient(url, docName, cookie);
  await synced(client, 30_000);
  return client;
}

/** A Hocuspocus provider in this process, on a WebSocket of its own (as each y-websocket provider has). */
async function hocuspocusProvider(url: string, docName: string): Promise<DocClient> {
  const { HocuspocusProvider, HocuspocusProviderWebsocket } = await import('@hocuspocus/provider');
  const { waitFor } = await import('../../test/integration/yjs-helpers.ts');
  const doc = new Y.Doc();
  const socket = new HocuspocusProviderWebsocket({ url: url.replace(/^http/, 'ws'), WebSocketPolyfill: WebSocket });
  const hocuspocus = new HocuspocusProvider({ websocketProvider: socket, name: docName, document: doc });
  hocuspocus.attach();
  await waitFor(() => hocuspocus.synced, 30_000, `${docName} synced`);
  return {
    doc,
    destroy() {
      hocuspocus.destroy();
      socket.destroy();
      doc.destroy();
    },
  };
}

/**
 * `writers × per` clients on each document: each writes its send time into the document's
 * `bench` map at `rate` updates/s in all; every other client on the document notes the delay.
 */
async function propagation(workload: string, side: Side, docs: string[], perDoc: number, rate: number) {
  const { cluster, cookie } = side;
  const n = cluster.processes.length;
  const clients: DocClient[] = [];
  const byDoc: (typeof clients)[] = [];
  let k = 0;
  for (const docName of docs) {
    const list = [];
    for (let i = 0; i < perDoc; i++) {
      const url = cluster.processes[k++ % n].url;
      list.push(await (side.server === 'hocuspocus' ? hocuspocusProvider(url, docName) : provider(url, docName, cookie)));
    }
    byDoc.push(list);
    clients.push(...list);
  }
  // Each update is a key of the document's `bench` map: its index, and the time it was written as
  // its value; a key starting with `w` was written during the warm-up.
  const delays: number[] = [];
  const warmupDelays: number[] = [];
  let listening = true;
  for (const client of clients) {
    const map = client.doc.getMap<number>('bench');
    map.observe((event) => {
      if (!listening || event.transaction.local) return;
      const now = performance.timeOrigin + performance.now();
      for (const key of event.keysChanged) (key.startsWith('w') ? warmupDelays : delays).push(now - (map.get(key) ?? now));
    });
  }
  const writers = clients;
  let measured: Awaited<ReturnType<typeof meter>> | undefined;
  let window: ReturnType<typeof profileWindow> | undefined;
  const sent = await paced(
    rate,
    (i, isMeasured) => writers[i % writers.length].doc.getMap<number>('bench').set(`${isMeasured ? '' : 'w'}${i}`, performance.timeOrigin + performance.now()),
    async () => {
      measured = await meter(cluster);
      window = profileWindow(cluster, workload);
    },
  );
  await arrived(() => delays.length >= sent.measured * (perDoc - 1));
  window!.end();
  const cost = await measured!(sent.measured);
  listening = false;
  for (const client of clients) client.destroy();
  return { delays, warmupDelays, expected: sent.measured * (perDoc - 1), ...cost };
}

async function commandToEvent(cluster: Cluster, negotiationId: string, articleIds: string[], rate: number, wire: WireCounter) {
  const n = cluster.processes.length;
  const cookies = await Promise.all(DELEGATES.map((email) => login(cluster.processes[0].url, email)));
  const sockets: Socket[] = [];
  for (let i = 0; i < 50; i++) {
    const socket = io(cluster.processes[i % n].url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: cookies[i % cookies.length] } });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await socket.timeout(30_000).emitWithAck('negotiation:join', { negotiationId, sinceSeq: 0 });
    sockets.push(socket);
  }
  // A statement starting with `échauffement` was declared during the warm-up.
  const sentAt = new Map<string, number>();
  const delays: number[] = [];
  const warmupDelays: number[] = [];
  let listening = true;
  for (const socket of sockets) {
    socket.on('negotiation:event', (event: { type: string; payload: { statement?: string } }) => {
      const at = event.type === 'position:declared' && event.payload.statement ? sentAt.get(event.payload.statement) : undefined;
      if (listening && at !== undefined) (event.payload.statement!.startsWith('échauffement') ? warmupDelays : delays).push(performance.now() - at);
    });
  }
  const acks: Promise<unknown>[] = [];
  const measuredAcks: Promise<unknown>[] = [];
  let measured: Awaited<ReturnType<typeof meter>> | undefined;
  const sent = await paced(
    rate,
    (i, isMeasured) => {
      const statement = `${isMeasured ? 'banc' : 'échauffement'} ${i}`;
      sentAt.set(statement, performance.now());
      const socket = sockets[i % sockets.length];
      const ack = socket.timeout(30_000).emitWithAck('position:declare', { negotiationId, stance: 'réservé', statement, item: { kind: 'article', id: articleIds[i % articleIds.length] } }).catch(() => null);
      (isMeasured ? measuredAcks : acks).push(ack);
    },
    async () => {
      // The warm-up's commands are answered before the wire and the CPU are counted.
      await Promise.all(acks);
      wire.reset();
      measured = await meter(cluster);
    },
  );
  await Promise.all(measuredAcks);
  const counts = wire.counts();
  const lostRaces = wire.duplicateKeys()['negotiationId_1_seq_1'] ?? 0;
  await arrived(() => delays.length >= sent.measured * sockets.length);
  const cost = await measured!(sent.measured);
  listening = false;
  for (const socket of sockets) socket.close();
  // Wire commands per position:declare, by name (the processes' own timers included).
  const perCommand = Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, round(n / sent.measured)]));
  return { delays, warmupDelays, expected: sent.measured * sockets.length, wirePerCommand: perCommand, insertsRefusedOnSeq: lostRaces, ...cost };
}

async function failover(cluster: Cluster, cookie: string, docName: string, db: mongoose.Connection) {
  const { appendParagraph, connectClient, fragmentText, synced, waitFor } = await import('../../test/integration/yjs-helpers.ts');
  const clients = Array.from({ length: 6 }, () => connectClient(cluster.url, docName, cookie));
  await Promise.all(clients.map((c) => synced(c, 30_000)));
  const written: string[] = [];
  let n = 0;
  const timer = setInterval(() => {
    const client = clients[n % clients.length];
    if (client.provider.wsconnected) {
      const line = `ligne de bascule ${n}`;
      appendParagraph(client.doc, line);
      written.push(line);
    }
    n++;
  }, 20);
  await new Promise((r) => setTimeout(r, 1_000));
  await cluster.kill(0);
  const killedAt = performance.now();
  const before = [...written];
  clearInterval(timer);
  // One line from each client once it is connected again (most never lost their process).
  const after = clients.map((_, i) => `après la bascule ${i}`);
  await Promise.all(
    clients.map(async (client, i) => {
      await waitFor(() => client.provider.wsconnected && client.provider.synced, 30_000, 'reconnected');
      appendParagraph(client.doc, after[i]);
    }),
  );
  const all = [...written, ...after];
  const missing = (text: string) => {
    const lines = new Set(text.split('\n'));
    return all.filter((line) => !lines.has(line)).length;
  };
  // A wait that runs out is a figure too (null, and the lines still missing), not a crash.
  const within = (check: () => boolean | Promise<boolean>, ms: number, what: string) =>
    waitFor(check, ms, what).then(
      () => true,
      () => false,
    );
  const converged = await within(() => clients.every((c) => missing(fragmentText(c.doc)) === 0), 30_000, 'convergence');
  const convergedMs = converged ? round(performance.now() - killedAt) : null;
  const { storedText } = await import('../../test/helpers/cluster.ts');
  const stored = await within(async () => missing(await storedText(db, docName)) === 0, 60_000, 'everything stored');
  const storedMs = stored ? round(performance.now() - killedAt) : null;
  const lost = missing(await storedText(db, docName));
  const missingAtClients = Math.max(...clients.map((c) => missing(fragmentText(c.doc))));
  for (const c of clients) c.destroy();
  await cluster.startProcess(0);
  return { linesBeforeKill: before.length, convergedMs, allStoredMs: storedMs, lost, missingAtClients };
}

/**
 * How fast this machine runs one thread now: a busy loop's iterations in 300 ms, in millions.
 * This machine (a VM on a shared host) runs slower for minutes once its two cores have been
 * busy: 7.0 idle, 5.6 after 15 s of a loop on each core, still 5.2–5.8 two minutes later. A
 * workload that keeps both cores busy slows the machine for the one after it, so the sides
 * take turns (see `measureSides`), each workload first waits a little for the speed to come back
 * (`rested`), and each is printed with the speed measured just before and just after it: a
 * slower machine is seen, not taken for a slower path.
 */
function machineSpeed(): number {
  let loops = 0;
  const started = performance.now();
  while (performance.now() - started < 300) loops++;
  return round(loops / 1e6);
}

/** The best speed seen in this run (machineSpeed): what the machine does when it is rested. */
let restedSpeed = 0;
/** At most this long (s) is waited for the machine's speed to come back before a workload. */
const REST_SECONDS = Number(process.env.CLUSTER_BENCH_REST_SECONDS ?? 20);

/**
 * Waits until the machine runs at 95 % of the best speed seen in this run, REST_SECONDS at
 * most (a speed that stays low for minutes is then printed with the workload, not waited out);
 * the speed it measured last.
 */
async function rested(): Promise<{ speed: number; waitedMs: number }> {
  const started = performance.now();
  let speed = machineSpeed();
  restedSpeed = Math.max(restedSpeed, speed);
  while (speed < 0.95 * restedSpeed && performance.now() - started < REST_SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 2_000));
    speed = machineSpeed();
    restedSpeed = Math.max(restedSpeed, speed);
  }
  return { speed, waitedMs: round(performance.now() - started, 0) };
}

/** Every process of the clusters: the workspace processes, redis-server and the engine. */
function clusterPids(sides: Side[]): number[] {
  return sides.flatMap((s) => [...s.cluster.processes.map((p) => p.child?.pid), s.cluster.redisPid, s.cluster.enginePid]).filter((pid): pid is number => pid !== undefined);
}

/**
 * Waits until the clusters' processes together use less than a tenth of a core (over 500 ms),
 * REST_SECONDS at most; how long it waited. A workspace process that has just served a
 * workload collects its garbage in the seconds after (major collections of 33–180 ms, seen
 * with a monitor of the processes' event loops), and the side measured meanwhile pays for it.
 * This wait cannot stop a collection V8 starts later, in the middle of the other side's
 * measurement (in the runs so far it never waited: `settled` had been long enough); the
 * alternation shares those between the sides.
 */
async function quiet(sides: Side[]): Promise<number> {
  const started = performance.now();
  const used = () => clusterPids(sides).reduce((sum, pid) => sum + cpuMs(pid), 0);
  for (;;) {
    const before = used();
    await new Promise((r) => setTimeout(r, 500));
    if (used() - before < 50 || performance.now() - started > REST_SECONDS * 1000) return round(performance.now() - started, 0);
  }
}

/** The machine's load while a run measures: figures taken on a busy machine are said to be so. */
function machineLoad() {
  const cores = os.availableParallelism();
  const load1 = round(os.loadavg()[0]);
  return { load1, cores, busy: load1 > cores * 0.75 };
}

/** The servers compared: ours, and Hocuspocus with its Redis extension (the Yjs workloads only). */
type Server = 'workspace' | 'hocuspocus';

/** One side of the comparison: a cluster of `processes` of one server, seeded, with its wire counter. */
interface Side {
  server: Server;
  processes: number;
  cluster: Cluster;
  wire: WireCounter;
  seeded: Seeded;
  cookie: string;
}

async function startSide(server: Server, processes: number): Promise<Side> {
  let wire: WireCounter | undefined;
  const cluster = new Cluster({
    processes,
    entry: server === 'hocuspocus' ? 'scripts/bench/hocuspocus-server.ts' : undefined,
    nodeEnv: 'test',
    logLevel: 'warn',
    env: CPU_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${CPU_PROF}` } : {},
    databaseTap: async (enginePort) => (wire = await countingRelay(enginePort)).port,
  });
  let seeded: Seeded | undefined;
  try {
    if (server === 'hocuspocus') {
      // Hocuspocus has no accounts and no agreement: documents of the same names, empty.
      await cluster.start();
      const articles = Array.from({ length: BENCH_ARTICLES }, (_, i) => `article:clusterbench${String(i).padStart(3, '0')}`);
      return { server, processes, cluster, wire: wire!, seeded: { negotiationId: '', oneArticle: 'article:clusterbench-one', articles }, cookie: '' };
    }
    await cluster.start(async (uri) => {
      seeded = await seed(uri);
    });
    return { server, processes, cluster, wire: wire!, seeded: seeded!, cookie: await login(cluster.processes[0].url, NEGOTIATOR) };
  } catch (err) {
    await cluster.close();
    wire?.close();
    throw err;
  }
}

async function closeSide(side: Side): Promise<void> {
  await side.cluster.close();
  side.wire.close();
}

const WORKLOADS = [
  { key: 'y1', label: 'Y1', yjs: true },
  { key: 'y2', label: 'Y2', yjs: true },
  { key: 'y2half', label: 'Y2½', yjs: true },
  { key: 'e1', label: 'E1', yjs: false },
] as const;
type WorkloadKey = (typeof WORKLOADS)[number]['key'];
type Measured = Awaited<ReturnType<typeof propagation>> & Partial<Pick<Awaited<ReturnType<typeof commandToEvent>>, 'wirePerCommand' | 'insertsRefusedOnSeq'>>;

function measureOn(side: Side, workload: WorkloadKey): Promise<Measured> {
  const { cluster, seeded } = side;
  if (workload === 'y1') return propagation('y1', side, [seeded.oneArticle], 10, 200 * SCALE);
  if (workload === 'y2') return propagation('y2', side, seeded.articles, 2, 2_000 * SCALE);
  if (workload === 'y2half') return propagation('y2half', side, seeded.articles, 2, 1_000 * SCALE);
  return commandToEvent(cluster, seeded.negotiationId, seeded.articles.map((a) => a.slice('article:'.length)).slice(0, 3), 500 * SCALE, side.wire);
}

/** One measurement of a workload on one side, in one round, with the machine's speed around it. */
interface Turn {
  round: number;
  server: Server;
  processes: number;
  workload: WorkloadKey;
  result: Measured;
  speedBefore: number;
  speedAfter: number;
  /** How long the clusters took to be quiet (`quiet`), then the machine's speed to come back (`rested`), before it. */
  quietMs: number;
  restedMs: number;
}

/** A workload's figures on one side: every round's samples pooled (p50/p99 over all of them), each round's apart. */
function pooled(turns: Turn[]) {
  if (turns.length === 0) return null;
  const all = summary(
    turns.flatMap((t) => t.result.delays),
    turns.reduce((sum, t) => sum + t.result.expected, 0),
    turns.flatMap((t) => t.result.warmupDelays),
  );
  const rounds = turns.map((t) => {
    const { delays, warmupDelays, expected, ...cost } = t.result;
    return { round: t.round, ...summary(delays, expected, warmupDelays), speedBefore: t.speedBefore, speedAfter: t.speedAfter, quietMs: t.quietMs, restedMs: t.restedMs, ...cost };
  });
  return { ...all, rounds };
}

const ROUNDS = Math.max(1, Number(process.env.CLUSTER_BENCH_ROUNDS ?? 2));

/**
 * The workloads on each side, ROUNDS times. Every cluster runs for the whole comparison (an
 * idle one costs nearly nothing) and they take turns: in each round, each workload runs on our
 * one-process side then our three-process side, then on Hocuspocus's (Yjs workloads only), in
 * that order or the reverse, alternating from workload to workload and from round to round
 * (with two rounds each workload runs first once on each of our sides). Before, the three-process
 * cluster started once the one-process one had finished: every workload of the three processes
 * met a machine that had just been busy, and slower (machineSpeed), which the one-process side
 * never did. After a Yjs workload, the next measurement waits until its documents are
 * compacted (`settled`), whichever side it is on; then each measurement waits until every
 * cluster is idle (`quiet`) and the machine's speed is back (`rested`).
 */
async function measureSides(counts: number[]) {
  const sides: Side[] = [];
  const turns: Turn[] = [];
  const loadBefore = machineLoad();
  const servers: Server[] = WITH_HOCUSPOCUS ? ['workspace', 'hocuspocus'] : ['workspace'];
  try {
    for (const server of servers) for (const processes of counts) sides.push(await startSide(server, processes));
    let toSettle: Side | null = null;
    const workloads = WORKLOADS.filter((w) => ONLY.has(w.key));
    for (let n = 1; n <= ROUNDS; n++) {
      for (const [index, workload] of workloads.entries()) {
        // Hocuspocus runs the Yjs workloads; reversed, ours comes last and its other side first.
        // The order changes from workload to workload, and from round to round for each
        // workload: a count of the turns taken would give a workload the same order in every
        // round whenever the workloads are even in number (four: Y1 ran on one process first in
        // both rounds, Y2 on three).
        const taking = sides.filter((side) => workload.yjs || side.server === 'workspace');
        const order = (index + n) % 2 === 1 ? taking : [...taking].reverse();
        for (const side of order) {
          if (toSettle) await settled(toSettle);
          toSettle = null;
          const quietMs = await quiet(sides);
          const rest = await rested();
          const result = await measureOn(side, workload.key);
          const speedAfter = machineSpeed();
          turns.push({ round: n, server: side.server, processes: side.processes, workload: workload.key, result, speedBefore: rest.speed, speedAfter, quietMs, restedMs: rest.waitedMs });
          if (workload.yjs) toSettle = side;
          const s = summary(result.delays, result.expected, result.warmupDelays);
          const who = `${side.server === 'hocuspocus' ? 'Hocuspocus, ' : ''}${side.processes} process(es)`;
          process.stdout.write(
            `  round ${n}, ${who}: ${workload.label} p50 ${s.p50} ms p99 ${s.p99} ms (${s.samples}/${s.expected}; warm-up p99 ${s.warmup.p99} ms; machine speed ${rest.speed} → ${speedAfter}` +
              `${rest.waitedMs > 1_000 ? `, after ${round(rest.waitedMs / 1000, 1)} s waiting for it` : ''}; clusters quiet after ${round(quietMs / 1000, 1)} s); CPU per 1,000: ${JSON.stringify(result.cpuMsPer1000)} ms; Redis commands per operation ${JSON.stringify(result.redisCommandsPerOperation)}, bytes ${JSON.stringify(result.redisBytesPerOperation)}\n`,
          );
          if (result.wirePerCommand) process.stdout.write(`  round ${n}, ${side.processes} process(es): E1 wire commands per position:declare ${JSON.stringify(result.wirePerCommand)}; inserts refused on the seq (lost races) ${result.insertsRefusedOnSeq}\n`);
        }
      }
    }
    const three = sides.find((s) => s.server === 'workspace' && s.processes > 1);
    let failed = null;
    if (three && ONLY.has('failover')) {
      if (toSettle) await settled(toSettle);
      process.stdout.write(`  ${three.processes} process(es): failover…\n`);
      const db = await mongoose.createConnection(three.cluster.mongoUri).asPromise();
      try {
        failed = await failover(three.cluster, three.cookie, three.seeded.articles[0], db);
      } finally {
        await db.close();
      }
    }
    const load = { before: loadBefore, after: machineLoad() };
    process.stdout.write(`  machine load ${load.before.load1} → ${load.after.load1} on ${load.after.cores} cores\n`);
    const figures = (server: Server, processes: number) =>
      Object.fromEntries(WORKLOADS.map((w) => [w.key, pooled(turns.filter((t) => t.server === server && t.processes === processes && t.workload === w.key))])) as Record<WorkloadKey, ReturnType<typeof pooled>>;
    const both = (server: Server) => ({ one: counts.includes(1) ? figures(server, 1) : null, three: counts.includes(3) ? figures(server, 3) : null });
    return { ...both('workspace'), hocuspocus: WITH_HOCUSPOCUS ? both('hocuspocus') : null, failover: failed, load };
  } finally {
    for (const side of sides) await closeSide(side);
  }
}

export async function run() {
  // CLUSTER_BENCH_PROCESSES=1 or 3 measures that cluster only (a profile of one side).
  const only = process.env.CLUSTER_BENCH_PROCESSES;
  const counts = only === '1' ? [1] : only === '3' ? [3] : [1, 3];
  const { one, three, hocuspocus, failover: f, load } = await measureSides(counts);
  const settings = { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, rounds: ROUNDS, scale: SCALE };
  if (f)
    process.stdout.write(
      `failover: converged ${f.convergedMs ?? 'NOT within 30 s'} ms after SIGKILL (target ≤ 3,000), everything stored ${f.allStoredMs ?? 'NOT within 60 s'} ms after; ${f.lost} of the lines lost in storage, at most ${f.missingAtClients} missing at a client\n`,
    );
  if (!one || !three) return { ...settings, one, three, hocuspocus, failover: f, load };
  type Pooled = NonNullable<ReturnType<typeof pooled>>;
  const signed = (ms: number) => (ms < 0 ? `−${-ms}` : `+${ms}`);
  const print = (label: string, a: Pooled | null, b: Pooled | null) => {
    if (!a || !b) return;
    const speeds = (p: Pooled) => p.rounds.map((r) => `${r.speedBefore} → ${r.speedAfter}`).join(', ');
    const p99s = (p: Pooled) => p.rounds.map((r) => r.p99).join(', ');
    process.stdout.write(
      `${label}${SCALE === 1 ? '' : ` (every rate × ${SCALE})`}: 1 process p50 ${a.p50} ms p99 ${a.p99} ms (${a.samples}/${a.expected}; rounds' p99 ${p99s(a)}) | 3 processes p50 ${b.p50} ms p99 ${b.p99} ms (${b.samples}/${b.expected}; rounds' p99 ${p99s(b)}) | p99 ${signed(round(b.p99 - a.p99))} ms, ×${round(b.p99 / a.p99)}` +
        ` | warm-up (first ${WARMUP_SECONDS} s of each round, not counted) p99 ${a.warmup.p99} → ${b.warmup.p99} ms | machine speed (M loops in 300 ms, before → after, by round) ${speeds(a)} | ${speeds(b)}\n`,
    );
  };
  print('Y1 10 clients, one article, 200 updates/s', one.y1, three.y1);
  print('Y2 2 clients × 100 articles, 2,000 updates/s', one.y2, three.y2);
  print('Y2½ the same at 1,000 updates/s (not a target)', one.y2half, three.y2half);
  print('E1 50 sockets, 500 position:declare/s', one.e1, three.e1);
  // The same Yjs workloads on Hocuspocus (its Redis extension), in the same run: what one → three processes costs the server users would pick instead.
  if (hocuspocus?.one && hocuspocus.three) {
    print('Hocuspocus Y1', hocuspocus.one.y1, hocuspocus.three.y1);
    print('Hocuspocus Y2', hocuspocus.one.y2, hocuspocus.three.y2);
    print('Hocuspocus Y2½', hocuspocus.one.y2half, hocuspocus.three.y2half);
  }
  const lostSamples = (...sides: (Record<WorkloadKey, Pooled | null> | null | undefined)[]) =>
    sides.flatMap((figures) => (figures ? Object.values(figures) : [])).filter((w) => w !== null && w.samples < w.expected).length;
  // Zero loss is ours to meet; Hocuspocus's lost samples are printed.
  const incomplete = lostSamples(one, three);
  const incompleteHocuspocus = lostSamples(hocuspocus?.one, hocuspocus?.three);
  if (incomplete > 0) process.stdout.write(`${incomplete} workload(s) lost samples (see samples/expected): their percentiles leave the lost ones out\n`);
  if (incompleteHocuspocus > 0) process.stdout.write(`Hocuspocus: ${incompleteHocuspocus} workload(s) lost samples (see samples/expected)\n`);
  const targets = {
    yjsP99PlusMs: 5,
    eventsP99Ratio: 1.5,
    failoverMs: 3_000,
  };
  const within = (a: Pooled | null, b: Pooled | null, ok: (a: Pooled, b: Pooled) => boolean) => (a && b ? ok(a, b) : null);
  const verdict = {
    y1: within(one.y1, three.y1, (a, b) => b.p99 <= a.p99 + targets.yjsP99PlusMs),
    y2: within(one.y2, three.y2, (a, b) => b.p99 <= a.p99 + targets.yjsP99PlusMs),
    e1: within(one.e1, three.e1, (a, b) => b.p99 <= a.p99 * targets.eventsP99Ratio),
    failover: f ? f.convergedMs !== null && f.convergedMs <= targets.failoverMs : null,
    zeroLoss: (!f || (f.lost === 0 && f.missingAtClients === 0)) && incomplete === 0,
  };
  process.stdout.write(`targets met: ${JSON.stringify(verdict)}\n`);
  const busy = [load.before, load.after].filter((l) => l.busy);
  if (busy.length > 0) {
    const worst = Math.max(...busy.map((l) => l.load1));
    process.stdout.write(`the machine was busy (load up to ${worst} on ${busy[0].cores} cores, other work running): these figures are not the quiet ones; the verdict is indicative only\n`);
  }
  return { ...settings, one, three, hocuspocus, failover: f, load, targets, verdict, quiet: busy.length === 0 };
}
