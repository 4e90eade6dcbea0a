// findAndModify: one document removed, updated or upserted, returned before or after.
import type { Doc } from '../bson/codec.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { applyUpdate, upsertDocument, validateUpdate } from '../query/update.ts';
import { project } from '../query/evaluate.ts';
import type { CommandHandler } from './context.ts';
import { collectionArg, evalOptions, optionalDoc, readMatching } from './common.ts';
import { checkStorable, checkValidator } from './write-support.ts';
import { writable } from './write-statements.ts';

export const findAndModify: CommandHandler = (ctx) => {
  const body = ctx.body;
  const name = collectionArg(ctx, Object.keys(body)[0]);
  const query = optionalDoc(body, 'query') ?? {};
  const fields = optionalDoc(body, 'fields');
  const remove = body.remove === true;
  const hasUpdate = body.update !== undefined && body.update !== null;
  if (remove && hasUpdate) throw new CommandError(ErrorCode.FailedToParse, 'Cannot specify both an update and remove=true');
  if (!remove && !hasUpdate) throw new CommandError(ErrorCode.FailedToParse, 'Either an update or remove=true must be specified');
  if (remove && body.upsert === true) throw new CommandError(ErrorCode.FailedToParse, 'Cannot specify both upsert=true and remove=true');
  if (remove && body.new === true) throw new CommandError(ErrorCode.FailedToParse, 'Cannot specify both new=true and remove=true; \'remove\' always returns the deleted document');
  const o = { ...evalOptions(body), filter: query, arrayFilters: body.arrayFilters as Doc[] | undefined, work: ctx.work };
  const { catalog } = ctx.engine;
  const coll = writable(catalog, ctx.db, name, false);
  const [found] = readMatching(coll, query, { ...o, sort: body.sort, limit: 1 });
  const shape = (doc: Doc | null): Doc | null => (doc && fields ? (project([doc], fields, query, o)[0] ?? null) : doc);

  if (remove) {
    if (!found || !coll) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    catalog.remove(coll, found._id);
    return { lastErrorObject: { n: 1 }, value: shape(found), ok: 1 };
  }
  const u = validateUpdate(body.update);
  if (found && coll) {
    const next = applyUpdate(found, u, o);
    if (next) {
      checkStorable(next);
      checkValidator(coll, next, body.bypassDocumentValidation);
      catalog.replace(coll, next);
    }
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(body.new === true ? (next ?? found) : found), ok: 1 };
  }
  if (body.upsert === true) {
    const target = writable(catalog, ctx.db, name)!;
    const doc = upsertDocument(query, u, o);
    checkStorable(doc);
    checkValidator(target, doc, body.bypassDocumentValidation);
    catalog.insert(target, doc);
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: body.new === true ? shape(doc) : null, ok: 1 };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
};
