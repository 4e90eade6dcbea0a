// Databases and collections: list, create, drop, rename, stats.
import type { Doc } from '../bson/codec.ts';
import type { Collection } from '../collection.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { isPlainObject } from '../bson/paths.ts';
import { compileFilter, matches } from '../query/evaluate.ts';
import type { CommandHandler } from './context.ts';
import { collectionArg } from './common.ts';

function dataSize(coll: Collection): number {
  return coll.docs.bytes;
}

export const listDatabases: CommandHandler = (ctx) => {
  const filter = isPlainObject(ctx.body.filter) ? compileFilter(ctx.body.filter) : undefined;
  const databases: Doc[] = [];
  let totalSize = 0;
  for (const [name, collections] of ctx.engine.catalog.dbs) {
    let size = 0;
    if (ctx.body.nameOnly !== true) for (const c of collections.values()) size += dataSize(c);
    const entry: Doc = ctx.body.nameOnly === true ? { name } : { name, sizeOnDisk: size, empty: size === 0 };
    if (filter && !matches(filter, entry)) continue;
    totalSize += size;
    databases.push(entry);
  }
  return ctx.body.nameOnly === true ? { databases, ok: 1 } : { databases, totalSize, totalSizeMb: Math.round(totalSize / 1048576), ok: 1 };
};

export const listCollections: CommandHandler = (ctx) => {
  const filter = isPlainObject(ctx.body.filter) ? compileFilter(ctx.body.filter) : undefined;
  const nameOnly = ctx.body.nameOnly === true;
  const out: Doc[] = [];
  for (const c of ctx.engine.catalog.collections(ctx.db)) {
    const entry: Doc = nameOnly
      ? { name: c.name, type: c.isView ? 'view' : 'collection' }
      : c.isView
        ? { name: c.name, type: 'view', options: c.options, info: { readOnly: true } }
        : { name: c.name, type: 'collection', options: c.options, info: { readOnly: false, uuid: c.uuid }, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } };
    if (filter && !matches(filter, entry)) continue;
    out.push(entry);
  }
  const ns = `${ctx.db}.$cmd.listCollections`;
  const batchSize = (ctx.body.cursor as Doc | undefined)?.batchSize;
  const { firstBatch, id } = ctx.engine.cursors.openCursor(ns, out, typeof batchSize === 'number' ? batchSize : 101);
  return { cursor: { id, ns, firstBatch }, ok: 1 };
};

const CREATE_OPTIONS = new Set(['capped', 'size', 'max', 'validator', 'validationLevel', 'validationAction', 'collation', 'storageEngine', 'indexOptionDefaults', 'timeseries', 'expireAfterSeconds', 'clusteredIndex', 'changeStreamPreAndPostImages', 'viewOn', 'pipeline', 'comment']);

export const create: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'create');
  const options: Doc = {};
  for (const [k, v] of Object.entries(ctx.body)) if (CREATE_OPTIONS.has(k) && k !== 'comment') options[k] = v;
  if (options.viewOn !== undefined) {
    if (typeof options.viewOn !== 'string' || options.viewOn === '') throw new CommandError(ErrorCode.BadValue, "'viewOn' must be a non-empty string");
    if (options.pipeline === undefined) options.pipeline = [];
    if (!Array.isArray(options.pipeline)) throw new CommandError(ErrorCode.TypeMismatch, "'pipeline' must be an array");
  }
  const existing = ctx.engine.catalog.get(ctx.db, name);
  if (existing) throw new CommandError(ErrorCode.NamespaceExists, `Collection ${ctx.db}.${name} already exists.`);
  ctx.engine.catalog.create(ctx.db, name, options);
  return { ok: 1 };
};

export const collMod: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'collMod');
  const coll = ctx.engine.catalog.get(ctx.db, name);
  if (!coll) throw new CommandError(ErrorCode.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
  const options = { ...coll.options };
  for (const k of ['validator', 'validationLevel', 'validationAction']) if (k in ctx.body) options[k] = ctx.body[k];
  ctx.engine.catalog.setOptions(coll, options);
  return { ok: 1 };
};

export const drop: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'drop');
  const dropped = ctx.engine.catalog.drop(ctx.db, name);
  // Since 7.0 dropping a missing collection is not an error.
  if (!dropped) return { ok: 1 };
  return { ns: `${ctx.db}.${name}`, nIndexesWas: dropped.indexes.size, ok: 1 };
};

export const dropDatabase: CommandHandler = (ctx) => {
  for (const c of ctx.engine.catalog.collections(ctx.db)) ctx.engine.catalog.drop(ctx.db, c.name);
  return { dropped: ctx.db, ok: 1 };
};

function splitNs(ns: unknown, field: string): { db: string; coll: string } {
  if (typeof ns !== 'string' || !ns.includes('.')) throw new CommandError(ErrorCode.InvalidNamespace, `Invalid ${field} namespace: ${String(ns)}`);
  const i = ns.indexOf('.');
  return { db: ns.slice(0, i), coll: ns.slice(i + 1) };
}

export const renameCollection: CommandHandler = (ctx) => {
  if (ctx.db !== 'admin') throw new CommandError(13, 'renameCollection may only be run against the admin database.');
  const from = splitNs(ctx.body.renameCollection, 'source');
  const to = splitNs(ctx.body.to, 'target');
  const { catalog } = ctx.engine;
  if (!catalog.get(from.db, from.coll)) throw new CommandError(ErrorCode.NamespaceNotFound, 'Source collection ' + `${from.db}.${from.coll}` + ' does not exist');
  if (catalog.get(to.db, to.coll)) {
    if (ctx.body.dropTarget !== true) throw new CommandError(ErrorCode.NamespaceExists, 'target namespace exists');
    catalog.drop(to.db, to.coll);
  }
  catalog.rename(from.db, from.coll, to.db, to.coll);
  return { ok: 1 };
};

export const collStats: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'collStats');
  const coll = ctx.engine.catalog.get(ctx.db, name);
  if (!coll) throw new CommandError(ErrorCode.NamespaceNotFound, `Collection [${ctx.db}.${name}] not found.`);
  const size = dataSize(coll);
  const indexSizes: Doc = {};
  for (const i of coll.indexes.values()) indexSizes[i.name] = i.entries.size * 32;
  return {
    ns: coll.ns,
    size,
    count: coll.docs.size,
    avgObjSize: coll.docs.size ? Math.round(size / coll.docs.size) : 0,
    storageSize: size,
    nindexes: coll.indexes.size,
    totalIndexSize: Object.values(indexSizes).reduce((a: number, b) => a + (b as number), 0),
    indexSizes,
    capped: false,
    ok: 1,
  };
};

export const dbStats: CommandHandler = (ctx) => {
  const colls = ctx.engine.catalog.collections(ctx.db);
  let objects = 0;
  let size = 0;
  let indexes = 0;
  for (const c of colls) {
    objects += c.docs.size;
    size += dataSize(c);
    indexes += c.indexes.size;
  }
  return { db: ctx.db, collections: colls.length, views: 0, objects, avgObjSize: objects ? size / objects : 0, dataSize: size, storageSize: size, indexes, indexSize: 0, totalSize: size, scaleFactor: 1, ok: 1 };
};
