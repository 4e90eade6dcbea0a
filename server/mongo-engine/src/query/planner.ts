// Picks an index for a filter. The plan only narrows the candidates: every candidate is still
// tested against the whole filter by mingo, so a plan must never drop a matching document —
// it only uses conditions every match must satisfy (top-level equality, $in, ranges).
import type { Doc } from '../bson/codec.ts';
import { ObjectId, Long } from '../bson/codec.ts';
import type { CollectionIndex } from '../indexes/collection-index.ts';
import { isPlainObject } from '../bson/paths.ts';
import { compareBson, typeRank } from '../bson/order.ts';

interface Bound {
  v: unknown;
  inclusive: boolean;
}

/** What a filter requires of one field: a set of equal values, or a range within one type bracket. */
interface FieldCondition {
  eq?: unknown[];
  lo?: Bound;
  hi?: Bound;
  rank?: number;
}

function indexable(v: unknown): boolean {
  return (
    (typeof v === 'number' && !Number.isNaN(v)) ||
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    v instanceof ObjectId ||
    v instanceof Date ||
    v instanceof Long
  );
}

function conditionOf(value: unknown): FieldCondition | undefined {
  if (indexable(value)) return { eq: [value] };
  if (!isPlainObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((k) => k.startsWith('$'))) return undefined;
  const c: FieldCondition = {};
  for (const [op, arg] of Object.entries(value)) {
    switch (op) {
      case '$eq':
        if (indexable(arg)) c.eq = [arg];
        break;
      case '$in':
        if (Array.isArray(arg) && arg.length > 0 && arg.length <= 1000 && arg.every(indexable)) c.eq = arg;
        break;
      case '$gt':
      case '$gte':
        if (indexable(arg) && (c.rank === undefined || c.rank === typeRank(arg))) {
          c.rank = typeRank(arg);
          c.lo = { v: arg, inclusive: op === '$gte' };
        }
        break;
      case '$lt':
      case '$lte':
        if (indexable(arg) && (c.rank === undefined || c.rank === typeRank(arg))) {
          c.rank = typeRank(arg);
          c.hi = { v: arg, inclusive: op === '$lte' };
        }
        break;
    }
  }
  return c.eq || c.rank !== undefined ? c : undefined;
}

/** Necessary conditions per top-level path, from the filter and its top-level $and. */
export function fieldConditions(filter: Doc, into = new Map<string, FieldCondition>()): Map<string, FieldCondition> {
  for (const [field, value] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(value)) {
      for (const part of value) if (isPlainObject(part)) fieldConditions(part, into);
      continue;
    }
    if (field.startsWith('$')) continue;
    const c = conditionOf(value);
    if (c && !into.has(field)) into.set(field, c);
  }
  return into;
}

export interface Plan {
  index: CollectionIndex;
  /** How much of the filter the index serves: 2 per equality field, 1 for a range. */
  score: number;
  /** One position function per scan; the union of their results is the candidate set. */
  scans: ((key: unknown[]) => number)[];
}

function positionFn(eqs: unknown[], range: FieldCondition | undefined, multikey: boolean): (key: unknown[]) => number {
  const n = eqs.length;
  const lo = range?.lo;
  // A multikey index cannot intersect both bounds: [1, 10] matches {$gt: 3, $lt: 5}.
  const hi = multikey && lo ? undefined : range?.hi;
  const rank = range?.rank;
  return (key) => {
    for (let i = 0; i < n; i++) {
      const c = compareBson(key[i], eqs[i]);
      if (c !== 0) return c < 0 ? -1 : 1;
    }
    if (rank === undefined) return 0;
    const v = key[n];
    const r = typeRank(v);
    if (r !== rank) return r < rank ? -1 : 1;
    if (lo) {
      const c = compareBson(v, lo.v);
      if (c < 0 || (c === 0 && !lo.inclusive)) return -1;
    }
    if (hi) {
      const c = compareBson(v, hi.v);
      if (c > 0 || (c === 0 && !hi.inclusive)) return 1;
    }
    return 0;
  };
}

const MAX_SCANS = 1000;

export function planQuery(filter: Doc, indexes: Iterable<CollectionIndex>): Plan | undefined {
  const conditions = fieldConditions(filter);
  if (conditions.size === 0) return undefined;
  let best: { plan: Plan; score: number } | undefined;
  for (const index of indexes) {
    if (!index.complete) continue;
    const eqLists: unknown[][] = [];
    let range: FieldCondition | undefined;
    for (const field of index.fields) {
      const c = conditions.get(field);
      if (!c) break;
      if (c.eq) {
        eqLists.push(c.eq);
        continue;
      }
      range = c;
      break;
    }
    if (eqLists.length === 0 && !range) continue;
    // Cartesian product of the equality lists, bounded.
    let prefixes: unknown[][] = [[]];
    for (const list of eqLists) {
      const next: unknown[][] = [];
      for (const p of prefixes) for (const v of list) next.push([...p, v]);
      prefixes = next;
      if (prefixes.length > MAX_SCANS) break;
    }
    if (prefixes.length > MAX_SCANS) continue;
    const score = eqLists.length * 2 + (range ? 1 : 0) + (index.unique && eqLists.length === index.fields.length ? 0.5 : 0);
    if (!best || score > best.score) {
      best = { score, plan: { index, score, scans: prefixes.map((p) => positionFn(p, range, index.multikey)) } };
    }
  }
  return best?.plan;
}

export interface SortedPlan {
  index: CollectionIndex;
  /** As Plan.score: how much of the filter the scan's bounds serve. */
  score: number;
  position: (key: unknown[]) => number;
  /** Walk the index backwards (a descending sort over the ascending entries). */
  reverse: boolean;
}

/**
 * An index that yields the matching candidates already in the requested order: equality on
 * its leading fields, then the sort fields in index order, all ascending or all descending
 * (`{negotiationId: 'n', seq: {$gt: 5}}` sorted by seq over (negotiationId, seq)). The caller
 * can then stop after skip + limit matches instead of sorting everything.
 */
export function planSortedScan(filter: Doc, sort: [string, number][], indexes: Iterable<CollectionIndex>): SortedPlan | undefined {
  if (sort.length === 0 || !sort.every(([, d]) => d === sort[0][1])) return undefined;
  const conditions = fieldConditions(filter);
  for (const index of indexes) {
    if (!index.complete || index.multikey) continue;
    const eqs: unknown[] = [];
    let k = 0;
    while (k < index.fields.length) {
      const c = conditions.get(index.fields[k]);
      if (!c?.eq || c.eq.length !== 1 || sort.some(([f]) => f === index.fields[k])) break;
      eqs.push(c.eq[0]);
      k++;
    }
    if (!sort.every(([f], i) => index.fields[k + i] === f)) continue;
    const c = conditions.get(index.fields[k]);
    const range = c && !c.eq ? c : undefined;
    return { index, score: eqs.length * 2 + (range ? 1 : 0), position: positionFn(eqs, range, false), reverse: sort[0][1] < 0 };
  }
  return undefined;
}
