// find, getMore, killCursors.
import type { Doc } from '../bson/codec.ts';
import { Long } from '../bson/codec.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { project } from '../query/evaluate.ts';
import type { CommandHandler } from './context.ts';
import { collectionArg, evalOptions, optionalDoc, optionalNumber, readMatchingYielding, readSource } from './common.ts';

const DEFAULT_FIRST_BATCH = 101;

export const find: CommandHandler = async (ctx) => {
  const name = collectionArg(ctx, 'find');
  const body = ctx.body;
  const filter = optionalDoc(body, 'filter');
  const projection = optionalDoc(body, 'projection');
  let limit = optionalNumber(body, 'limit') ?? 0;
  const skip = optionalNumber(body, 'skip') ?? 0;
  const batchSize = optionalNumber(body, 'batchSize');
  let singleBatch = body.singleBatch === true;
  if (skip < 0) throw new CommandError(ErrorCode.BadValue, "BSON field 'skip' value must be >= 0, actual value '" + skip + "'");
  if (batchSize !== undefined && batchSize < 0) throw new CommandError(ErrorCode.BadValue, "BSON field 'batchSize' value must be >= 0, actual value '" + batchSize + "'");
  if (limit < 0) {
    // A negative limit is the legacy "single batch of |limit|".
    limit = -limit;
    singleBatch = true;
  }
  const o = evalOptions(body);
  const coll = readSource(ctx.engine.catalog, ctx.db, name);
  const matching = await readMatchingYielding(coll, filter, { ...o, sort: optionalDoc(body, 'sort'), skip, limit, work: ctx.work });
  const docs = ctx.work.run(() => project(matching, projection, filter, o), true);
  const firstSize = batchSize ?? (limit > 0 ? Math.min(limit, DEFAULT_FIRST_BATCH) : DEFAULT_FIRST_BATCH);
  const ns = `${ctx.db}.${name}`;
  const { firstBatch, id } = ctx.engine.cursors.openCursor(ns, docs, firstSize === 0 && singleBatch ? Infinity : firstSize, singleBatch);
  return { cursor: { firstBatch, id, ns }, ok: 1 };
};

export const getMore: CommandHandler = (ctx) => {
  const id = ctx.body.getMore;
  if (typeof id !== 'number' && !(id instanceof Long)) throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'getMore.getMore' is the wrong type, expected type 'long'");
  const collection = ctx.body.collection;
  if (typeof collection !== 'string') throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'getMore.collection' is missing but a required field");
  const cursor = ctx.engine.cursors.get(id);
  if (!cursor) throw new CommandError(ErrorCode.CursorNotFound, `cursor id ${String(id)} not found`);
  if (cursor.ns !== `${ctx.db}.${collection}`) {
    throw new CommandError(13, `Requested getMore on namespace '${ctx.db}.${collection}', but cursor belongs to a different namespace ${cursor.ns}`);
  }
  const batchSize = optionalNumber(ctx.body, 'batchSize') || Infinity;
  const next = ctx.engine.cursors.next(id, batchSize)!;
  return { cursor: { nextBatch: next.nextBatch, id: next.id, ns: next.ns }, ok: 1 };
};

export const killCursors: CommandHandler = (ctx) => {
  collectionArg(ctx, 'killCursors');
  const ids = ctx.body.cursors;
  if (!Array.isArray(ids)) throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'killCursors.cursors' is missing but a required field");
  const killed: unknown[] = [];
  const notFound: unknown[] = [];
  for (const id of ids) (ctx.engine.cursors.kill(id) ? killed : notFound).push(id);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 } as Doc;
};
