// Sorting as mongod sorts: each sort field's key is the smallest (ascending) or largest
// (descending) of the values the path reaches, missing counts as null, and values compare in
// BSON order — which mingo's string-based ordering of Long/Decimal128 would get wrong.
import type { Doc } from '../bson/codec.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { pathValues } from '../bson/paths.ts';
import { compareBson } from '../bson/order.ts';

export function validateSort(sort: unknown): [string, number][] {
  if (sort === undefined || sort === null) return [];
  if (typeof sort !== 'object' || Array.isArray(sort)) throw new CommandError(ErrorCode.TypeMismatch, 'Expected field sort to be of type object');
  return Object.entries(sort as Doc).map(([field, dir]) => {
    if (dir === 1 || dir === -1) return [field, dir];
    if (typeof dir === 'number' && (dir === 1 || dir === -1)) return [field, dir];
    if (dir && typeof dir === 'object' && '$meta' in (dir as Doc)) return [field, -1];
    throw new CommandError(ErrorCode.BadValue, `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
  });
}

function sortKey(doc: Doc, field: string, dir: number): unknown {
  const values: unknown[] = [];
  for (const v of pathValues(doc, field)) {
    if (Array.isArray(v)) {
      if (v.length === 0) values.push(undefined);
      else values.push(...v);
    } else values.push(v);
  }
  let best: unknown = values[0];
  for (const v of values.slice(1)) {
    const c = compareBson(v, best);
    if (dir > 0 ? c < 0 : c > 0) best = v;
  }
  return best === undefined ? null : best;
}

/** A stable sort of `docs` by the spec (natural order breaks ties, as a collection scan would). */
export function sortDocs(docs: Doc[], spec: [string, number][], strings?: (a: string, b: string) => number): Doc[] {
  if (spec.length === 0) return docs;
  const keyed = docs.map((doc, i) => ({ doc, i, keys: spec.map(([f, d]) => sortKey(doc, f, d)) }));
  keyed.sort((a, b) => {
    for (let k = 0; k < spec.length; k++) {
      const x = a.keys[k];
      const y = b.keys[k];
      const c = strings && typeof x === 'string' && typeof y === 'string' ? strings(x, y) : compareBson(x, y);
      if (c !== 0) return spec[k][1] > 0 ? c : -c;
    }
    return a.i - b.i;
  });
  return keyed.map((k) => k.doc);
}
