// The data directory: snapshot-N.bson (the whole state when journal N began) and journal-N.log
// (every operation since). Start-up loads the newest complete snapshot and replays the journals
// from its generation on. Compaction starts journal N+1 and writes snapshot N+1 while writes
// keep flowing; only once that snapshot is durable are older files deleted, so a crash at any
// point leaves a loadable state.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { finishReplay, type Catalog } from '../catalog.ts';
import { Collection } from '../collection.ts';
import type { Doc } from '../bson/codec.ts';
import { CollectionIndex, type IndexSpec } from '../indexes/collection-index.ts';
import { lockDir } from './dir-lock.ts';
import { Journal } from './journal.ts';
import { encodeWithArray, frame, frameDoc, readRecords } from './records.ts';
import { arrayDocuments, embedded } from '../bson/raw.ts';

const SNAPSHOT = /^snapshot-(\d+)\.bson$/;
const JOURNAL = /^journal-(\d+)\.log$/;
const CHUNK_BYTES = 4 * 1024 * 1024;

export interface StoreOptions {
  /** Compact once the journal exceeds this many bytes (and the last snapshot's size). */
  compactBytes?: number;
}

const fileName = (kind: 'snapshot' | 'journal', gen: number) =>
  kind === 'snapshot' ? `snapshot-${String(gen).padStart(8, '0')}.bson` : `journal-${String(gen).padStart(8, '0')}.log`;

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class Store {
  private compacting?: Promise<void>;
  private snapshotBytes = 0;
  private closed = false;

  private readonly dir: string;
  private readonly catalog: Catalog;
  private readonly logger: Logger;
  readonly journal: Journal;
  private gen: number;
  private readonly options: StoreOptions;

  private constructor(
    dir: string,
    catalog: Catalog,
    logger: Logger,
    journal: Journal,
    gen: number,
    options: StoreOptions,
  ) {
    this.dir = dir;
    this.catalog = catalog;
    this.logger = logger;
    this.journal = journal;
    this.gen = gen;
    this.options = options;
  }

  static open(dir: string, catalog: Catalog, logger: Logger, options: StoreOptions = {}): Store {
    fs.mkdirSync(dir, { recursive: true });
    const unlock = lockDir(dir);
    try {
      const store = Store.load(dir, catalog, logger, options);
      store.unlock = unlock;
      return store;
    } catch (err) {
      unlock();
      throw err;
    }
  }

  private unlock: () => void = () => undefined;

  private static load(dir: string, catalog: Catalog, logger: Logger, options: StoreOptions): Store {
    const files = fs.readdirSync(dir);
    for (const f of files) if (f.endsWith('.tmp')) fs.rmSync(path.join(dir, f), { force: true });
    const gens = (re: RegExp) =>
      files
        .map((f) => re.exec(f))
        .filter((m): m is RegExpExecArray => !!m)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b);
    const snapshots = gens(SNAPSHOT);
    const journals = gens(JOURNAL);

    let base = -1;
    let snapshotBytes = 0;
    for (const gen of [...snapshots].reverse()) {
      const file = path.join(dir, fileName('snapshot', gen));
      const { docs, payloads } = readRecords(file);
      if (docs.length === 0 || !docs[docs.length - 1].end) {
        logger.warn({ file }, 'incomplete snapshot ignored');
        continue;
      }
      loadSnapshot(catalog, docs, payloads);
      base = gen;
      snapshotBytes = fs.statSync(file).size;
      break;
    }

    const toReplay = journals.filter((g) => g >= base);
    let ops = 0;
    for (const gen of toReplay) {
      const file = path.join(dir, fileName('journal', gen));
      const { docs, payloads, validLength, torn } = readRecords(file);
      for (const [i, op] of docs.entries()) {
        try {
          catalog.apply(op, payloads[i]);
        } catch (err) {
          // One operation that no longer applies must not keep the database from opening.
          logger.error({ err, file, op: op.o }, 'journal operation skipped during replay');
        }
      }
      ops += docs.length;
      if (torn) {
        // The tail of a record a crash interrupted: it was never acknowledged. Cut it so that
        // new records follow the last intact one.
        logger.warn({ file, validLength }, 'journal tail torn by a crash: ignored and truncated');
        fs.truncateSync(file, validLength);
      }
    }

    finishReplay(catalog);
    const gen = toReplay.length > 0 ? toReplay[toReplay.length - 1] : Math.max(base, 0);
    const journalFile = path.join(dir, fileName('journal', gen));
    const fd = fs.openSync(journalFile, 'a');
    fsyncDir(dir);
    const journal = new Journal(fd, fs.fstatSync(fd).size);
    const store = new Store(dir, catalog, logger, journal, gen, options);
    store.snapshotBytes = snapshotBytes;
    logger.debug({ dir, snapshot: base, journals: toReplay.length, ops }, 'data directory loaded');
    return store;
  }

  /** Starts a compaction in the background when the journal outgrew the data. */
  maybeCompact(): void {
    if (this.compacting || this.closed) return;
    const threshold = Math.max(this.options.compactBytes ?? 32 * 1024 * 1024, this.snapshotBytes);
    if (this.journal.bytes < threshold) return;
    this.compacting = this.compact()
      .catch((err: unknown) => this.logger.error({ err }, 'compaction failed; the journal keeps growing'))
      .finally(() => {
        this.compacting = undefined;
      });
  }

  /** Writes a snapshot of the current state and retires the journals it covers. */
  async compact(): Promise<void> {
    if (this.compacting && !this.closed) await this.compacting.catch(() => undefined);
    const next = this.gen + 1;
    const journalFile = path.join(this.dir, fileName('journal', next));
    const fd = fs.openSync(journalFile, 'a');
    fsyncDir(this.dir);
    // Capture and rotate in the same tick: the snapshot holds exactly the operations queued
    // before the rotation marker. Stored documents are never mutated in place, so holding
    // references is a consistent copy.
    const state = captureState(this.catalog);
    const rotated = this.journal.rotate(fd);
    this.gen = next;

    const tmp = path.join(this.dir, fileName('snapshot', next) + '.tmp');
    const handle = await fs.promises.open(tmp, 'w');
    let bytes = 0;
    try {
      const writeRecord = async (buf: Buffer) => {
        bytes += buf.length;
        await handle.write(buf);
      };
      const write = (doc: Doc) => writeRecord(frameDoc(doc));
      // The stored documents go out as the collection holds them, without decoding them.
      const writeDocs = (coll: CapturedCollection, docs: Buffer[]) => writeRecord(frame(encodeWithArray({ db: coll.db, c: coll.name }, 'docs', docs)));
      await write({ snapshot: next, createdAt: new Date() });
      for (const coll of state) {
        await write({ coll: { db: coll.db, c: coll.name, opts: coll.options, uuid: coll.uuid, indexes: coll.indexes } });
        let chunk: Buffer[] = [];
        let size = 0;
        for (const doc of coll.docs) {
          if (chunk.length > 0 && size + doc.byteLength > CHUNK_BYTES) {
            await writeDocs(coll, chunk);
            chunk = [];
            size = 0;
          }
          chunk.push(doc);
          size += doc.byteLength;
        }
        if (chunk.length > 0) await writeDocs(coll, chunk);
      }
      await write({ end: true });
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rotated;
    fs.renameSync(tmp, path.join(this.dir, fileName('snapshot', next)));
    fsyncDir(this.dir);
    this.snapshotBytes = bytes;
    for (const f of fs.readdirSync(this.dir)) {
      const m = SNAPSHOT.exec(f) ?? JOURNAL.exec(f);
      if (m && Number(m[1]) < next) fs.rmSync(path.join(this.dir, f), { force: true });
    }
    this.logger.debug({ gen: next, bytes }, 'journal compacted into a snapshot');
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.compacting) await this.compacting;
    await this.journal.close();
    this.unlock();
  }
}

interface CapturedCollection {
  db: string;
  name: string;
  options: Doc;
  uuid: unknown;
  indexes: IndexSpec[];
  /** The documents' BSON bytes (see DocumentMap.capture). */
  docs: Buffer[];
}

function captureState(catalog: Catalog): CapturedCollection[] {
  const out: CapturedCollection[] = [];
  for (const collections of catalog.dbs.values()) {
    for (const coll of collections.values()) {
      out.push({
        db: coll.db,
        name: coll.name,
        options: coll.options,
        uuid: coll.uuid,
        indexes: [...coll.indexes.values()].map((i) => i.spec),
        docs: coll.docs.capture(),
      });
    }
  }
  return out;
}

function loadSnapshot(catalog: Catalog, records: Doc[], payloads: Buffer[]): void {
  for (const [i, record] of records.entries()) {
    if (record.coll) {
      const c = record.coll as { db: string; c: string; opts: Doc; uuid: ConstructorParameters<typeof Collection>[3]; indexes: IndexSpec[] };
      const coll = new Collection(c.db, c.c, c.opts, c.uuid);
      for (const spec of c.indexes) if (spec.name !== '_id_') coll.indexes.set(spec.name, new CollectionIndex(spec));
      let collections = catalog.dbs.get(c.db);
      if (!collections) catalog.dbs.set(c.db, (collections = new Map()));
      collections.set(c.c, coll);
    } else if (record.docs) {
      // Each document's bytes as the snapshot holds them: stored without encoding them again.
      const raw = embedded(payloads[i], 'docs');
      catalog.get(record.db as string, record.c as string)?.loadDocs(record.docs as Doc[], raw && arrayDocuments(raw));
    }
  }
}
