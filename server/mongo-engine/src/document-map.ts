// A collection's documents, kept as BSON bytes rather than as JavaScript objects.
//
// The engine runs inside the workspace server's process, and what it holds in memory is
// what the server's garbage collector must mark at every major collection, while every
// socket waits. As objects, an event of the negotiation log was some twenty-five of them;
// as one BSON buffer it is one small object whose bytes live outside the heap. Measured with
// 30,000 events (with their two indexes): 1,685 bytes of heap each before, 630 after, and a
// full collection of 80–96 ms before, 40–55 ms after (an empty engine: 20–33 ms).
//
// The price is a decode at each read, as a restart already did: a document read is always a
// fresh copy, which nobody can then change behind the engine's back.
import { BSON } from 'mongodb';
import { encode, type Doc } from './bson/codec.ts';
import { canonicalKey } from './bson/order.ts';

const DECODE = { promoteLongs: true, promoteValues: true, promoteBuffers: false, validation: { utf8: false } } as const;

/** Decodes what `encode` wrote here (trusted bytes: no UTF-8 check). */
function decodeStored(bytes: Uint8Array): Doc {
  return BSON.deserialize(bytes, DECODE) as Doc;
}

/**
 * The canonical key of an `_id`, as the collection and its indexes keep it. canonicalKey
 * builds it by concatenation (an ObjectId's hex is twelve of them), which V8 keeps as a tree
 * of a dozen string objects; kept for the document's lifetime, that tree would cost the
 * collector more than the document. Joining its two parts makes one flat string, exactly
 * (code unit by code unit).
 */
export function documentKey(id: unknown): string {
  const key = canonicalKey(id);
  return key.length < 13 ? key : [key.slice(0, 1), key.slice(1)].join('');
}

/** Map-like, by canonical _id, in insertion order; values go in and come out as documents. */
export class DocumentMap {
  private readonly stored = new Map<string, Buffer>();

  get size(): number {
    return this.stored.size;
  }

  has(id: string): boolean {
    return this.stored.has(id);
  }

  get(id: string): Doc | undefined {
    const bytes = this.stored.get(id);
    return bytes && decodeStored(bytes);
  }

  /** The document's stored bytes (never changed in place: safe to keep). */
  raw(id: string): Buffer | undefined {
    return this.stored.get(id);
  }

  /** Stores the document; `bytes`, when the caller has them, must be its encoding. */
  set(id: string, doc: Doc, bytes: Uint8Array = encode(doc)): void {
    // A copy of its own: the encoder's small buffers are slices of shared 8 KB slabs, and
    // start-up's are views on a whole file, which one kept view would keep whole.
    const own = Buffer.allocUnsafeSlow(bytes.length);
    own.set(bytes);
    this.stored.set(id, own);
  }

  delete(id: string): boolean {
    return this.stored.delete(id);
  }

  /**
   * Stores bytes read at start-up as they are, a view on the file read whole: copying each
   * document would cost start-up a tenth of its time, and the file (a journal bounded by
   * compaction, or a snapshot of live documents) stays in memory only while documents of it
   * are unchanged.
   */
  adopt(id: string, bytes: Uint8Array): void {
    this.stored.set(id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  /** Sum of the documents' BSON sizes (collStats, dbStats). */
  get bytes(): number {
    let n = 0;
    for (const b of this.stored.values()) n += b.byteLength;
    return n;
  }

  keys(): IterableIterator<string> {
    return this.stored.keys();
  }

  *values(): Generator<Doc> {
    for (const bytes of this.stored.values()) yield decodeStored(bytes);
  }

  *entries(): Generator<[string, Doc]> {
    for (const [id, bytes] of this.stored) yield [id, decodeStored(bytes)];
  }

  [Symbol.iterator](): Generator<[string, Doc]> {
    return this.entries();
  }

  /**
   * The documents as they are now, for a snapshot written while writes go on: the bytes of
   * a document are never changed in place (an update stores new ones), so this is a
   * consistent copy without decoding anything.
   */
  capture(): Buffer[] {
    return [...this.stored.values()];
  }
}
