// The files of a data directory and what start-up, compaction and repair share about them:
// names, snapshot writing (temporary file, fsync, rename, directory fsync) and loading.
import fs from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog.ts';
import { Collection } from '../collection.ts';
import type { Doc } from '../bson/codec.ts';
import { CollectionIndex, type IndexSpec } from '../indexes/collection-index.ts';
import { arrayDocuments, embedded } from '../bson/raw.ts';
import { encodeWithArray, frame, frameDoc } from './records.ts';

export const SNAPSHOT = /^snapshot-(\d+)\.bson$/;
export const JOURNAL = /^journal-(\d+)\.log$/;
const CHUNK_BYTES = 4 * 1024 * 1024;

export const fileName = (kind: 'snapshot' | 'journal', gen: number) =>
  kind === 'snapshot' ? `snapshot-${String(gen).padStart(8, '0')}.bson` : `journal-${String(gen).padStart(8, '0')}.log`;

/** Generations present in the directory, ascending. */
export function generations(files: string[], re: RegExp): number[] {
  return files
    .map((f) => re.exec(f))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** A collection as a snapshot holds it. */
export interface CapturedCollection {
  db: string;
  name: string;
  options: Doc;
  uuid: unknown;
  indexes: IndexSpec[];
  /** The documents' BSON bytes (see DocumentMap.capture). */
  docs: Buffer[];
}

/** The catalog as it is now: stored documents are never changed in place, so references are a consistent copy. */
export function captureState(catalog: Catalog): CapturedCollection[] {
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

/**
 * Writes snapshot `gen` of `state`: to a temporary file, fsynced, renamed, the directory
 * fsynced. `beforeRename` runs between the fsync and the rename (compaction waits there for
 * the journal rotation). A failure removes the temporary file. Resolves with the size.
 */
export async function writeSnapshot(dir: string, gen: number, state: CapturedCollection[], beforeRename?: () => Promise<void>): Promise<number> {
  const tmp = path.join(dir, fileName('snapshot', gen) + '.tmp');
  const handle = await fs.promises.open(tmp, 'w');
  let bytes = 0;
  try {
    try {
      const writeRecord = async (buf: Buffer) => {
        bytes += buf.length;
        await handle.write(buf);
      };
      const write = (doc: Doc) => writeRecord(frameDoc(doc));
      // The stored documents go out as the collection holds them, without decoding them.
      const writeDocs = (coll: CapturedCollection, docs: Buffer[]) => writeRecord(frame(encodeWithArray({ db: coll.db, c: coll.name }, 'docs', docs)));
      await write({ snapshot: gen, createdAt: new Date() });
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
    await beforeRename?.();
    fs.renameSync(tmp, path.join(dir, fileName('snapshot', gen)));
    fsyncDir(dir);
    return bytes;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Loads a snapshot's records (intact ones: the caller checked them) into the catalog. */
export function loadSnapshot(catalog: Catalog, records: Doc[], payloads: Buffer[]): void {
  for (const [i, record] of records.entries()) {
    if (record.coll) {
      addCollection(catalog, record.coll as SnapshotCollection);
    } else if (record.docs) {
      // Each document's bytes as the snapshot holds them: stored without encoding them again.
      const raw = embedded(payloads[i], 'docs');
      catalog.get(record.db as string, record.c as string)?.loadDocs(record.docs as Doc[], raw && arrayDocuments(raw));
    }
  }
}

export interface SnapshotCollection {
  db: string;
  c: string;
  opts: Doc;
  uuid: ConstructorParameters<typeof Collection>[3];
  indexes: IndexSpec[];
}

export function addCollection(catalog: Catalog, c: SnapshotCollection): Collection {
  const coll = new Collection(c.db, c.c, c.opts, c.uuid);
  for (const spec of c.indexes) if (spec.name !== '_id_') coll.indexes.set(spec.name, new CollectionIndex(spec));
  let collections = catalog.dbs.get(c.db);
  if (!collections) catalog.dbs.set(c.db, (collections = new Map()));
  collections.set(c.c, coll);
  return coll;
}
