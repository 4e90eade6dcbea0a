// The on-disk record: [payload length u32 LE][crc32 of payload u32 LE][BSON payload].
// Length and checksum let a reader tell a complete record from the torn tail a crash leaves.
import zlib from 'node:zlib';
import { decode, encode, type Doc } from '../bson/codec.ts';

export const HEADER = 8;
/** No single record may claim more than this; a larger length is garbage, not data. */
export const MAX_RECORD = 64 * 1024 * 1024;

export function frame(payload: Buffer): Buffer {
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(zlib.crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

export function frameDoc(doc: Doc): Buffer {
  return frame(encode(doc));
}

const EMBEDDED_DOCUMENT = 0x03;
const ARRAY = 0x04;

/** A BSON document made of fields whose values are given already encoded (documents or arrays). */
function rawDocument(head: Buffer, fields: { type: number; name: string; value: Uint8Array }[]): Buffer {
  const names = fields.map((f) => Buffer.from(f.name, 'utf8'));
  const size = head.length + fields.reduce((n, f, i) => n + 2 + names[i].length + f.value.length, 0);
  const out = Buffer.allocUnsafe(size);
  let at = head.copy(out, 0, 0, head.length - 1); // without the terminating 0
  fields.forEach((f, i) => {
    out[at++] = f.type;
    at += names[i].copy(out, at);
    out[at++] = 0;
    out.set(f.value, at);
    at += f.value.length;
  });
  out[at++] = 0;
  out.writeInt32LE(at, 0);
  return out;
}

/**
 * The BSON of `doc` with one more field, `field`, whose value is an embedded document given
 * already encoded: a write's document is encoded once, for the collection and the journal.
 */
export function encodeWith(doc: Doc, field: string, embedded: Uint8Array): Buffer {
  return rawDocument(encode(doc), [{ type: EMBEDDED_DOCUMENT, name: field, value: embedded }]);
}

/**
 * The BSON of `doc` with one more field, `field`: the array of these documents, given
 * already encoded (a snapshot writes the collection's stored bytes without decoding them).
 */
export function encodeWithArray(doc: Doc, field: string, documents: Uint8Array[]): Buffer {
  const items = rawDocument(encode({}), documents.map((value, i) => ({ type: EMBEDDED_DOCUMENT, name: String(i), value })));
  return rawDocument(encode(doc), [{ type: ARRAY, name: field, value: items }]);
}

/** The record that opens each group commit: how many bytes of records follow it in the group. */
export function batchMarker(bytes: number): Buffer {
  return frameDoc({ b: bytes });
}

export function isBatchMarker(doc: Doc): boolean {
  return typeof doc.b === 'number' && doc.o === undefined;
}

export interface RecordScan {
  docs: Doc[];
  /** Each record's BSON, as in the file (views on one buffer read whole). */
  payloads: Buffer[];
  /** Where each record starts in the file. */
  offsets: number[];
  /** Bytes of intact records from the start: the file's length, or where the damage begins. */
  end: number;
  /** Why the record at `end` is not intact, when end < the file's length. */
  damage?: string;
}

/** The length (header included) of the intact record at `at`, or why there is none. */
export function recordAt(buf: Buffer, at: number): { length: number; payload: Buffer; doc: Doc } | string {
  if (at + HEADER > buf.length) return `a record header cut short (${buf.length - at} bytes)`;
  const length = buf.readUInt32LE(at);
  const crc = buf.readUInt32LE(at + 4);
  if (length < 5 || length > MAX_RECORD) return `a record header claiming ${length} bytes`;
  if (at + HEADER + length > buf.length) return `a record of ${length} bytes cut short at ${buf.length - at - HEADER}`;
  const payload = buf.subarray(at + HEADER, at + HEADER + length);
  if (payload.readInt32LE(0) !== length || payload[length - 1] !== 0) return 'a record whose BSON length does not match its header';
  if (zlib.crc32(payload) !== crc) return 'a record that fails its checksum';
  try {
    return { length: HEADER + length, payload, doc: decode(payload) };
  } catch (err) {
    return `a record whose BSON does not decode (${(err as Error).message})`;
  }
}

/** Reads the intact records of a file from `from`, stopping at the first damaged one. */
export function scanRecords(buf: Buffer, from = 0): RecordScan {
  const out: RecordScan = { docs: [], payloads: [], offsets: [], end: from };
  let offset = from;
  while (offset < buf.length) {
    const record = recordAt(buf, offset);
    if (typeof record === 'string') {
      out.damage = record;
      break;
    }
    out.docs.push(record.doc);
    out.payloads.push(record.payload);
    out.offsets.push(offset);
    offset += record.length;
  }
  out.end = offset;
  return out;
}

/** Where the next intact record starts at or after `from`, or -1: how a reader gets past damage. */
export function nextRecord(buf: Buffer, from: number): number {
  for (let at = from; at + HEADER + 5 <= buf.length; at++) {
    // Cheap tests first: almost every offset fails them without a checksum computed.
    const length = buf.readUInt32LE(at);
    if (length < 5 || length > MAX_RECORD || at + HEADER + length > buf.length) continue;
    if (buf.readInt32LE(at + HEADER) !== length || buf[at + HEADER + length - 1] !== 0) continue;
    if (typeof recordAt(buf, at) !== 'string') return at;
  }
  return -1;
}
