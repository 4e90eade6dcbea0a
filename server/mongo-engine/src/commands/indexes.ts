// createIndexes, listIndexes, dropIndexes.
import type { Doc } from '../bson/codec.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import type { IndexSpec } from '../indexes/collection-index.ts';
import { isPlainObject } from '../bson/paths.ts';
import { canonicalKey } from '../bson/order.ts';
import type { CommandHandler } from './context.ts';
import { collectionArg } from './common.ts';
import { writable } from './write-statements.ts';

const OPTION_FIELDS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation', 'hidden'];

function defaultName(key: Doc): string {
  return Object.entries(key)
    .map(([f, d]) => `${f}_${String(d)}`)
    .join('_');
}

function normalize(raw: unknown): IndexSpec {
  if (!isPlainObject(raw)) throw new CommandError(ErrorCode.TypeMismatch, 'index specification must be an object');
  const key = raw.key;
  if (!isPlainObject(key) || Object.keys(key).length === 0) throw new CommandError(ErrorCode.CannotCreateIndex, "Index keys cannot be empty.");
  for (const [f, d] of Object.entries(key)) {
    const ok = (typeof d === 'number' && d !== 0 && !Number.isNaN(d)) || ['text', '2d', '2dsphere', 'hashed', 'geoHaystack'].includes(d as string);
    if (!ok || f === '') throw new CommandError(ErrorCode.CannotCreateIndex, `Values in the index key pattern can only be numbers or strings, got ${String(d)} for '${f}'`);
  }
  const name = raw.name ?? defaultName(key);
  if (typeof name !== 'string' || name === '') throw new CommandError(ErrorCode.CannotCreateIndex, 'The index name cannot be empty');
  if (raw.expireAfterSeconds !== undefined && (typeof raw.expireAfterSeconds !== 'number' || raw.expireAfterSeconds < 0)) {
    throw new CommandError(ErrorCode.CannotCreateIndex, 'TTL index \'expireAfterSeconds\' option must be a non-negative number');
  }
  const spec: IndexSpec = { v: 2, key, name };
  for (const [k, v] of Object.entries(raw)) if (!['key', 'name', 'v', 'ns', 'background'].includes(k)) spec[k] = v;
  if (name === '_id_') {
    if (canonicalKey(key) !== canonicalKey({ _id: 1 })) throw new CommandError(ErrorCode.BadValue, "The index name '_id_' is reserved for the _id index");
    delete spec.unique;
  }
  return spec;
}

function optionsOf(spec: IndexSpec): string {
  return OPTION_FIELDS.map((f) => canonicalKey(spec[f] ?? null)).join('|');
}

export const createIndexes: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'createIndexes');
  const raw = ctx.body.indexes;
  if (!Array.isArray(raw) || raw.length === 0) throw new CommandError(ErrorCode.BadValue, "Must specify at least one index to create");
  const specs = raw.map(normalize);
  const { catalog } = ctx.engine;
  const existed = !!catalog.get(ctx.db, name);
  const coll = writable(catalog, ctx.db, name)!;
  const before = coll.indexes.size;
  let created = 0;
  for (const spec of specs) {
    const sameName = coll.indexes.get(spec.name);
    if (sameName) {
      if (canonicalKey(sameName.spec.key) !== canonicalKey(spec.key)) {
        throw new CommandError(ErrorCode.IndexKeySpecsConflict, `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`);
      }
      if (spec.name !== '_id_' && optionsOf(sameName.spec) !== optionsOf(spec)) {
        throw new CommandError(ErrorCode.IndexOptionsConflict, `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`);
      }
      continue;
    }
    const sameKey = [...coll.indexes.values()].find((i) => canonicalKey(i.spec.key) === canonicalKey(spec.key) && optionsOf(i.spec) === optionsOf(spec));
    if (sameKey) {
      throw new CommandError(ErrorCode.IndexOptionsConflict, `Index already exists with a different name: ${sameKey.name}`);
    }
    catalog.createIndex(coll, spec);
    created++;
  }
  const reply: Doc = { numIndexesBefore: before, numIndexesAfter: coll.indexes.size, createdCollectionAutomatically: !existed, ok: 1 };
  if (created === 0) reply.note = 'all indexes already exist';
  return reply;
};

export const listIndexes: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'listIndexes');
  const coll = ctx.engine.catalog.get(ctx.db, name);
  if (!coll) throw new CommandError(ErrorCode.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
  const specs = [...coll.indexes.values()].map((i) => ({ ...i.spec }) as Doc);
  const ns = `${ctx.db}.${name}`;
  const batchSize = (ctx.body.cursor as Doc | undefined)?.batchSize;
  const { firstBatch, id } = ctx.engine.cursors.openCursor(ns, specs, typeof batchSize === 'number' ? batchSize : 101);
  return { cursor: { id, ns, firstBatch }, ok: 1 };
};

export const dropIndexes: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, Object.keys(ctx.body)[0]);
  const { catalog } = ctx.engine;
  const coll = catalog.get(ctx.db, name);
  if (!coll) throw new CommandError(ErrorCode.NamespaceNotFound, `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.size;
  const which = ctx.body.index;
  let names: string[];
  if (which === '*') names = [...coll.indexes.keys()].filter((n) => n !== '_id_');
  else if (typeof which === 'string') names = [which];
  else if (Array.isArray(which)) names = which.map(String);
  else if (isPlainObject(which)) {
    const found = [...coll.indexes.values()].find((i) => canonicalKey(i.spec.key) === canonicalKey(which));
    if (!found) throw new CommandError(ErrorCode.IndexNotFound, `can't find index with key: ${JSON.stringify(which)}`);
    names = [found.name];
  } else throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'dropIndexes.index' is missing or has the wrong type");
  for (const n of names) {
    if (n === '_id_') throw new CommandError(ErrorCode.InvalidOptions, 'cannot drop _id index');
    if (!coll.indexes.has(n)) throw new CommandError(ErrorCode.IndexNotFound, `index not found with name [${n}]`);
  }
  for (const n of names) catalog.dropIndex(coll, n);
  return { nIndexesWas, ok: 1 };
};
