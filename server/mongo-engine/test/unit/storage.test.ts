// The engine's in-memory structures: the ordered index list, the documents kept as BSON, the
// journal record that embeds a document already encoded, and reading such bytes back raw.
import { describe, expect, it } from 'vitest';
import { Binary, BSONRegExp, Decimal128, decode, encode, Long, MaxKey, MinKey, ObjectId, Timestamp } from '../../src/bson/codec.ts';
import { arrayDocuments, elements, embedded } from '../../src/bson/raw.ts';
import { DocumentMap, documentKey } from '../../src/document-map.ts';
import { SortedList } from '../../src/indexes/sorted-list.ts';
import { canonicalKey } from '../../src/bson/order.ts';
import { encodeWith, encodeWithArray } from '../../src/storage/records.ts';

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SortedList', () => {
  it.each([
    ['appends only', (_i: number, r: () => number) => Math.floor(r() * 2) + _i * 2],
    ['random keys', (_i: number, r: () => number) => Math.floor(r() * 500)],
    ['appends with duplicates and a few stragglers', (i: number, r: () => number) => (r() < 0.1 ? Math.floor(r() * i) : i)],
  ])('stays in order over 5,000 inserts and 1,000 deletes (%s)', (_name, next) => {
    const r = random(7);
    const list = new SortedList<number>((a, b) => a - b);
    const reference: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const v = next(i, r);
      list.insert(v);
      reference.push(v);
    }
    for (let i = 0; i < 1000; i++) {
      const v = reference[Math.floor(r() * reference.length)];
      expect(list.delete(v)).toBe(true);
      reference.splice(reference.indexOf(v), 1);
    }
    reference.sort((a, b) => a - b);
    expect([...list.all()]).toEqual(reference);
    expect(list.size).toBe(reference.length);
    expect([...list.from((x) => x >= 100)]).toEqual(reference.filter((x) => x >= 100));
    expect([...list.downFrom((x) => x <= 100)]).toEqual(reference.filter((x) => x <= 100).reverse());
  });
});

describe('DocumentMap', () => {
  const doc = () => ({ _id: new ObjectId(), seq: 1, at: new Date('2026-11-23T10:00:00Z'), payload: { text: 'Article 3', tags: ['a'] }, none: null });

  it('gives back a copy equal to what was stored, never the stored document itself', () => {
    const map = new DocumentMap();
    const original = doc();
    const id = documentKey(original._id);
    map.set(id, original);
    original.payload.text = 'changed by its writer afterwards';
    const read = map.get(id)!;
    expect(read.payload).toEqual({ text: 'Article 3', tags: ['a'] });
    (read.payload as { text: string }).text = 'changed by a reader';
    expect((map.get(id)!.payload as { text: string }).text).toBe('Article 3');
    expect((read._id as ObjectId).equals(original._id)).toBe(true);
    expect(read.at).toEqual(original.at);
    expect(map.bytes).toBe(encode(map.get(id)!).length);
  });

  it('keeps insertion order, and a capture is unchanged by later writes', () => {
    const map = new DocumentMap();
    const docs = [doc(), doc(), doc()];
    for (const d of docs) map.set(documentKey(d._id), d);
    const captured = map.capture();
    map.set(documentKey(docs[0]._id), { ...docs[0], seq: 99 });
    map.delete(documentKey(docs[1]._id));
    expect(captured.map((b) => decode(b).seq)).toEqual([1, 1, 1]);
    expect([...map.values()].map((d) => d.seq)).toEqual([99, 1]);
    expect([...map.keys()]).toEqual([documentKey(docs[0]._id), documentKey(docs[2]._id)]);
  });

  it('keys documents by the canonical key of their _id, whatever its type', () => {
    for (const id of [new ObjectId(), 'a string id longer than thirteen characters \uD800', 42, { compound: [1, 'x'] }]) {
      expect(documentKey(id)).toBe(canonicalKey(id));
    }
  });
});

describe('encodeWith', () => {
  it('makes the same document as encoding the whole, with the embedded one in place', () => {
    const d = { _id: new ObjectId(), text: 'é', n: 3, nested: { list: [1, 2] } };
    const op = { o: 'i', db: 'negociation', c: 'events' };
    const bytes = encodeWith(op, 'd', encode(d));
    expect(decode(bytes)).toEqual(decode(encode({ ...op, d })));
    expect(bytes.readInt32LE(0)).toBe(bytes.length);
  });

  it('makes an array of documents given already encoded, as encoding the whole would', () => {
    const docs = [{ _id: 1, a: 'é' }, { _id: 2, nested: { list: [1, 2] } }, { _id: 3 }];
    const head = { db: 'negociation', c: 'events' };
    const bytes = encodeWithArray(head, 'docs', docs.map((d) => encode(d)));
    expect(bytes).toEqual(encode({ ...head, docs }));
    expect(decode(encodeWithArray(head, 'docs', []))).toEqual({ ...head, docs: [] });
  });
});

describe('raw BSON reading', () => {
  it('finds every field of every BSON type, and an array of documents, without decoding', () => {
    const doc = {
      double: 1.5,
      string: 'é',
      doc: { a: 1 },
      array: [{ x: 1 }, { y: 'deux' }],
      binary: new Binary(Buffer.from([1, 2, 3])),
      id: new ObjectId(),
      bool: true,
      date: new Date(0),
      nil: null,
      regex: new BSONRegExp('a.c', 'i'),
      int32: 7,
      timestamp: new Timestamp({ t: 1, i: 2 }),
      int64: Long.fromString('9007199254740993'),
      decimal: Decimal128.fromString('1.10'),
      min: new MinKey(),
      max: new MaxKey(),
      last: { found: true },
    };
    const bytes = encode(doc);
    expect(elements(bytes).map((e) => e.name)).toEqual(Object.keys(doc));
    expect(decode(embedded(bytes, 'last')!)).toEqual({ found: true });
    expect(arrayDocuments(embedded(bytes, 'array')!).map((d) => decode(d))).toEqual([{ x: 1 }, { y: 'deux' }]);
    expect(embedded(bytes, 'absent')).toBeUndefined();
  });
});
