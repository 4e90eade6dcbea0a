// insert: documents stored one by one; ordered batches stop at the first error.
import type { Doc } from '../bson.ts';
import type { CommandHandler } from './context.ts';
import { collectionArg } from './common.ts';
import { batchArg, checkValidator, prepareInsert, withWriteErrors, writeError, type WriteError } from './write-support.ts';

export const insert: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'insert');
  const documents = batchArg(ctx.body, 'documents');
  const ordered = ctx.body.ordered !== false;
  const { catalog } = ctx.engine;
  const coll = catalog.ensure(ctx.db, name);
  const errors: WriteError[] = [];
  let n = 0;
  for (let i = 0; i < documents.length; i++) {
    try {
      const doc = prepareInsert(documents[i]);
      checkValidator(coll, doc, ctx.body.bypassDocumentValidation);
      catalog.insert(coll, doc);
      n++;
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return withWriteErrors({ n } as Doc, errors);
};
