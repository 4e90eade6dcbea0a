import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { KEY_PREFIX, MESSAGE_FORMAT } from '../../server/cluster/bus.ts';
import { FORGET_ALL_EVERY_MS } from '../../server/cluster/cluster-access.ts';
import type { NegotiationEvent } from '../../shared/events.ts';
import { agreementDocName, deleteArticle } from '../../shared/structure.ts';
import { call, login } from '../helpers/auth.ts';
import { ownerOn, storedText, useCluster } from '../helpers/cluster.ts';
import { collect, command, connect, join, joinAtHead, until, type ClientSocket } from './realtime-client.ts';
import { appendParagraph, connectClient, synced, waitFor, type TestClient } from './yjs-helpers.ts';

const NEGOTIATOR = 'negociateur@axess.demo';
const DELEGATE = 'delegue@cfdt.demo';

/** Three workspace processes on one Redis and one database, the demo seeded. */
describe('several processes are one workspace', () => {
  /** Counts the processes' database commands, by name and collection. */
  const sut = useCluster(3, { countWire: true, logins: [NEGOTIATOR, DELEGATE, 'delegue@cgt.demo', 'delegue@fo.demo'] });
  const { at, open, socketAt } = sut;
  const article = (n: number) => `article:${sut.ids.articles.tempsDeTravail[n]}`;
  /** Providers on processes 0 and 1, synced, then `body` with a Redis client of the test's own, its statistics reset. */
  const onTwoProcesses = async (docName: string, body: (a: TestClient, b: TestClient, redis: Redis) => Promise<void>) => {
    const [a, b] = [open(0, docName), open(1, docName)];
    await Promise.all([synced(a), synced(b)]);
    const redis = new Redis(sut.cluster.redisUrl);
    try {
      await redis.config('RESETSTAT');
      await body(a, b, redis);
    } finally {
      redis.disconnect();
    }
  };

  it('providers on different processes converge through Redis, both ways, concurrent edits included, while nothing can be stored', async () => {
    const [a, b, c] = [open(0, article(1)), open(1, article(1)), open(2, article(1))];
    await Promise.all([synced(a), synced(b), synced(c)]);
    // No update reaches the database meanwhile: the processes' stored updates, read back at an
    // idle compaction, would carry the edits across too (5 s later), and prove nothing of Redis.
    sut.wire.hold('insert yjs_updates');
    try {
      for (let i = 0; i < 10; i++) {
        appendParagraph(a.doc, `depuis le processus 0, ligne ${i}`);
        appendParagraph(b.doc, `depuis le processus 1, ligne ${i}`);
        appendParagraph(c.doc, `depuis le processus 2, ligne ${i}`);
      }
      const complete = (client: TestClient) => [0, 1, 2].every((p) => client.text().includes(`depuis le processus ${p}, ligne 9`));
      await waitFor(() => complete(a) && complete(b) && complete(c), 10_000, 'convergence');
      await waitFor(() => a.text() === b.text() && b.text() === c.text(), 5_000, 'the same text everywhere');
      expect(await storedText(sut.db, article(1))).not.toContain('depuis le processus');
    } finally {
      sut.wire.release();
    }
  });

  it('an update goes to Redis once, for its stream and its live channel together', async () => {
    await onTwoProcesses(article(4), async (a, b, redis) => {
      const line = `une longue ligne ${'de texte '.repeat(2_000)}`;
      appendParagraph(a.doc, line);
      await waitFor(() => b.text().includes(line), 10_000, 'process 1 has it');
      const received = Number(/^total_net_input_bytes:(\d+)/m.exec(await redis.info('stats'))?.[1]);
      // Before: the update's bytes twice, in its XADD and again in its PUBLISH.
      expect(received).toBeGreaterThan(line.length);
      expect(received).toBeLessThan(1.5 * line.length);
    });
  });

  it('an update goes only to the other processes that have its document open, in one message a turn, never back to its sender', async () => {
    const docName = article(0);
    const alone = open(0, docName);
    await synced(alone);
    // Whatever goes to the processes about Yjs text (presence apart), on any channel.
    const listener = new Redis(sut.cluster.redisUrl);
    const messages: string[] = [];
    listener.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer) => {
      if (!channel.toString().includes('presence')) messages.push(channel.toString());
    });
    try {
      await listener.psubscribe(`${KEY_PREFIX}yjs*`);
      for (let i = 0; i < 10; i++) appendParagraph(alone.doc, `seul sur le processus 0, ligne ${i}`);
      const other = open(1, docName);
      await synced(other);
      await waitFor(() => other.text().includes('seul sur le processus 0, ligne 9'), 10_000, 'process 1 read it from the stream');
      appendParagraph(alone.doc, 'vu en direct par le processus 1');
      await waitFor(() => other.text().includes('vu en direct par le processus 1') && messages.length > 0, 10_000, 'process 1 has it');
      // Before: one message per update on the document's channel (11), each heard by process 0 too.
      expect(messages).toHaveLength(1);
    } finally {
      listener.disconnect();
    }
  });

  it('the updates a process accepts while Redis has not answered its SHARE go together in the next one', async () => {
    await onTwoProcesses(article(5), async (a, b, redis) => {
      // Redis holds every write for half a second: the first SHARE waits for its answer meanwhile.
      await redis.client('PAUSE', 500, 'WRITE');
      for (let i = 0; i < 10; i++) {
        appendParagraph(a.doc, `pendant la pause de Redis, ligne ${i}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await waitFor(() => b.text().includes('pendant la pause de Redis, ligne 9'), 10_000, 'process 1 has every line');
      const stats = await redis.info('commandstats');
      const scripts = ['eval', 'evalsha'].reduce((sum, name) => sum + Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0), 0);
      // Before: one SHARE per turn that accepted an update, ten.
      expect(scripts).toBeLessThanOrEqual(3);
    });
  });

  it('a late joiner on a third process sees an update accepted elsewhere a moment before, not yet stored', async () => {
    const docName = article(2);
    const [a, b] = [open(0, docName), open(1, docName)];
    await Promise.all([synced(a), synced(b)]);
    // Process 2 has never opened this document: it reads it from the stream and the database.
    appendParagraph(a.doc, 'accepté par le processus 0 à l’instant');
    await waitFor(() => b.text().includes('à l’instant'), 5_000, 'process 1 has it');
    const late = open(2, docName);
    await synced(late);
    expect(late.text()).toContain('accepté par le processus 0 à l’instant');
  });

  it('a delegate’s update is dropped whichever process receives it', async () => {
    const docName = article(3);
    const pens = [open(0, docName), open(1, docName), open(2, docName)];
    await Promise.all(pens.map((pen) => synced(pen)));
    for (let i = 0; i < 3; i++) {
      const delegate = open(i, docName, DELEGATE);
      await synced(delegate);
      appendParagraph(delegate.doc, `tentative du délégué par le processus ${i}`);
    }
    appendParagraph(pens[0].doc, 'repère après les tentatives');
    await waitFor(() => pens.every((p) => p.text().includes('repère après les tentatives')), 10_000, 'the marker everywhere');
    for (const pen of pens) expect(pen.text()).not.toContain('tentative du délégué');
    const fresh = open(2, docName);
    await synced(fresh);
    expect(fresh.text()).not.toContain('tentative du délégué');
  });

  it('an event recorded on one process reaches the sockets of every process at once, each once and in order', async () => {
    const negotiationId = sut.ids.negotiations.tempsDeTravail;
    const watchers = [await socketAt(0, DELEGATE), await socketAt(1, DELEGATE), await socketAt(2, DELEGATE)];
    const seen = watchers.map(collect);
    const heads = await Promise.all(watchers.map((w) => join(w, negotiationId, 0)));
    const from = Math.max(...heads.map((h) => h.lastSeq));
    // Written on process 0 only: processes 1 and 2 record nothing of their own meanwhile.
    const writer = await socketAt(0, 'delegue@cgt.demo');
    const declare = (socket: ClientSocket, n: number, statement: string) =>
      command(socket, 'position:declare', { negotiationId, stance: 'réservé', statement, item: { kind: 'article', id: sut.ids.articles.tempsDeTravail[1 + (n % 3)] } });
    for (let n = 0; n < 3; n++) expect(await declare(writer, n, `écrit sur 0, ${n}`)).toMatchObject({ ok: true });
    await until(() => seen.every((s) => s.filter((e) => e.seq > from).length >= 3), 'three events on every process', 10_000);
    // Then written everywhere at once.
    const writers = [writer, await socketAt(1, 'delegue@fo.demo'), await socketAt(2, DELEGATE)];
    const acks = await Promise.all(writers.flatMap((w, i) => [0, 1, 2].map((n) => declare(w, n, `écrit sur ${i}, ${n}`))));
    for (const ack of acks) expect(ack).toMatchObject({ ok: true });
    await until(() => seen.every((s) => s.filter((e) => e.seq > from).length >= 12), 'twelve events on every process', 10_000);
    for (const events of seen) {
      const seqs = events.map((e: NegotiationEvent) => e.seq).filter((s) => s > from);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
  });

  it('the events of one append batch go to the other processes in one message, not one per command', async () => {
    const negotiationId = sut.ids.negotiations.tempsDeTravail;
    const watcher = await socketAt(1, DELEGATE);
    const seen = collect(watcher);
    const { lastSeq } = await joinAtHead(watcher, negotiationId);
    const listener = new Redis(sut.cluster.redisUrl);
    const messages: number[][] = [];
    listener.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
      const body = JSON.parse(message.subarray(17).toString()) as { events: NegotiationEvent[] };
      messages.push(body.events.map((e) => e.seq).filter((seq) => seq > lastSeq));
    });
    await listener.subscribe(`${KEY_PREFIX}events`);
    try {
      const writer = await socketAt(0, 'delegue@cgt.demo');
      sut.wire.reset();
      const acks = await Promise.all(
        Array.from({ length: 12 }, (_, n) => command(writer, 'position:declare', { negotiationId, stance: 'réservé', statement: `en rafale ${n}`, item: { kind: 'text' } })),
      );
      for (const ack of acks) expect(ack).toMatchObject({ ok: true });
      await until(() => seen.filter((e) => e.seq > lastSeq).length >= 12, 'the twelve events on process 1', 10_000);
      const inserts = sut.wire.counts()['insert events'];
      const carrying = messages.filter((seqs) => seqs.length > 0);
      // One message per insert (a batch), each with its events in order, all twelve sent once.
      expect(carrying.length).toBeLessThanOrEqual(inserts);
      expect(carrying.length).toBeLessThan(12);
      expect(carrying.flat()).toEqual(Array.from({ length: 12 }, (_, i) => lastSeq + 1 + i));
    } finally {
      listener.disconnect();
    }
  });

  /** A writer on each process, each having declared a position once (its process read the log's head then). */
  async function writerOnEachProcess() {
    const negotiationId = sut.ids.negotiations.tempsDeTravail;
    const writers = [await socketAt(0, DELEGATE), await socketAt(1, 'delegue@cgt.demo'), await socketAt(2, 'delegue@fo.demo')];
    const declare = (socket: ClientSocket, statement: string) =>
      command(socket, 'position:declare', { negotiationId, stance: 'réservé', statement, item: { kind: 'article', id: sut.ids.articles.tempsDeTravail[1] } });
    for (const [i, w] of writers.entries()) expect(await declare(w, `avant, ${i}`)).toMatchObject({ ok: true });
    return { negotiationId, writers, declare };
  }

  it('commands recorded at once on three processes are appended by one: no insert loses a race for its seq, the log stays gap-free', async () => {
    const { negotiationId, writers, declare } = await writerOnEachProcess();
    sut.wire.reset();
    for (let round = 0; round < 5; round++) {
      const acks = await Promise.all(writers.flatMap((w, i) => [0, 1, 2, 3].map((n) => declare(w, `tour ${round}, processus ${i}, ${n}`))));
      for (const ack of acks) expect(ack).toMatchObject({ ok: true });
    }
    // Each process appending its own, it numbered its batch from the head it last knew: refused on (negotiation, seq), read again, retried.
    // (Only the seq's index counts here: a refusal on `_id` is another write's idempotence, e.g. a mail two processes both queue once.)
    expect(sut.wire.duplicateKeys()['negotiationId_1_seq_1'] ?? 0).toBe(0);
    const log = await sut.db.collection('events').find({ negotiationId }, { projection: { seq: 1 } }).sort({ seq: 1 }).toArray();
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  });

  it('under commands from three processes at once, the owner of the negotiation appends and publishes them all, with scripts only to renew and read its lease, and nobody reads the others’ events back', async () => {
    const { negotiationId, writers, declare } = await writerOnEachProcess();
    const redis = new Redis(sut.cluster.redisUrl);
    const listener = new Redis(sut.cluster.redisUrl);
    // The processes that published the negotiation's events (the sender's id follows the format byte).
    const senders = new Set<string>();
    listener.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
      if ((JSON.parse(message.subarray(17).toString()) as { negotiationId: string }).negotiationId === negotiationId) senders.add(message.subarray(1, 17).toString('hex'));
    });
    await listener.subscribe(`${KEY_PREFIX}events`);
    let declared = 0;
    try {
      await redis.config('RESETSTAT');
      sut.wire.reset();
      // Each writer keeps two commands in flight for a second: the three processes append all along.
      const until = Date.now() + 1_000;
      await Promise.all(
        writers.flatMap((w, i) =>
          [0, 1].map(async () => {
            while (Date.now() < until) expect(await declare(w, `en continu, processus ${i}, ${declared++}`)).toMatchObject({ ok: true });
          }),
        ),
      );
      const batches = sut.wire.counts()['insert events'];
      const scripts = Number(/^cmdstat_eval:calls=(\d+)/m.exec(await redis.info('commandstats'))?.[1] ?? 0);
      // Before: each process inserted and published its own batches, taking turns through a
      // script per batch (0.47 per declare in the cluster bench). Now one process inserts them
      // all, in batches of every process's commands, and publishes them; the others forward
      // theirs to it.
      expect(senders.size).toBe(1);
      expect(batches).toBeGreaterThan(3);
      expect(batches).toBeLessThan(declared);
      // Scripts by time, not by command: the owner renews its lease every 500 ms, each other
      // process asks who owns it once the lease it last read ends (1.5 s at most).
      expect(scripts).toBeLessThanOrEqual(10);
      // Each process's mail feed follows the whole log: the others' events come to it over Redis
      // with their delivery, not read back.
      expect(sut.wire.counts()['find events'] ?? 0).toBe(0);
    } finally {
      redis.disconnect();
      listener.disconnect();
    }
    const log = await sut.db.collection('events').find({ negotiationId }, { projection: { seq: 1 } }).sort({ seq: 1 }).toArray();
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(sut.wire.duplicateKeys()['negotiationId_1_seq_1'] ?? 0).toBe(0);
  });

  it('the appends a process forwards in one turn go to their owner in one message, not one per command', async () => {
    const negotiationId = sut.ids.negotiations.tempsDeTravail;
    const redis = new Redis(sut.cluster.redisUrl);
    const listener = new Redis(sut.cluster.redisUrl);
    try {
      // Process 0 appends for all.
      const owner = await ownerOn(sut, redis, 0, 'delegue@cgt.demo', negotiationId);
      const declare = (socket: ClientSocket, statement: string) => command(socket, 'position:declare', { negotiationId, stance: 'réservé', statement, item: { kind: 'text' } });
      const messages: number[] = [];
      listener.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
        messages.push([JSON.parse(message.subarray(17).toString()) as { kind: string } | { kind: string }[]].flat().filter((m) => m.kind === 'append').length);
      });
      await listener.subscribe(`${KEY_PREFIX}append:${owner}`);
      const writer = await socketAt(1, 'delegue@fo.demo');
      const acks = await Promise.all(Array.from({ length: 12 }, (_, n) => declare(writer, `transmis au propriétaire ${n}`)));
      for (const ack of acks) expect(ack).toMatchObject({ ok: true });
      // Each forwarded once, several to a message (one message each before).
      expect(messages.reduce((sum, n) => sum + n, 0)).toBe(12);
      expect(messages.length).toBeLessThan(12);
    } finally {
      redis.disconnect();
      listener.disconnect();
    }
  });

  it('a command reads no session, mandate nor article it knows, and a change of roles made on one process holds on the others at once', async () => {
    const negotiationId = sut.ids.negotiations.tempsDeTravail;
    const delegate = await socketAt(1, DELEGATE);
    const declare = (statement: string) => command(delegate, 'position:declare', { negotiationId, stance: 'réservé', statement, item: { kind: 'article', id: sut.ids.articles.tempsDeTravail[1] } });
    expect(await declare('la première lit le mandat')).toMatchObject({ ok: true });
    sut.wire.reset();
    const started = Date.now();
    for (let n = 0; n < 10; n++) expect(await declare(`sans relire ${n}`)).toMatchObject({ ok: true });
    const reads = sut.wire.counts();
    // The cache forgets everything every FORGET_ALL_EVERY_MS (writes made outside the workspace):
    // a tick falling among the ten commands costs one read of each, not one per command.
    const ticks = Math.ceil((Date.now() - started) / FORGET_ALL_EVERY_MS);
    for (const source of ['sessions', 'users', 'memberships', 'organisations', 'articles']) expect(reads[`find ${source}`] ?? 0, source).toBeLessThanOrEqual(ticks);
    // The CFDT lead (the same person) keeps only that role on process 0 (no delegate nor signatory)…
    const user = await sut.db.collection('users').findOne({ email: DELEGATE });
    const membership = await sut.db.collection('memberships').findOne({ negotiationId, userId: String(user!._id) });
    const setRoles = async (roles: string[]) => {
      const response = await call(at(0), `/negotiations/${negotiationId}/members/${String(membership!._id)}`, { method: 'PATCH', cookie: sut.cookie(DELEGATE), origin: sut.cluster.processes[0].url, body: { roles } });
      expect(response.status).toBe(204);
    };
    const roles = membership!.roles as string[];
    try {
      await setRoles(['lead']);
      // …and process 1 holds her to it within Redis's latency, far below the cache's 10 s sweep.
      const since = Date.now();
      let refused = await declare('après le retrait');
      while (refused.ok && Date.now() - since < 1_000) refused = await declare('après le retrait');
      expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    } finally {
      await setRoles(roles);
    }
    const since = Date.now();
    let allowed = await declare('rendu');
    while (!allowed.ok && Date.now() - since < 1_000) allowed = await declare('rendu');
    expect(allowed).toMatchObject({ ok: true });
  });

  it('a sign-out on one process closes the person’s sockets and Yjs connections on the others', async () => {
    const cookie = await login(at(0), 'delegue@fo.demo');
    const socket = await connect(at(2), cookie);
    sut.closeAfterTest(socket);
    const ended = new Promise<void>((resolve) => socket.once('session:ended', () => resolve()));
    const ws = connectClient(sut.cluster.processes[1].url, article(1), cookie);
    sut.closeAfterTest(ws);
    await synced(ws);
    const closed = new Promise<number>((resolve) => ws.provider.ws?.addEventListener('close', (e) => resolve((e as CloseEvent).code)));
    const out = await fetch(`${sut.cluster.processes[0].url}/api/auth/logout`, { method: 'POST', headers: { cookie, origin: sut.cluster.processes[0].url } });
    expect(out.status).toBeLessThan(300);
    await ended;
    expect(await closed).toBe(4401);
  });

  it('a client reconnecting on another process gets exactly what it missed, then the live events', async () => {
    const negotiationId = sut.ids.negotiations.tempsDeTravail;
    const before = await socketAt(0, DELEGATE);
    const { lastSeq } = await joinAtHead(before, negotiationId);
    before.close();
    // Missed while away: recorded on process 1.
    const writer = await socketAt(1, 'delegue@cgt.demo');
    const declare = (n: number) =>
      command(writer, 'position:declare', { negotiationId, stance: 'favorable', statement: `pendant l’absence, ${n}`, item: { kind: 'article', id: sut.ids.articles.tempsDeTravail[1] } });
    for (let n = 0; n < 3; n++) expect(await declare(n)).toMatchObject({ ok: true });
    // Back on process 2, from the last seq it had.
    const after = await socketAt(2, DELEGATE);
    const live = collect(after);
    const caughtUp = await join(after, negotiationId, lastSeq);
    expect(caughtUp.events.map((e) => e.seq)).toEqual([lastSeq + 1, lastSeq + 2, lastSeq + 3]);
    // Then what process 1 records reaches it live, once.
    expect(await declare(3)).toMatchObject({ ok: true });
    await until(() => live.some((e) => e.seq === lastSeq + 4), 'the live event from process 1', 10_000);
    expect(live.map((e) => e.seq)).toEqual([lastSeq + 4]);
  });

  it('two closes of one vote at the same instant on two processes: one closes it, the other is refused, as in one process', async () => {
    const negotiationId = sut.ids.negotiations.cppni;
    const secretariat = [await socketAt(0, 'secretariat@axess.demo'), await socketAt(1, 'secretariat@axess.demo')];
    for (let round = 0; round < 5; round++) {
      const opened = await command<{ id: string }>(secretariat[round % 2], 'vote:open', { negotiationId, item: { kind: 'text' }, rule: 'double-majority', title: `Vote simultané ${round}` });
      if (!opened.ok) throw new Error(opened.error.message);
      const voteId = opened.data.id;
      const closes = await Promise.all(secretariat.map((s) => command(s, 'vote:close', { negotiationId, voteId })));
      expect(closes.filter((c) => c.ok)).toHaveLength(1);
      expect(closes.find((c) => !c.ok)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      const closedEvents = await sut.db.collection('events').countDocuments({ negotiationId, type: 'vote:closed', 'payload.voteId': voteId });
      expect(closedEvents).toBe(1);
    }
  });

  it('the same command id sent to two processes, at once and again later, is applied once and both get the first reply', async () => {
    const negotiationId = sut.ids.negotiations.cppni;
    const secretariat = [await socketAt(0, 'secretariat@axess.demo'), await socketAt(1, 'secretariat@axess.demo')];
    const opened = (title: string) => sut.db.collection('events').countDocuments({ negotiationId, type: 'vote:opened', 'payload.title': title });
    for (let round = 0; round < 3; round++) {
      const title = `Vote retenté ailleurs ${round}`;
      const body = { negotiationId, item: { kind: 'text' }, rule: 'double-majority', title, commandId: `cluster-retry-${round}` };
      const [a, b] = await Promise.all(secretariat.map((s) => command<{ id: string }>(s, 'vote:open', body)));
      expect(a.ok && b.ok).toBe(true);
      expect(b.ok && b.data.id).toBe(a.ok && a.data.id);
      // A retry after the first answer, on the third process, finds it too.
      const late = await command<{ id: string }>(await socketAt(2, 'secretariat@axess.demo'), 'vote:open', body);
      expect(late.ok && late.data.id).toBe(a.ok && a.data.id);
      expect(await opened(title)).toBe(1);
    }
  });

  it('a message of another format (a process of another release) is ignored and said once in the log; live events go on', async () => {
    const negotiationId = sut.ids.negotiations.tempsDeTravail;
    const watcher = await socketAt(1, DELEGATE);
    const seen = collect(watcher);
    const { lastSeq } = await joinAtHead(watcher, negotiationId);
    // What a later release might send: a whole message, its header and body included, in format + 1.
    const future = { negotiationId, events: [{ negotiationId, seq: lastSeq + 1, type: 'position:declared', payload: { statement: 'd’une autre version' } }] };
    const message = Buffer.concat([Buffer.of(MESSAGE_FORMAT + 1), randomBytes(16), Buffer.from(JSON.stringify(future))]);
    const redis = new Redis(sut.cluster.redisUrl);
    try {
      for (let i = 0; i < 3; i++) expect(await redis.publish(`${KEY_PREFIX}events`, message)).toBe(3);
    } finally {
      redis.disconnect();
    }
    const writer = await socketAt(0, 'delegue@cgt.demo');
    const statement = 'après le message d’une autre version';
    expect(await command(writer, 'position:declare', { negotiationId, stance: 'réservé', statement, item: { kind: 'text' } })).toMatchObject({ ok: true });
    await until(() => seen.some((e) => (e.payload as { statement?: string }).statement === statement), 'the next event on process 1', 10_000);
    expect(seen.filter((e) => (e.payload as { statement?: string }).statement === 'd’une autre version')).toEqual([]);
    expect(seen.filter((e) => e.seq > lastSeq).map((e) => e.seq)).toEqual([lastSeq + 1]);
    for (const i of [0, 1, 2]) expect(sut.cluster.logOf(i).match(/messages of another format ignored/g)).toHaveLength(1);
  });

  it('stores every update exactly as the live copies hold it', async () => {
    const docName = article(1);
    const probe = open(1, docName);
    await synced(probe);
    const live = probe.text();
    // Whatever process stored what, the database alone rebuilds the same text.
    await waitFor(async () => (await storedText(sut.db, docName)) === live, 15_000, 'the stored text');
  });

  it('an article removed from the outline on one process is known to be gone on the others at once: a position on it is refused', async () => {
    const negotiationId = sut.ids.negotiations.tempsDeTravail;
    const articleId = sut.ids.articles.tempsDeTravail.at(-1)!;
    const delegate = await socketAt(1, DELEGATE);
    const declare = (statement: string) => command(delegate, 'position:declare', { negotiationId, stance: 'réservé', statement, item: { kind: 'article', id: articleId } });
    // Process 1 knows the article (and keeps it known)…
    expect(await declare('tant que l’article existe')).toMatchObject({ ok: true });
    expect(await declare('toujours là')).toMatchObject({ ok: true });
    // …until a pen-holder removes it from the outline on process 0.
    const outline = open(0, agreementDocName(negotiationId));
    await synced(outline);
    expect(deleteArticle(outline.doc, articleId)).toBe(true);
    await waitFor(async () => (await sut.db.collection('articles').countDocuments({ articleId })) === 0, 10_000, 'the article removed');
    const since = Date.now();
    let refused = await declare('après le retrait');
    while (refused.ok && Date.now() - since < 1_000) refused = await declare('après le retrait');
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
