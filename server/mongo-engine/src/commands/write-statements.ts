// One insert, update or delete statement, as the insert/update/delete commands and the
// client-level bulkWrite command all execute them.
import type { Doc } from '../bson/codec.ts';
import type { Catalog } from '../catalog.ts';
import type { Collection } from '../collection.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { isPlainObject } from '../bson/paths.ts';
import { applyUpdate, isOperatorUpdate, isPipeline, upsertDocument, validateUpdate } from '../query/update.ts';
import { readMatching, type ReadOptions } from './common.ts';
import { checkStorable, checkValidator, prepareInsert } from './write-support.ts';

/** The collection a write goes to, created on first write; views refuse writes. */
export function writable(catalog: Catalog, db: string, name: string, create = true): Collection | undefined {
  const coll = catalog.get(db, name);
  if (coll?.isView) throw new CommandError(166, `Namespace ${db}.${name} is a view, not a collection`);
  if (coll || !create) return coll;
  return catalog.create(db, name);
}

export function insertStatement(catalog: Catalog, db: string, name: string, raw: unknown, bypass: unknown): void {
  const doc = prepareInsert(raw);
  const coll = writable(catalog, db, name)!;
  checkValidator(coll, doc, bypass);
  catalog.insert(coll, doc);
}

export interface UpdateStatement {
  q: unknown;
  u: unknown;
  upsert?: unknown;
  multi?: unknown;
  arrayFilters?: unknown;
  collation?: unknown;
  sort?: unknown;
}

export interface UpdateOutcome {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

export function updateStatement(catalog: Catalog, db: string, name: string, s: UpdateStatement, o: ReadOptions, bypass: unknown): UpdateOutcome {
  if (!isPlainObject(s.q)) throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'update.updates.q' is the wrong type, expected type 'object'");
  const u = validateUpdate(s.u);
  const multi = s.multi === true;
  if (multi && !isPipeline(u) && !isOperatorUpdate(u)) {
    throw new CommandError(ErrorCode.FailedToParse, 'multi update is not supported for replacement-style update');
  }
  if (s.arrayFilters !== undefined && s.arrayFilters !== null && !Array.isArray(s.arrayFilters)) {
    throw new CommandError(ErrorCode.TypeMismatch, 'arrayFilters must be an array');
  }
  const opts = {
    ...o,
    collation: isPlainObject(s.collation) ? s.collation : o.collation,
    filter: s.q,
    arrayFilters: (s.arrayFilters ?? undefined) as Doc[] | undefined,
  };
  const coll = writable(catalog, db, name, false);
  const found = readMatching(coll, s.q, { ...opts, sort: multi ? undefined : s.sort, limit: multi ? 0 : 1 });
  if (found.length > 0 && coll) {
    let nModified = 0;
    for (const doc of found) {
      const next = applyUpdate(doc, u, opts);
      if (!next) continue;
      checkStorable(next);
      checkValidator(coll, next, bypass);
      catalog.replace(coll, next);
      nModified++;
    }
    return { n: found.length, nModified };
  }
  if (s.upsert !== true) return { n: 0, nModified: 0 };
  const doc = upsertDocument(s.q, u, opts);
  checkStorable(doc);
  const target = writable(catalog, db, name)!;
  checkValidator(target, doc, bypass);
  catalog.insert(target, doc);
  return { n: 1, nModified: 0, upsertedId: doc._id };
}

export interface DeleteStatement {
  q: unknown;
  limit: unknown;
  collation?: unknown;
}

export function deleteStatement(catalog: Catalog, db: string, name: string, d: DeleteStatement, o: ReadOptions): number {
  if (d.limit !== 0 && d.limit !== 1) throw new CommandError(ErrorCode.FailedToParse, 'The limit field in delete objects must be 0 or 1. Got ' + String(d.limit));
  if (!isPlainObject(d.q)) throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'delete.deletes.q' is missing but a required field");
  const coll = writable(catalog, db, name, false);
  const opts = { ...o, collation: isPlainObject(d.collation) ? d.collation : o.collation };
  let n = 0;
  for (const doc of readMatching(coll, d.q, { ...opts, limit: d.limit === 1 ? 1 : 0 })) if (catalog.remove(coll!, doc._id)) n++;
  return n;
}
