// update: each statement updates the first (multi false, optionally after `sort`) or every
// matching document, or upserts one when nothing matched.
import type { Doc } from '../bson/codec.ts';
import type { CommandHandler } from './context.ts';
import { collectionArg, evalOptions } from './common.ts';
import { updateStatement, writable, type UpdateStatement } from './write-statements.ts';
import { batchArg, withWriteErrors, writeError, type WriteError } from './write-support.ts';

export const update: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'update');
  const updates = batchArg(ctx.body, 'updates');
  const ordered = ctx.body.ordered !== false;
  writable(ctx.engine.catalog, ctx.db, name, false);
  const o = { ...evalOptions(ctx.body), work: ctx.work };
  const errors: WriteError[] = [];
  const upserted: Doc[] = [];
  let n = 0;
  let nModified = 0;
  for (let i = 0; i < updates.length; i++) {
    try {
      const r = updateStatement(ctx.engine.catalog, ctx.db, name, updates[i] as unknown as UpdateStatement, o, ctx.body.bypassDocumentValidation);
      n += r.n;
      nModified += r.nModified;
      if (r.upsertedId !== undefined) upserted.push({ index: i, _id: r.upsertedId });
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  const reply: Doc = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  return withWriteErrors(reply, errors);
};
