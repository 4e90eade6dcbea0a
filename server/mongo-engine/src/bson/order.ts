// MongoDB's total order over BSON values (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/).
// Index keys are kept in this order; mingo orders custom types by their string form, which is
// wrong for Long and Decimal128, so the engine never relies on it for index structure.
import { Binary, Decimal128, Long, ObjectId, Timestamp, MinKey, MaxKey, BSONRegExp, BSONSymbol, Int32, Double } from './codec.ts';

/** Type brackets in MongoDB's comparison order. */
export function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
  }
  if (v instanceof MinKey) return 1;
  if (v instanceof MaxKey) return 13;
  if (v instanceof Timestamp) return 11; // Timestamp extends Long: test it first
  if (v instanceof Long || v instanceof Decimal128 || v instanceof Int32 || v instanceof Double) return 3;
  if (v instanceof BSONSymbol) return 4;
  if (Array.isArray(v)) return 6;
  if (v instanceof Binary || ArrayBuffer.isView(v)) return 7;
  if (v instanceof ObjectId) return 8;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp || v instanceof BSONRegExp) return 12;
  return 5;
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Decimal128) return Number.parseFloat(v.toString());
  if (v instanceof Int32 || v instanceof Double) return v.value;
  return Number.NaN;
}

function cmp<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function bytesOf(v: unknown): Uint8Array {
  if (v instanceof Binary) return v.buffer.subarray(0, v.position);
  const view = v as ArrayBufferView;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function compareNumbers(a: unknown, b: unknown): number {
  if (a instanceof Long && b instanceof Long) return a.compare(b);
  const x = toNumber(a);
  const y = toNumber(b);
  // NaN sorts below every other number in MongoDB.
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  return cmp(x, y);
}

/** Compares two BSON values as mongod does (-1, 0, 1 sign). */
export function compareBson(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
    case 2:
    case 13:
      return 0;
    case 3:
      return compareNumbers(a, b);
    case 4:
      return cmp(String(a instanceof BSONSymbol ? a.value : a), String(b instanceof BSONSymbol ? b.value : b));
    case 5: {
      const ea = Object.entries(a as object);
      const eb = Object.entries(b as object);
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        const t = typeRank(ea[i][1]) - typeRank(eb[i][1]);
        if (t !== 0) return t;
        const k = cmp(ea[i][0], eb[i][0]);
        if (k !== 0) return k;
        const c = compareBson(ea[i][1], eb[i][1]);
        if (c !== 0) return c;
      }
      return ea.length - eb.length;
    }
    case 6: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = compareBson(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return xa.length - xb.length;
    }
    case 7: {
      const ba = bytesOf(a);
      const bb = bytesOf(b);
      if (ba.length !== bb.length) return ba.length - bb.length;
      const sa = a instanceof Binary ? a.sub_type : 0;
      const sb = b instanceof Binary ? b.sub_type : 0;
      if (sa !== sb) return sa - sb;
      return compareBytes(ba, bb);
    }
    case 8:
      return compareBytes((a as ObjectId).id, (b as ObjectId).id);
    case 9:
      return cmp(a as boolean, b as boolean);
    case 10:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case 11:
      return (a as InstanceType<typeof Timestamp>).compare(b as InstanceType<typeof Timestamp>);
    case 12: {
      const pa = a as RegExp | InstanceType<typeof BSONRegExp>;
      const pb = b as RegExp | InstanceType<typeof BSONRegExp>;
      const c = cmp(pa instanceof RegExp ? pa.source : pa.pattern, pb instanceof RegExp ? pb.source : pb.pattern);
      return c !== 0 ? c : cmp(pa instanceof RegExp ? pa.flags : pa.options, pb instanceof RegExp ? pb.flags : pb.options);
    }
  }
  return 0;
}

export function compareKeys(a: readonly unknown[], b: readonly unknown[], directions?: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareBson(a[i], b[i]);
    if (c !== 0) return directions && directions[i] < 0 ? -c : c;
  }
  return 0;
}

/**
 * A string that is equal for two values exactly when mongod considers them equal (1, 1.0 and
 * Long(1) share one): used to key documents by _id and to detect duplicate index keys.
 */
export function canonicalKey(v: unknown): string {
  const r = typeRank(v);
  switch (r) {
    case 1:
      return 'm';
    case 2:
      return 'z';
    case 13:
      return 'M';
    case 3: {
      if (v instanceof Long && !(Number.isSafeInteger(v.toNumber()))) return 'n' + v.toString();
      const n = toNumber(v);
      return 'n' + (Object.is(n, -0) ? '0' : String(n));
    }
    case 4:
      return 's' + String(v instanceof BSONSymbol ? v.value : v);
    case 8:
      return 'o' + (v as ObjectId).toHexString();
    case 9:
      return v ? 'T' : 'F';
    case 10:
      return 'd' + (v as Date).getTime();
    case 6:
      return 'a[' + (v as unknown[]).map(canonicalKey).join(',') + ']';
    case 5:
      return '{' + Object.entries(v as object).map(([k, x]) => JSON.stringify(k) + ':' + canonicalKey(x)).join(',') + '}';
    case 7:
      return 'b' + (v instanceof Binary ? v.sub_type : 0) + ':' + Buffer.from(bytesOf(v)).toString('hex');
    case 11:
      return 't' + (v as InstanceType<typeof Timestamp>).toString();
    case 12: {
      const p = v as RegExp | InstanceType<typeof BSONRegExp>;
      return 'r/' + (p instanceof RegExp ? p.source + '/' + p.flags : p.pattern + '/' + p.options);
    }
  }
  return 'x';
}
