import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll } from 'vitest';
import * as Y from 'yjs';
import { Cluster, type ClusterOptions } from '../../scripts/cluster/harness.ts';
import { countingRelay, type WireCounter } from '../../scripts/cluster/wire-count.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { leaseKey } from '../../server/cluster/append-owner.ts';
import { DEMO_PASSWORD } from '../../server/seed/demo-content.ts';
import { seedDemo, type DemoIds } from '../../server/seed/seed.ts';
import { login } from './auth.ts';
import type { Redis } from 'ioredis';
import { command, connect, type ClientSocket } from '../integration/realtime-client.ts';
import { connectClient, fragmentText, waitFor, type TestClient } from '../integration/yjs-helpers.ts';

export { Cluster };

/**
 * A real cluster for a test file: the engine server, a redis-server and `processes` workspace
 * processes (`npm start`'s entry, REDIS_URL and MONGODB_URI set) behind the proxy, the demo
 * seeded once before they start. Also a database connection of the test's own, to read what
 * is stored.
 */
export async function startCluster(processes: number, options: Partial<ClusterOptions> = {}): Promise<{ cluster: Cluster; ids: DemoIds; db: mongoose.Connection }> {
  const cluster = new Cluster({ processes, nodeEnv: 'test', logLevel: process.env.TEST_LOG_LEVEL ?? 'warn', stdio: process.env.TEST_LOG_LEVEL ? 'inherit' : 'ignore', ...options });
  let ids: DemoIds | undefined;
  let db: mongoose.Connection | undefined;
  try {
    await cluster.start(async (uri) => {
      db = await mongoose.createConnection(uri).asPromise();
      ids = await seedDemo(db, { passwordHash: await hashPassword(DEMO_PASSWORD) });
    });
  } catch (err) {
    await db?.close();
    await cluster.close();
    throw err;
  }
  return { cluster, ids: ids!, db: db! };
}

export interface ClusterOfTest {
  readonly cluster: Cluster;
  readonly ids: DemoIds;
  /** The test's own connection to the database: what is stored. */
  readonly db: mongoose.Connection;
  /** The processes' database commands, counted by name and collection (with `countWire`). */
  readonly wire: WireCounter;
  /** Process `i`, as the HTTP and Socket.IO helpers take a server. */
  at(i: number): { url: string };
  /** The session cookie of one of `logins` (signed in once, before the tests). */
  cookie(email: string): string;
  /** A y-websocket provider on process `where` (or at a URL: the proxy), closed after the test. */
  open(where: number | string, docName: string, email?: string): TestClient;
  /** A Socket.IO client on process `i` for `email` (signed in on first use), closed after the test. */
  socketAt(i: number, email: string): Promise<ClientSocket>;
  /** Closes a client the test made by itself after the test. */
  closeAfterTest(client: TestClient | ClientSocket): void;
}

/**
 * The cluster of a test file, with its hooks: started (and the demo seeded, `logins` signed in)
 * before the file's tests, the providers and sockets a test opened through it closed after
 * each test, everything stopped after the file. `countWire` puts the counting relay
 * (scripts/cluster/wire-count.ts) between the processes and the database.
 */
export function useCluster(
  processes: number,
  options: { countWire?: boolean; logins?: readonly string[]; defaultEmail?: string; cluster?: Partial<ClusterOptions> } = {},
): ClusterOfTest {
  let cluster: Cluster | undefined;
  let ids: DemoIds | undefined;
  let db: mongoose.Connection | undefined;
  let wire: WireCounter | undefined;
  const cookies = new Map<string, string>();
  const clients: TestClient[] = [];
  const sockets: ClientSocket[] = [];
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the cluster is not started (${what})`);
    return value;
  };
  const at = (i: number) => ({ url: started(cluster, 'at').processes[i].url });
  const cookie = (email: string) => {
    const found = cookies.get(email);
    if (!found) throw new Error(`${email} is not among the cluster's logins`);
    return found;
  };

  beforeAll(async () => {
    const tap = options.countWire ? { databaseTap: async (port: number) => (wire = await countingRelay(port)).port } : {};
    ({ cluster, ids, db } = await startCluster(processes, { ...tap, ...options.cluster }));
    for (const email of options.logins ?? []) cookies.set(email, await login(at(0), email));
  }, 180_000);

  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await db?.close();
    await cluster?.close();
    wire?.close();
  }, 60_000);

  return {
    get cluster() {
      return started(cluster, 'cluster');
    },
    get ids() {
      return started(ids, 'ids');
    },
    get db() {
      return started(db, 'db');
    },
    get wire() {
      return started(wire, 'wire: useCluster(n, { countWire: true })');
    },
    at,
    cookie,
    open(where, docName, email = options.defaultEmail ?? options.logins?.[0] ?? '') {
      const client = connectClient(typeof where === 'number' ? at(where).url : where, docName, cookie(email));
      clients.push(client);
      return client;
    },
    closeAfterTest(client) {
      if ('destroy' in client && 'provider' in client) clients.push(client);
      else sockets.push(client as ClientSocket);
    },
    async socketAt(i, email) {
      if (!cookies.has(email)) cookies.set(email, await login(at(i), email));
      const socket = await connect(at(i), cookie(email));
      sockets.push(socket);
      return socket;
    },
  };
}

/**
 * Makes process `i` the one that appends the negotiation's events for all: waits until its
 * lease is free (its last owner idle), then has `email` on process `i` declare a position
 * there first. Answers the owner's process id, as Redis holds it.
 */
export async function ownerOn(sut: ClusterOfTest, redis: Redis, i: number, email: string, negotiationId: string): Promise<string> {
  await waitFor(async () => (await redis.get(leaseKey(negotiationId))) === null, 10_000, 'the negotiation’s lease free');
  const ack = await command(await sut.socketAt(i, email), 'position:declare', { negotiationId, stance: 'réservé', statement: `le processus ${i} prend le bail`, item: { kind: 'text' } });
  if (!ack.ok) throw new Error(`process ${i} did not append: ${JSON.stringify(ack)}`);
  const owner = await redis.get(leaseKey(negotiationId));
  if (owner === null) throw new Error(`process ${i} appended without taking the lease`);
  return owner;
}

/** The text the database holds for a document: its state and every stored update. */
export async function storedText(db: mongoose.Connection, docName: string): Promise<string> {
  const doc = new Y.Doc();
  const state = await db.collection('yjs_states').findOne({ _id: docName as never });
  if (state) Y.applyUpdate(doc, new Uint8Array(state.state.buffer));
  // A record holds one tick's updates (`updates`), or one merged `update` when stored before December 2026.
  for (const record of await db.collection('yjs_updates').find({ docName }).toArray()) {
    for (const update of record.updates ?? [record.update]) Y.applyUpdate(doc, new Uint8Array(update.buffer));
  }
  return fragmentText(doc);
}
