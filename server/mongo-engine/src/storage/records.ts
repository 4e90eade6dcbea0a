// The on-disk record: [payload length u32 LE][crc32 of payload u32 LE][BSON payload].
// Length and checksum let a reader tell a complete record from the torn tail a crash leaves.
import fs from 'node:fs';
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

export interface ReadResult {
  docs: Doc[];
  /** Each record's BSON, as in the file (views on one buffer read whole). */
  payloads: Buffer[];
  /** Bytes of intact records; anything after is a torn or corrupt tail. */
  validLength: number;
  torn: boolean;
}

/** Reads every intact record of a file, stopping at the first incomplete or corrupt one. */
export function readRecords(file: string): ReadResult {
  const buf = fs.readFileSync(file);
  const docs: Doc[] = [];
  const payloads: Buffer[] = [];
  let offset = 0;
  while (offset + HEADER <= buf.length) {
    const length = buf.readUInt32LE(offset);
    const crc = buf.readUInt32LE(offset + 4);
    if (length < 5 || length > MAX_RECORD || offset + HEADER + length > buf.length) break;
    const payload = buf.subarray(offset + HEADER, offset + HEADER + length);
    if (zlib.crc32(payload) !== crc) break;
    try {
      docs.push(decode(payload));
      payloads.push(payload);
    } catch {
      break;
    }
    offset += HEADER + length;
  }
  return { docs, payloads, validLength: offset, torn: offset !== buf.length };
}
