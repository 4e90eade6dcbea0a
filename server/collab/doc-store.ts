import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from '../logger.ts';
import { parseDocName } from '../../shared/structure.ts';
import type { DocPersistence, StoredDoc, UpdateRecord } from './persistence.ts';
import { isOwnUpdate, Origin, SharedDoc } from './shared-doc.ts';

/**
 * How a document is kept in step with the other processes that have it open (Redis streams,
 * server/collab/doc-replication.ts); absent with one process.
 */
export interface DocReplica {
  /** The updates other processes accepted lately (stored or not yet), read before the database. */
  recent(docName: string): Promise<{ updates: Uint8Array[]; position: string }>;
  /** From now on, the others' updates and presence for `doc` are applied to it, from `position` on. */
  follow(doc: SharedDoc, position: string): void;
  /** An update this process accepted (a client's, a server-side edit): the others apply it. */
  publish(doc: SharedDoc, update: Uint8Array): void;
  unfollow(doc: SharedDoc): void;
}

/** The process has this many documents loading already: a client is asked to come back later. */
export class TooManyLoads extends Error {}

export interface DocStoreOptions {
  persistence: DocPersistence;
  logger: Logger;
  /**
   * The content of a document that was never stored (an article's seed paragraphs, an
   * agreement's outline from its metadata), as one update; null when there is none.
   */
  initialState(docName: string): Promise<Uint8Array | null>;
  /** Called after each change of a document, once per transaction (e.g. outline → metadata, who wrote what). */
  onChange?(doc: SharedDoc, origin: unknown, transaction: Y.Transaction): void;
  /** How long acknowledged edits may wait in memory before they are written. */
  flushEveryMs?: number;
  /** Compact a document after this many stored updates… */
  compactAfterUpdates?: number;
  /** …or when it has had no update for this long. */
  compactWhenIdleMs?: number;
  /** A document left by its last client is unloaded after this grace (reconnects reuse it). */
  unloadAfterMs?: number;
  /** The other processes' copies of the documents (REDIS_URL). */
  replica?: DocReplica;
  /**
   * At most this many documents load at once (a restart's reconnection storm): beyond it,
   * `open` refuses with TooManyLoads rather than queue without end.
   */
  maxConcurrentLoads?: number;
}

/**
 * The live documents of this process: loads each once (stored state + later updates, or
 * its initial content), persists its updates in batches per tick, compacts them, and
 * unloads a document nobody uses. Like Hocuspocus's Document registry with its database
 * extension, in one place.
 */
export class DocStore {
  private readonly docs = new Map<string, Promise<SharedDoc>>();
  private loading = 0;
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly pending = new Map<SharedDoc, Uint8Array[]>();
  private readonly idleTimers = new Map<SharedDoc, NodeJS.Timeout>();
  private readonly unloadTimers = new Map<SharedDoc, NodeJS.Timeout>();
  private flushTimer: NodeJS.Timeout | null = null;
  /** The documents loaded (resolved), for the presence sweep. */
  private readonly live = new Set<SharedDoc>();
  /** Armed while a document is loaded: a process with none wakes up for nothing. */
  private presenceSweep: NodeJS.Timeout | null = null;
  /** Every write goes through this chain: a compaction never overtakes the flush before it. */
  private writes: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Counters for logs and the bench. */
  readonly stats = { flushes: 0, records: 0, compactions: 0, compactionsLost: 0, loads: 0, unloads: 0, refusedLoads: 0 };

  private readonly flushEveryMs: number;
  private readonly compactAfterUpdates: number;
  private readonly compactWhenIdleMs: number;
  private readonly unloadAfterMs: number;
  private readonly maxConcurrentLoads: number;

  private readonly options: DocStoreOptions;

  constructor(options: DocStoreOptions) {
    this.options = options;
    this.flushEveryMs = options.flushEveryMs ?? 100;
    this.compactAfterUpdates = options.compactAfterUpdates ?? 200;
    this.compactWhenIdleMs = options.compactWhenIdleMs ?? 5_000;
    this.unloadAfterMs = options.unloadAfterMs ?? 1_000;
    this.maxConcurrentLoads = options.maxConcurrentLoads ?? Infinity;
  }

  /** Stale presence states go within a tenth of the awareness timeout, as with y-protocols' timer per document. */
  private sweepPresence(): void {
    if (this.presenceSweep || this.closed) return;
    this.presenceSweep = setInterval(() => {
      const now = Date.now();
      for (const doc of this.live) doc.expireStalePresence(now);
    }, awarenessProtocol.outdatedTimeout / 10);
    this.presenceSweep.unref();
  }

  private stopPresenceSweep(): void {
    if (this.presenceSweep) clearInterval(this.presenceSweep);
    this.presenceSweep = null;
  }

  get loadedCount(): number {
    return this.docs.size;
  }

  /** The document, loaded if needed. */
  async open(name: string): Promise<SharedDoc> {
    if (this.closed) throw new Error('document store closed');
    await this.unloading.get(name);
    let loading = this.docs.get(name);
    if (!loading) {
      if (this.loading >= this.maxConcurrentLoads) {
        this.stats.refusedLoads++;
        throw new TooManyLoads(`${this.loading} documents loading`);
      }
      this.loading++;
      loading = this.load(name).finally(() => this.loading--);
      this.docs.set(name, loading);
      loading.catch(() => this.docs.delete(name));
    }
    const doc = await loading;
    this.cancelUnload(doc);
    return doc;
  }

  /** Runs a server-side change (or read) on a document, keeping it loaded meanwhile. */
  async withDoc<T>(name: string, fn: (doc: SharedDoc) => T | Promise<T>): Promise<T> {
    const doc = await this.open(name);
    doc.holds++;
    try {
      return await fn(doc);
    } finally {
      doc.holds--;
      this.release(doc);
    }
  }

  /** The whole state of a document (loaded or not), as one update. */
  encodeState(name: string): Promise<Uint8Array> {
    return this.withDoc(name, (doc) => Y.encodeStateAsUpdate(doc));
  }

  /** Called when a client leaves: a document nobody uses is flushed and unloaded. */
  release(doc: SharedDoc): void {
    if (doc.peers.size > 0 || doc.holds > 0 || this.closed) return;
    this.cancelUnload(doc);
    this.unloadTimers.set(
      doc,
      setTimeout(() => {
        this.unloadTimers.delete(doc);
        if (doc.peers.size === 0 && doc.holds === 0) void this.unload(doc);
      }, this.unloadAfterMs),
    );
  }

  private cancelUnload(doc: SharedDoc): void {
    const timer = this.unloadTimers.get(doc);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(doc);
  }

  private async load(name: string): Promise<SharedDoc> {
    const kind = parseDocName(name)?.kind;
    // Versions render and compare article snapshots: their deleted content must stay.
    const doc = new SharedDoc(name, kind !== 'article');
    // What other processes accepted lately, read before the database: an update accepted
    // elsewhere but not yet stored is in the stream; one stored and gone from it, in the database.
    const recent = (await this.options.replica?.recent(name)) ?? { updates: [], position: '' };
    const stored = await this.options.persistence.load(name);
    doc.storedSinceCompaction = stored.updateIds.length;
    doc.storage = { version: stored.version, recordIds: [...stored.updateIds] };
    doc.transact(() => {
      if (stored.state) Y.applyUpdate(doc, stored.state, Origin.LOAD);
      for (const update of stored.updates) Y.applyUpdate(doc, update, Origin.LOAD);
      for (const update of recent.updates) Y.applyUpdate(doc, update, Origin.LOAD);
    }, Origin.LOAD);
    if (!stored.state && stored.updates.length === 0 && recent.updates.length === 0) {
      const initial = await this.options.initialState(name);
      if (initial) {
        this.track(doc);
        Y.applyUpdate(doc, initial, Origin.SEED);
      }
    }
    this.track(doc);
    this.options.replica?.follow(doc, recent.position);
    this.live.add(doc);
    this.sweepPresence();
    this.stats.loads++;
    return doc;
  }

  /**
   * Applies what the database holds to every loaded document (Redis was down: the others'
   * updates reached storage, not this process). Applying what a document has is a no-op.
   */
  async refreshFromStorage(): Promise<void> {
    const docs = await Promise.all([...this.docs.values()].map((p) => p.catch(() => null)));
    await Promise.all(
      docs.map(async (doc) => {
        if (!doc) return;
        const stored = await this.options.persistence.load(doc.name);
        this.applyStored(doc, stored);
      }),
    );
  }

  private applyStored(doc: SharedDoc, stored: StoredDoc): void {
    doc.transact(() => {
      if (stored.state) Y.applyUpdate(doc, stored.state, Origin.REMOTE);
      for (const update of stored.updates) Y.applyUpdate(doc, update, Origin.REMOTE);
    }, Origin.REMOTE);
  }

  private readonly tracked = new WeakSet<SharedDoc>();

  private track(doc: SharedDoc): void {
    if (this.tracked.has(doc)) return;
    this.tracked.add(doc);
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === Origin.REMOTE) {
        doc.remoteSinceCheck = true;
        this.scheduleIdleCompaction(doc);
        return;
      }
      if (!isOwnUpdate(origin)) return;
      this.options.replica?.publish(doc, update);
      const list = this.pending.get(doc);
      if (list) list.push(update);
      else this.pending.set(doc, [update]);
      this.scheduleFlush();
      this.scheduleIdleCompaction(doc);
    });
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.origin !== Origin.LOAD && tr.changed.size > 0) this.options.onChange?.(doc, tr.origin, tr);
    });
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, this.flushEveryMs);
  }

  /**
   * Compacts the document once it has had no update for compactWhenIdleMs. One timer per
   * document, not one per update: when it fires early (updates came meanwhile), it waits
   * for the rest of the idle time from the last update.
   */
  private scheduleIdleCompaction(doc: SharedDoc): void {
    doc.changedAt = Date.now();
    if (this.idleTimers.has(doc)) return;
    const arm = (delay: number) => {
      const timer = setTimeout(() => {
        const idleFor = Date.now() - doc.changedAt;
        if (idleFor < this.compactWhenIdleMs) return arm(this.compactWhenIdleMs - idleFor);
        this.idleTimers.delete(doc);
        void this.compact(doc);
      }, delay);
      timer.unref();
      this.idleTimers.set(doc, timer);
    };
    arm(this.compactWhenIdleMs);
  }

  /** Writes every pending update, one record per document holding its updates as they came, in one insert. */
  flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.pending.size === 0) return this.writes.then(() => undefined);
    const records: UpdateRecord[] = [];
    const due: SharedDoc[] = [];
    for (const [doc, updates] of this.pending) {
      records.push({ docName: doc.name, updates });
      due.push(doc);
    }
    this.pending.clear();
    return this.enqueue(async () => {
      try {
        const ids = await this.options.persistence.append(records);
        this.stats.flushes++;
        this.stats.records += records.length;
        due.forEach((doc, i) => {
          doc.storedSinceCompaction++;
          doc.storage?.recordIds.push(ids[i]);
        });
      } catch (err) {
        // Kept for the next tick: the documents still hold these edits in memory.
        this.options.logger.error({ err, docs: records.length }, 'yjs updates not stored; retrying');
        records.forEach((record, i) => {
          // Part of the batch may be stored under ids this copy does not know: its next
          // compaction reads what is stored.
          due[i].storage = null;
          const list = this.pending.get(due[i]);
          if (list) list.unshift(...record.updates);
          else this.pending.set(due[i], [...record.updates]);
        });
        if (!this.closed) this.scheduleFlush();
        throw err;
      }
      for (const doc of due) {
        if (doc.storedSinceCompaction >= this.compactAfterUpdates) void this.compact(doc);
      }
    });
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.writes.catch(() => undefined).then(op);
    this.writes = run.catch(() => undefined);
    return run;
  }

  /**
   * Replaces a document's stored updates by its whole state (after flushing what is pending).
   * With one process, the records this copy loaded and stored itself are all it deletes: they
   * are in the live document, so it writes its state over the version it knows and deletes
   * exactly those, without reading them back (reading and applying them again was most of a
   * compaction's cost). Otherwise, or when the stored state is no longer the one it knows, what
   * is stored is read again and merged into the live document first: the updates other
   * processes stored (normally already here through Redis) are never dropped, and the state
   * written replaces exactly what was read, only if no other process compacted meanwhile.
   */
  async compact(doc: SharedDoc): Promise<void> {
    if (this.pending.has(doc)) await this.flush().catch(() => undefined);
    if (doc.storedSinceCompaction === 0 && !doc.remoteSinceCheck) return;
    await this.enqueue(async () => {
      if (doc.storedSinceCompaction === 0 && !doc.remoteSinceCheck) return;
      const counted = doc.storedSinceCompaction;
      const known = this.options.replica ? null : doc.storage;
      if (known && !doc.remoteSinceCheck) {
        const own: StoredDoc = { state: null, version: known.version, updates: [], updateIds: known.recordIds };
        if (await this.options.persistence.compact(doc.name, Y.encodeStateAsUpdate(doc), own)) {
          doc.storage = { version: (known.version ?? 0) + 1, recordIds: [] };
          this.stats.compactions++;
          doc.storedSinceCompaction = Math.max(0, doc.storedSinceCompaction - counted);
          return;
        }
        // Another writer compacted since: what is stored now is read below.
      }
      doc.storage = null;
      doc.remoteSinceCheck = false;
      const stored = await this.options.persistence.load(doc.name);
      // Only others' updates here: their process stores them. One killed before its batch
      // was written leaves them in the live copies only: then this copy is written.
      if (counted === 0 && !holdsMoreThan(doc, stored)) return;
      this.applyStored(doc, stored);
      const written = await this.options.persistence.compact(doc.name, Y.encodeStateAsUpdate(doc), stored);
      // Lost to another process: it merged what it read; what it did not read is still stored.
      if (written) {
        this.stats.compactions++;
        // Every record read is deleted: from here on this copy knows what is stored.
        doc.storage = { version: (stored.version ?? 0) + 1, recordIds: [] };
      } else {
        this.stats.compactionsLost++;
        // The winner may not have had the others' updates this copy holds: compare again later.
        if (counted === 0) {
          doc.remoteSinceCheck = true;
          this.scheduleIdleCompaction(doc);
        }
      }
      doc.storedSinceCompaction = Math.max(0, doc.storedSinceCompaction - counted);
    }).catch((err) => this.options.logger.error({ err, doc: doc.name }, 'yjs compaction failed'));
  }

  private async unload(doc: SharedDoc): Promise<void> {
    if (this.docs.get(doc.name) === undefined) return;
    const done = (async () => {
      try {
        await this.compact(doc);
      } finally {
        if (doc.peers.size === 0 && doc.holds === 0) this.forget(doc);
      }
    })();
    this.unloading.set(doc.name, done);
    await done;
    this.unloading.delete(doc.name);
  }

  private forget(doc: SharedDoc): void {
    const idle = this.idleTimers.get(doc);
    if (idle) clearTimeout(idle);
    this.idleTimers.delete(doc);
    this.docs.delete(doc.name);
    this.live.delete(doc);
    if (this.live.size === 0) this.stopPresenceSweep();
    this.options.replica?.unfollow(doc);
    doc.destroy();
    this.stats.unloads++;
  }

  /** Flushes and compacts everything, then forgets it (server shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    this.stopPresenceSweep();
    for (const timer of [...this.unloadTimers.values(), ...this.idleTimers.values()]) clearTimeout(timer);
    this.unloadTimers.clear();
    this.idleTimers.clear();
    const docs = await Promise.all([...this.docs.values()].map((p) => p.catch(() => null)));
    await this.flush().catch(() => undefined);
    for (const doc of docs) if (doc) await this.compact(doc);
    for (const doc of docs) {
      if (!doc) continue;
      this.options.replica?.unfollow(doc);
      doc.destroy();
    }
    this.docs.clear();
    this.live.clear();
  }
}

/** Whether the live document holds something (an insertion, a deletion) that storage does not. */
function holdsMoreThan(doc: SharedDoc, stored: StoredDoc): boolean {
  const copy = new Y.Doc({ gc: false });
  try {
    copy.transact(() => {
      if (stored.state) Y.applyUpdate(copy, stored.state);
      for (const update of stored.updates) Y.applyUpdate(copy, update);
    });
    return !Y.equalSnapshots(Y.snapshot(copy), Y.snapshot(doc));
  } finally {
    copy.destroy();
  }
}
