// Reading a field's bytes out of a BSON document without decoding it: start-up takes each
// stored document's bytes from the journal and the snapshots as they are (the collection
// keeps documents as BSON) instead of decoding them and encoding them again.

/**
 * Bytes of an element's value of BSON `type` starting at `at`, or -1 when the bytes cannot hold
 * it (a length that is negative, too small for its type, or runs past the buffer) or the type
 * is unknown. The one reader of value sizes: the raw readers below, the nesting check that
 * runs before any decoding (depth.ts) and repair's salvage of damaged records all walk
 * untrusted bytes with it.
 */
export function valueSize(bytes: Uint8Array, view: DataView, type: number, at: number): number {
  const size = fixedOrLengthPrefixed(bytes, view, type, at);
  return size < 0 || at + size > bytes.length ? -1 : size;
}

function fixedOrLengthPrefixed(bytes: Uint8Array, view: DataView, type: number, at: number): number {
  const int32 = () => (at + 4 <= bytes.length ? view.getInt32(at, true) : -1);
  switch (type) {
    case 0x01: // double
    case 0x09: // UTC datetime
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // JavaScript code
    case 0x0e: {
      // symbol: int32 length (with the terminating zero), then the bytes
      const n = int32();
      return n < 1 ? -1 : 4 + n;
    }
    case 0x03: // embedded document
    case 0x04: // array
    case 0x0f: {
      // code with scope: each starts with its own total length
      const n = int32();
      return n < 5 ? -1 : n;
    }
    case 0x05: {
      // binary: int32 length, subtype, bytes
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
      // regular expression: pattern and options, two C strings
      const first = bytes.indexOf(0, at);
      const second = first < 0 ? -1 : bytes.indexOf(0, first + 1);
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
 * Walks the top-level elements of a BSON document, in order, without decoding anything:
 * `visit` gets each one's type, where its name lies and where its value lies, and stops the
 * walk by returning true.
 */
function walk(doc: Uint8Array, visit: (type: number, nameStart: number, nameEnd: number, valueStart: number, size: number) => boolean | void): void {
  const view = new DataView(doc.buffer, doc.byteOffset, doc.byteLength);
  const end = view.getInt32(0, true) - 1;
  let at = 4;
  while (at < end) {
    const type = doc[at];
    const nameEnd = doc.indexOf(0, at + 1);
    if (nameEnd < 0) throw new Error('malformed BSON: unterminated field name');
    const size = valueSize(doc, view, type, nameEnd + 1);
    if (size < 0 || nameEnd + 1 + size > end) throw new Error(`malformed BSON: a field of type ${type}`);
    if (visit(type, at + 1, nameEnd, nameEnd + 1, size)) return;
    at = nameEnd + 1 + size;
  }
}

const isDocument = (type: number) => type === 0x03 || type === 0x04;

/** The top-level elements of a BSON document, in order: name, type and the value's bytes. */
export function elements(doc: Uint8Array): { name: string; type: number; value: Uint8Array }[] {
  const out: { name: string; type: number; value: Uint8Array }[] = [];
  walk(doc, (type, nameStart, nameEnd, valueStart, size) => {
    out.push({ name: Buffer.from(doc.buffer, doc.byteOffset + nameStart, nameEnd - nameStart).toString('utf8'), type, value: doc.subarray(valueStart, valueStart + size) });
  });
  return out;
}

/** The bytes of an embedded document (or array) field, or undefined when absent. */
export function embedded(doc: Uint8Array, field: string): Uint8Array | undefined {
  // Start-up calls this once per stored document: names are compared as bytes, not decoded.
  const name = Buffer.from(field, 'utf8');
  let found: Uint8Array | undefined;
  walk(doc, (type, nameStart, nameEnd, valueStart, size) => {
    if (!isDocument(type) || nameEnd - nameStart !== name.length || !name.equals(doc.subarray(nameStart, nameEnd))) return false;
    found = doc.subarray(valueStart, valueStart + size);
    return true;
  });
  return found;
}

/** The bytes of each document of a BSON array, in order. */
export function arrayDocuments(array: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  walk(array, (type, _nameStart, _nameEnd, valueStart, size) => {
    if (type === 0x03) out.push(array.subarray(valueStart, valueStart + size));
  });
  return out;
}
