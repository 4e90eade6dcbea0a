import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { seedDemo, addNegotiation, addMember, type DemoIds } from '../helpers/seed.ts';
import { call, login } from '../helpers/auth.ts';
import { collabOf } from '../../server/collab/collab.capability.ts';
import { UPDATES_COLLECTION } from '../../server/collab/persistence.ts';
import { textEditModel } from '../../server/versions/text-edits.ts';
import { appendParagraph, connectClient, fragmentText, synced, upgradeStatus, waitFor, type TestClient } from './yjs-helpers.ts';

const NEGOTIATOR = 'negociateur@axess.demo';
const DELEGATE = 'delegue@cfdt.demo';

const clients: TestClient[] = [];
function client(baseUrl: string, docName: string, cookie?: string): TestClient {
  const c = connectClient(baseUrl, docName, cookie);
  clients.push(c);
  return c;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

/** The text the server has stored for a document, read by a fresh client. */
async function serverText(baseUrl: string, docName: string, cookie: string): Promise<string> {
  const probe = client(baseUrl, docName, cookie);
  await synced(probe);
  const text = probe.text();
  probe.destroy();
  return text;
}

describe('co-drafting on the real server', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiator: string;
  let delegate: string;
  let dataDir: string;
  let articleDoc: string;

  beforeAll(async () => {
    server = await startTestServer();
    dataDir = server.dataDir;
    ids = await seedDemo(server);
    negotiator = await login(server, NEGOTIATOR);
    delegate = await login(server, DELEGATE);
    articleDoc = `article:${ids.articles[Object.keys(ids.articles)[1] as keyof DemoIds['articles']][1]}`;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('a new article opens with its seed paragraphs', async () => {
    const a = client(server.url, articleDoc, negotiator);
    await synced(a);
    await waitFor(() => a.text().length > 0, 5000, 'seed text');
    expect(a.doc.getXmlFragment('default').get(0)).toBeInstanceOf(Y.XmlElement);
  });

  it('two negotiators converge on concurrent edits', async () => {
    const a = client(server.url, articleDoc, negotiator);
    const b = client(server.url, articleDoc, await login(server, 'secretariat@axess.demo'));
    await Promise.all([synced(a), synced(b)]);
    for (let i = 0; i < 25; i++) {
      appendParagraph(a.doc, `négociateur ${i}`);
      appendParagraph(b.doc, `secrétariat ${i}`);
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    await waitFor(() => a.text() === b.text() && a.text().includes('négociateur 24') && a.text().includes('secrétariat 24'), 10_000, 'convergence');
  });

  it("a read-only delegate's edit reaches neither the negotiator nor storage; their presence does", async () => {
    const writer = client(server.url, articleDoc, negotiator);
    const reader = client(server.url, articleDoc, delegate);
    await Promise.all([synced(writer), synced(reader)]);
    appendParagraph(writer.doc, 'Texte du négociateur');
    await waitFor(() => reader.text().includes('Texte du négociateur'), 5000, 'live edit at the delegate');
    appendParagraph(reader.doc, 'Tentative du délégué');
    reader.provider.awareness.setLocalStateField('user', { name: 'Nadia Benali', org: 'CFDT' });
    await waitFor(() => [...writer.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Nadia Benali'), 5000, 'presence');
    await new Promise((r) => setTimeout(r, 400));
    expect(writer.text()).not.toContain('Tentative du délégué');
    expect(await serverText(server.url, articleDoc, negotiator)).not.toContain('Tentative du délégué');
  });

  it('refuses an upgrade without a session (401), outside the negotiation or for an unknown document (403)', async () => {
    const ws = server.url.replace('http', 'ws');
    expect(await upgradeStatus(`${ws}/yjs/${articleDoc}`)).toBe(401);
    const stranger = 'etranger@ailleurs.demo';
    const otherNegotiation = await addNegotiation(server, 'Accord d’entreprise', ids.organisations.CFDT);
    await addMember(server, { email: stranger, negotiationId: otherNegotiation, organisationId: ids.organisations.CFDT, roles: ['negotiator'] });
    const strangerCookie = await login(server, stranger);
    expect(await upgradeStatus(`${ws}/yjs/${articleDoc}`, strangerCookie)).toBe(403);
    expect(await upgradeStatus(`${ws}/yjs/agreement:${Object.values(ids.negotiations)[0]}`, strangerCookie)).toBe(403);
    expect(await upgradeStatus(`${ws}/yjs/article:doesnotexist`, negotiator)).toBe(403);
    expect(await upgradeStatus(`${ws}/yjs/${articleDoc}`, negotiator)).toBe(101);
  });

  it('survives a client that sends garbage', async () => {
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/${articleDoc}`, { headers: { cookie: negotiator } });
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(Buffer.from([0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 9]));
    expect(await closed).toBe(4400);
    expect((await call(server, '/health')).status).toBe(200);
    const a = client(server.url, articleDoc, negotiator);
    await synced(a);
  });

  it('compaction keeps the content identical', async () => {
    const { store } = collabOf(server.app.context);
    const a = client(server.url, articleDoc, negotiator);
    await synced(a);
    for (let i = 0; i < 40; i++) {
      appendParagraph(a.doc, `ligne ${i}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => a.text().includes('ligne 39'));
    const expected = a.text();
    await new Promise((r) => setTimeout(r, 300));
    const doc = await store.open(articleDoc);
    await store.compact(doc);
    store.release(doc);
    const db = server.app.context.db.connection.db!;
    expect(await db.collection(UPDATES_COLLECTION).countDocuments({ docName: articleDoc })).toBe(0);
    a.destroy();
    await waitFor(() => store.loadedCount === 0 || !(store as unknown as { docs: Map<string, unknown> }).docs.has(articleDoc), 5000, 'unload');
    expect(await serverText(server.url, articleDoc, negotiator)).toBe(expected);
  });

  it('who wrote what is stored straight into the engine of this process, not through the driver', async () => {
    const edits = textEditModel(server.app.context.db.connection);
    const throughDriver = vi.spyOn(edits.collection, 'insertMany');
    try {
      const since = new Date(Date.now() - 1);
      const a = client(server.url, articleDoc, negotiator);
      await synced(a);
      appendParagraph(a.doc, 'Ligne signée du négociateur');
      // Written once per window (5 s).
      await waitFor(async () => (await edits.countDocuments({ docName: articleDoc, to: { $gte: since } })) > 0, 10_000, 'the edit recorded');
      const [record] = await edits.find({ docName: articleDoc, to: { $gte: since } }).lean();
      expect(record.author?.name).toBeTruthy();
      expect(record.inserted.length).toBeGreaterThan(0);
      expect(throughDriver).not.toHaveBeenCalled();
    } finally {
      throughDriver.mockRestore();
    }
  });

  it('after a restart on the same data directory the text is intact, without the delegate’s attempt', async () => {
    const before = await serverText(server.url, articleDoc, negotiator);
    expect(before).toContain('Texte du négociateur');
    await server.close();
    server = await startTestServer({ DATA_DIR: dataDir });
    const after = await serverText(server.url, articleDoc, negotiator);
    expect(after).toBe(before);
    expect(after).not.toContain('Tentative du délégué');
  });
});

// --- A server killed mid-edit ------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];

/** A server child, its modules loaded; `start()` starts it on `port` and `dataDir` and resolves once it listens. */
interface WarmChild {
  process: ChildProcess;
  start(): Promise<ChildProcess>;
}

function warmChild(port: number, dataDir: string): WarmChild {
  const child = spawn(process.execPath, [path.join('test', 'integration', 'collab-child.ts')], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  let out = '';
  const seen = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!out.includes(word)) return;
        child.stdout?.off('data', check);
        resolve();
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => reject(new Error(`server child exited (${code}) before ${word}`)));
      check();
    });
  child.stdout?.on('data', (chunk) => (out += chunk));
  const warm = seen('WARM');
  return {
    process: child,
    async start() {
      await warm;
      const ready = seen('READY');
      child.stdin?.write('start\n');
      await ready;
      return child;
    },
  };
}

describe('a server killed during edits', () => {
  let dataDir: string;
  let ids: DemoIds;
  let port: number;
  let first: WarmChild;
  let next: WarmChild;

  // The servers' children load their modules while the data directory is seeded: the test
  // measures the kill and the restart, not Node loading the server twice.
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-kill-'));
    port = await freePort();
    first = warmChild(port, dataDir);
    next = warmChild(port, dataDir);
    const seeded = await startTestServer({ DATA_DIR: dataDir });
    ids = await seedDemo(seeded);
    await seeded.close();
  });
  afterAll(() => {
    // Every server started here, including one left behind by a failed assertion.
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('clients reconnect to the next server on the same port and data, and the server converges to their state', async () => {
    const url = `http://127.0.0.1:${port}`;
    const killed = await first.start();
    const cookieA = await login({ url }, NEGOTIATOR);
    const cookieB = await login({ url }, 'secretariat@axess.demo');
    const docName = `article:${Object.values(ids.articles)[0][0]}`;
    const a = client(url, docName, cookieA);
    const b = client(url, docName, cookieB);
    await Promise.all([synced(a), synced(b)]);

    let n = 0;
    const typing = setInterval(() => {
      appendParagraph(a.doc, `A${n}`);
      appendParagraph(b.doc, `B${n}`);
      n++;
    }, 10);
    await new Promise((r) => setTimeout(r, 500));
    killed.kill('SIGKILL');
    await new Promise((r) => killed.once('exit', r));
    await new Promise((r) => setTimeout(r, 300)); // edits made while the server is down
    clearInterval(typing);
    const typed = n;

    await next.start();
    await waitFor(() => a.provider.wsconnected && b.provider.wsconnected, 20_000, 'reconnection');
    await waitFor(() => a.text() === b.text() && a.text().includes(`A${typed - 1}`) && a.text().includes(`B${typed - 1}`), 20_000, 'clients converge');
    await waitFor(async () => (await serverText(url, docName, cookieA)) === a.text(), 20_000, 'server converges');
    expect(fragmentText(a.doc).split('\n').filter((l) => /^[AB]\d+$/.test(l))).toHaveLength(typed * 2);
  });
});
