import mongoose from 'mongoose';
import * as Y from 'yjs';
import { Cluster, type ClusterOptions } from '../../scripts/cluster/harness.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { DEMO_PASSWORD } from '../../server/seed/demo-content.ts';
import { seedDemo, type DemoIds } from '../../server/seed/seed.ts';
import { fragmentText } from '../integration/yjs-helpers.ts';

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
