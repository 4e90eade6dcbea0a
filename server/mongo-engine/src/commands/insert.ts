// insert: documents stored one by one; ordered batches stop at the first error.
import type { Doc } from '../bson/codec.ts';
import type { CommandHandler } from './context.ts';
import { collectionArg } from './common.ts';
import { insertStatement, writable } from './write-statements.ts';
import { batchArg, withWriteErrors, writeError, type WriteError } from './write-support.ts';

export const insert: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'insert');
  const documents = batchArg(ctx.body, 'documents');
  const ordered = ctx.body.ordered !== false;
  writable(ctx.engine.catalog, ctx.db, name);
  const errors: WriteError[] = [];
  let n = 0;
  for (let i = 0; i < documents.length; i++) {
    try {
      insertStatement(ctx.engine.catalog, ctx.db, name, documents[i], ctx.body.bypassDocumentValidation);
      n++;
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return withWriteErrors({ n } as Doc, errors);
};
