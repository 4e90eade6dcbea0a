// Databases and their collections, and the only place that mutates them. Each mutation is
// also described as a journal operation; replay at start feeds the same operations back
// through `apply`, so live writes and recovery share one code path.
import type { Doc } from './bson/codec.ts';
import { Binary, encode } from './bson/codec.ts';
import { Collection, type CollectionOptions } from './collection.ts';
import { CommandError, ErrorCode } from './errors.ts';
import { CollectionIndex, type IndexSpec } from './indexes/collection-index.ts';
import { embedded } from './bson/raw.ts';

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
  /** `d`: the operation's document (insert, update) already encoded, to be its `d` field. */
  append(op: Doc, d?: Uint8Array): number;
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

const CHANGE_KIND: Record<string, CollectionChange['kind']> = { i: 'insert', u: 'update', r: 'remove' };

export class Catalog {
  readonly dbs = new Map<string, Map<string, Collection>>();
  /** Where operations are journaled; absent during replay. */
  sink?: OpSink;

  /** Told of every change made after they subscribed (replay at start tells nobody). */
  readonly watchers = new Set<ChangeWatcher>();

  /** Journals the operation (its document `d` given as `bytes` when already encoded) and tells the watchers. */
  private log(op: Op, bytes?: Uint8Array): void {
    if (bytes && (op.o === 'i' || op.o === 'u')) {
      const { d: _d, ...rest } = op;
      this.sink?.append(rest, bytes);
    } else {
      this.sink?.append(op as unknown as Doc);
    }
    if (this.watchers.size === 0) return;
    const kind = CHANGE_KIND[op.o] ?? 'schema';
    const id = op.o === 'i' || op.o === 'u' ? op.d._id : op.o === 'r' ? op.id : undefined;
    this.notify({ db: op.db, collection: op.c, kind, id });
    if (op.o === 'rn') this.notify({ db: op.toDb, collection: op.to, kind });
  }

  private notify(change: CollectionChange): void {
    for (const watcher of this.watchers) watcher(change);
  }

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  create(db: string, name: string, options: CollectionOptions = {}): Collection {
    if (this.get(db, name)) throw new CommandError(ErrorCode.NamespaceExists, `Collection ${db}.${name} already exists.`);
    validateName(db, name);
    const coll = new Collection(db, name, options);
    let collections = this.dbs.get(db);
    if (!collections) this.dbs.set(db, (collections = new Map()));
    collections.set(name, coll);
    this.log({ o: 'cc', db, c: name, opts: options, uuid: coll.uuid });
    return coll;
  }

  /** The collection, created implicitly as mongod does on first write. */
  ensure(db: string, name: string): Collection {
    return this.get(db, name) ?? this.create(db, name);
  }

  drop(db: string, name: string): Collection | undefined {
    const coll = this.get(db, name);
    if (!coll) return undefined;
    const collections = this.dbs.get(db)!;
    collections.delete(name);
    if (collections.size === 0) this.dbs.delete(db);
    this.log({ o: 'dc', db, c: name });
    return coll;
  }

  rename(db: string, name: string, toDb: string, to: string): void {
    const coll = this.get(db, name);
    if (!coll) throw new CommandError(ErrorCode.NamespaceNotFound, 'Source collection ' + `${db}.${name}` + ' does not exist');
    validateName(toDb, to);
    const collections = this.dbs.get(db)!;
    collections.delete(name);
    if (collections.size === 0) this.dbs.delete(db);
    coll.db = toDb;
    coll.name = to;
    let target = this.dbs.get(toDb);
    if (!target) this.dbs.set(toDb, (target = new Map()));
    target.set(to, coll);
    this.log({ o: 'rn', db, c: name, toDb, to });
  }

  setOptions(coll: Collection, options: Doc): void {
    coll.options = options;
    this.log({ o: 'mc', db: coll.db, c: coll.name, opts: options });
  }

  insert(coll: Collection, doc: Doc): void {
    const bytes = storable(doc);
    coll.insert(doc, bytes);
    this.log({ o: 'i', db: coll.db, c: coll.name, d: doc }, bytes);
  }

  replace(coll: Collection, doc: Doc): void {
    const bytes = storable(doc);
    coll.replace(doc, bytes);
    this.log({ o: 'u', db: coll.db, c: coll.name, d: doc }, bytes);
  }

  remove(coll: Collection, id: unknown): Doc | undefined {
    const old = coll.remove(id);
    if (old) this.log({ o: 'r', db: coll.db, c: coll.name, id });
    return old;
  }

  createIndex(coll: Collection, spec: IndexSpec): void {
    coll.addIndex(spec);
    this.log({ o: 'ci', db: coll.db, c: coll.name, spec });
  }

  dropIndex(coll: Collection, name: string): void {
    coll.dropIndex(name);
    this.log({ o: 'di', db: coll.db, c: coll.name, name });
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
  return bytes;
}

function validateName(db: string, name: string): void {
  if (!db || /[/\\. "$\0]/.test(db) || db.length > 63) throw new CommandError(ErrorCode.InvalidNamespace, `Invalid database name: '${db}'`);
  if (!name || name.includes('\0') || name.includes('$') || name.startsWith('.')) {
    throw new CommandError(ErrorCode.InvalidNamespace, `Invalid collection name: ${name}`);
  }
}
