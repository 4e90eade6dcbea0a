// One secondary (or _id) index of a collection: its spec as listIndexes shows it, and the
// ordered entries (key tuple, document id) that serve unique checks and indexed lookups.
import { Query } from 'mingo';
import type { Doc } from '../bson/codec.ts';
import { canonicalKey, compareBson, compareKeys } from '../bson/order.ts';
import { pathValues } from '../bson/paths.ts';
import { SortedList } from './sorted-list.ts';

export interface IndexSpec {
  v?: number;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

export interface IndexEntry {
  key: unknown[];
  id: string;
}

/** A conflicting key found by a unique index. */
export interface DuplicateKey {
  index: CollectionIndex;
  key: unknown[];
}

const MAX_FANOUT = 10_000;

export class CollectionIndex {
  readonly fields: string[];
  private readonly paths: string[][];
  readonly entries: SortedList<IndexEntry>;
  /** Once any document had an array on an indexed path, range bounds may no longer be intersected. */
  multikey = false;
  private readonly partial?: Query;

  readonly spec: IndexSpec;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((f) => f.split('.'));
    this.entries = new SortedList<IndexEntry>((a, b) => compareKeys(a.key, b.key) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression, {});
  }

  get name(): string {
    return this.spec.name;
  }

  get unique(): boolean {
    return !!this.spec.unique;
  }

  /** Special index kinds (text, 2dsphere…) are kept in the catalog but never used to plan. */
  get plain(): boolean {
    return Object.values(this.spec.key).every((d) => typeof d === 'number' || d === 'hashed');
  }

  /** Usable for answering a query without missing documents. */
  get complete(): boolean {
    return this.plain && !this.spec.sparse && !this.partial;
  }

  /** The distinct key tuples a document contributes (none when sparse/partial exclude it). */
  keysOf(doc: Doc): unknown[][] {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField: unknown[][] = [];
    let allMissing = true;
    for (const path of this.paths) {
      const reached = pathValues(doc, path);
      if (reached.length === 1 && !Array.isArray(reached[0])) {
        // One scalar: the usual case, no fan-out or de-duplication needed.
        const v = reached[0];
        if (v !== undefined) allMissing = false;
        perField.push([v === undefined ? null : v]);
        continue;
      }
      const values: unknown[] = [];
      for (const v of reached) {
        if (Array.isArray(v)) {
          this.multikey = true;
          if (v.length === 0) values.push(undefined);
          else values.push(...v);
        } else {
          values.push(v);
        }
      }
      if (values.some((v) => v !== undefined)) allMissing = false;
      // Missing and null index alike, as in mongod.
      const seen = new Set<string>();
      perField.push(
        values
          .map((v) => (v === undefined ? null : v))
          .filter((v) => {
            const k = canonicalKey(v);
            if (seen.has(k)) return false;
            seen.add(k);
            return true;
          }),
      );
    }
    if (this.spec.sparse && allMissing) return [];
    // One value per field: one key, in an array of its exact length (the copies below would
    // leave room for sixteen, and an index keeps its keys for the document's lifetime).
    if (perField.every((values) => values.length === 1)) return [perField.map((values) => values[0])];
    let keys: unknown[][] = [[]];
    for (const values of perField) {
      const next: unknown[][] = [];
      for (const prefix of keys) for (const v of values) next.push([...prefix, v]);
      keys = next;
      if (keys.length > MAX_FANOUT) break;
    }
    return keys;
  }

  /** The first entry with this exact key held by another document, if any. */
  conflict(key: unknown[], id: string): IndexEntry | undefined {
    for (const entry of this.entries.from((e) => compareKeys(e.key, key) >= 0)) {
      if (compareKeys(entry.key, key) !== 0) return undefined;
      if (entry.id !== id) return entry;
    }
    return undefined;
  }

  add(id: string, keys: unknown[][]): void {
    for (const key of keys) this.entries.insert({ key, id });
  }

  remove(id: string, keys: unknown[][]): void {
    for (const key of keys) this.entries.delete({ key, id });
  }

  /** Builds the whole index at once (start-up, createIndexes): one sort instead of n inserts. */
  load(docs: Iterable<[string, Doc]>): void {
    const all: IndexEntry[] = [];
    for (const [id, doc] of docs) for (const key of this.keysOf(doc)) all.push({ key, id });
    this.entries.load(all);
  }

  /** Document ids whose keys fall within `position` === 0 (see planner). */
  *scan(position: (key: unknown[]) => number): Generator<string> {
    for (const entry of this.entries.from((e) => position(e.key) >= 0)) {
      if (position(entry.key) > 0) return;
      yield entry.id;
    }
  }

  /** Like `scan`, from the last key in range down to the first. */
  *scanDown(position: (key: unknown[]) => number): Generator<string> {
    for (const entry of this.entries.downFrom((e) => position(e.key) <= 0)) {
      if (position(entry.key) < 0) return;
      yield entry.id;
    }
  }

  /** Key pattern restricted to the fields, and the conflicting values, as mongod reports them. */
  describeKey(key: unknown[]): { keyPattern: Doc; keyValue: Doc } {
    const keyPattern: Doc = {};
    const keyValue: Doc = {};
    this.fields.forEach((f, i) => {
      keyPattern[f] = this.spec.key[f];
      keyValue[f] = key[i];
    });
    return { keyPattern, keyValue };
  }
}

export { compareBson };
