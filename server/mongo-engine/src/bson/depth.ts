// How deeply BSON nests, read from the bytes before anything decodes them: the decoder
// recurses once per level, so a hostile message nested a million levels must be refused
// from its bytes (a loop, no recursion, stopping as soon as it passes the limit).
// mongod's limits: 200 levels for a whole message (maxBSONDepth), 100 for a stored document.
import { valueSize } from './raw.ts';

/** Levels a message's document may nest (mongod's maxBSONDepth). */
export const MAX_MESSAGE_DEPTH = 200;
/** Levels a stored document may nest (MongoDB's documented limit). */
export const MAX_DOCUMENT_DEPTH = 100;

const DOCUMENT = 0x03;
const ARRAY = 0x04;
const CODE_WITH_SCOPE = 0x0f;

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
