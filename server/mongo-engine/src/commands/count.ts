// count and distinct.
import type { Doc } from '../bson/codec.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { pathValues } from '../bson/paths.ts';
import { canonicalKey } from '../bson/order.ts';
import { folder, foldValue } from '../query/collation.ts';
import type { CommandHandler } from './context.ts';
import { collectionArg, evalOptions, optionalDoc, optionalNumber, readMatchingYielding, readSource } from './common.ts';

export const count: CommandHandler = async (ctx) => {
  const name = collectionArg(ctx, 'count');
  const query = optionalDoc(ctx.body, 'query');
  const skip = optionalNumber(ctx.body, 'skip') ?? 0;
  const limit = Math.abs(optionalNumber(ctx.body, 'limit') ?? 0);
  if (skip < 0) throw new CommandError(ErrorCode.BadValue, 'skip value is negative in count query');
  const stored = ctx.engine.catalog.get(ctx.db, name);
  const coll = readSource(ctx.engine.catalog, ctx.db, name);
  if ((!query || Object.keys(query).length === 0) && !stored?.isView) {
    const total = stored?.docs.size ?? 0;
    const n = Math.max(0, total - skip);
    return { n: limit > 0 ? Math.min(n, limit) : n, ok: 1 };
  }
  return { n: (await readMatchingYielding(coll, query, { ...evalOptions(ctx.body), skip, limit, work: ctx.work })).length, ok: 1 };
};

export const distinct: CommandHandler = async (ctx) => {
  const name = collectionArg(ctx, 'distinct');
  const key = ctx.body.key;
  if (typeof key !== 'string') throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'distinct.key' is missing or not a string");
  const coll = readSource(ctx.engine.catalog, ctx.db, name);
  const o = evalOptions(ctx.body);
  const docs = await readMatchingYielding(coll, optionalDoc(ctx.body, 'query'), { ...o, work: ctx.work });
  const fold = folder(o.collation);
  const seen = new Set<string>();
  const values: unknown[] = [];
  for (const doc of docs) {
    for (const v of pathValues(doc, key)) {
      for (const x of Array.isArray(v) ? v : [v]) {
        if (x === undefined) continue;
        const k = canonicalKey(fold ? foldValue(x, fold) : x);
        if (seen.has(k)) continue;
        seen.add(k);
        values.push(x);
      }
    }
  }
  return { values, ok: 1 } as Doc;
};
