// delete: each statement removes the first (limit 1) or every (limit 0) matching document.
import type { Doc } from '../bson/codec.ts';
import type { CommandHandler } from './context.ts';
import { collectionArg, evalOptions } from './common.ts';
import { deleteStatement, writable, type DeleteStatement } from './write-statements.ts';
import { batchArg, withWriteErrors, writeError, type WriteError } from './write-support.ts';

export const remove: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'delete');
  const deletes = batchArg(ctx.body, 'deletes');
  const ordered = ctx.body.ordered !== false;
  writable(ctx.engine.catalog, ctx.db, name, false);
  const o = { ...evalOptions(ctx.body), work: ctx.work };
  const errors: WriteError[] = [];
  let n = 0;
  for (let i = 0; i < deletes.length; i++) {
    try {
      n += deleteStatement(ctx.engine.catalog, ctx.db, name, deletes[i] as unknown as DeleteStatement, o);
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return withWriteErrors({ n } as Doc, errors);
};
