// update: each statement updates the first (multi false, optionally after `sort`) or every
// matching document, or upserts one when nothing matched.
import type { Doc } from '../bson.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { isPlainObject } from '../index/key-paths.ts';
import { applyUpdate, isOperatorUpdate, isPipeline, upsertDocument, validateUpdate } from '../query/update.ts';
import type { CommandHandler } from './context.ts';
import { collectionArg, evalOptions, readMatching } from './common.ts';
import { batchArg, checkStorable, checkValidator, withWriteErrors, writeError, type WriteError } from './write-support.ts';

export const update: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'update');
  const updates = batchArg(ctx.body, 'updates');
  const ordered = ctx.body.ordered !== false;
  const { catalog } = ctx.engine;
  const errors: WriteError[] = [];
  const upserted: Doc[] = [];
  let n = 0;
  let nModified = 0;
  for (let i = 0; i < updates.length; i++) {
    try {
      const s = updates[i];
      if (!isPlainObject(s.q)) throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'update.updates.q' is the wrong type, expected type 'object'");
      const u = validateUpdate(s.u);
      const multi = s.multi === true;
      if (multi && !isPipeline(u) && !isOperatorUpdate(u)) {
        throw new CommandError(ErrorCode.FailedToParse, 'multi update is not supported for replacement-style update');
      }
      if (s.arrayFilters !== undefined && !Array.isArray(s.arrayFilters)) throw new CommandError(ErrorCode.TypeMismatch, 'arrayFilters must be an array');
      const o = { ...evalOptions({ collation: s.collation, let: ctx.body.let }), filter: s.q, arrayFilters: s.arrayFilters as Doc[] | undefined };
      const coll = catalog.get(ctx.db, name);
      const found = readMatching(coll, s.q, { ...o, sort: multi ? undefined : s.sort, limit: multi ? 0 : 1 });
      if (found.length > 0 && coll) {
        n += found.length;
        for (const doc of found) {
          const next = applyUpdate(doc, u, o);
          if (!next) continue;
          checkStorable(next);
          checkValidator(coll, next, ctx.body.bypassDocumentValidation);
          catalog.replace(coll, next);
          nModified++;
        }
      } else if (s.upsert === true) {
        const target = catalog.ensure(ctx.db, name);
        const doc = upsertDocument(s.q, u, o);
        checkStorable(doc);
        checkValidator(target, doc, ctx.body.bypassDocumentValidation);
        catalog.insert(target, doc);
        n++;
        upserted.push({ index: i, _id: doc._id });
      }
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  const reply: Doc = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  return withWriteErrors(reply, errors);
};
