import type { Db } from 'mongodb';
import { Binary } from 'mongodb';
import { batchLoader } from './coalesce.ts';

/** What is stored for one document: its last compacted state and the updates after it. */
export interface StoredDoc {
  state: Uint8Array | null;
  updates: Uint8Array[];
  /** The sequence number of the last stored update (or of the compaction). */
  lastSeq: number;
}

export interface UpdateRecord {
  docName: string;
  seq: number;
  update: Uint8Array;
}

/** Where Yjs documents live: append-only updates, compacted into one state now and then. */
export interface DocPersistence {
  load(docName: string): Promise<StoredDoc>;
  /** Appends the updates of one tick, for any number of documents, in one write. */
  append(records: UpdateRecord[]): Promise<void>;
  /** Replaces every update up to `upToSeq` with `state` (which contains them all). */
  compact(docName: string, state: Uint8Array, upToSeq: number): Promise<void>;
}

interface UpdateDoc {
  docName: string;
  seq: number;
  update: Binary;
  at: Date;
}

interface StateDoc {
  _id: string;
  state: Binary;
  upToSeq: number;
  at: Date;
}

export const UPDATES_COLLECTION = 'yjs_updates';
const APPEND_SLICE = 20;
export const STATES_COLLECTION = 'yjs_states';

const bytes = (b: Binary): Uint8Array => new Uint8Array(b.buffer.buffer, b.buffer.byteOffset, b.buffer.byteLength);

/**
 * MongoDB persistence on the raw driver: documents are binary and hot, so mongoose's
 * casting brings nothing. The state is written before the updates it replaces are deleted:
 * a crash in between leaves both, and applying an update twice is a no-op in Yjs.
 */
export class MongoPersistence implements DocPersistence {
  // Documents opened together (a whole agreement) are read with two queries, not two each.
  private readonly loadStates = batchLoader<string, StateDoc>(async (names) => {
    const found = await this.states.find({ _id: { $in: names } }).toArray();
    return new Map(found.map((s) => [s._id, s]));
  });
  private readonly loadUpdates = batchLoader<string, UpdateDoc[]>(async (names) => {
    const found = await this.updates
      .find({ docName: { $in: names } })
      .sort({ docName: 1, seq: 1 })
      .toArray();
    const byDoc = new Map<string, UpdateDoc[]>();
    for (const u of found) {
      const list = byDoc.get(u.docName);
      if (list) list.push(u);
      else byDoc.set(u.docName, [u]);
    }
    return byDoc;
  });

  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  private get updates() {
    return this.db.collection<UpdateDoc>(UPDATES_COLLECTION);
  }

  private get states() {
    return this.db.collection<StateDoc>(STATES_COLLECTION);
  }

  async init(): Promise<void> {
    // Not unique: one process writes a document's updates, and a unique index costs the
    // embedded engine several times the insert itself.
    await this.updates.createIndex({ docName: 1, seq: 1 }).catch(() => undefined);
  }

  async load(docName: string): Promise<StoredDoc> {
    const [state, all] = await Promise.all([this.loadStates(docName), this.loadUpdates(docName)]);
    const upTo = state?.upToSeq ?? 0;
    // Updates at or below the compaction mark are in the state already (a crash between
    // writing the state and deleting them leaves them behind).
    const updates = (all ?? []).filter((u) => u.seq > upTo).sort((a, b) => a.seq - b.seq);
    return {
      state: state ? bytes(state.state) : null,
      updates: updates.map((u) => bytes(u.update)),
      lastSeq: updates.length > 0 ? updates[updates.length - 1].seq : upTo,
    };
  }

  async append(records: UpdateRecord[]): Promise<void> {
    if (records.length === 0) return;
    const at = new Date();
    // In slices, so that a database sharing this process (the embedded engine) never holds
    // the event loop, and with it the relaying of edits, for long.
    for (let i = 0; i < records.length; i += APPEND_SLICE) {
      await this.updates.insertMany(
        records.slice(i, i + APPEND_SLICE).map((r) => ({ docName: r.docName, seq: r.seq, update: new Binary(r.update), at })),
        { ordered: false },
      );
    }
  }

  async compact(docName: string, state: Uint8Array, upToSeq: number): Promise<void> {
    await this.states.updateOne(
      { _id: docName },
      { $set: { state: new Binary(state), upToSeq, at: new Date() } },
      { upsert: true },
    );
    await this.updates.deleteMany({ docName, seq: { $lte: upToSeq } });
  }
}

/** In memory, for unit tests and the bench's baseline. */
export class MemoryPersistence implements DocPersistence {
  readonly states = new Map<string, { state: Uint8Array; upToSeq: number }>();
  readonly updates: UpdateRecord[] = [];
  writes = 0;

  async load(docName: string): Promise<StoredDoc> {
    const state = this.states.get(docName);
    const upTo = state?.upToSeq ?? 0;
    const updates = this.updates.filter((u) => u.docName === docName && u.seq > upTo).sort((a, b) => a.seq - b.seq);
    return { state: state?.state ?? null, updates: updates.map((u) => u.update), lastSeq: updates.at(-1)?.seq ?? upTo };
  }

  async append(records: UpdateRecord[]): Promise<void> {
    this.writes++;
    this.updates.push(...records);
  }

  async compact(docName: string, state: Uint8Array, upToSeq: number): Promise<void> {
    this.writes++;
    this.states.set(docName, { state, upToSeq });
    for (let i = this.updates.length - 1; i >= 0; i--) {
      if (this.updates[i].docName === docName && this.updates[i].seq <= upToSeq) this.updates.splice(i, 1);
    }
  }
}
