// The engine decodes and encodes with the very bson build the `mongodb` driver uses, so that
// ObjectId, Long, Binary… are one class everywhere in the process (bson ships CJS and ESM
// builds whose classes differ; importing `bson` directly from ESM would get the other one).
import { BSON } from 'mongodb';

export const { ObjectId, Long, Decimal128, Binary, Timestamp, Int32, Double, MinKey, MaxKey, BSONRegExp, BSONSymbol, Code, UUID } = BSON;
export type ObjectId = InstanceType<typeof BSON.ObjectId>;
export type Long = InstanceType<typeof BSON.Long>;

export type Doc = Record<string, unknown>;

/** Decodes one BSON document; throws on malformed input (the caller closes the connection). */
export function decode(buf: Uint8Array): Doc {
  // promoteLongs keeps 64-bit integers as JS numbers when they fit, which is what mingo can
  // compute with; bsonRegExp off gives native RegExp that mingo understands.
  return BSON.deserialize(buf, { promoteLongs: true, promoteValues: true, promoteBuffers: false, validation: { utf8: true } }) as Doc;
}

export function encode(doc: Doc): Buffer {
  const bytes = BSON.serialize(doc, { checkKeys: false, ignoreUndefined: false });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function sizeOf(doc: Doc): number {
  return BSON.calculateObjectSize(doc, { ignoreUndefined: false });
}

export const { EJSON } = BSON;
