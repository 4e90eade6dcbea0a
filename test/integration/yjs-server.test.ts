import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket as TcpSocket } from 'node:net';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import { presenceUser } from '../../shared/presence.ts';
import { deterministicSeed, writeParagraphs } from '../../shared/structure.ts';
import { DocStore } from '../../server/collab/doc-store.ts';
import { Origin } from '../../server/collab/shared-doc.ts';
import { MemoryPersistence } from '../../server/collab/persistence.ts';
import { CloseCode } from '../../shared/collab/close-codes.ts';
import { YjsServer, type Authorize } from '../../server/collab/yjs-server.ts';
import { watchIntervals } from '../helpers/intervals.ts';
import { appendParagraph, connectClient, synced, upgradeStatus, waitFor, type TestClient } from './yjs-helpers.ts';

// The Yjs endpoint alone, with an injected authorisation and in-memory storage: the protocol,
// the read-only rule and the storage cycle, independent of sessions and of the database.

const WRITER = 'sid=writer';
const READER = 'sid=reader';

const authorize: Authorize = async ({ cookie, docName }) => {
  if (cookie !== WRITER && cookie !== READER) return { ok: false, status: 401 };
  if (!/^(article|agreement):[a-z0-9]+$/.test(docName) || docName.endsWith('foreign')) return { ok: false, status: 403 };
  const presence = cookie === WRITER ? presenceUser('Rédactrice', 'AXESS') : presenceUser('Lecteur', 'CFDT');
  return { ok: true, principal: { userId: cookie, negotiationId: 'n1', canWrite: cookie === WRITER, presence } };
};

interface Harness {
  url: string;
  persistence: MemoryPersistence;
  store: DocStore;
  yjs: YjsServer;
  http: Server;
  stop(): Promise<void>;
}

async function startHarness(persistence = new MemoryPersistence(), { pingEveryMs, ...options }: { compactAfterUpdates?: number; pingEveryMs?: number } = {}): Promise<Harness> {
  const logger = pino({ level: 'silent' });
  const store = new DocStore({
    persistence,
    logger,
    initialState: async (name) => (name === 'article:seeded' ? deterministicSeed((d) => writeParagraphs(d, ['Article premier.'])) : null),
    unloadAfterMs: 50,
    compactWhenIdleMs: 200,
    ...options,
  });
  const yjs = new YjsServer({ store, authorize, logger, maxMessageBytes: 64 * 1024, pingEveryMs });
  const http = createServer();
  http.on('upgrade', (req, socket, head) => {
    if (req.url?.startsWith('/yjs/')) yjs.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    persistence,
    store,
    yjs,
    http,
    async stop() {
      await yjs.close();
      await store.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Counts the system writes of the server's TCP sockets (net.Socket writes through _write or, corked or queued, _writev). */
function countWrites(http: Server): { writes: number } {
  const counter = { writes: 0 };
  http.on('connection', (tcp: TcpSocket) => {
    const target = tcp as unknown as { _write: (...a: unknown[]) => unknown; _writev: (...a: unknown[]) => unknown };
    const write = target._write.bind(tcp);
    const writev = target._writev.bind(tcp);
    target._write = (...args) => (counter.writes++, write(...args));
    target._writev = (...args) => (counter.writes++, writev(...args));
  });
  return counter;
}

function storedText(persistence: MemoryPersistence, name: string): Promise<string> {
  return persistence.load(name).then((stored) => {
    const doc = new Y.Doc();
    if (stored.state) Y.applyUpdate(doc, stored.state);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    return doc.getXmlFragment('default').toString();
  });
}

describe('Yjs endpoint (protocol, rights, storage)', () => {
  let sut: Harness;
  const clients: TestClient[] = [];
  const client = (name: string, cookie?: string) => {
    const c = connectClient(sut.url, name, cookie);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    sut = await startHarness();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await sut.stop();
  });

  it('two writers converge on concurrent edits', async () => {
    const a = client('article:a1', WRITER);
    const b = client('article:a1', WRITER);
    await Promise.all([synced(a), synced(b)]);
    for (let i = 0; i < 20; i++) {
      appendParagraph(a.doc, `A${i}`);
      appendParagraph(b.doc, `B${i}`);
    }
    await waitFor(() => a.text() === b.text() && a.text().split('\n').length === 40, 5000, 'convergence');
    expect(a.text()).toBe(b.text());
  });

  it('a new article starts from its seed paragraphs', async () => {
    const a = client('article:seeded', WRITER);
    await synced(a);
    await waitFor(() => a.text() === 'Article premier.');
  });

  it("a read-only member's edit reaches neither the others nor storage, their presence does", async () => {
    const writer = client('article:a2', WRITER);
    const reader = client('article:a2', READER);
    await Promise.all([synced(writer), synced(reader)]);
    appendParagraph(writer.doc, 'du rédacteur');
    await waitFor(() => reader.text() === 'du rédacteur');
    appendParagraph(reader.doc, 'du lecteur');
    reader.provider.awareness.setLocalStateField('user', { name: 'Lecteur' });
    await waitFor(() => [...writer.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Lecteur'));
    await new Promise((r) => setTimeout(r, 300));
    await sut.store.flush();
    expect(writer.text()).toBe('du rédacteur');
    expect(await storedText(sut.persistence, 'article:a2')).not.toContain('du lecteur');
    expect(await storedText(sut.persistence, 'article:a2')).toContain('du rédacteur');
  });

  it('refuses an upgrade without a session (401) and outside the negotiation (403)', async () => {
    const ws = sut.url.replace('http', 'ws');
    expect(await upgradeStatus(`${ws}/yjs/article:a1`)).toBe(401);
    expect(await upgradeStatus(`${ws}/yjs/article:foreign`, WRITER)).toBe(403);
    expect(await upgradeStatus(`${ws}/yjs/not-a-doc`, WRITER)).toBe(403);
    expect(await upgradeStatus(`${ws}/yjs/article:a1`, WRITER)).toBe(101);
  });

  it('closes on garbage and on an oversized message, and keeps serving', async () => {
    const codes: number[] = [];
    for (const payload of [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]), Buffer.from([0, 2, 50, 1, 2, 3]), Buffer.alloc(100 * 1024, 7)]) {
      const ws = new WebSocket(`${sut.url.replace('http', 'ws')}/yjs/article:a3`, { headers: { cookie: WRITER } });
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      ws.send(payload);
      codes.push(await closed);
    }
    expect(codes).toEqual([CloseCode.BAD_MESSAGE, CloseCode.BAD_MESSAGE, CloseCode.MESSAGE_TOO_BIG]);
    const a = client('article:a3', WRITER);
    await synced(a);
    appendParagraph(a.doc, 'toujours là');
    const b = client('article:a3', WRITER);
    await waitFor(() => b.text() === 'toujours là');
  });

  it('the updates a client is sent in one turn of the event loop leave in one system write, all of them, in order', async () => {
    const counter = countWrites(sut.http);
    const reader = client('article:burst', READER);
    await synced(reader);
    await new Promise((r) => setTimeout(r, 50));
    counter.writes = 0;
    // A hundred changes in one turn (as a busy document's many writers cause), each its own update message.
    await sut.store.withDoc('article:burst', (doc) => {
      for (let i = 0; i < 100; i++) doc.transact(() => doc.getArray<number>('burst').push([i]), Origin.SERVER);
    });
    const received = reader.doc.getArray<number>('burst');
    await waitFor(() => received.length === 100, 5000, 'the burst');
    expect(received.toArray()).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // One write per message before (100).
    expect(counter.writes).toBeLessThanOrEqual(3);
  });

  it('an update that arrives before the one it depends on is relayed and stored all the same', async () => {
    // Two updates of one writer, the second building on the first, sent in the wrong order.
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    source.getArray<string>('lines').push(['premier']);
    source.getArray<string>('lines').push(['second']);
    const reader = client('article:order', READER);
    await synced(reader);
    const ws = new WebSocket(`${sut.url.replace(/^http/, 'ws')}/yjs/article:order`, { headers: { cookie: WRITER } });
    await new Promise((resolve) => ws.once('open', resolve));
    for (const update of [updates[1], updates[0]]) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0); // sync
      encoding.writeVarUint(encoder, 2); // update
      encoding.writeVarUint8Array(encoder, update);
      ws.send(encoding.toUint8Array(encoder));
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitFor(() => reader.doc.getArray('lines').length === 2, 5000, 'both lines at the reader');
    expect(reader.doc.getArray('lines').toArray()).toEqual(['premier', 'second']);
    ws.close();
    await sut.store.flush();
    const stored = await sut.persistence.load('article:order');
    const copy = new Y.Doc();
    if (stored.state) Y.applyUpdate(copy, stored.state);
    for (const u of stored.updates) Y.applyUpdate(copy, u);
    expect(copy.getArray('lines').toArray()).toEqual(['premier', 'second']);
  });

  it('compaction keeps the content identical, and an idle document is unloaded', async () => {
    await sut.stop();
    sut = await startHarness(new MemoryPersistence(), { compactAfterUpdates: 5 });
    const a = client('article:a4', WRITER);
    await synced(a);
    for (let i = 0; i < 30; i++) {
      appendParagraph(a.doc, `ligne ${i}`);
      await new Promise((r) => setTimeout(r, 15));
    }
    const expected = a.doc.getXmlFragment('default').toString();
    await waitFor(() => sut.store.stats.compactions > 0, 5000, 'compaction');
    a.destroy();
    await waitFor(() => sut.store.loadedCount === 0, 5000, 'unload');
    expect(sut.persistence.updates.filter((u) => u.docName === 'article:a4')).toHaveLength(0);
    expect(await storedText(sut.persistence, 'article:a4')).toBe(expected);
    const again = client('article:a4', READER);
    await synced(again);
    await waitFor(() => again.doc.getXmlFragment('default').toString() === expected);
  });
});

describe('Loaded documents (what each one keeps)', () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('a loaded document keeps no timer of its own: one sweep of stale presence for all of them, armed only while one is loaded', async () => {
    const logger = pino({ level: 'silent' });
    const intervals = watchIntervals();
    const store = new DocStore({ persistence: new MemoryPersistence(), logger, initialState: async () => null, unloadAfterMs: 10 });
    const yjs = new YjsServer({ store, authorize, logger });
    try {
      // Nothing open: neither the store nor the endpoint wakes the process up.
      expect(intervals.armed.size).toBe(0);
      const before = timers();
      const docs = [];
      for (let i = 0; i < 20; i++) docs.push(await store.open(`article:t${i}`));
      expect(store.loadedCount).toBe(20);
      expect(timers() - before).toBe(0);
      expect(intervals.armed.size).toBe(1);
      for (const doc of docs) store.release(doc);
      await waitFor(() => store.loadedCount === 0, 5000, 'unload');
      expect(intervals.armed.size).toBe(0);
    } finally {
      intervals.restore();
      await yjs.close();
      await store.close();
    }
  });

  it('while a connection is open, the endpoint pings it, and closes it when it stops answering', async () => {
    const sut = await startHarness(new MemoryPersistence(), { pingEveryMs: 50 });
    try {
      const silent = new WebSocket(`${sut.url.replace('http', 'ws')}/yjs/article:ping`, { headers: { cookie: WRITER }, autoPong: false });
      const code = await new Promise<number>((resolve) => silent.once('close', resolve));
      expect(code).toBe(CloseCode.TIMEOUT);
      await waitFor(() => sut.yjs.connectionCount === 0, 5000, 'connection gone');
    } finally {
      await sut.stop();
    }
  });

  it('a presence its client stops renewing is dropped after the awareness timeout, and the peers are told', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    const store = new DocStore({ persistence: new MemoryPersistence(), logger: pino({ level: 'silent' }), initialState: async () => null });
    try {
      const doc = await store.open('article:presence');
      const client = new awarenessProtocol.Awareness(new Y.Doc());
      client.setLocalState({ cursor: null });
      awarenessProtocol.applyAwarenessUpdate(doc.awareness, awarenessProtocol.encodeAwarenessUpdate(client, [client.clientID]), 'peer');
      const removed: number[] = [];
      doc.awareness.on('update', (change: { removed: number[] }) => removed.push(...change.removed));
      vi.advanceTimersByTime(awarenessProtocol.outdatedTimeout - 5_000);
      expect(doc.awareness.states.has(client.clientID)).toBe(true);
      vi.advanceTimersByTime(10_000);
      expect(doc.awareness.states.has(client.clientID)).toBe(false);
      expect(removed).toEqual([client.clientID]);
      client.destroy();
    } finally {
      vi.useRealTimers();
      await store.close();
    }
  });
});
