// Event channel benchmark: 50 Socket.IO clients in one negotiation send `position:declare`
// at 500 commands/s in all; each other client records the delay from the command to the
// `negotiation:event` it receives. Our server (session auth, zod parsing, rights, the
// durable event log, per-reader visibility) is compared with a bare Socket.IO relay built
// here (no validation, no storage) that the same clients drive at the same rate. Each server
// runs in a child process (this file, with EVENTS_BENCH_CHILD set): its event loop is its own.
// The relay broadcasts an event of the same shape and size as ours (ids, organisation,
// author, time, visibility), so that both sides pay the same fan-out and the same decoding
// in the clients: the difference is our work only. Both servers stay up for the whole run
// and are measured in alternation, EVENTS_BENCH_ROUNDS times (3); each round has its own
// warm-up (the first also warms the JIT), and the verdict is on the median round of each
// side, every round being printed: this shared 2-core machine is noisy.
// A second series runs at 1,000 commands/s (EVENTS_BENCH_HIGH_RATE; 0 skips it): there our
// p99 must stay ≤ 25 ms with every event delivered. Each measurement also gives the server's
// CPU per 1,000 commands (its process's user + system time over the measurement, warm-up and
// drain included), a figure the other work on this machine disturbs far less than latency, and
// the CPU of the clients' own process: near one core, the clients are the bottleneck and the
// latencies say more about them than about the server. Of the server's CPU, its main thread's
// (the event loop) is printed apart, and so are the embedded engine's journal records and
// fdatasyncs per 1,000 commands: each group commit costs some 210 µs of CPU on this machine (75
// on the main thread, the rest the thread pool's fdatasync), and a turn of the event loop whose
// events are written to every socket apart; the fewer commands share a group, the more each pays.
// The server's event loop is watched too (perf_hooks.monitorEventLoopDelay): how late it came
// back to a 1 ms timer, its 99th percentile and its longest block, over each measurement.
// EVENTS_BENCH_CPU_PROF=DIR writes a CPU profile of each server for each measurement (from
// before its first command to the end of its drain: not the start-up, nor the other side's turn),
// DIR/<server>-<rate>-r<round>.cpuprofile, and prints its heaviest functions per 1,000 commands.
// EVENTS_BENCH_HEAVY=1 adds, in each round, a measurement of our server while a secretariat
// keeps comparing versions of a 100-article, 60,000-word agreement and exporting its signed
// version (PDF, DOCX) in the background, one request after the other on two loops: its p99
// against the quiet one of the same round (target ≤ 2×), with the heavy requests served.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { io as connectIo, type Socket } from 'socket.io-client';
import { forkServer, freePort, round, stopServer, stretchProfiler } from './children.ts';
import { summariseProfile, type CpuProfile } from './profile-summary.ts';

const SELF = fileURLToPath(import.meta.url);
const CLIENTS = 50;
// EVENTS_BENCH_RATE / EVENTS_BENCH_SECONDS: another load or length, to find the sustainable rate.
const COMMANDS_PER_SECOND = Number(process.env.EVENTS_BENCH_RATE ?? 500);
const HIGH_RATE = Number(process.env.EVENTS_BENCH_HIGH_RATE ?? 1_000);
const SECONDS = Number(process.env.EVENTS_BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.EVENTS_BENCH_WARMUP ?? 3);
const ROUNDS = Number(process.env.EVENTS_BENCH_ROUNDS ?? 3);
const DRAIN_MS = 15_000;
const HEAVY = process.env.EVENTS_BENCH_HEAVY === '1';
/** Each command carries a client id, as the workspace's client always sends (EVENTS_BENCH_COMMAND_IDS=0: none). */
const COMMAND_IDS = process.env.EVENTS_BENCH_COMMAND_IDS !== '0';
const HEAVY_ARTICLES = 100;
const HEAVY_WORDS_PER_ARTICLE = 600;

// --- Children ------------------------------------------------------------------------------

/** The bare relay: joins a room, broadcasts each command to the room as an event, acks. */
async function runRelay(port: number): Promise<void> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  let seq = 0;
  io.on('connection', (socket) => {
    socket.on('negotiation:join', (payload: { negotiationId: string }, ack: (a: unknown) => void) => {
      void socket.join(payload.negotiationId);
      ack({ ok: true, data: { events: [], lastSeq: seq, more: false } });
    });
    socket.on('position:declare', (payload: { negotiationId: string; statement: string; stance: string; item: unknown }, ack: (a: unknown) => void) => {
      const event = {
        negotiationId: payload.negotiationId,
        seq: ++seq,
        type: 'position:declared',
        payload: { org: '65a1b2c3d4e5f60718293a4b', orgShortName: 'CFDT', declaredBy: { userId: '65a1b2c3d4e5f60718293a4c', name: 'Bench Délégué 12' }, stance: payload.stance, statement: payload.statement, item: payload.item },
        actor: '65a1b2c3d4e5f60718293a4c',
        org: '65a1b2c3d4e5f60718293a4b',
        at: new Date().toISOString(),
        visibility: { scope: 'committee' },
      };
      io.to(payload.negotiationId).emit('negotiation:event', event);
      ack({ ok: true, data: event });
    });
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  await answerParent(() => new Promise<void>((resolve) => void io.close(() => resolve())));
}

async function runWorkspace(port: number, dataDir: string): Promise<void> {
  const { startServer } = await import('../../server/main.ts');
  const server = await startServer({ ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const command = server.app.context.db.command;
  const journal = async (): Promise<Journal | undefined> => {
    if (!command) return undefined;
    const { journal: counters } = (await command({ serverStatus: 1 })).reply as { journal: { records: number; fsyncs: number } };
    return { records: Number(counters.records), fsyncs: Number(counters.fsyncs) };
  };
  await answerParent(() => server.close(), journal);
}

/** The embedded engine's journal so far: records appended, fdatasyncs done (each group commit is one). */
interface Journal {
  records: number;
  fsyncs: number;
}

/** The event loop's delay in reaching a 1 ms timer (ms): its 99th percentile and its longest. */
interface LoopBlocks {
  p99: number;
  max: number;
}

/**
 * What a child answers its parent: its CPU time so far (the process's, all threads: the event
 * loop, the garbage collector's helpers, the thread pool's fdatasyncs; and its main thread's
 * alone), its engine's journal counters, a CPU profile of a measurement, close.
 */
async function answerParent(close: () => Promise<void>, journal: () => Promise<Journal | undefined> = async () => undefined): Promise<void> {
  const profiler = await stretchProfiler();
  // How late the event loop came back to a 1 ms timer: its longest blocks, since the last ask.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  process.on('message', async (msg: { cmd: string; file?: string }) => {
    if (msg.cmd === 'close') {
      await close();
      process.exit(0);
    }
    if (msg.cmd === 'cpu') {
      const blocked: LoopBlocks = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
      loop.reset();
      process.send?.({ cpu: process.cpuUsage(), mainThread: process.threadCpuUsage(), journal: await journal(), loop: blocked });
    }
    if (msg.cmd === 'profile-start') await profiler.start();
    if (msg.cmd === 'profile-stop') await profiler.stop(String(msg.file));
    if (msg.cmd.startsWith('profile-')) process.send?.({ done: msg.cmd });
  });
  process.send?.({ ready: true });
}

if (process.env.EVENTS_BENCH_CHILD === 'relay') await runRelay(Number(process.env.PORT));
if (process.env.EVENTS_BENCH_CHILD === 'workspace') await runWorkspace(Number(process.env.PORT), String(process.env.DATA_DIR));

// --- Parent: clients and measurements ------------------------------------------------------

function startChild(kind: 'relay' | 'workspace', port: number, dataDir = ''): Promise<ChildProcess> {
  return forkServer(SELF, kind, { EVENTS_BENCH_CHILD: kind, PORT: String(port), DATA_DIR: dataDir });
}

/** Sends `message` to the child and resolves with its first answer that `answered` recognises. */
function ask<T>(child: ChildProcess, message: { cmd: string; file?: string }, answered: (m: Record<string, unknown>) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: Record<string, unknown>) => {
      const answer = answered(m);
      if (answer === undefined) return;
      child.off('message', onMessage);
      resolve(answer);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** The child's CPU time so far (user + system, ms): all its threads, and its main thread; its journal's counters. */
function cpuOf(child: ChildProcess): Promise<{ all: number; mainThread: number; journal?: Journal; loop: LoopBlocks }> {
  const ms = (cpu: NodeJS.CpuUsage) => (cpu.user + cpu.system) / 1000;
  return ask(child, { cmd: 'cpu' }, (m) => {
    const cpu = m.cpu as NodeJS.CpuUsage | undefined;
    return cpu && { all: ms(cpu), mainThread: ms(m.mainThread as NodeJS.CpuUsage), journal: m.journal as Journal | undefined, loop: m.loop as LoopBlocks };
  });
}

/** Starts or stops (into `file`) the child's CPU profile of a measurement. */
const profiling = (child: ChildProcess, cmd: 'profile-start' | 'profile-stop', file?: string) => ask(child, { cmd, file }, (m) => (m.done === cmd ? true : undefined));

const ownCpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 50 delegates of the demo's parties, signed up directly in the database, in one negotiation. */
async function prepareData(): Promise<{ dataDir: string; negotiationId: string; emails: string[]; heavy: HeavyWork | null }> {
  const { startTestServer } = await import('../../test/helpers/server.ts');
  const { seedDemo, addMember } = await import('../../test/helpers/seed.ts');
  const { negotiationModel } = await import('../../server/negotiations/negotiation.model.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-bench-'));
  const seeded = await startTestServer({ DATA_DIR: dataDir });
  const ids = await seedDemo(seeded);
  const negotiationId = ids.negotiations.tempsDeTravail;
  const negotiation = await negotiationModel(seeded.app.context.db.connection).findById(negotiationId).lean();
  const parties = (negotiation?.parties ?? []).map((p) => String(p.organisationId));
  const emails = Array.from({ length: CLIENTS }, (_, i) => `bench-${i}@events.bench`);
  for (const [i, email] of emails.entries()) {
    await addMember(seeded, { email, negotiationId, organisationId: parties[i % parties.length], roles: ['delegate'] });
  }
  const heavy = HEAVY ? await prepareLargeAgreement(seeded, negotiationId) : null;
  await seeded.close();
  return { dataDir, negotiationId, emails, heavy };
}

/** What the background loops ask for: two versions to compare and a signed version to export. */
interface HeavyWork {
  before: string;
  after: string;
  signed: string;
}

/**
 * The negotiation's text becomes a 100-article agreement of 600 words an article, taken as a
 * version; a second version revises one word in six of every article (stored directly); then
 * the text is opened for signature, which freezes a third.
 */
async function prepareLargeAgreement(seeded: import('../../test/helpers/server.ts').TestServer, negotiationId: string): Promise<HeavyWork> {
  const Y = await import('yjs');
  const { articleModel } = await import('../../server/negotiations/article.model.ts');
  const { versionModel } = await import('../../server/versions/version.model.ts');
  const { blocksOfState, writeParagraphs } = await import('../../shared/structure.ts');
  const { frenchArticle, amendWords } = await import('../../test/helpers/french-text.ts');
  const { login, call } = await import('../../test/helpers/auth.ts');
  const connection = seeded.app.context.db.connection;
  await articleModel(connection).deleteMany({ negotiationId });
  await articleModel(connection).insertMany(
    Array.from({ length: HEAVY_ARTICLES }, (_, i) => ({
      negotiationId,
      articleId: `heavy${String(i).padStart(3, '0')}`,
      number: String(i + 1),
      title: `Article ${i + 1}`,
      titre: `Titre ${Math.floor(i / 25) + 1}`,
      chapitre: `Chapitre ${Math.floor(i / 5) + 1}`,
      order: i,
      status: 'open',
      kind: 'article',
      seedParagraphs: frenchArticle(HEAVY_WORDS_PER_ARTICLE, 7_000 + i),
    })),
  );
  const secretariat = await login(seeded, 'secretariat@axess.demo');
  const post = async (path: string, body: unknown) => {
    const response = await call(seeded, `/negotiations/${negotiationId}${path}`, { cookie: secretariat, body });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; version?: { id: string } };
  };
  const before = (await post('/versions', { name: 'Avant la relecture' })).id;
  const stored = await versionModel(connection).findById(before).lean();
  const revised = await versionModel(connection).create({
    negotiationId,
    name: 'Après la relecture',
    kind: 'manual',
    createdAt: new Date(),
    createdBy: { userId: 'bench', name: 'Banc d’essai' },
    structure: stored!.structure,
    articles: stored!.articles.map(({ articleId, state }, i) => {
      const doc = new Y.Doc();
      const bytes = state instanceof Uint8Array ? state : (state as unknown as { buffer: Uint8Array }).buffer;
      const blocks = blocksOfState(bytes);
      writeParagraphs(doc, blocks.map((block, j) => amendWords([block], i * 100 + j, Math.ceil(block.split(' ').length / 6))[0]));
      return { articleId, state: Buffer.from(Y.encodeStateAsUpdate(doc)) };
    }),
  });
  const campaign = await post('/signature/open', { signatureDeadline: '2099-12-31' });
  return { before, after: String(revised._id), signed: campaign.version!.id };
}

/**
 * Two loops, each one request at a time until stopped: compares (the two versions; the signed
 * one with the live text) and exports of the signed version (PDF, DOCX).
 */
function backgroundHeavyWork(url: string, negotiationId: string, cookie: string, work: HeavyWork) {
  let running = true;
  const done = { compares: 0, exports: 0, failures: 0, firstFailure: null as string | null };
  const loop = async (paths: string[], count: 'compares' | 'exports') => {
    for (let i = 0; running; i++) {
      const path = paths[i % paths.length];
      const response = await fetch(`${url}/api/negotiations/${negotiationId}${path}`, { headers: { cookie } });
      await response.arrayBuffer();
      if (response.ok) done[count]++;
      else {
        done.failures++;
        done.firstFailure ??= `${path}: ${response.status}`;
      }
    }
  };
  const loops = [
    loop([`/compare?from=${work.before}&to=${work.after}`, `/compare?from=${work.signed}&to=live`], 'compares'),
    loop([`/versions/${work.signed}/export.pdf`, `/versions/${work.signed}/export.docx`], 'exports'),
  ];
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return done;
    },
  };
}

function connect(url: string, cookie?: string): Promise<Socket> {
  const socket = connectIo(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: cookie ? { cookie } : {} });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/**
 * Every client joins; a ticker (every 2 ms) sends the commands the elapsed time calls for, round-robin. Each command's
 * statement carries its id; every other client records (arrival − send) for it.
 */
async function measure(server: ChildProcess, url: string, negotiationId: string, cookies: (string | undefined)[], sinceSeq: number, rate: number, profileFile: string | null = null) {
  const clients = await Promise.all(cookies.map((cookie) => connect(url, cookie)));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let measuring = false;
  let errors = 0;
  let firstError: string | null = null;
  let acked = 0;
  let lastSeq = sinceSeq;
  for (const [i, socket] of clients.entries()) {
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') firstError ??= `disconnected: ${reason}`;
    });
    socket.on('negotiation:event', (event: { seq: number; type: string; payload: { statement?: string } }) => {
      lastSeq = Math.max(lastSeq, event.seq);
      const key = event.payload?.statement;
      if (event.type !== 'position:declared' || !key) return;
      const t0 = sentAt.get(key);
      // Warm-up commands are not in `sentAt`: only the measured window counts.
      if (t0 === undefined || key.startsWith(`${i}:`)) return;
      latencies.push(performance.now() - t0);
    });
    // From the head of the log: earlier rounds' events are not caught up again.
    const ack = (await socket.timeout(15_000).emitWithAck('negotiation:join', { negotiationId, sinceSeq })) as { ok: boolean };
    if (!ack.ok) throw new Error('join refused');
  }
  let n = 0;
  let measured = 0;
  // As the client's: unique per command, whatever the round.
  const measurement = randomUUID().replaceAll('-', '');
  const send = () => {
    {
      const sender = n % clients.length;
      const key = `${sender}:${n}`;
      if (measuring) {
        sentAt.set(key, performance.now());
        measured++;
      }
      clients[sender].timeout(15_000).emit(
        'position:declare',
        { negotiationId, stance: 'favorable', statement: key, item: { kind: 'text' }, ...(COMMAND_IDS ? { commandId: `${measurement}-${n}` } : {}) },
        (err: Error | null, ack: { ok: boolean; error?: { code: string; message: string } }) => {
          acked++;
          if (!err && ack.ok) return;
          errors++;
          firstError ??= err ? err.message : `${ack.error?.code}: ${ack.error?.message}`;
        },
      );
      n++;
    }
  };
  // A drift-free ticker: each tick sends what the elapsed time calls for.
  if (profileFile) await profiling(server, 'profile-start');
  const serverCpuBefore = await cpuOf(server);
  const clientCpuBefore = ownCpu();
  const start = performance.now();
  const total = Math.round((SECONDS + WARMUP_SECONDS) * rate);
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      const due = Math.min(total, Math.floor((elapsed * rate) / 1000));
      measuring = elapsed >= WARMUP_SECONDS * 1000;
      while (n < due) send();
      if (n >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  const sendingMs = performance.now() - start;
  // Commands still queued in the server are given time to finish (and their events to arrive).
  const drainUntil = performance.now() + DRAIN_MS;
  while (acked < n && performance.now() < drainUntil) await sleep(50);
  await sleep(500);
  const serverCpuAfter = await cpuOf(server);
  const serverCpuMs = serverCpuAfter.all - serverCpuBefore.all;
  const perThousand = (x: number) => round((x / n) * 1000, 0);
  const [journalBefore, journalAfter] = [serverCpuBefore.journal, serverCpuAfter.journal];
  const clientCpuMs = ownCpu() - clientCpuBefore;
  if (profileFile) await profiling(server, 'profile-stop', profileFile);
  const elapsedMs = performance.now() - start;
  for (const socket of clients) socket.close();
  latencies.sort((a, b) => a - b);
  const expected = measured * (clients.length - 1);
  return {
    commands: n,
    commandsPerSecond: round(n / (sendingMs / 1000), 0),
    acked,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? NaN),
    deliveries: latencies.length,
    expectedDeliveries: expected,
    errors,
    firstError,
    lastSeq,
    /** The server's CPU per 1,000 commands (ms), warm-up and drain included. */
    serverCpuPer1000: perThousand(serverCpuMs),
    /** Of which its main thread's (the event loop); the rest is the GC's helpers and the thread pool (fdatasync). */
    serverMainThreadCpuPer1000: perThousand(serverCpuAfter.mainThread - serverCpuBefore.mainThread),
    /** The embedded engine's journal per 1,000 commands: records appended and fdatasyncs (group commits); null for the relay. */
    journalPer1000: journalBefore && journalAfter ? { records: perThousand(journalAfter.records - journalBefore.records), fsyncs: perThousand(journalAfter.fsyncs - journalBefore.fsyncs) } : null,
    /** The server's event loop over the measurement (warm-up and drain included): how late it came back to a 1 ms timer, ms. */
    serverLoopDelay: { p99: round(serverCpuAfter.loop.p99), max: round(serverCpuAfter.loop.max) },
    /** The clients' process: its CPU over the measurement, as a share of one core. */
    clientCpuPercent: round((clientCpuMs / elapsedMs) * 100, 0),
  };
}

type Measurement = Awaited<ReturnType<typeof measure>>;

/** The round whose p99 is the median of the rounds'. */
function medianRound(rounds: Measurement[]): Measurement {
  return [...rounds].sort((a, b) => a.p99 - b.p99)[Math.floor(rounds.length / 2)];
}

/** One series of rounds at one rate: our server and the relay in alternation. */
interface Round {
  workspace: Measurement;
  relay: Measurement;
  heavy?: Measurement & { background: { compares: number; exports: number; failures: number; firstFailure: string | null } };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const line = (name: string, r: Measurement) =>
  `${name.padEnd(10)} p50 ${r.p50} ms  p99 ${r.p99} ms  max ${r.max} ms  ${r.commandsPerSecond} cmd/s sent, ${r.acked}/${r.commands} acked  ${r.deliveries}/${r.expectedDeliveries} deliveries  ${r.errors} errors${r.firstError ? ` (${r.firstError})` : ''}  server CPU ${r.serverCpuPer1000} ms/1,000 cmd (main thread ${r.serverMainThreadCpuPer1000})${r.journalPer1000 ? `, ${r.journalPer1000.records} journal records and ${r.journalPer1000.fsyncs} fdatasyncs/1,000 cmd` : ''}, event loop delay p99 ${r.serverLoopDelay.p99} ms max ${r.serverLoopDelay.max} ms, clients ${r.clientCpuPercent} % of a core\n`;

/** The medians of a series and its verdict against its targets. */
function summarise(rate: number, rounds: Round[], targets: { ratioP99?: number; p99Ms?: number }) {
  const ours = medianRound(rounds.map((r) => r.workspace));
  const bare = medianRound(rounds.map((r) => r.relay));
  // Each round's two measurements were taken a few seconds apart: the ratio is taken per round, then the median.
  const ratioP99 = round(median(rounds.map((r) => r.workspace.p99 / r.relay.p99)));
  const ratioP50 = round(median(rounds.map((r) => r.workspace.p50 / r.relay.p50)));
  const cpuPer1000 = { workspace: median(rounds.map((r) => r.workspace.serverCpuPer1000)), relay: median(rounds.map((r) => r.relay.serverCpuPer1000)) };
  const ratioCpu = round(median(rounds.map((r) => r.workspace.serverCpuPer1000 / r.relay.serverCpuPer1000)));
  const complete = rounds.every((r) => r.workspace.errors === 0 && r.workspace.deliveries === r.workspace.expectedDeliveries);
  const passed = complete && (targets.p99Ms === undefined || ours.p99 <= targets.p99Ms) && (targets.ratioP99 === undefined || ratioP99 <= targets.ratioP99);
  const wanted = [
    ...(targets.p99Ms !== undefined ? [`p99 ≤ ${targets.p99Ms} ms`] : []),
    ...(targets.ratioP99 !== undefined ? [`p99 ≤ ${targets.ratioP99}× relay`] : []),
    'every event delivered',
  ].join(', ');
  process.stdout.write(`${rate} cmd/s, median round (by p99)\n  ${line('workspace', ours)}  ${line('bare relay', bare)}`);
  process.stdout.write(
    `${rate} cmd/s, median of the rounds' ratios: p50 ${ratioP50}×  p99 ${ratioP99}×  server CPU per 1,000 commands ${cpuPer1000.workspace} ms against ${cpuPer1000.relay} ms (${ratioCpu}×)  (targets: ${wanted}) → ${passed ? 'met' : 'NOT met'}\n`,
  );
  return { commandsPerSecond: rate, rounds, workspace: ours, relay: bare, ratioP50, ratioP99, cpuPer1000, ratioCpu, targets, complete, passed };
}

/**
 * What a measurement's CPU profile says (EVENTS_BENCH_CPU_PROF=DIR): the heaviest functions by
 * self time, and ours with what they call, as shares of the sampled busy time and as ms per
 * 1,000 commands of the process's measured CPU (on a loaded machine the profiler's samples
 * count waiting for a core too: the shares hold, its durations do not).
 */
function printProfile(name: string, file: string, cpuPer1000: number): void {
  const summary = summariseProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
  const list = (entries: { name: string; percent: number }[], count: number) =>
    entries
      .slice(0, count)
      .map((e) => `      ${String(e.percent).padStart(5)} %  ${String(round((e.percent / 100) * cpuPer1000, 1)).padStart(6)} ms  ${e.name}\n`)
      .join('');
  process.stdout.write(`  ${name} profile (${file}), per 1,000 commands:\n    self:\n${list(summary.functions, 15)}    ours, with what they call:\n${list(summary.inclusive, 12)}`);
}

export async function run() {
  const profileDir = process.env.EVENTS_BENCH_CPU_PROF ? path.resolve(process.env.EVENTS_BENCH_CPU_PROF) : null;
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
  const { login } = await import('../../test/helpers/auth.ts');
  const { dataDir, negotiationId, emails, heavy } = await prepareData();

  const workspacePort = await freePort();
  const relayPort = await freePort();
  const workspace = await startChild('workspace', workspacePort, dataDir);
  const relay = await startChild('relay', relayPort);
  const rates = HIGH_RATE > 0 ? [COMMANDS_PER_SECOND, HIGH_RATE] : [COMMANDS_PER_SECOND];
  const series = new Map<number, Round[]>(rates.map((rate) => [rate, []]));
  process.stdout.write(`${CLIENTS} clients, ${rates.join(' then ')} position:declare/s for ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up), ${ROUNDS} rounds each; load average ${os.loadavg().map((l) => round(l, 1)).join(' ')} on ${os.availableParallelism()} cores\n`);
  try {
    const url = `http://127.0.0.1:${workspacePort}`;
    const cookies: string[] = [];
    for (const email of emails) cookies.push(await login({ url }, email));
    const secretariat = heavy ? await login({ url }, 'secretariat@axess.demo') : '';
    let workspaceSeq = 0;
    let relaySeq = 0;
    for (const rate of rates) {
      const rounds = series.get(rate)!;
      for (let n = 1; n <= ROUNDS; n++) {
        const profileOf = (kind: string) => (profileDir ? path.join(profileDir, `${kind}-${rate}-r${n}.cpuprofile`) : null);
        const ours = await measure(workspace, url, negotiationId, cookies, workspaceSeq, rate, profileOf('workspace'));
        const bare = await measure(relay, `http://127.0.0.1:${relayPort}`, negotiationId, emails.map(() => undefined), relaySeq, rate, profileOf('relay'));
        workspaceSeq = ours.lastSeq;
        relaySeq = bare.lastSeq;
        rounds.push({ workspace: ours, relay: bare });
        process.stdout.write(`${rate} cmd/s, round ${n} (p99 ratio ${round(ours.p99 / bare.p99)}×; load average ${round(os.loadavg()[0], 1)})\n  ${line('workspace', ours)}  ${line('bare relay', bare)}`);
        if (profileDir) {
          printProfile('workspace', profileOf('workspace')!, ours.serverCpuPer1000);
          printProfile('bare relay', profileOf('relay')!, bare.serverCpuPer1000);
        }
        // The heavy work is measured at the base rate only: its target is against the quiet p99 there.
        if (heavy && rate === COMMANDS_PER_SECOND) {
          const background = backgroundHeavyWork(url, negotiationId, secretariat, heavy);
          const loaded = await measure(workspace, url, negotiationId, cookies, workspaceSeq, rate);
          const served = await background.stop();
          workspaceSeq = loaded.lastSeq;
          rounds[rounds.length - 1].heavy = { ...loaded, background: served };
          process.stdout.write(
            `  ${line('+ heavy', loaded)}    meanwhile ${served.compares} compares and ${served.exports} exports served, ${served.failures} failed${served.firstFailure ? ` (${served.firstFailure})` : ''}; p99 ${round(loaded.p99 / ours.p99)}× quiet\n`,
          );
        }
      }
    }
  } finally {
    await Promise.all([stopServer(workspace), stopServer(relay)]);
  }
  fs.rmSync(dataDir, { recursive: true, force: true });

  // At the base rate, against the relay (issue 19: ≤ 2×); at the high rate, an absolute p99.
  const base = summarise(COMMANDS_PER_SECOND, series.get(COMMANDS_PER_SECOND)!, { ratioP99: 2 });
  const high = HIGH_RATE > 0 ? summarise(HIGH_RATE, series.get(HIGH_RATE)!, { p99Ms: 25 }) : null;
  const rounds = base.rounds;
  let underHeavyWork: Record<string, unknown> | null = null;
  if (heavy) {
    // Quiet and loaded were measured back to back in each round: the ratio per round, then the median.
    const ratio = round(median(rounds.map((r) => r.heavy!.p99 / r.workspace.p99)));
    const served = rounds.every((r) => r.heavy!.background.compares > 0 && r.heavy!.background.exports > 0 && r.heavy!.background.failures === 0);
    const delivered = rounds.every((r) => r.heavy!.errors === 0 && r.heavy!.deliveries === r.heavy!.expectedDeliveries);
    const met = served && delivered && ratio <= 2;
    const loaded = medianRound(rounds.map((r) => r.heavy!));
    process.stdout.write(
      `under heavy work (compares and exports of a ${HEAVY_ARTICLES}-article agreement in the background): median round p99 ${loaded.p99} ms; ` +
        `median of the rounds' p99 loaded ÷ quiet: ${ratio}× (target ≤ 2×, heavy requests served, every event delivered) → ${met ? 'met' : 'NOT met'}\n`,
    );
    underHeavyWork = { articles: HEAVY_ARTICLES, wordsPerArticle: HEAVY_WORDS_PER_ARTICLE, medianRound: loaded, ratioP99ToQuiet: ratio, target: 2, met };
  }
  return {
    clients: CLIENTS,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    loadAverage: os.loadavg(),
    ...base,
    high,
    underHeavyWork,
    passed: base.passed && (high?.passed ?? true),
  };
}
