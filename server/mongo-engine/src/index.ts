// The embedded MongoDB-wire-compatible engine: a durable in-memory store served on a loopback
// port to the real `mongodb` driver and mongoose. Layers, outside in: wire/ (framing and
// connections) → commands/ (mongod's commands and replies) → query/ (mingo, planner, sorts,
// updates) → catalog.ts, collection.ts, indexes/ (collections and their indexes) → storage/
// (journal with group commit, snapshots, replay); bson/ (encoding, BSON order, paths, raw
// bytes) serves every layer and imports none of them.
import { pino, type Logger } from 'pino';
import type { Doc } from './bson/codec.ts';
import { countUsers, putUser } from './auth/users.ts';
import { Catalog, type ChangeWatcher } from './catalog.ts';
import { applyCommand } from './commands/registry.ts';
import type { EngineState } from './commands/context.ts';
import { Cursors } from './cursors.ts';
import { EngineServer, type ServerLimits } from './wire/server.ts';
import { Store } from './storage/store.ts';
import { sweepExpired } from './ttl.ts';

export type { Doc } from './bson/codec.ts';
export type { CollectionChange, ChangeWatcher } from './catalog.ts';

export interface EngineOptions {
  /** Data directory (journal and snapshots). */
  dir: string;
  /** Loopback port; 0 picks a free one. */
  port?: number;
  host?: string;
  /**
   * Listen on this Unix socket instead of TCP. The engine has no authentication of its own,
   * so a process that hosts it for itself seals it this way: the socket is made readable and
   * writable by its owner only (0600), and other local users cannot connect at all.
   */
  socket?: string;
  /**
   * Clients must authenticate (SCRAM-SHA-256, users made with `createUser`) before any
   * command but the handshake; others get mongod's error 13. In-process `command` is the
   * hosting process's own and is never asked.
   */
  auth?: boolean;
  /** Where the engine logs; silent when absent. */
  logger?: Logger;
  /** How often expired TTL documents are removed (mongod: 60 s). */
  ttlIntervalMs?: number;
  /** Journal size that triggers compaction into a snapshot. */
  compactBytes?: number;
  /** What clients may make the engine hold of unfinished messages, and for how long (see wire/server.ts). */
  limits?: Partial<ServerLimits>;
  /**
   * Told, synchronously, when `health()` changes: a journal write failed (before any writer
   * hears of it), or one succeeded again.
   */
  onHealthChange?: () => void;
}

export interface RunningEngine {
  uri: string;
  port: number;
  /**
   * Calls `watcher` on every later write, whichever client made it, synchronously as the
   * write is made: before the writer is answered. Returns the unsubscribe function.
   */
  watch(watcher: ChangeWatcher): () => void;
  /**
   * Runs a command in this process, with the command code the wire uses, without the
   * loopback socket nor the BSON round trip: for the hot paths of the process that hosts the
   * engine. The body is handed over: it must hold BSON values only (plain objects, arrays,
   * strings, numbers, booleans, null, Date, the driver's ObjectId…), as a decoded command
   * would, and the caller must not change it afterwards. Resolves with the reply once the
   * command is applied; `durable` resolves once what it wrote is on disk. Whoever reports
   * the write to anyone must wait for `durable` first. A write with `writeConcern: { j: false }`
   * asks for no group commit of its own: `durable` resolves with the next one another write
   * asks for, or within 100 ms (mongod's journal commit interval). Over the wire, every write
   * is still answered once durable.
   */
  command(db: string, body: Doc): Promise<{ reply: Doc; durable: Promise<void> }>;
  /**
   * Whether the engine can make writes durable right now: false from a failed journal write
   * (a full disk, an I/O error) until one succeeds again (a probe retries every second), with
   * the reason. Writes are refused meanwhile and nothing they did stays visible.
   */
  health(): { writable: boolean; reason?: string };
  close(): Promise<void>;
}

/** The connection id that in-process commands are reported under. */
const IN_PROCESS_CONNECTION = 0;

/** `auth` was asked of a data directory without users: nobody could ever connect. */
export class NoUsersError extends Error {}

/** Opens the data directory (taking its lock) and replays it. */
function openEngine(options: Pick<EngineOptions, 'dir' | 'logger' | 'compactBytes' | 'host' | 'auth' | 'onHealthChange'>): EngineState {
  const logger = options.logger ?? pino({ level: 'silent' });
  const catalog = new Catalog();
  const store = Store.open(options.dir, catalog, logger, { compactBytes: options.compactBytes });
  catalog.sink = store.journal;
  let failing = false;
  store.journal.hooks = {
    durable: (seq) => {
      catalog.settle(seq);
      if (failing) {
        failing = false;
        options.onHealthChange?.();
      }
    },
    lost: (seq, err) => {
      logger.error({ err, durableUpTo: seq }, 'journal write failed: the writes after the last durable one are undone');
      failing = true;
      options.onHealthChange?.();
      catalog.rollback(seq);
    },
  };
  return { catalog, store, cursors: new Cursors(), sessions: new Map(), logger, startedAt: new Date(), port: 0, host: options.host ?? '127.0.0.1', auth: options.auth ?? false };
}

/**
 * Creates the SCRAM-SHA-256 user `admin.NAME` in the data directory `dir` (or gives it a new
 * password), with the engine stopped: the directory's lock is taken meanwhile.
 */
export async function createUser(options: { dir: string; name: string; password: string; logger?: Logger }): Promise<'created' | 'updated'> {
  const engine = openEngine(options);
  try {
    return await putUser(engine, options.name, options.password);
  } finally {
    await engine.store.close();
  }
}

export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const engine = openEngine(options);
  const { catalog, store, logger, host } = engine;
  if (options.auth && (await countUsers(engine)) === 0) {
    await store.close();
    throw new NoUsersError(`authentication is required but ${options.dir} has no user: create one first (npm run db -- --create-user NAME --dir ${options.dir})`);
  }
  const server = new EngineServer(engine, options.limits);
  let port: number;
  try {
    port = options.socket ? await server.listenOnSocket(options.socket) : await server.listen(options.port ?? 0, host);
  } catch (err) {
    await store.close();
    throw err;
  }
  engine.port = port;

  const ttl = setInterval(() => {
    try {
      if (sweepExpired(engine) > 0) {
        store.journal.sync().catch((err: unknown) => logger.error({ err }, 'TTL deletions not journaled'));
      }
    } catch (err) {
      logger.error({ err }, 'TTL sweep failed');
    }
    engine.cursors.sweep();
  }, options.ttlIntervalMs ?? 60_000);
  ttl.unref();

  let closing: Promise<void> | undefined;
  const uriHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    uri: options.socket ? `mongodb://${encodeURIComponent(options.socket)}/` : `mongodb://${uriHost}:${port}/`,
    port,
    command(db, body) {
      if (closing) return Promise.reject(new Error('the embedded engine is closed'));
      return applyCommand(engine, db, body, IN_PROCESS_CONNECTION, (body.writeConcern as Doc | undefined)?.j === false);
    },
    health() {
      const journal = store.journal;
      if (journal.writable) return { writable: true };
      const err = journal.lastError;
      return { writable: false, reason: err instanceof Error ? err.message : String(err) };
    },
    watch(watcher) {
      catalog.watchers.add(watcher);
      return () => catalog.watchers.delete(watcher);
    },
    close() {
      closing ??= (async () => {
        clearInterval(ttl);
        await server.close();
        await store.close();
      })();
      return closing;
    },
  };
}
