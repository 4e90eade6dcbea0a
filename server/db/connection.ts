import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import type { Collection, Document as StoredDocument, OptionalUnlessRequiredId } from 'mongodb';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { startEngine, type CollectionChange, type Doc, type RunningEngine } from '@negociation/mongo-engine';
import { startEngineThread, type ThreadedEngine } from '@negociation/mongo-engine/thread';

/** A write to one of the application's collections, as the embedded engine makes it. */
export type DatabaseChange = Pick<CollectionChange, 'collection' | 'kind' | 'id'>;

export interface Database {
  kind: 'embedded' | 'mongodb';
  uri: string;
  connection: mongoose.Connection;
  /**
   * Embedded engine only: calls `watcher` on every update, removal and schema change in the
   * application's database (not on inserts: nothing read before an insert is made stale by
   * it), from any client, before the writer is answered. Absent with MONGODB_URI (a real server
   * would need a replica set's change streams), so callers must work without it.
   */
  watch?: (watcher: (change: DatabaseChange) => void) => () => void;
  /**
   * With `watch` and the engine on a thread of its own (ENGINE_THREAD): delivers to the
   * watchers, synchronously, every write the engine has made so far (it announces each write
   * before anyone is answered). Whoever keeps what it read (a cache) calls it before trusting
   * what it kept. Absent on the server's thread, where watchers hear each write as it is made.
   */
  catchUp?: () => void;
  /**
   * Embedded engine only: runs a database command in this process, without the loopback
   * socket nor the driver, for hot paths such as the event log's appends. The body holds
   * BSON values only and is the engine's once handed over (on the server's thread it is used
   * as is; with ENGINE_THREAD it goes to the engine's thread as BSON bytes, transferred).
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

/** A refusal or write error of the engine, as the driver would throw it: mongod's code, and each write error. */
export type EngineCommandError = Error & { code?: number; writeErrors?: { index?: number; code?: number; errmsg?: string }[] };

/**
 * An in-process command's outcome: the reply once applied; `error` when the engine refused the
 * command or a write in it (the first write error's message and code, as the driver reports
 * them), an ordered insert's stored count being then `reply.n`; `durable` once what it wrote
 * (what came before an error included) is on disk. Whoever tells anyone of a write waits for
 * `durable` first.
 */
export async function runInProcess(command: InProcessCommand, body: Doc): Promise<{ reply: Doc; error?: EngineCommandError; durable: Promise<void> }> {
  const { reply, durable } = await command(body);
  const writeErrors = reply.writeErrors as EngineCommandError['writeErrors'];
  if (reply.ok === 1 && !writeErrors?.length) return { reply, durable };
  const first = writeErrors?.[0];
  const error: EngineCommandError = Object.assign(new Error(String(first?.errmsg ?? reply.errmsg ?? `${Object.keys(body)[0]} on the embedded engine failed`)), {
    code: (first?.code ?? reply.code) as number | undefined,
    ...(writeErrors?.length ? { writeErrors } : {}),
  });
  return { reply, error, durable };
}

/** A command on the engine of this process, answered once durable; a refusal or write error throws with its code. */
export async function runDurably(command: InProcessCommand, body: Doc): Promise<Doc> {
  const { reply, error, durable } = await runInProcess(command, body);
  if (error) throw error;
  await durable;
  return reply;
}

/** In the engine of this process, a write that asks for no group commit of its own: it goes to disk with the next one. */
export const JOURNAL_SOON = { j: false };

/**
 * Writes to the engine of this process applied one after the other and waited for on disk
 * together, in one group commit (an fdatasync) rather than one each: every write but the last
 * of a batch asks for none of its own (`writeConcern: { j: false }`) and the last one's covers
 * them. Nothing is lost to a crash that the order does not allow: the journal keeps the order
 * in which they were applied and a crash keeps a prefix of it, so a later write is never on
 * disk without the earlier ones; nothing is acknowledged before it is on disk (`durable`).
 */
export class DurableWrites {
  private readonly onDisk: Promise<void>[] = [];
  private readonly command: InProcessCommand;

  constructor(command: InProcessCommand) {
    this.command = command;
  }

  /**
   * Applies `body` and answers its reply, not waiting for the disk; a refusal or write error
   * throws with its code. `followed`: another write of the batch comes after it, whose group
   * commit covers this one (should none come, this one is on disk within 100 ms all the same).
   */
  async run(body: Doc, followed = false): Promise<Doc> {
    const { reply, error, durable } = await runInProcess(this.command, followed ? { ...body, writeConcern: JOURNAL_SOON } : body);
    // Waited for in `durable()`: a write the journal loses meanwhile is not an unhandled rejection.
    durable.catch(() => undefined);
    this.onDisk.push(durable);
    if (error) throw error;
    return reply;
  }

  /** Once everything applied so far is on disk; rejects when the journal lost some of it. */
  async durable(): Promise<void> {
    await Promise.all(this.onDisk);
  }
}

/** How many documents one insert of `insertInSlices` carries. */
const INSERT_SLICE = 20;

/**
 * Inserts documents (unordered) in slices, answered once all are on disk: through the engine
 * of this process when there is one (`command`: no driver encoding, socket and engine
 * decoding), else through the driver. Between two slices the event loop handles what came
 * meanwhile: a database sharing this process never holds the relaying of live edits for long.
 * In the engine, the slices go to disk together, in one group commit (DurableWrites).
 */
export async function insertInSlices<T extends StoredDocument>(collection: Collection<T>, documents: OptionalUnlessRequiredId<T>[], command?: InProcessCommand): Promise<void> {
  const writes = command ? new DurableWrites(command) : undefined;
  for (let i = 0; i < documents.length; i += INSERT_SLICE) {
    const slice = documents.slice(i, i + INSERT_SLICE);
    if (!writes) {
      await collection.insertMany(slice, { ordered: false });
      continue;
    }
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    await writes.run({ insert: collection.collectionName, documents: slice, ordered: false }, i + INSERT_SLICE < documents.length);
  }
  await writes?.durable();
}

const DATABASE = 'negociation';
/** What the access cache needs to hear of: an insert cannot make anything it kept stale. */
const WATCHED_KINDS: CollectionChange['kind'][] = ['update', 'remove', 'schema'];

/**
 * Connects mongoose to MongoDB: the embedded engine in DATA_DIR by default,
 * or the server named by MONGODB_URI. The application cannot tell them apart.
 */
export async function connectDatabase(
  config: Pick<Config, 'MONGODB_URI' | 'DATA_DIR'> & Partial<Pick<Config, 'ENGINE_THREAD'>>,
  logger: Logger,
): Promise<Database> {
  let engine: RunningEngine | ThreadedEngine | undefined;
  let socket: EngineSocket | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    // The engine has no accounts of its own: it is sealed by listening on a Unix socket in a
    // directory only this user may enter (0700), so no other local user can read a password
    // hash or a session through it. `npm run db` (a server for several processes) is the
    // loopback TCP one.
    socket = process.platform === 'win32' ? undefined : prepareEngineSocket(config.DATA_DIR);
    const where = { dir: path.resolve(config.DATA_DIR, 'db'), ...(socket ? { socket: socket.path } : { port: 0, host: '127.0.0.1' }) };
    try {
      // On the server's thread by default: there an in-process append costs half the CPU it
      // costs through a worker (no encoding for another thread, no waking it), and on a machine
      // without a free core the second thread bought nothing (README, « The embedded database »).
      // ENGINE_THREAD puts it on a thread of its own, which owns the data directory, lock,
      // journal and socket exactly as this thread would: driver and engine then use two cores.
      engine = config.ENGINE_THREAD
        ? await startEngineThread({ ...where, announceChanges: { db: DATABASE, kinds: WATCHED_KINDS } })
        : await startEngine(where);
    } catch (err) {
      socket?.remove();
      throw err;
    }
    uri = `${engine.uri.replace(/\/$/, '')}/${DATABASE}`;
    logger.info(
      { socket: socket?.path, socketPlace: socket?.place, port: engine.port || undefined, dir: config.DATA_DIR, thread: config.ENGINE_THREAD ? 'own' : 'server' },
      socket?.place === 'temporary directory'
        ? 'embedded database started (its socket is in the temporary directory: the path in DATA_DIR would pass the system\'s limit)'
        : 'embedded database started',
    );
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
            if (change.db === DATABASE && WATCHED_KINDS.includes(change.kind)) watcher({ collection: change.collection, kind: change.kind, id: change.id });
          })
      : undefined,
    catchUp: engine && 'catchUp' in engine ? () => engine.catchUp() : undefined,
    async close() {
      await connection.close();
      await engine?.close();
      socket?.remove();
    },
  };
}

/** Where the engine a workspace hosts listens, and how it goes away at stop. */
interface EngineSocket {
  path: string;
  place: 'DATA_DIR' | 'temporary directory';
  remove(): void;
}

/** A Unix socket's path is at most this many bytes (sun_path, less its terminating NUL). */
const MAX_SOCKET_PATH_BYTES = process.platform === 'darwin' ? 103 : 107;

/**
 * The engine's socket, in a 0700 directory of DATA_DIR (`DATA_DIR/engine/engine.sock`) when
 * that path fits in a socket address, else in a 0700 directory of its own under the system's
 * temporary directory (a deep DATA_DIR would make `listen` fail).
 */
export function prepareEngineSocket(dataDir: string): EngineSocket {
  const inDataDir = path.join(path.resolve(dataDir), 'engine');
  const socketPath = path.join(inDataDir, 'engine.sock');
  if (Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES) {
    fs.mkdirSync(inDataDir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(inDataDir);
    // A directory someone else made (or a link to one) could let them reach the socket.
    if (!stat.isDirectory() || (process.getuid && stat.uid !== process.getuid())) {
      throw new Error(`${inDataDir} must be a directory owned by this user, for the embedded database's socket`);
    }
    fs.chmodSync(inDataDir, 0o700);
    return {
      path: socketPath,
      place: 'DATA_DIR',
      remove() {
        fs.rmSync(socketPath, { force: true });
        try {
          fs.rmdirSync(inDataDir);
        } catch {
          // Something else was put there: leave it.
        }
      },
    };
  }
  const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-db-'));
  return {
    path: path.join(temporary, 'engine.sock'),
    place: 'temporary directory',
    remove: () => fs.rmSync(temporary, { recursive: true, force: true }),
  };
}
