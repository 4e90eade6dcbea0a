// Open cursors: the rest of a result set waiting for getMore. Results are materialised when
// the cursor opens (the engine is in-memory), so a cursor is a position in an array.
import type { Doc } from './bson/codec.ts';
import { Long, sizeOf } from './bson/codec.ts';

/** mongod caps a batch at 16 MiB of documents whatever batchSize says. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const IDLE_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  position: number;
  lastUsed: number;
}

export class Cursors {
  private readonly open = new Map<string, OpenCursor>();
  private nextId = BigInt(Math.floor(Math.random() * 2 ** 40)) + 1n;

  /** Takes up to `batchSize` documents (Infinity = no count limit) from position, within the byte cap. */
  private static take(c: OpenCursor, batchSize: number): Doc[] {
    const out: Doc[] = [];
    let bytes = 0;
    while (c.position < c.docs.length && out.length < batchSize) {
      const doc = c.docs[c.position];
      bytes += sizeOf(doc);
      if (out.length > 0 && bytes > MAX_BATCH_BYTES) break;
      out.push(doc);
      c.position++;
    }
    return out;
  }

  /** The first batch (batchSize 0: empty, the cursor only opens) and the cursor id (0 when everything fit). */
  openCursor(ns: string, docs: Doc[], batchSize: number, singleBatch = false): { firstBatch: Doc[]; id: InstanceType<typeof Long> } {
    const c: OpenCursor = { ns, docs, position: 0, lastUsed: Date.now() };
    const firstBatch = Cursors.take(c, batchSize);
    if (singleBatch || c.position >= docs.length) return { firstBatch, id: Long.ZERO };
    const id = this.nextId++;
    this.open.set(id.toString(), c);
    return { firstBatch, id: Long.fromBigInt(id) };
  }

  get(id: unknown): OpenCursor | undefined {
    return this.open.get(String(id));
  }

  next(id: unknown, batchSize: number): { nextBatch: Doc[]; id: InstanceType<typeof Long>; ns: string } | undefined {
    const key = String(id);
    const c = this.open.get(key);
    if (!c) return undefined;
    c.lastUsed = Date.now();
    const nextBatch = Cursors.take(c, batchSize);
    if (c.position >= c.docs.length) {
      this.open.delete(key);
      return { nextBatch, id: Long.ZERO, ns: c.ns };
    }
    return { nextBatch, id: Long.fromString(key), ns: c.ns };
  }

  kill(id: unknown): boolean {
    return this.open.delete(String(id));
  }

  /** Drops cursors idle for ten minutes, as mongod's cursor timeout does. */
  sweep(now = Date.now()): void {
    for (const [id, c] of this.open) if (now - c.lastUsed > IDLE_MS) this.open.delete(id);
  }

  get size(): number {
    return this.open.size;
  }
}
