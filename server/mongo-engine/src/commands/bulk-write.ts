// The client-level bulkWrite command (MongoDB 8.0): operations on several namespaces in one
// command, results returned through a cursor of per-operation replies.
import type { Doc } from '../bson/codec.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { isPlainObject } from '../bson/paths.ts';
import type { CommandHandler } from './context.ts';
import { evalOptions } from './common.ts';
import { deleteStatement, insertStatement, updateStatement } from './write-statements.ts';
import { writeError } from './write-support.ts';

export const bulkWrite: CommandHandler = (ctx) => {
  if (ctx.db !== 'admin') throw new CommandError(13, 'bulkWrite may only be run against the admin database.');
  const ops = ctx.body.ops;
  const nsInfo = ctx.body.nsInfo;
  if (!Array.isArray(ops) || !Array.isArray(nsInfo)) throw new CommandError(ErrorCode.FailedToParse, "BSON fields 'ops' and 'nsInfo' are required");
  const namespaces = nsInfo.map((info) => {
    const ns = isPlainObject(info) ? info.ns : undefined;
    if (typeof ns !== 'string' || !ns.includes('.')) throw new CommandError(ErrorCode.InvalidNamespace, `Invalid namespace: ${String(ns)}`);
    return { db: ns.slice(0, ns.indexOf('.')), coll: ns.slice(ns.indexOf('.') + 1) };
  });
  const ordered = ctx.body.ordered !== false;
  const errorsOnly = ctx.body.errorsOnly === true;
  const o = { ...evalOptions(ctx.body), work: ctx.work };
  const { catalog } = ctx.engine;
  const bypass = ctx.body.bypassDocumentValidation;
  const results: Doc[] = [];
  const totals = { nErrors: 0, nInserted: 0, nMatched: 0, nModified: 0, nUpserted: 0, nDeleted: 0 };
  for (let idx = 0; idx < ops.length; idx++) {
    const op = ops[idx] as Doc;
    try {
      const kind = ['insert', 'update', 'delete'].find((k) => k in op);
      const nsIndex = kind ? op[kind] : undefined;
      const ns = typeof nsIndex === 'number' ? namespaces[nsIndex] : undefined;
      if (!kind || !ns) throw new CommandError(ErrorCode.BadValue, `invalid bulkWrite operation #${idx}`);
      if (kind === 'insert') {
        insertStatement(catalog, ns.db, ns.coll, op.document, bypass);
        totals.nInserted++;
        if (!errorsOnly) results.push({ ok: 1, idx, n: 1 });
      } else if (kind === 'update') {
        const r = updateStatement(catalog, ns.db, ns.coll, { ...op, q: op.filter, u: op.updateMods }, o, bypass);
        const upserted = r.upsertedId !== undefined;
        totals.nMatched += upserted ? 0 : r.n;
        totals.nModified += r.nModified;
        if (upserted) totals.nUpserted++;
        if (!errorsOnly) results.push({ ok: 1, idx, n: r.n, nModified: r.nModified, ...(upserted ? { upserted: { _id: r.upsertedId } } : {}) });
      } else {
        const n = deleteStatement(catalog, ns.db, ns.coll, { q: op.filter, limit: op.multi === true ? 0 : 1, collation: op.collation }, o);
        totals.nDeleted += n;
        if (!errorsOnly) results.push({ ok: 1, idx, n });
      }
    } catch (err) {
      const e = writeError(idx, err);
      const { index: _index, ...rest } = e;
      totals.nErrors++;
      results.push({ ok: 0, idx, ...rest });
      if (ordered) break;
    }
  }
  const { firstBatch, id } = ctx.engine.cursors.openCursor('admin.$cmd.bulkWrite', results, Infinity);
  return { cursor: { id, firstBatch, ns: 'admin.$cmd.bulkWrite' }, ...totals, ok: 1 };
};
