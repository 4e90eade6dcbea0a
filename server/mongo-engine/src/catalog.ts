// Databases and their collections, and the only place that mutates them. Each mutation is
// also described as a journal operation; replay at start feeds the same operations back
// through `apply`, so live writes and recovery share one code path.
//
// Each live mutation also keeps how to undo it until its journal record is on disk: when the
// journal loses records (a full disk, an I/O error), `rollback` undoes them in reverse order,
// so memory again holds exactly what is durable. Each collection remembers the journal record
// of its last write, so a read can wait until what it saw is durable (see `track`).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Doc } from './bson/codec.ts';
import { Binary, decode, encode } from './bson/codec.ts';
import { Collection, type CollectionOptions } from './collection.ts';
import { CommandError, ErrorCode } from './errors.ts';
import { CollectionIndex, type IndexSpec } from './indexes/collection-index.ts';
import { embedded } from './bson/raw.ts';
import { MAX_DOCUMENT_DEPTH, nestingDepth } from './bson/depth.ts';
import { canonicalKey } from './bson/order.ts';
import { documentKey } from './document-map.ts';

/** Journal operations. `db`/`c` name the collection; collection names may contain dots. */
export type Op =
  | { o: 'i'; db: string; c: string; d: Doc }
  | { o: 'u'; db: string; c: string; d: Doc }
  | { o: 'r'; db: string; c: string; id: unknown }
  | { o: 'cc'; db: string; c: string; opts: Doc; uuid: InstanceType<typeof Binary> }
  | { o: 'dc'; db: string; c: string }
  | { o: 'ci'; db: string; c: string; spec: IndexSpec }
  | { o: 'di'; db: string; c: string; name: string }
  | { o: 'mc'; db: string; c: string; opts: Doc }
  | { o: 'rn'; db: string; c: string; toDb: string; to: string };

export interface OpSink {
  /** `d`: the operation's document (insert, update) already encoded, to be its `d` field. Returns the record's sequence number. */
  append(op: Doc, d?: Uint8Array): number;
}

interface Undo {
  seq: number;
  revert: () => void;
  change: CollectionChange;
}

/** A change to a collection, told to watchers as it is made (before the client is answered). */
export interface CollectionChange {
  db: string;
  collection: string;
  /** `insert` adds a document, `update` replaces one, `remove` deletes one; `schema` is anything else (drop, rename, indexes…). */
  kind: 'insert' | 'update' | 'remove' | 'schema';
  /** The `_id` of the document inserted, updated or removed. */
  id?: unknown;
}

export type ChangeWatcher = (change: CollectionChange) => void;

/** What one command touched, noted as it runs (commands interleave: each has its own). */
export interface Touched {
  /** The collections it read (null: it looked at the list of databases or collections). */
  reads: Set<Collection | null>;
  /** Whether it journaled a write. */
  wrote: boolean;
}

const CHANGE_KIND: Record<string, CollectionChange['kind']> = { i: 'insert', u: 'update', r: 'remove' };
const UNDONE_KIND: Record<CollectionChange['kind'], CollectionChange['kind']> = { insert: 'remove', update: 'update', remove: 'insert', schema: 'schema' };

export class Catalog {
  readonly dbs = new Map<string, Map<string, Collection>>();
  /** Where operations are journaled; absent during replay. */
  sink?: OpSink;

  /** Told of every change made after they subscribed (replay at start tells nobody). */
  readonly watchers = new Set<ChangeWatcher>();

  /** How to undo each live mutation whose journal record is not on disk yet, oldest first. */
  private undo: Undo[] = [];
  /** Journal record of the last change to the set of databases and collections. */
  private schemaSeq = 0;
  /** The command running in this async context, for what it touches (see track). */
  private readonly touched = new AsyncLocalStorage<Touched>();

  /**
   * Journals the operation (its document `d` given as `bytes` when already encoded), keeps
   * `revert` until it is durable and tells the watchers.
   */
  private log(op: Op, revert: () => void, bytes?: Uint8Array): void {
    let seq: number;
    if (bytes && (op.o === 'i' || op.o === 'u')) {
      const { d: _d, ...rest } = op;
      seq = this.sink?.append(rest, bytes) ?? 0;
    } else {
      seq = this.sink?.append(op as unknown as Doc) ?? 0;
    }
    const kind = CHANGE_KIND[op.o] ?? 'schema';
    const id = op.o === 'i' || op.o === 'u' ? op.d._id : op.o === 'r' ? op.id : undefined;
    const change: CollectionChange = { db: op.db, collection: op.c, kind, id };
    if (this.sink) {
      const touched = this.touched.getStore();
      if (touched) touched.wrote = true;
      this.undo.push({ seq, revert, change });
      const coll = this.get(op.o === 'rn' ? op.toDb : op.db, op.o === 'rn' ? op.to : op.c, false);
      if (coll) coll.lastSeq = seq;
      if (kind === 'schema') this.schemaSeq = seq;
    }
    if (this.watchers.size === 0) return;
    this.notify(change);
    if (op.o === 'rn') this.notify({ db: op.toDb, collection: op.to, kind });
  }

  /** The journal holds every record up to `seq`: their undo is no longer needed. */
  settle(seq: number): void {
    let n = 0;
    while (n < this.undo.length && this.undo[n].seq <= seq) n++;
    if (n > 0) this.undo.splice(0, n);
  }

  /** The journal lost every record after `seq`: undoes their mutations, newest first, and tells the watchers. */
  rollback(seq: number): void {
    while (this.undo.length > 0 && this.undo[this.undo.length - 1].seq > seq) {
      const { revert, change } = this.undo.pop()!;
      revert();
      if (this.watchers.size > 0) this.notify({ ...change, kind: UNDONE_KIND[change.kind] });
    }
  }

  /** Runs `body` (a command), noting what it reads and whether it writes, across its awaits. */
  track<T>(body: () => Promise<T>): { touched: Touched; result: Promise<T> } {
    const touched: Touched = { reads: new Set(), wrote: false };
    return { touched, result: this.touched.run(touched, body) };
  }

  /** What the command running in this async context has touched so far. */
  touching(): Touched | undefined {
    return this.touched.getStore();
  }

  /** The journal record that what `touched` read depends on: it saw only durable data once the journal holds that record. */
  visibleAfter(touched: Touched): number {
    let seq = 0;
    for (const coll of touched.reads) seq = Math.max(seq, coll ? coll.lastSeq : this.schemaSeq);
    return seq;
  }

  private notify(change: CollectionChange): void {
    for (const watcher of this.watchers) watcher(change);
  }

  get(db: string, name: string, read = true): Collection | undefined {
    const coll = this.dbs.get(db)?.get(name);
    if (read) this.touched.getStore()?.reads.add(coll ?? null);
    return coll;
  }

  collections(db: string): Collection[] {
    const reads = this.touched.getStore()?.reads;
    reads?.add(null);
    const all = [...(this.dbs.get(db)?.values() ?? [])];
    for (const coll of all) reads?.add(coll);
    return all;
  }

  create(db: string, name: string, options: CollectionOptions = {}): Collection {
    if (this.get(db, name)) throw new CommandError(ErrorCode.NamespaceExists, `Collection ${db}.${name} already exists.`);
    validateName(db, name);
    const coll = new Collection(db, name, options);
    let collections = this.dbs.get(db);
    if (!collections) this.dbs.set(db, (collections = new Map()));
    collections.set(name, coll);
    this.log({ o: 'cc', db, c: name, opts: options, uuid: coll.uuid }, () => this.unlink(db, name));
    return coll;
  }

  /** The collection, created implicitly as mongod does on first write. */
  ensure(db: string, name: string): Collection {
    return this.get(db, name) ?? this.create(db, name);
  }

  /** Takes the collection out of the catalog (nothing journaled). */
  private unlink(db: string, name: string): Collection | undefined {
    const collections = this.dbs.get(db);
    const coll = collections?.get(name);
    if (!collections || !coll) return undefined;
    collections.delete(name);
    if (collections.size === 0) this.dbs.delete(db);
    return coll;
  }

  /** Puts the collection in the catalog under its db and name (nothing journaled). */
  private link(coll: Collection): void {
    let collections = this.dbs.get(coll.db);
    if (!collections) this.dbs.set(coll.db, (collections = new Map()));
    collections.set(coll.name, coll);
  }

  drop(db: string, name: string): Collection | undefined {
    const coll = this.unlink(db, name);
    if (!coll) return undefined;
    this.log({ o: 'dc', db, c: name }, () => this.link(coll));
    return coll;
  }

  rename(db: string, name: string, toDb: string, to: string): void {
    const coll = this.get(db, name, false);
    if (!coll) throw new CommandError(ErrorCode.NamespaceNotFound, 'Source collection ' + `${db}.${name}` + ' does not exist');
    validateName(toDb, to);
    const move = (fromDb: string, fromName: string, intoDb: string, intoName: string) => {
      this.unlink(fromDb, fromName);
      coll.db = intoDb;
      coll.name = intoName;
      this.link(coll);
    };
    move(db, name, toDb, to);
    this.log({ o: 'rn', db, c: name, toDb, to }, () => move(toDb, to, db, name));
  }

  setOptions(coll: Collection, options: Doc): void {
    const before = coll.options;
    coll.options = options;
    this.log({ o: 'mc', db: coll.db, c: coll.name, opts: options }, () => (coll.options = before));
  }

  insert(coll: Collection, doc: Doc): void {
    const bytes = storable(doc);
    coll.insert(doc, bytes);
    this.log({ o: 'i', db: coll.db, c: coll.name, d: doc }, () => coll.remove(doc._id), bytes);
  }

  replace(coll: Collection, doc: Doc): void {
    const bytes = storable(doc);
    const before = coll.docs.raw(documentKey(doc._id));
    coll.replace(doc, bytes);
    const revert = before ? () => coll.replace(decode(before), before) : () => coll.remove(doc._id);
    this.log({ o: 'u', db: coll.db, c: coll.name, d: doc }, revert, bytes);
  }

  remove(coll: Collection, id: unknown): Doc | undefined {
    const before = coll.docs.raw(canonicalKey(id));
    const old = coll.remove(id);
    if (old && before) this.log({ o: 'r', db: coll.db, c: coll.name, id }, () => coll.insert(old, before));
    return old;
  }

  createIndex(coll: Collection, spec: IndexSpec): void {
    coll.addIndex(spec);
    this.log({ o: 'ci', db: coll.db, c: coll.name, spec }, () => coll.dropIndex(spec.name));
  }

  dropIndex(coll: Collection, name: string): void {
    const index = coll.indexes.get(name);
    coll.dropIndex(name);
    this.log({ o: 'di', db: coll.db, c: coll.name, name }, () => index && coll.indexes.set(name, index));
  }

  /**
   * Replays one journaled operation (`payload`: its BSON, from which a document's bytes are
   * taken as they are). Documents go straight into their collection without touching
   * indexes (the journal only holds writes that passed every check); `finishReplay` then
   * builds each index once, which is what keeps start-up proportional to the data.
   */
  apply(raw: Doc, payload?: Uint8Array): void {
    const op = raw as unknown as Op;
    switch (op.o) {
      case 'cc': {
        let collections = this.dbs.get(op.db);
        if (!collections) this.dbs.set(op.db, (collections = new Map()));
        collections.set(op.c, new Collection(op.db, op.c, op.opts, op.uuid));
        return;
      }
      case 'dc':
        this.drop(op.db, op.c);
        return;
      case 'rn':
        this.rename(op.db, op.c, op.toDb, op.to);
        return;
    }
    const coll = this.get(op.db, op.c);
    if (!coll) return;
    switch (op.o) {
      case 'i':
      case 'u':
        coll.loadDoc(op.d, payload && embedded(payload, 'd'));
        return;
      case 'r':
        coll.unloadDoc(op.id);
        return;
      case 'ci':
        coll.indexes.set(op.spec.name, new CollectionIndex(op.spec));
        return;
      case 'di':
        coll.dropIndex(op.name);
        return;
      case 'mc':
        coll.options = op.opts;
        return;
    }
  }
}

/** After replay: builds every index over the replayed documents, one sort per index. */
export function finishReplay(catalog: Catalog): void {
  for (const collections of catalog.dbs.values()) for (const coll of collections.values()) coll.reindex();
}

const MAX_DOC = 16 * 1024 * 1024;

/** The document's BSON, refused (before anything changes) beyond mongod's 16 MB. */
function storable(doc: Doc): Buffer {
  const bytes = encode(doc);
  if (bytes.length > MAX_DOC) {
    throw new CommandError(ErrorCode.BSONObjectTooLarge, `object to insert too large. size in bytes: ${bytes.length}, max size: ${MAX_DOC}`);
  }
  if (nestingDepth(bytes, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH) {
    throw new CommandError(ErrorCode.Overflow, `cannot store a document nested deeper than ${MAX_DOCUMENT_DEPTH} levels`);
  }
  return bytes;
}

function validateName(db: string, name: string): void {
  if (!db || /[/\\. "$\0]/.test(db) || db.length > 63) throw new CommandError(ErrorCode.InvalidNamespace, `Invalid database name: '${db}'`);
  if (!name || name.includes('\0') || name.includes('$') || name.startsWith('.')) {
    throw new CommandError(ErrorCode.InvalidNamespace, `Invalid collection name: ${name}`);
  }
}
