// Classifying and comparing BSON values, whether parsed from a test file (Int32, Double, Long
// instances) or returned by the driver (JS numbers after promotion).
import type { Binary, BSONRegExp, Code, DBRef, Decimal128, Long, ObjectId, Timestamp } from 'bson';
import type { Doc } from './types.ts';

/** The `$type` alias names of the BSON types (https://www.mongodb.com/docs/manual/reference/operator/query/type/). */
export type BsonTypeAlias =
  | 'double'
  | 'string'
  | 'object'
  | 'array'
  | 'binData'
  | 'undefined'
  | 'objectId'
  | 'bool'
  | 'date'
  | 'null'
  | 'regex'
  | 'dbPointer'
  | 'javascript'
  | 'symbol'
  | 'javascriptWithScope'
  | 'int'
  | 'timestamp'
  | 'long'
  | 'decimal'
  | 'minKey'
  | 'maxKey';

export const BSON_TYPE_ALIASES: readonly BsonTypeAlias[] = [
  'double', 'string', 'object', 'array', 'binData', 'undefined', 'objectId', 'bool', 'date', 'null', 'regex',
  'dbPointer', 'javascript', 'symbol', 'javascriptWithScope', 'int', 'timestamp', 'long', 'decimal', 'minKey', 'maxKey',
];

function bsontype(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** A plain document: an object that is neither an array nor a BSON value nor another built-in. */
export function isDocument(value: unknown): value is Doc {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value) || bsontype(value) !== undefined) return false;
  if (value instanceof Date || value instanceof RegExp || value instanceof Uint8Array || value instanceof Map) return false;
  return true;
}

/** The numeric value of an int/long/double, as a number or bigint; undefined for anything else (Decimal128 excluded). */
export function numericValue(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  switch (bsontype(value)) {
    case 'Int32':
    case 'Double':
      return (value as { valueOf(): number }).valueOf();
    case 'Long':
      return (value as Long).toBigInt();
    default:
      return undefined;
  }
}

export function isNumeric(value: unknown): boolean {
  return numericValue(value) !== undefined;
}

/** Compares two numeric values across int/long/double; negative, zero or positive (NaN: NaN). */
export function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // Mixed: compare exactly when the number is an integer, else as doubles.
  const [big, num, sign] = typeof a === 'bigint' ? [a, b as number, 1] : [b as bigint, a as number, -1];
  if (Number.isNaN(num)) return NaN;
  if (Number.isInteger(num)) {
    const n = BigInt(num);
    return sign * (big < n ? -1 : big > n ? 1 : 0);
  }
  return sign * (Number(big) - num);
}

/**
 * The `$type` alias of a value. A JS number (what the driver returns for int32, int64 within
 * the safe range and double) is reported as 'int' or 'long' when integral, else 'double';
 * see {@link matchesTypeAlias} for how those are matched.
 */
export function typeAlias(value: unknown): BsonTypeAlias {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'double';
    return value >= -2147483648 && value <= 2147483647 ? 'int' : 'long';
  }
  if (typeof value === 'bigint') return 'long';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  if (value instanceof Uint8Array) return 'binData';
  switch (bsontype(value)) {
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'BSONRegExp':
      return 'regex';
    case 'Code':
      return (value as Code).scope ? 'javascriptWithScope' : 'javascript';
    case 'BSONSymbol':
      return 'symbol';
    case 'Timestamp':
      return 'timestamp';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'DBRef':
      return 'object';
    case 'DBPointer':
      return 'dbPointer';
    default:
      return 'object';
  }
}

/**
 * Whether a value has the given `$type` alias (or 'number'). Driver-promoted JS numbers carry no
 * int/long/double distinction, so an integral JS number matches 'int' (when in range), 'long' and
 * 'double', and a fractional one matches 'double'.
 */
export function matchesTypeAlias(value: unknown, alias: string): boolean {
  if (alias === 'number') return isNumeric(value) || bsontype(value) === 'Decimal128';
  if (typeof value === 'number') {
    if (alias === 'double') return true;
    if (!Number.isInteger(value)) return false;
    if (alias === 'long') return true;
    return alias === 'int' && value >= -2147483648 && value <= 2147483647;
  }
  return typeAlias(value) === alias;
}

function regexParts(value: RegExp | BSONRegExp): [string, string] {
  if (value instanceof RegExp) return [value.source, [...value.flags].sort().join('')];
  return [value.pattern, [...value.options].sort().join('')];
}

/**
 * Strict equality of two BSON values (documents compared without regard to key order,
 * numbers across int/long/double). Used for outcome data and scalar comparisons.
 */
export function bsonEquals(expected: unknown, actual: unknown): boolean {
  const en = numericValue(expected);
  const an = numericValue(actual);
  if (en !== undefined || an !== undefined) {
    if (en === undefined || an === undefined) return false;
    if (typeof en === 'number' && typeof an === 'number' && Number.isNaN(en) && Number.isNaN(an)) return true;
    return compareNumbers(en, an) === 0;
  }
  if (isDocument(expected) || isDocument(actual)) {
    if (!isDocument(expected) || !isDocument(actual)) return false;
    const ek = Object.keys(expected);
    const ak = Object.keys(actual);
    if (ek.length !== ak.length) return false;
    return ek.every((k) => Object.hasOwn(actual, k) && bsonEquals(expected[k], actual[k]));
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual) || expected.length !== actual.length) return false;
    return expected.every((v, i) => bsonEquals(v, actual[i]));
  }
  const et = typeAlias(expected);
  if (et !== typeAlias(actual)) return false;
  switch (et) {
    case 'null':
    case 'undefined':
    case 'minKey':
    case 'maxKey':
      return true;
    case 'string':
    case 'bool':
      return expected === actual;
    case 'date':
      return (expected as Date).getTime() === (actual as Date).getTime();
    case 'objectId':
      return (expected as ObjectId).toHexString() === (actual as ObjectId).toHexString();
    case 'decimal':
      return (expected as Decimal128).toString() === (actual as Decimal128).toString();
    case 'timestamp':
      return (expected as Timestamp).toString() === (actual as Timestamp).toString();
    case 'binData': {
      const [es, eb] = binaryParts(expected);
      const [as, ab] = binaryParts(actual);
      return es === as && Buffer.compare(eb, ab) === 0;
    }
    case 'regex': {
      const [ep, eo] = regexParts(expected as RegExp | BSONRegExp);
      const [ap, ao] = regexParts(actual as RegExp | BSONRegExp);
      return ep === ap && eo === ao;
    }
    case 'javascript':
    case 'javascriptWithScope': {
      const e = expected as Code;
      const a = actual as Code;
      return String(e.code) === String(a.code) && bsonEquals(e.scope ?? null, a.scope ?? null);
    }
    case 'symbol':
      return String((expected as { value: unknown }).value) === String((actual as { value: unknown }).value);
    case 'object': {
      // DBRef and other BSON objects: compare their document form.
      return bsonEquals(toComparable(expected), toComparable(actual));
    }
    default:
      return JSON.stringify(expected) === JSON.stringify(actual);
  }
}

function binaryParts(value: unknown): [number, Buffer] {
  if (value instanceof Uint8Array) return [0, Buffer.from(value)];
  const bin = value as Binary;
  return [bin.sub_type, Buffer.from(bin.buffer.subarray(0, bin.position))];
}

function toComparable(value: unknown): unknown {
  if (bsontype(value) === 'DBRef') {
    const ref = value as DBRef;
    const doc: Doc = { $ref: ref.collection, $id: ref.oid };
    if (ref.db) doc.$db = ref.db;
    return { ...doc, ...ref.fields };
  }
  return value;
}

/** A short human-readable rendering of a value for failure messages. */
export function describe(value: unknown): string {
  if (value === undefined) return '(absent)';
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      const tag = bsontype(v);
      if (tag === 'Int32' || tag === 'Double') return (v as { valueOf(): number }).valueOf();
      if (tag === 'Long') return `${(v as Long).toString()}L`;
      if (tag === 'ObjectId') return `ObjectId(${(v as ObjectId).toHexString()})`;
      if (tag === 'Decimal128') return `Decimal128(${(v as Decimal128).toString()})`;
      return v;
    });
    if (text === undefined) return String(value);
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return String(value);
  }
}
