import type { Db, Document as Doc } from 'mongodb';
import { Binary, ObjectId } from 'mongodb';
import { DurableWrites, insertInSlices, runDurably as run, type InProcessCommand } from '../db/connection.ts';
import { batchLoader } from './coalesce.ts';

/** What is stored for one document: its last compacted state and the updates stored since. */
export interface StoredDoc {
  state: Uint8Array | null;
  /** The stored state's version (null: none stored yet): a compaction writes only over this one. */
  version: number | null;
  /** The stored updates, in the order they were stored. */
  updates: Uint8Array[];
  /** The ids of the records holding `updates`: a compaction that merged them deletes exactly these. */
  updateIds: unknown[];
}

/** One document's updates of one tick, stored as they came, in one record. */
export interface UpdateRecord {
  docName: string;
  updates: Uint8Array[];
}

/**
 * Where Yjs documents live: updates appended under ids of their own (any number of processes
 * store the updates their clients sent, no counter is shared), compacted now and then into one
 * state by whichever process gets there first.
 */
export interface DocPersistence {
  load(docName: string): Promise<StoredDoc>;
  /** Appends the updates of one tick, for any number of documents, in one write; the ids of the records, in their order. */
  append(records: UpdateRecord[]): Promise<unknown[]>;
  /**
   * Writes `state` (which contains `merged`'s state and updates) if the stored state is still
   * `merged.version`, then deletes exactly the updates of `merged`. False, writing nothing,
   * when another compaction came first: what it did not merge is still stored.
   */
  compact(docName: string, state: Uint8Array, merged: StoredDoc): Promise<boolean>;
}

/**
 * A tick's updates of one document. Kept as the clients sent them: merging them (Y.mergeUpdates
 * decodes and encodes every struct) was the first cost of storing, a seventh of the server's
 * CPU with 2,000 updates/s. Records stored before December 2026 hold one merged `update`.
 */
interface UpdateDoc {
  _id: ObjectId;
  docName: string;
  updates?: Binary[];
  update?: Binary;
  at: Date;
}

interface StateDoc {
  _id: string;
  state: Binary;
  /** Bumped by each compaction; absent on states stored before there was one (read as 0). */
  version?: number | null;
  at: Date;
}

export const UPDATES_COLLECTION = 'yjs_updates';
export const STATES_COLLECTION = 'yjs_states';
const DUPLICATE_KEY = 11000;

const bytes = (b: Binary): Uint8Array => new Uint8Array(b.buffer.buffer, b.buffer.byteOffset, b.buffer.byteLength);

/**
 * MongoDB persistence on the raw driver: documents are binary and hot, so mongoose's
 * casting brings nothing. A compaction is a compare-and-swap on the state's version, then the
 * deletion of exactly the updates it read: two processes compacting at once never lose an
 * update (the loser writes nothing), and a crash in between leaves updates that the state
 * already contains, which Yjs applies as no-ops.
 */
export class MongoPersistence implements DocPersistence {
  // Documents opened together (a whole agreement) are read with two queries, not two each.
  private readonly loadStates = batchLoader<string, StateDoc>(async (names) => {
    const found = await this.find<StateDoc>(STATES_COLLECTION, { filter: { _id: { $in: names } } });
    return new Map(found.map((s) => [s._id, s]));
  });
  private readonly loadUpdates = batchLoader<string, UpdateDoc[]>(async (names) => {
    const found = await this.find<UpdateDoc>(UPDATES_COLLECTION, {
      filter: { docName: { $in: names } },
      projection: { docName: 1, updates: 1, update: 1 },
      sort: { docName: 1, _id: 1 },
    });
    const byDoc = new Map<string, UpdateDoc[]>();
    for (const u of found) {
      const list = byDoc.get(u.docName);
      if (list) list.push(u);
      else byDoc.set(u.docName, [u]);
    }
    return byDoc;
  });

  private readonly db: Db;
  private readonly command?: InProcessCommand;

  /**
   * `command`, when the database is the embedded engine of this process: reads, appends and
   * compactions go to it directly, without the driver's encoding, the socket and the engine's
   * decoding (the documents and their durability are the same; a read still waits until what
   * it saw is on disk). With MONGODB_URI, the driver.
   */
  constructor(db: Db, command?: InProcessCommand) {
    this.db = db;
    this.command = command;
  }

  private get updates() {
    return this.db.collection<UpdateDoc>(UPDATES_COLLECTION);
  }

  private get states() {
    return this.db.collection<StateDoc>(STATES_COLLECTION);
  }

  async init(): Promise<void> {
    await this.updates.createIndex({ docName: 1, _id: 1 }).catch(() => undefined);
  }

  async load(docName: string): Promise<StoredDoc> {
    // The updates first: a compaction elsewhere between the two reads then leaves them in the
    // state read next. The other order could read an old state, then miss what it merged.
    const updates = await this.loadUpdates(docName);
    const state = await this.loadStates(docName);
    return {
      state: state ? bytes(state.state) : null,
      version: state ? (state.version ?? 0) : null,
      updates: (updates ?? []).flatMap((u) => (u.updates ?? (u.update ? [u.update] : [])).map(bytes)),
      updateIds: (updates ?? []).map((u) => u._id),
    };
  }

  async append(records: UpdateRecord[]): Promise<unknown[]> {
    if (records.length === 0) return [];
    const at = new Date();
    const documents = records.map((r) => ({ _id: new ObjectId(), docName: r.docName, updates: r.updates.map((u) => new Binary(u)), at }));
    await insertInSlices(this.updates, documents, this.command);
    return documents.map((d) => d._id);
  }

  async compact(docName: string, state: Uint8Array, merged: StoredDoc): Promise<boolean> {
    const at = new Date();
    const first = merged.version === null ? { _id: docName, state: new Binary(state), version: 1, at } : null;
    // A state stored before versions were counted has none: it is version 0.
    const filter = { _id: docName, version: merged.version === 0 ? { $in: [0, null] } : merged.version };
    const change = { $set: { state: new Binary(state), version: (merged.version ?? 0) + 1, at } };
    const merges = merged.updateIds.length > 0 ? { _id: { $in: merged.updateIds as ObjectId[] } } : null;
    if (this.command) {
      const write = first ? { insert: STATES_COLLECTION, documents: [first] } : { update: STATES_COLLECTION, updates: [{ q: filter, u: change }] };
      return this.compactInEngine(this.command, write, merges);
    }
    if (first) {
      try {
        await this.states.insertOne(first);
      } catch (err) {
        if ((err as { code?: number }).code === DUPLICATE_KEY) return false;
        throw err;
      }
    } else if ((await this.states.updateOne(filter, change)).matchedCount === 0) {
      return false;
    }
    if (merges) await this.updates.deleteMany(merges);
    return true;
  }

  /**
   * In the engine of this process, the state's write and the deletion of the updates it merged
   * are applied one after the other and go to disk together, in one group commit, not two in
   * a row (DurableWrites: the deletion is never on disk without the state before it).
   */
  private async compactInEngine(command: InProcessCommand, write: Doc, merges: Doc | null): Promise<boolean> {
    const writes = new DurableWrites(command);
    let written: Doc;
    try {
      written = await writes.run(write, merges !== null);
    } catch (err) {
      if ((err as { code?: number }).code === DUPLICATE_KEY) return false;
      throw err;
    }
    if (Number(written.n ?? 0) === 0) return false;
    if (merges) await writes.run({ delete: UPDATES_COLLECTION, deletes: [{ q: merges, limit: 0 }] });
    await writes.durable();
    return true;
  }

  /** Every document a find matches: from the engine of this process when there is one, else through the driver. */
  private async find<T>(collection: string, query: { filter: Doc; projection?: Doc; sort?: Doc }): Promise<T[]> {
    if (!this.command) {
      const cursor = this.db.collection(collection).find(query.filter, query.projection ? { projection: query.projection } : {});
      return (await (query.sort ? cursor.sort(query.sort) : cursor).toArray()) as T[];
    }
    const found: T[] = [];
    let reply = await run(this.command, { find: collection, ...query });
    for (;;) {
      const cursor = reply.cursor as { id: unknown; firstBatch?: T[]; nextBatch?: T[] };
      found.push(...(cursor.firstBatch ?? cursor.nextBatch ?? []));
      if (String(cursor.id) === '0') return found;
      reply = await run(this.command, { getMore: cursor.id, collection });
    }
  }
}

/** In memory, for unit tests and the bench's baseline (same compare-and-swap as MongoPersistence). */
export class MemoryPersistence implements DocPersistence {
  readonly states = new Map<string, { state: Uint8Array; version: number }>();
  /** The stored records (one per document and tick). */
  readonly updates: (UpdateRecord & { id: number })[] = [];
  private nextId = 1;
  writes = 0;

  async load(docName: string): Promise<StoredDoc> {
    const state = this.states.get(docName);
    const updates = this.updates.filter((u) => u.docName === docName);
    return { state: state?.state ?? null, version: state?.version ?? null, updates: updates.flatMap((u) => u.updates), updateIds: updates.map((u) => u.id) };
  }

  async append(records: UpdateRecord[]): Promise<unknown[]> {
    this.writes++;
    const stored = records.map((r) => ({ docName: r.docName, updates: [...r.updates], id: this.nextId++ }));
    this.updates.push(...stored);
    return stored.map((r) => r.id);
  }

  async compact(docName: string, state: Uint8Array, merged: StoredDoc): Promise<boolean> {
    this.writes++;
    if ((this.states.get(docName)?.version ?? null) !== merged.version) return false;
    this.states.set(docName, { state, version: (merged.version ?? 0) + 1 });
    const ids = new Set(merged.updateIds);
    for (let i = this.updates.length - 1; i >= 0; i--) if (ids.has(this.updates[i].id)) this.updates.splice(i, 1);
    return true;
  }
}
