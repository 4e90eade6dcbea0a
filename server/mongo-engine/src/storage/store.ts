// The data directory: snapshot-N.bson (the whole state when journal N began) and journal-N.log
// (every operation since). Start-up loads the newest snapshot and replays the journals from
// its generation on. Compaction starts journal N+1 and writes snapshot N+1 while writes keep
// flowing; only once that snapshot is durable are older files deleted, so a crash at any
// point leaves a loadable state.
//
// Start-up never drops data silently. A snapshot is renamed into place only once complete
// and on disk, so any damage in one is corruption. In a journal, damage is a crash's torn
// tail only when it lies in the last group commit of the last journal holding records (that
// group was never acknowledged) and no intact record follows that group; anywhere else the
// start stops with DataCorruptedError, naming the file and the offset, and the way out is
// `npm run db -- --repair` (repair.ts), which salvages what is intact into a new directory.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { finishReplay, type Catalog } from '../catalog.ts';
import { lockDir } from './dir-lock.ts';
import { Journal } from './journal.ts';
import { captureState, fileName, fsyncDir, generations, JOURNAL, loadSnapshot, SNAPSHOT, writeSnapshot } from './data-files.ts';
import { HEADER, isBatchMarker, nextRecord, scanRecords, type RecordScan } from './records.ts';

export interface StoreOptions {
  /** Compact once the journal exceeds this many bytes (and the last snapshot's size). */
  compactBytes?: number;
}

/** A damaged data directory: the engine refuses to start on it. */
export class DataCorruptedError extends Error {
  readonly file: string;
  readonly offset: number;

  constructor(dir: string, file: string, offset: number, what: string) {
    super(
      `data directory ${dir}: ${file} is damaged at byte ${offset} (${what}); the engine does not start on damaged data. ` +
        `Salvage what is intact into a new directory with \`npm run db -- --repair --dir ${dir} --to ${dir}-repaired\`, ` +
        `read its report of what was lost, then use the new directory.`,
    );
    this.file = file;
    this.offset = offset;
  }
}

/** Where the group commit that holds the damage at `scan.end` ends (its marker says how long it is). */
function groupEnd(scan: RecordScan): number {
  for (let i = scan.docs.length - 1; i >= 0; i--) {
    const doc = scan.docs[i];
    if (isBatchMarker(doc)) return Math.max(scan.end, scan.offsets[i] + HEADER + scan.payloads[i].length + (doc.b as number));
  }
  return scan.end;
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

  private constructor(dir: string, catalog: Catalog, logger: Logger, journal: Journal, gen: number, options: StoreOptions) {
    this.dir = dir;
    this.catalog = catalog;
    this.logger = logger;
    this.journal = journal;
    this.gen = gen;
    this.options = options;
  }

  static open(dir: string, catalog: Catalog, logger: Logger, options: StoreOptions = {}): Store {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
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
    const snapshots = generations(files, SNAPSHOT);
    const journals = generations(files, JOURNAL);

    let base = -1;
    let snapshotBytes = 0;
    const newest = snapshots.at(-1);
    if (newest !== undefined) {
      const name = fileName('snapshot', newest);
      const buf = fs.readFileSync(path.join(dir, name));
      const scan = scanRecords(buf);
      if (scan.end < buf.length) throw new DataCorruptedError(dir, name, scan.end, scan.damage ?? 'unreadable');
      if (scan.docs.at(-1)?.end !== true) throw new DataCorruptedError(dir, name, scan.end, 'the snapshot has no end record: it is incomplete');
      loadSnapshot(catalog, scan.docs, scan.payloads);
      base = newest;
      snapshotBytes = buf.length;
    }

    const toReplay = journals.filter((g) => g >= base);
    const sizes = toReplay.map((g) => fs.statSync(path.join(dir, fileName('journal', g))).size);
    let ops = 0;
    for (const [i, gen] of toReplay.entries()) {
      const name = fileName('journal', gen);
      const file = path.join(dir, name);
      const buf = fs.readFileSync(file);
      const scan = scanRecords(buf);
      if (scan.end < buf.length) {
        // A crash tears at most the group being written: the last one of the last journal
        // with records (a later journal gets records only once this one's are on disk).
        const last = sizes.slice(i + 1).every((size) => size === 0);
        if (!last || nextRecord(buf, groupEnd(scan)) >= 0) {
          throw new DataCorruptedError(dir, name, scan.end, `${scan.damage}, and intact records follow it`);
        }
        logger.warn({ file, offset: scan.end, damage: scan.damage }, 'journal tail torn by a crash (never acknowledged): ignored and truncated');
        fs.truncateSync(file, scan.end);
      }
      for (const [j, op] of scan.docs.entries()) {
        if (isBatchMarker(op)) continue;
        try {
          catalog.apply(op, scan.payloads[j]);
        } catch (err) {
          // One operation that no longer applies must not keep the database from opening.
          logger.error({ err, file, op: op.o }, 'journal operation skipped during replay');
        }
        ops++;
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

  /**
   * Writes a snapshot of the current state and retires the journals it covers. Abandoned
   * (nothing deleted, the journal goes on in its file) when the operations it captured do
   * not all reach the disk.
   */
  async compact(): Promise<void> {
    if (this.compacting && !this.closed) await this.compacting.catch(() => undefined);
    const next = this.gen + 1;
    const journalFile = path.join(this.dir, fileName('journal', next));
    const fd = fs.openSync(journalFile, 'a');
    fsyncDir(this.dir);
    // Capture and rotate in the same tick: the snapshot holds exactly the operations queued
    // before the rotation marker.
    const state = captureState(this.catalog);
    const rotated = this.journal.rotate(fd);
    let switched = false;
    rotated.then(
      () => {
        switched = true;
        this.gen = next;
      },
      () => undefined,
    );
    let bytes: number;
    try {
      bytes = await writeSnapshot(this.dir, next, state, () => rotated);
    } catch (err) {
      if (!switched) {
        // The journal never moved to the new file (what the snapshot captured was lost).
        await rotated.catch(() => undefined);
        if (!switched) {
          fs.closeSync(fd);
          fs.rmSync(journalFile, { force: true });
        }
      }
      throw err;
    }
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
