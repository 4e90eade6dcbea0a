// The command table and the dispatcher: unknown commands get mongod's CommandNotFound, any
// thrown error becomes an `ok: 0` reply, and a command that wrote waits for the group commit
// covering its journal records before its reply leaves.
import type { Doc } from '../bson/codec.ts';
import { Binary } from '../bson/codec.ts';
import { asCommandError, CommandError, ErrorCode } from '../errors.ts';
import { aggregate } from './aggregate.ts';
import type { CommandContext, CommandHandler, EngineState } from './context.ts';
import { count, distinct } from './count.ts';
import * as databases from './databases.ts';
import { remove } from './delete.ts';
import { find, getMore, killCursors } from './find.ts';
import { findAndModify } from './find-and-modify.ts';
import * as handshake from './handshake.ts';
import { createIndexes, dropIndexes, listIndexes } from './indexes.ts';
import { bulkWrite } from './bulk-write.ts';
import { insert } from './insert.ts';
import { update } from './update.ts';
import { workFor } from '../query/bounds.ts';

const COMMANDS: Record<string, CommandHandler> = {
  hello: handshake.hello,
  isMaster: handshake.hello,
  ismaster: handshake.hello,
  ping: handshake.ping,
  buildInfo: handshake.buildInfo,
  buildinfo: handshake.buildInfo,
  hostInfo: handshake.hostInfo,
  getParameter: handshake.getParameter,
  serverStatus: handshake.serverStatus,
  whatsmyuri: handshake.whatsmyuri,
  getCmdLineOpts: handshake.getCmdLineOpts,
  connectionStatus: handshake.connectionStatus,
  getLog: handshake.getLog,
  listCommands: handshake.listCommands,
  endSessions: handshake.noop,
  killSessions: handshake.noop,
  killAllSessions: handshake.noop,
  refreshSessions: handshake.noop,
  startSession: handshake.noop,
  getFreeMonitoringStatus: handshake.noop,
  listDatabases: databases.listDatabases,
  listCollections: databases.listCollections,
  create: databases.create,
  collMod: databases.collMod,
  drop: databases.drop,
  dropDatabase: databases.dropDatabase,
  renameCollection: databases.renameCollection,
  collStats: databases.collStats,
  dbStats: databases.dbStats,
  insert,
  bulkWrite,
  find,
  getMore,
  killCursors,
  update,
  delete: remove,
  findAndModify,
  findandmodify: findAndModify,
  aggregate,
  count,
  distinct,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
};

/** Commands a legacy OP_QUERY may carry since MongoDB 5.1: the handshake only. */
export const OP_QUERY_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

const SESSION_UID = new Binary(Buffer.alloc(32), 0);

function sessionKey(id: unknown): string | undefined {
  return id instanceof Binary ? Buffer.from(id.buffer.subarray(0, id.position)).toString('hex') : undefined;
}

function noteSession(engine: EngineState, body: Doc): void {
  const lsid = body.lsid as Doc | undefined;
  const key = sessionKey(lsid?.id);
  if (!key) return;
  if (!engine.sessions.has(key) && engine.sessions.size > 10_000) engine.sessions.clear();
  engine.sessions.set(key, { _id: { id: lsid!.id, uid: SESSION_UID }, lastUse: new Date() });
}

function forgetSessions(engine: EngineState, ids: unknown): void {
  if (!Array.isArray(ids)) return;
  for (const lsid of ids) {
    const key = sessionKey((lsid as Doc | undefined)?.id);
    if (key) engine.sessions.delete(key);
  }
}

export async function runCommand(engine: EngineState, db: string, body: Doc, connectionId: number): Promise<Doc> {
  const { reply, durable } = await applyCommand(engine, db, body, connectionId);
  try {
    await durable;
  } catch {
    return new CommandError(ErrorCode.InternalError, 'journal write failed: the write is not durable').toReply();
  }
  return reply;
}

/**
 * Runs a command against memory and answers at once; `durable` resolves once what it
 * wrote is on disk (at once when it wrote nothing). Only `runCommand` answers over the
 * wire, and only after `durable`: a reply is never sent for a write that could be lost.
 *
 * A command that only read answers once what it read is durable: a write applied in memory
 * but not yet on disk may still be undone (a full disk), and nobody may have seen it then.
 * When it is undone, the read runs again on what remains.
 *
 * `journalSoon` (a write with `writeConcern: { j: false }` from this process, see index.ts):
 * what it wrote asks for no group commit of its own, and is durable with the next one.
 */
export async function applyCommand(
  engine: EngineState,
  db: string,
  body: Doc,
  connectionId: number,
  journalSoon = false,
): Promise<{ reply: Doc; durable: Promise<void> }> {
  const journal = engine.store.journal;
  for (;;) {
    const { touched, result } = engine.catalog.track(() => execute(engine, db, body, connectionId, journalSoon));
    const outcome = await result;
    // What it wrote is covered by `durable` (it syncs past everything it read).
    if (touched.wrote) return outcome;
    // A record past the journal's end was lost (and undone): nothing to wait for.
    const seen = Math.min(engine.catalog.visibleAfter(touched), journal.lastSeq);
    if (seen <= journal.durableSeq) return outcome;
    try {
      await journal.sync(seen);
      return outcome;
    } catch {
      // What it saw was undone: read again.
    }
  }
}

async function execute(
  engine: EngineState,
  db: string,
  body: Doc,
  connectionId: number,
  journalSoon: boolean,
): Promise<{ reply: Doc; durable: Promise<void> }> {
  const name = Object.keys(body)[0];
  const handler = name === undefined ? undefined : Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!handler) {
    return { reply: new CommandError(ErrorCode.CommandNotFound, `no such command: '${name ?? ''}'`).toReply(), durable: Promise.resolve() };
  }
  noteSession(engine, body);
  if (name === 'endSessions' || name === 'killSessions') forgetSessions(engine, body[name]);
  let reply: Doc;
  try {
    const ctx: CommandContext = { engine, db, body, connectionId, work: workFor(body) };
    reply = await handler(ctx);
  } catch (err) {
    if (!(err instanceof CommandError)) engine.logger.error({ err, command: name }, 'command failed unexpectedly');
    reply = asCommandError(err, ErrorCode.InternalError).toReply();
  }
  const touched = engine.catalog.touching();
  if (!touched?.wrote) return { reply, durable: Promise.resolve() };
  const journal = engine.store.journal;
  const durable = (journalSoon ? journal.syncSoon() : journal.sync()).then(
    () => engine.store.maybeCompact(),
    (err: unknown) => {
      engine.logger.error({ err }, 'journal write failed');
      throw err;
    },
  );
  // The caller may never await it (what it wrote is undone when the journal loses it).
  durable.catch(() => undefined);
  return { reply, durable };
}
