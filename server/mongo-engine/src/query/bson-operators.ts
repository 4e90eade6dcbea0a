// The mingo context the engine evaluates with: every stock operator, except that the
// comparison query operators ($eq, $ne, $gt, $gte, $lt, $lte, $in, $nin) and $type learn the
// BSON numeric types. mingo compares class instances by their string form, so Decimal128('10')
// would sort below Decimal128('9') and never equal the number 10; with these, any mix of
// numbers, Long and Decimal128 compares by value, in MongoDB's type brackets.
import { Context } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { resolve } from 'mingo/util';
import type { Doc } from '../bson/codec.ts';
import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from '../bson/codec.ts';
import { compareBson, typeRank } from '../bson/order.ts';

type Predicate = (doc: Doc) => boolean;
type QueryOperator = (selector: string, value: unknown, options: never) => Predicate;

/** Numeric values mingo cannot compare correctly among themselves or with plain numbers. */
function isBsonNumber(v: unknown): boolean {
  return v instanceof Decimal128 || v instanceof Long || v instanceof Int32 || v instanceof Double;
}

function anyBsonNumber(values: unknown[]): boolean {
  return values.some(isBsonNumber);
}

/** The values a selector designates: the value itself and, for arrays, each element. */
function candidates(doc: Doc, selector: string): unknown[] {
  const v = resolve(doc, selector, { unwrapArray: true });
  if (Array.isArray(v)) return [v, ...v.flat()];
  return [v];
}

/** Whether a document holds any BSON numeric object; only then are the overrides needed. */
function numericPredicate(selector: string, test: (v: unknown) => boolean): Predicate {
  return (doc) => candidates(doc, selector).some((v) => typeRank(v) === 3 && test(v));
}

const stock = queryOperators as unknown as Record<string, QueryOperator>;

function comparison(name: '$gt' | '$gte' | '$lt' | '$lte', ok: (c: number) => boolean): QueryOperator {
  return (selector, value, options) => {
    const builtin = stock[name](selector, value, options);
    if (typeRank(value) !== 3) return builtin;
    // A numeric bound: compare every numeric candidate by value.
    return numericPredicate(selector, (v) => ok(compareBson(v, value)));
  };
}

const $eq: QueryOperator = (selector, value, options) => {
  const builtin = stock.$eq(selector, value, options);
  if (typeRank(value) !== 3) return builtin;
  const numeric = numericPredicate(selector, (v) => compareBson(v, value) === 0);
  return (doc) => numeric(doc) || builtin(doc);
};

/**
 * A list of strings and ObjectIds only (ids, names: `_id: { $in: […] }`), as sets made once.
 * mingo's $in intersects the document's values with the whole list for every document, hashing
 * each element again: a compaction deleting its 60 update records by _id hashed 3,600 ObjectIds.
 */
function idSets(list: unknown[]): { strings: Set<string>; objectIds: Set<string> } | null {
  const strings = new Set<string>();
  const objectIds = new Set<string>();
  for (const v of list) {
    if (typeof v === 'string') strings.add(v);
    else if (v instanceof ObjectId) objectIds.add(v.toHexString());
    else return null;
  }
  return { strings, objectIds };
}

const $in: QueryOperator = (selector, value, options) => {
  const list = Array.isArray(value) ? value : [];
  const ids = idSets(list);
  if (ids) {
    // A string or an ObjectId in the document is looked up; anything else (an array, a
    // missing field) goes to mingo as before. A string never equals an ObjectId, as in mongod.
    const builtin = stock.$in(selector, value, options);
    return (doc) => {
      const v = resolve(doc, selector, { unwrapArray: true });
      if (typeof v === 'string') return ids.strings.has(v);
      if (v instanceof ObjectId) return ids.objectIds.has(v.toHexString());
      return builtin(doc);
    };
  }
  if (!anyBsonNumber(list) && !list.some((v) => typeof v === 'number')) return stock.$in(selector, value, options);
  const numbers = list.filter((v) => typeRank(v) === 3);
  const others = list.filter((v) => typeRank(v) !== 3);
  const builtin = others.length > 0 ? stock.$in(selector, others, options) : () => false;
  const numeric = numericPredicate(selector, (v) => numbers.some((n) => compareBson(v, n) === 0));
  return (doc) => numeric(doc) || builtin(doc);
};

const TYPE_NAMES: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  javascript: 13,
  symbol: 14,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

/** The BSON type number a value is stored as (integral JS numbers in int32 range: int). */
export function bsonTypeOf(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (v === null) return 10;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 16 : 1;
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 8;
  if (Array.isArray(v)) return 4;
  if (v instanceof Date) return 9;
  if (v instanceof ObjectId) return 7;
  if (v instanceof Timestamp) return 17;
  if (v instanceof Long) return 18;
  if (v instanceof Decimal128) return 19;
  if (v instanceof Int32) return 16;
  if (v instanceof Double) return 1;
  if (v instanceof Binary) return 5;
  if (v instanceof RegExp || v instanceof BSONRegExp) return 11;
  if (v instanceof MinKey) return -1;
  if (v instanceof MaxKey) return 127;
  return 3;
}

const $type: QueryOperator = (selector, value) => {
  const wanted = (Array.isArray(value) ? value : [value]).map((t) => (typeof t === 'string' ? (t === 'number' ? 'number' : TYPE_NAMES[t]) : t));
  const matchesType = (v: unknown) => {
    const t = bsonTypeOf(v);
    return wanted.some((w) => (w === 'number' ? t === 1 || t === 16 || t === 18 || t === 19 : w === t));
  };
  return (doc) => {
    const v = resolve(doc, selector, { unwrapArray: true });
    if (Array.isArray(v)) return matchesType(v) || v.some(matchesType);
    return matchesType(v);
  };
};

const overrides = {
  $eq,
  $ne: ((selector, value, options) => {
    const eq = $eq(selector, value, options);
    return (doc) => !eq(doc);
  }) as QueryOperator,
  $gt: comparison('$gt', (c) => c > 0),
  $gte: comparison('$gte', (c) => c >= 0),
  $lt: comparison('$lt', (c) => c < 0),
  $lte: comparison('$lte', (c) => c <= 0),
  $in,
  $nin: ((selector, value, options) => {
    const inList = $in(selector, value, options);
    return (doc) => !inList(doc);
  }) as QueryOperator,
  $type,
};

export const ENGINE_CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: { ...queryOperators, ...overrides } as never,
  window: windowOperators,
} as never);
