// `npm run db -- --repair --dir D --to NEW`: salvages what is intact in a damaged data
// directory into a new one, and says exactly what could not be: the original stays as it
// was. Intact records (their checksum holds) are kept; past a damaged part, reading resumes
// at the next intact record. In a damaged snapshot chunk, the documents that still decode are
// kept and listed as unverified (no checksum vouches for them one by one); what does not
// decode is reported lost, with what could be read of it (the operation, the collection, the _id).
import fs from 'node:fs';
import path from 'node:path';
import { BSON } from 'mongodb';
import { EJSON, decode, type Doc } from '../bson/codec.ts';
import { Catalog, finishReplay } from '../catalog.ts';
import type { Collection } from '../collection.ts';
import { lockDir } from './dir-lock.ts';
import { addCollection, captureState, fileName, fsyncDir, generations, JOURNAL, SNAPSHOT, writeSnapshot, type SnapshotCollection } from './data-files.ts';
import { valueSize } from '../bson/raw.ts';
import { HEADER, isBatchMarker, nextRecord, recordAt } from './records.ts';

export interface RepairReport {
  /** One line per finding, then the totals. */
  lines: string[];
  /** Damaged parts found (0: the directory was intact). */
  damaged: number;
  /** Documents in the new directory. */
  documents: number;
}

const describeId = (id: unknown) => EJSON.stringify(id as never, { relaxed: true });

/**
 * The leading elements of a BSON document that still decode, one by one, stopping at the
 * first that does not: a damaged record still says what it was when its damage lies after
 * the fields that name it.
 */
function leadingFields(doc: Buffer): Doc {
  const out: Doc = {};
  const view = new DataView(doc.buffer, doc.byteOffset, doc.byteLength);
  let at = 4;
  while (at < doc.length - 1) {
    const type = doc[at];
    const nameEnd = doc.indexOf(0, at + 1);
    if (nameEnd < 0) break;
    const valueStart = nameEnd + 1;
    const size = valueSize(doc, view, type, valueStart);
    if (size < 0) break;
    const element = doc.subarray(at, valueStart + size);
    const single = Buffer.alloc(element.length + 5);
    single.writeInt32LE(single.length, 0);
    element.copy(single, 4);
    try {
      Object.assign(out, BSON.deserialize(single, { validation: { utf8: false } }));
    } catch {
      // An embedded document damaged further in: what leads it may still name it (its _id).
      if (type !== 0x03) break;
      const name = doc.toString('latin1', at + 1, nameEnd);
      out[name] = leadingFields(doc.subarray(valueStart, valueStart + size));
      break;
    }
    at = valueStart + size;
  }
  return out;
}

/** What a damaged record looked like, read without trusting it. */
function describeRecord(buf: Buffer, at: number): string | undefined {
  if (at + HEADER + 5 > buf.length) return undefined;
  const length = buf.readUInt32LE(at);
  if (length < 5 || at + HEADER + length > buf.length) return undefined;
  const bytes = buf.subarray(at + HEADER, at + HEADER + length);
  let op: Doc;
  try {
    // Damaged bytes may break a string's UTF-8: read it anyway, only to describe it.
    op = BSON.deserialize(bytes, { validation: { utf8: false } }) as Doc;
  } catch {
    op = leadingFields(bytes);
  }
  const ns = `${String(op.db)}.${String(op.c)}`;
  const id = (value: unknown) => (value === undefined ? 'unreadable' : describeId(value));
  switch (op.o) {
    case 'i':
      return `an insert into ${ns} (_id ${id((op.d as Doc | undefined)?._id)})`;
    case 'u':
      return `an update of ${ns} (_id ${id((op.d as Doc | undefined)?._id)})`;
    case 'r':
      return `a delete from ${ns} (_id ${id(op.id)})`;
    default:
      return op.o ? `an operation '${String(op.o)}' on ${ns}` : op.db ? `documents of ${ns}` : undefined;
  }
}

/** Documents that still decode inside damaged bytes: each array element `\x03<index>\x00<document>`. */
function salvageDocuments(region: Buffer): Doc[] {
  const out: Doc[] = [];
  let at = 0;
  while (at < region.length) {
    const nameEnd = region[at] === 0x03 ? region.indexOf(0, at + 1) : -1;
    if (nameEnd > at + 1 && nameEnd - at <= 11 && /^\d+$/.test(region.toString('latin1', at + 1, nameEnd)) && nameEnd + 5 <= region.length) {
      const size = region.readInt32LE(nameEnd + 1);
      const end = nameEnd + 1 + size;
      if (size >= 5 && end <= region.length && region[end - 1] === 0) {
        try {
          const doc = decode(region.subarray(nameEnd + 1, end));
          if (doc._id !== undefined) {
            out.push(doc);
            at = end;
            continue;
          }
        } catch {
          // not a document after all
        }
      }
    }
    at++;
  }
  return out;
}

export async function repairDataDirectory(from: string, to: string): Promise<RepairReport> {
  const source = path.resolve(from);
  const target = path.resolve(to);
  if (!fs.existsSync(source)) throw new Error(`no data directory at ${source}`);
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) throw new Error(`${target} is not empty: repair writes into a new directory`);
  const unlock = lockDir(source);
  const lines: string[] = [];
  let damaged = 0;
  const catalog = new Catalog();
  try {
    const files = fs.readdirSync(source);
    const newest = generations(files, SNAPSHOT).at(-1);
    let base = -1;
    if (newest !== undefined) {
      base = newest;
      const name = fileName('snapshot', newest);
      const buf = fs.readFileSync(path.join(source, name));
      let current: Collection | undefined;
      let complete = false;
      for (let at = 0; at < buf.length; ) {
        const record = recordAt(buf, at);
        if (typeof record !== 'string') {
          const doc = record.doc;
          if (doc.coll) current = addCollection(catalog, doc.coll as SnapshotCollection);
          else if (doc.docs) catalog.get(doc.db as string, doc.c as string, false)?.loadDocs(doc.docs as Doc[]);
          else if (doc.end === true) complete = true;
          at += record.length;
          continue;
        }
        damaged++;
        const next = nextRecord(buf, at + 1);
        const end = next < 0 ? buf.length : next;
        const found = salvageDocuments(buf.subarray(at, end));
        const where = current ? `collection ${current.ns}` : 'before any collection';
        if (current && found.length > 0) current.loadDocs(found);
        lines.push(
          `${name}, bytes ${at}–${end} (${record}): ${where}: ` +
            (found.length > 0
              ? `${found.length} document(s) read back from the damaged part and restored UNVERIFIED (no checksum vouches for them): _id ${found.map((d) => describeId(d._id)).join(', ')}; `
              : '') +
            `anything else in these ${end - at} bytes is lost`,
        );
        at = end;
      }
      if (!complete) {
        damaged++;
        lines.push(`${name}: no end record: the collections written after its last intact record are lost`);
      }
    }

    const journals = generations(files, JOURNAL).filter((g) => g >= base);
    for (const [i, gen] of journals.entries()) {
      const name = fileName('journal', gen);
      const buf = fs.readFileSync(path.join(source, name));
      for (let at = 0; at < buf.length; ) {
        const record = recordAt(buf, at);
        if (typeof record !== 'string') {
          if (!isBatchMarker(record.doc)) catalog.apply(record.doc, record.payload);
          at += record.length;
          continue;
        }
        const next = nextRecord(buf, at + 1);
        const end = next < 0 ? buf.length : next;
        if (next < 0 && i === journals.length - 1) {
          lines.push(`${name}, bytes ${at}–${end}: the torn tail of a crash (${record}); never acknowledged, dropped`);
        } else {
          damaged++;
          const what = describeRecord(buf, at);
          lines.push(`${name}, bytes ${at}–${end} (${record}): lost${what ? `: ${what}` : ''}${next < 0 ? '' : '; later records replayed'}`);
        }
        at = end;
      }
    }
    finishReplay(catalog);
  } finally {
    unlock();
  }

  fs.mkdirSync(target, { recursive: true, mode: 0o700 });
  await writeSnapshot(target, 1, captureState(catalog));
  fs.closeSync(fs.openSync(path.join(target, fileName('journal', 1)), 'a'));
  fsyncDir(target);
  let documents = 0;
  for (const collections of catalog.dbs.values()) {
    for (const coll of collections.values()) {
      documents += coll.docs.size;
      lines.push(`kept: ${coll.ns}, ${coll.docs.size} document(s)`);
    }
  }
  lines.push(damaged === 0 ? `nothing was damaged; ${documents} document(s) copied to ${target}` : `${damaged} damaged part(s); ${documents} document(s) kept in ${target}`);
  fs.writeFileSync(path.join(target, 'REPAIR-REPORT.txt'), lines.join('\n') + '\n');
  return { lines, damaged, documents };
}
