// The on-disk record: [payload length u32 LE][crc32 of payload u32 LE][BSON payload].
// Length and checksum let a reader tell a complete record from the torn tail a crash leaves.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { decode, encode, type Doc } from '../bson.ts';

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

export interface ReadResult {
  docs: Doc[];
  /** Bytes of intact records; anything after is a torn or corrupt tail. */
  validLength: number;
  torn: boolean;
}

/** Reads every intact record of a file, stopping at the first incomplete or corrupt one. */
export function readRecords(file: string): ReadResult {
  const buf = fs.readFileSync(file);
  const docs: Doc[] = [];
  let offset = 0;
  while (offset + HEADER <= buf.length) {
    const length = buf.readUInt32LE(offset);
    const crc = buf.readUInt32LE(offset + 4);
    if (length < 5 || length > MAX_RECORD || offset + HEADER + length > buf.length) break;
    const payload = buf.subarray(offset + HEADER, offset + HEADER + length);
    if (zlib.crc32(payload) !== crc) break;
    try {
      docs.push(decode(payload));
    } catch {
      break;
    }
    offset += HEADER + length;
  }
  return { docs, validLength: offset, torn: offset !== buf.length };
}
