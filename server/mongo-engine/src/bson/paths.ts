// Reading the values a dotted path designates in a document, the way mongod's index key
// generator does: arrays along the path fan out, a missing field yields `undefined`.
import type { Doc } from './codec.ts';

function isPlainObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function collect(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    const part = parts[i];
    if (/^\d+$/.test(part) && Number(part) < value.length) collect(value[Number(part)], parts, i + 1, out);
    let any = false;
    for (const element of value) {
      if (isPlainObject(element)) {
        collect(element, parts, i, out);
        any = true;
      }
    }
    if (!any && !/^\d+$/.test(part)) out.push(undefined);
    return;
  }
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, parts[i])) {
    collect(value[parts[i]], parts, i + 1, out);
    return;
  }
  out.push(undefined);
}

/** Every value the path reaches; leaf arrays are returned as arrays (the caller fans them out). */
export function pathValues(doc: Doc, path: string | string[]): unknown[] {
  const parts = typeof path === 'string' ? path.split('.') : path;
  // The common case — plain nested objects, no array on the way — without recursion.
  let v: unknown = doc;
  let i = 0;
  for (; i < parts.length; i++) {
    if (!isPlainObject(v)) break;
    v = Object.prototype.hasOwnProperty.call(v, parts[i]) ? v[parts[i]] : undefined;
    if (v === undefined) return [undefined];
  }
  if (i === parts.length) return [v];
  const out: unknown[] = [];
  collect(doc, parts, 0, out);
  return out;
}

/** The one value at a path without fanning out through arrays (for sort keys, upserts, _id). */
export function getPath(doc: unknown, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Doc)[part];
  }
  return v;
}

/** Sets a dotted path, creating intermediate objects (used to seed upserted documents). */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let v: Doc = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = v[parts[i]];
    if (next === null || typeof next !== 'object') v[parts[i]] = {};
    v = v[parts[i]] as Doc;
  }
  v[parts[parts.length - 1]] = value;
}

export { isPlainObject };
