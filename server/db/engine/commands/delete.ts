// delete: each statement removes the first (limit 1) or every (limit 0) matching document.
import type { Doc } from '../bson.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import type { CommandHandler } from './context.ts';
import { collectionArg, evalOptions, readMatching } from './common.ts';
import { batchArg, withWriteErrors, writeError, type WriteError } from './write-support.ts';

export const remove: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'delete');
  const deletes = batchArg(ctx.body, 'deletes');
  const ordered = ctx.body.ordered !== false;
  const { catalog } = ctx.engine;
  const coll = catalog.get(ctx.db, name);
  const errors: WriteError[] = [];
  let n = 0;
  for (let i = 0; i < deletes.length; i++) {
    try {
      const d = deletes[i];
      if (d.limit !== 0 && d.limit !== 1) throw new CommandError(ErrorCode.FailedToParse, 'The limit field in delete objects must be 0 or 1. Got ' + String(d.limit));
      if (d.q === undefined || d.q === null || typeof d.q !== 'object') throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'delete.deletes.q' is missing but a required field");
      const found = readMatching(coll, d.q as Doc, { ...evalOptions({ collation: d.collation, let: ctx.body.let }), limit: d.limit === 1 ? 1 : 0 });
      for (const doc of found) if (catalog.remove(coll!, doc._id)) n++;
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return withWriteErrors({ n } as Doc, errors);
};
