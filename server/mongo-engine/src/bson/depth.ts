// How deeply BSON nests, read from the bytes before anything decodes them: the decoder
// recurses once per level, so a hostile message nested a million levels must be refused
// from its bytes (a loop, no recursion, stopping as soon as it passes the limit).
// mongod's limits: 200 levels for a whole message (maxBSONDepth), 100 for a stored document.

/** Levels a message's document may nest (mongod's maxBSONDepth). */
export const MAX_MESSAGE_DEPTH = 200;
/** Levels a stored document may nest (MongoDB's documented limit). */
export const MAX_DOCUMENT_DEPTH = 100;

const DOCUMENT = 0x03;
const ARRAY = 0x04;
const CODE_WITH_SCOPE = 0x0f;

/** Bytes of an element's value of `type` starting at `at`, -1 when malformed or unknown. */
export function valueSize(doc: Uint8Array, view: DataView, type: number, at: number): number {
  const int32 = () => (at + 4 <= doc.length ? view.getInt32(at, true) : -1);
  switch (type) {
    case 0x01: // double
    case 0x09: // date
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // JavaScript code
    case 0x0e: {
      // symbol
      const n = int32();
      return n < 1 ? -1 : 4 + n;
    }
    case 0x05: {
      // binary
      const n = int32();
      return n < 0 ? -1 : 5 + n;
    }
    case 0x06: // undefined
    case 0x0a: // null
    case 0x7f: // max key
    case 0xff: // min key
      return 0;
    case 0x07: // ObjectId
      return 12;
    case 0x08: // boolean
      return 1;
    case 0x0b: {
      // regex: two cstrings
      const first = doc.indexOf(0, at);
      const second = first < 0 ? -1 : doc.indexOf(0, first + 1);
      return second < 0 ? -1 : second + 1 - at;
    }
    case 0x0c: {
      // DBPointer: string and ObjectId
      const n = int32();
      return n < 1 ? -1 : 4 + n + 12;
    }
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
    default:
      return -1;
  }
}

/**
 * How deeply the BSON document in `doc` nests documents and arrays (a flat document: 1),
 * counted without decoding, stopping as soon as it passes `limit` (then `limit + 1`).
 * Malformed bytes count as too deep only when they cannot be walked; the decoder then
 * says what is wrong.
 */
export function nestingDepth(doc: Uint8Array, limit: number): number {
  if (doc.length < 5) return 1;
  const view = new DataView(doc.buffer, doc.byteOffset, doc.byteLength);
  // The offsets of the terminating zero of each open document, outermost first.
  const ends = [Math.min(view.getInt32(0, true), doc.length) - 1];
  let deepest = 1;
  let at = 4;
  while (ends.length > 0) {
    if (at >= ends[ends.length - 1]) {
      at = ends.pop()! + 1;
      continue;
    }
    const type = doc[at];
    const nameEnd = doc.indexOf(0, at + 1);
    if (nameEnd < 0) return deepest;
    const valueStart = nameEnd + 1;
    let inner = -1;
    if (type === DOCUMENT || type === ARRAY) inner = valueStart;
    else if (type === CODE_WITH_SCOPE && valueStart + 8 <= doc.length) {
      // int32 total, string (int32 length, bytes), then the scope document, which ends the value.
      const codeLength = view.getInt32(valueStart + 4, true);
      inner = codeLength < 1 ? -1 : valueStart + 8 + codeLength;
    }
    if (inner >= 0) {
      if (inner + 5 > doc.length) return deepest;
      const size = view.getInt32(inner, true);
      if (size < 5 || inner + size > doc.length) return deepest;
      ends.push(inner + size - 1);
      if (ends.length > deepest && (deepest = ends.length) > limit) return limit + 1;
      at = inner + 4;
      continue;
    }
    const size = valueSize(doc, view, type, valueStart);
    if (size < 0) return deepest;
    at = valueStart + size;
  }
  return deepest;
}
