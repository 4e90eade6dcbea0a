import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { startEngine, type CollectionChange, type Doc, type RunningEngine } from '@negociation/mongo-engine';

/** A write to one of the application's collections, as the embedded engine makes it. */
export type DatabaseChange = Pick<CollectionChange, 'collection' | 'kind' | 'id'>;

export interface Database {
  kind: 'embedded' | 'mongodb';
  uri: string;
  connection: mongoose.Connection;
  /**
   * Embedded engine only: calls `watcher` on every write to the application's database,
   * from any client, before the writer is answered. Absent with MONGODB_URI (a real server
   * would need a replica set's change streams), so callers must work without it.
   */
  watch?: (watcher: (change: DatabaseChange) => void) => () => void;
  /**
   * Embedded engine only: runs a database command in this process, without the loopback
   * socket (same command code), for hot paths such as the event log's appends. The body is
   * handed over as is: BSON values only, never changed afterwards (RunningEngine.command).
   * The reply comes once the command is applied; `durable` once its writes are on disk.
   * Absent with MONGODB_URI: callers then go through the driver.
   */
  command?: InProcessCommand;
  /**
   * Whether the database can make writes durable right now, and why not. The embedded engine
   * knows (false from a failed journal write, a full disk say, until writes succeed again);
   * with MONGODB_URI the server's own health is what its ping tells.
   */
  writable(): { writable: boolean; reason?: string };
  close(): Promise<void>;
}

/** A command document for the application's database, and the server's reply. */
export type InProcessCommand = (body: Doc) => Promise<{ reply: Doc; durable: Promise<void> }>;

const DATABASE = 'negociation';

/**
 * Connects mongoose to MongoDB: the embedded engine in DATA_DIR by default,
 * or the server named by MONGODB_URI. The application cannot tell them apart.
 */
export async function connectDatabase(config: Pick<Config, 'MONGODB_URI' | 'DATA_DIR'>, logger: Logger): Promise<Database> {
  let engine: RunningEngine | undefined;
  let socketDir: string | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    // The engine has no accounts of its own: it is sealed by listening on a Unix socket in a
    // directory only this user may enter (0700), so no other local user can read a password
    // hash or a session through it. `npm run db` (a server for several processes) is the
    // loopback TCP one.
    socketDir = process.platform === 'win32' ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-db-'));
    try {
      engine = await startEngine({
        dir: path.resolve(config.DATA_DIR, 'db'),
        ...(socketDir ? { socket: path.join(socketDir, 'engine.sock') } : { port: 0, host: '127.0.0.1' }),
      });
    } catch (err) {
      if (socketDir) fs.rmSync(socketDir, { recursive: true, force: true });
      throw err;
    }
    uri = `${engine.uri.replace(/\/$/, '')}/${DATABASE}`;
    logger.info({ socket: socketDir ? path.join(socketDir, 'engine.sock') : undefined, port: engine.port || undefined, dir: config.DATA_DIR }, 'embedded database started');
  }
  const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000, autoIndex: false });
  await connection.asPromise();
  return {
    kind: engine ? 'embedded' : 'mongodb',
    uri,
    connection,
    command: engine ? (body) => engine.command(DATABASE, body) : undefined,
    writable: () => engine?.health() ?? { writable: true },
    watch: engine
      ? (watcher) =>
          engine.watch((change) => {
            if (change.db === DATABASE) watcher({ collection: change.collection, kind: change.kind, id: change.id });
          })
      : undefined,
    async close() {
      await connection.close();
      await engine?.close();
      if (socketDir) fs.rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
