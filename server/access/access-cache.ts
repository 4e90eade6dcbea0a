import type { Connection } from 'mongoose';
import type { Role } from '../../shared/access.ts';
import type { AuthUser, OrgCollege } from '../../shared/identity.ts';
import type { DatabaseChange } from '../db/connection.ts';

/** What a session cookie stands for, as last read from the `sessions` and `users` collections. */
export interface CachedSession {
  user: AuthUser;
  sessionId: string;
  lastSeenAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
}

/** A live mandate, as last read from the `memberships` and `organisations` collections. */
export interface CachedMandate {
  org: { id: string; shortName: string; college: OrgCollege };
  roles: Role[];
}

/** The collections the mandates are read from: a change to one of them empties that part. */
const MANDATE_SOURCES = new Set(['memberships', 'organisations']);

/** The collections a negotiation's parties are read from. */
const PARTIES_SOURCES = new Set(['negotiations', 'organisations']);

/** Past this many entries a part is emptied rather than grown: it refills from the database. */
const MAX_ENTRIES = 10_000;

/**
 * One part of the cache. `generation` counts the changes to its collections: a value read
 * from the database is kept only if no change happened while it was being read, so a
 * revocation that lands during a read is never papered over by the older answer.
 */
class Part<V> {
  private readonly entries = new Map<string, V>();
  /** Reads in flight, by the generation they started at and their key. */
  private readonly reads = new Map<string, Promise<V | null>>();
  private readonly catchUp: () => void;
  private _generation = 0;

  /** `catchUp` hears every write the database has announced so far (the engine runs on a thread of its own). */
  constructor(catchUp: () => void) {
    this.catchUp = catchUp;
  }

  get generation(): number {
    this.catchUp();
    return this._generation;
  }

  get(key: string): V | undefined {
    this.catchUp();
    return this.entries.get(key);
  }

  /** Keeps `value` unless the collections changed since `generation` was taken. */
  set(key: string, value: V, generation: number): void {
    this.catchUp();
    if (generation !== this._generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, value);
  }

  /**
   * The value kept for `key`, or what `load` reads (null: none, not kept), kept unless the
   * collections changed meanwhile. A crowd asking for one key before the first answer is kept
   * (hundreds of commands in flight when the cache has just forgotten everything, a server
   * restart's reconnections) shares one read. Only a read started at the current generation is
   * shared, so that no change made since it started is missed (the rule by which it is kept).
   */
  read(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const kept = this.get(key);
    if (kept !== undefined) return Promise.resolve(kept);
    const generation = this._generation;
    const flight = `${generation}\u0000${key}`;
    let pending = this.reads.get(flight);
    if (!pending) {
      pending = load()
        .then((value) => {
          if (value !== null) this.set(key, value, generation);
          return value;
        })
        .finally(() => this.reads.delete(flight));
      this.reads.set(flight, pending);
    }
    return pending;
  }

  /** Forgets one entry, or all of them. Reads in flight will not be kept either. */
  forget(key?: string): void {
    this._generation++;
    if (key === undefined) this.entries.clear();
    else this.entries.delete(key);
  }
}

/**
 * Who is signed in and who holds which mandate (and which articles exist, in which
 * negotiation, and who sits at each negotiation's table), kept in memory so
 * that a Socket.IO command, an HTTP request or a Yjs message does not read four documents
 * before it can be checked.
 *
 * It is exact, not eventually consistent: it exists only where the database tells us of
 * every write as it is made, before the writer is answered (the embedded engine's `watch`,
 * whoever the writer is: this server, a script, another connection). An update or removal
 * of a session forgets that session (the periodic "last seen" write included); one in
 * `users` forgets every session (names live there); one in `memberships` or
 * `organisations` forgets every mandate (and, with `negotiations`, every negotiation's
 * parties); one in `articles` every article's existence and negotiation. Inserts cannot
 * change what is cached (a new session or mandate was never cached: only positive answers
 * are kept), so they forget nothing. With MONGODB_URI alone there is no such feed and no cache: every check reads.
 * Several processes (REDIS_URL) share their writes over Redis instead (server/cluster/
 * cluster-access.ts): the others forget within Redis's latency, as their connections close
 * on a revocation; while Redis is down, every check reads.
 */
export class AccessCache {
  readonly sessions: Part<CachedSession>;
  readonly mandates: Part<CachedMandate>;
  /**
   * The articles known to exist, by `articleKey`: what a command naming an article (a position,
   * a vote, an annotation) checks. Any change to the `articles` collection other than an
   * insert (an article removed from the outline, the outline's sync) forgets them all.
   */
  readonly articles: Part<true>;
  /**
   * The negotiation of each article, by `articleId`: what a Yjs document's authorisation asks,
   * on opening and at every periodic re-check. Forgotten with `articles`.
   */
  readonly articleNegotiations: Part<string>;
  /**
   * A negotiation's parties' short names, in its order (each organisation's presence colour):
   * forgotten at any change to `negotiations` or `organisations` but an insert.
   */
  readonly parties: Part<string[]>;

  constructor(catchUp: () => void = () => undefined) {
    this.sessions = new Part(catchUp);
    this.mandates = new Part(catchUp);
    this.articles = new Part(catchUp);
    this.articleNegotiations = new Part(catchUp);
    this.parties = new Part(catchUp);
  }

  /** What the database's change feed calls. */
  changed(change: DatabaseChange): void {
    if (change.kind === 'insert') return;
    // A session's `_id` is its token's hash, the cache's key; anything else forgets them all.
    if (change.collection === 'sessions') this.sessions.forget(change.kind !== 'schema' && typeof change.id === 'string' ? change.id : undefined);
    if (change.collection === 'users') this.sessions.forget();
    if (MANDATE_SOURCES.has(change.collection)) this.mandates.forget();
    if (change.collection === 'articles') {
      this.articles.forget();
      this.articleNegotiations.forget();
    }
    if (PARTIES_SOURCES.has(change.collection)) this.parties.forget();
  }
}

/** A feed of the database's writes, as `Database.watch` gives it. */
export type WriteFeed = (watcher: (change: DatabaseChange) => void) => () => void;

const caches = new WeakMap<Connection, { cache: AccessCache; usable: () => boolean }>();

/** The connection's cache, or undefined when it has none or its feed may be missing writes (every check reads). */
export function accessCacheOf(connection: Connection): AccessCache | undefined {
  const entry = caches.get(connection);
  return entry?.usable() ? entry.cache : undefined;
}

/**
 * Turns the cache on for a connection whose database reports its writes. `usable` says when
 * the feed may have missed some (the cluster's, while Redis is down): every check reads then,
 * and the feed reports a `schema` change for each collection once it is whole again. Returns
 * what turns it off again (at shutdown).
 */
export function enableAccessCache(connection: Connection, watch: WriteFeed | undefined, catchUp?: () => void, usable: () => boolean = () => true): () => void {
  if (!watch) return () => undefined;
  const cache = new AccessCache(catchUp);
  const unwatch = watch((change) => cache.changed(change));
  const entry = { cache, usable };
  caches.set(connection, entry);
  return () => {
    unwatch();
    if (caches.get(connection) === entry) caches.delete(connection);
  };
}

export function mandateKey(userId: string, negotiationId: string): string {
  return `${userId}:${negotiationId}`;
}

export function articleKey(negotiationId: string, articleId: string): string {
  return `${negotiationId}:${articleId}`;
}
