import type { Connection } from 'mongoose';
import type { DatabaseChange } from '../db/connection.ts';
import type { WriteFeed } from '../access/access-cache.ts';
import type { AccessEnd, LiveAccess } from '../auth/live-access.ts';
import type { ClusterBus } from './bus.ts';

const CHANNEL = 'access-ended';
const CHANGED = 'access-changed';

/** The collections a session, a mandate, an article's existence or a negotiation's parties are read from: the access cache's sources. */
const ACCESS_COLLECTIONS = new Set(['sessions', 'users', 'memberships', 'organisations', 'articles', 'negotiations']);

/**
 * A write outside the workspace processes (a script, mongosh) reaches no feed: every cached
 * answer is forgotten this often, so such a change is seen within it.
 */
export const FORGET_ALL_EVERY_MS = 10_000;

/** How each write method of a collection changes documents, as the access cache reads it. */
const WRITES: Record<string, DatabaseChange['kind']> = {
  updateOne: 'update',
  updateMany: 'update',
  replaceOne: 'update',
  findOneAndUpdate: 'update',
  findOneAndReplace: 'update',
  deleteOne: 'remove',
  deleteMany: 'remove',
  findOneAndDelete: 'remove',
  bulkWrite: 'schema',
  drop: 'schema',
  rename: 'schema',
};

/**
 * Access ends on every process at once: each signal raised here (a sign-out, a new password,
 * a revocation) is published, and the others' signals close this process's connections.
 * A signal lost while Redis is down is caught by the registry's own sweep against the
 * database; the sweep also runs as soon as Redis is back.
 */
export function shareAccessEnds(live: LiveAccess, bus: ClusterBus): () => void {
  const offs = [
    live.onEnded((end) => bus.publish(CHANNEL, JSON.stringify(end))),
    bus.subscribe(CHANNEL, (body) => live.apply(JSON.parse(body.toString()) as AccessEnd)),
    bus.onUp(() => void live.sweep()),
  ];
  return () => offs.forEach((off) => off());
}

/**
 * The access cache's feed when several processes share a database that reports no writes (a
 * MongoDB): each process's own writes to the collections it keeps answers from (ACCESS_COLLECTIONS),
 * seen through its connection (mongoose's operation events, at the call and again once
 * applied, so a read racing the write is not kept), published on Redis for the others. The
 * cache is usable only while Redis is up: what was published meanwhile may be lost, so every
 * check reads the database then, and everything is forgotten when Redis is back.
 */
export function clusterWriteFeed(connection: Connection, bus: ClusterBus): { watch: WriteFeed; usable: () => boolean } {
  const watch: WriteFeed = (watcher) => {
    const forgetAll = () => {
      for (const collection of ACCESS_COLLECTIONS) watcher({ collection, kind: 'schema' });
    };
    const local = (op: { collectionName: string; method: string; params?: unknown[] }, publish: boolean) => {
      const kind = WRITES[op.method];
      if (!kind || !ACCESS_COLLECTIONS.has(op.collectionName)) return;
      const filter = op.params?.[0] as { _id?: unknown } | undefined;
      const change: DatabaseChange = { collection: op.collectionName, kind, id: kind === 'schema' || typeof filter?._id !== 'string' ? undefined : filter._id };
      watcher(change);
      if (publish) bus.publish(CHANGED, JSON.stringify(change));
    };
    // The params are kept from the start (mongoose gives them only there) for the end.
    const started = new Map<unknown, { collectionName: string; method: string; params?: unknown[] }>();
    const onStart = (op: { _id: unknown; collectionName: string; method: string; params?: unknown[] }) => {
      if (!WRITES[op.method] || !ACCESS_COLLECTIONS.has(op.collectionName)) return;
      started.set(op._id, op);
      local(op, false);
    };
    const onEnd = (op: { _id: unknown }) => {
      const start = started.get(op._id);
      if (!start) return;
      started.delete(op._id);
      local(start, true);
    };
    connection.on('operation-start', onStart);
    connection.on('operation-end', onEnd);
    const offs = [
      bus.subscribe(CHANGED, (body) => watcher(JSON.parse(body.toString()) as DatabaseChange)),
      bus.onUp(forgetAll),
      bus.onDown(forgetAll),
    ];
    const timer = setInterval(forgetAll, FORGET_ALL_EVERY_MS);
    timer.unref();
    return () => {
      clearInterval(timer);
      connection.off('operation-start', onStart);
      connection.off('operation-end', onEnd);
      offs.forEach((off) => off());
    };
  };
  return { watch, usable: () => bus.isUp };
}
