// A collection in memory: documents by canonical _id in natural (insertion) order (as BSON,
// see document-map.ts), and its indexes kept in step. Every mutation checks all unique
// indexes before touching anything, so a rejected write leaves no trace.
import { randomUUID } from 'node:crypto';
import type { Doc } from './bson/codec.ts';
import { Binary, ObjectId } from './bson/codec.ts';
import { CommandError, ErrorCode } from './errors.ts';
import { DocumentMap, documentKey } from './document-map.ts';
import { CollectionIndex, type IndexEntry, type IndexSpec } from './indexes/collection-index.ts';
import { canonicalKey, compareBson, compareKeys } from './bson/order.ts';
import { planQuery, planSortedScan } from './query/planner.ts';
import { formatDupKey } from './bson/format.ts';

export interface CollectionOptions {
  [option: string]: unknown;
}

export const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export class Collection {
  readonly docs = new DocumentMap();
  readonly indexes = new Map<string, CollectionIndex>();
  readonly uuid: InstanceType<typeof Binary>;

  public db: string;
  public name: string;
  public options: CollectionOptions;
  /** Journal record of the last write to this collection (see Catalog.track). */
  public lastSeq = 0;

  constructor(
    db: string,
    name: string,
    options: CollectionOptions = {},
    uuid?: InstanceType<typeof Binary>,
  ) {
    this.db = db;
    this.name = name;
    this.options = options;
    this.uuid = uuid ?? new Binary(Buffer.from(randomUUID().replace(/-/g, ''), 'hex'), Binary.SUBTYPE_UUID);
    this.indexes.set(ID_INDEX.name, new CollectionIndex({ ...ID_INDEX }));
  }

  /** A read-only view: `viewOn` + `pipeline` in the options, no documents of its own. */
  get isView(): boolean {
    return typeof this.options.viewOn === 'string';
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get(id: unknown): Doc | undefined {
    return this.docs.get(canonicalKey(id));
  }

  private duplicateError(index: CollectionIndex, key: unknown[]): CommandError {
    const { keyPattern, keyValue } = index.describeKey(key);
    return new CommandError(
      ErrorCode.DuplicateKey,
      `E11000 duplicate key error collection: ${this.ns} index: ${index.name} dup key: ${formatDupKey(keyValue)}`,
      { keyPattern, keyValue },
    );
  }

  /** Throws the duplicate key error when one of `keys` is another document's in this unique index. */
  private refuseConflicts(index: CollectionIndex, id: string, keys: unknown[][]): void {
    if (index.unique) for (const key of keys) if (index.conflict(key, id)) throw this.duplicateError(index, key);
  }

  /** Keys per index for a document, after checking that none collides with another document. */
  private checkedKeys(id: string, doc: Doc): Map<CollectionIndex, unknown[][]> {
    const keys = new Map<CollectionIndex, unknown[][]>();
    for (const index of this.indexes.values()) {
      const k = index.keysOf(doc);
      this.refuseConflicts(index, id, k);
      keys.set(index, k);
    }
    return keys;
  }

  /** Adds the document; `bytes`, when given, is its BSON (encoded once by the catalog). */
  insert(doc: Doc, bytes?: Buffer): void {
    const id = documentKey(doc._id);
    if (this.docs.has(id)) throw this.duplicateError(this.indexes.get('_id_')!, [doc._id]);
    const keys = this.checkedKeys(id, doc);
    for (const [index, k] of keys) index.add(id, k);
    this.docs.set(id, doc, bytes);
  }

  /** Replaces the document with the same _id (the _id never changes in an update). */
  replace(doc: Doc, bytes?: Buffer): void {
    const id = documentKey(doc._id);
    const old = this.docs.get(id);
    if (!old) {
      this.insert(doc, bytes);
      return;
    }
    // Only the indexes whose keys change are touched (checked first, then changed): never the
    // `_id` index, nor one over fields the update left alone (a reply kept by `_id`, a checkpoint).
    const changed: { index: CollectionIndex; before: unknown[][]; after: unknown[][] }[] = [];
    for (const index of this.indexes.values()) {
      const before = index.keysOf(old);
      const after = index.keysOf(doc);
      if (sameKeys(before, after)) continue;
      this.refuseConflicts(index, id, after);
      changed.push({ index, before, after });
    }
    for (const { index, before } of changed) index.remove(id, before);
    for (const { index, after } of changed) index.add(id, after);
    this.docs.set(id, doc, bytes);
  }

  remove(idValue: unknown): Doc | undefined {
    const id = canonicalKey(idValue);
    const old = this.docs.get(id);
    if (!old) return undefined;
    for (const index of this.indexes.values()) index.remove(id, index.keysOf(old));
    this.docs.delete(id);
    return old;
  }

  /** Adds an index over the existing documents; a unique violation aborts it. */
  addIndex(spec: IndexSpec): void {
    const index = new CollectionIndex(spec);
    index.load(this.docs.entries());
    if (index.unique) {
      let previous: IndexEntry | undefined;
      for (const entry of index.entries.all()) {
        if (previous && previous.id !== entry.id && compareKeys(previous.key, entry.key) === 0) {
          throw this.duplicateError(index, entry.key);
        }
        previous = entry;
      }
    }
    this.indexes.set(spec.name, index);
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
  }

  /**
   * Documents that may match the filter: the one whose `_id` the filter names (a string or an
   * ObjectId: a claim or a reply by its key, a session, an update by id), else an index range
   * when one applies, else all. By `_id`, the document is looked up by its canonical key
   * without planning nor walking the `_id` index: a third of an update by `_id` went there.
   */
  candidates(filter: Doc, useIndexes = true): Iterable<Doc> {
    const named = filter._id;
    if (useIndexes && (typeof named === 'string' || named instanceof ObjectId)) {
      const doc = this.docs.get(documentKey(named));
      return doc ? [doc] : [];
    }
    const plan = useIndexes ? planQuery(filter, this.indexes.values()) : undefined;
    if (!plan) return this.docs.values();
    const ids = new Set<string>();
    for (const scan of plan.scans) for (const id of plan.index.scan(scan)) ids.add(id);
    // Keep natural order among candidates, as a collection scan would.
    const out: Doc[] = [];
    if (ids.size * 8 < this.docs.size) {
      for (const id of ids) {
        const d = this.docs.get(id);
        if (d) out.push(d);
      }
      return out;
    }
    for (const id of this.docs.keys()) {
      if (ids.has(id)) out.push(this.docs.get(id)!);
    }
    return out;
  }

  /**
   * Candidates already in `sort` order when an index provides it (see planSortedScan).
   * Without a limit to stop at (`limited` false), an index that serves more of the filter
   * is preferred, and the fewer documents it yields are sorted in memory: every event of a
   * negotiation in seq order, filtered by type, read the whole log.
   */
  orderedCandidates(filter: Doc, sort: [string, number][], limited = true): Iterable<Doc> | undefined {
    const plan = planSortedScan(filter, sort, this.indexes.values());
    if (!plan) return undefined;
    if (!limited && (planQuery(filter, this.indexes.values())?.score ?? 0) > plan.score) return undefined;
    const docs = this.docs;
    const ids = plan.reverse ? plan.index.scanDown(plan.position) : plan.index.scan(plan.position);
    return (function* () {
      for (const id of ids) {
        const d = docs.get(id);
        if (d) yield d;
      }
    })();
  }

  /** Documents decoded at start-up, kept until `reindex` has built the indexes from them. */
  private loading?: Map<string, Doc>;

  /**
   * Loads a document at start-up (`bytes`: its BSON, when the file gave it); indexes are
   * built once at the end by `reindex`.
   */
  loadDoc(doc: Doc, bytes?: Uint8Array): void {
    const id = documentKey(doc._id);
    if (bytes) this.docs.adopt(id, bytes);
    else this.docs.set(id, doc);
    (this.loading ??= new Map()).set(id, doc);
  }

  unloadDoc(idValue: unknown): void {
    const id = canonicalKey(idValue);
    this.docs.delete(id);
    this.loading?.delete(id);
  }

  loadDocs(docs: Doc[], bytes?: Uint8Array[]): void {
    docs.forEach((d, i) => this.loadDoc(d, bytes?.[i]));
  }

  /** Builds every index in one pass over the documents (each decoded once at most). */
  reindex(): void {
    const docs: [string, Doc][] = [...this.docs.keys()].map((id) => [id, this.loading?.get(id) ?? this.docs.get(id)!]);
    for (const index of this.indexes.values()) index.load(docs);
    this.loading = undefined;
  }
}

/**
 * Whether an index holds the same entries for two versions of a document: the same keys in the
 * same order, each part the same value of the same kind (2 and 2.0 are one JavaScript number;
 * an ObjectId, a date, a sub-document equal by BSON order and of the same class).
 */
function sameKeys(a: unknown[][], b: unknown[][]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const [x, y] = [a[k], b[k]];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) {
      const [u, v] = [x[i], y[i]];
      if (u === v) continue;
      if (typeof u !== 'object' || typeof v !== 'object' || u === null || v === null || u.constructor !== v.constructor || compareBson(u, v) !== 0) return false;
    }
  }
  return true;
}
