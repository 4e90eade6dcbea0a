// What insert, update, delete and findAndModify share: document checks before storing,
// collection validators, and the writeErrors entries mongod reports.
import type { Doc } from '../bson/codec.ts';
import { ObjectId } from '../bson/codec.ts';
import type { Collection } from '../collection.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { compileFilter, matches } from '../query/evaluate.ts';
import { typeRank } from '../bson/order.ts';

/** The document as stored: an _id (generated when absent) as first field. */
export function prepareInsert(doc: unknown): Doc {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new CommandError(ErrorCode.TypeMismatch, 'documents to insert must be objects');
  }
  let d = doc as Doc;
  if (d._id === undefined) d = { _id: new ObjectId(), ...d };
  else if (Object.keys(d)[0] !== '_id') {
    const { _id, ...rest } = d;
    d = { _id, ...rest };
  }
  checkStorable(d);
  return d;
}

export function checkStorable(d: Doc): void {
  const rank = typeRank(d._id);
  if (rank === 6) throw new CommandError(ErrorCode.InvalidIdField, `The '_id' value cannot be of type array`);
  if (rank === 12) throw new CommandError(ErrorCode.InvalidIdField, `The '_id' value cannot be of type regex`);
  if (d._id === undefined) throw new CommandError(ErrorCode.InvalidIdField, `The '_id' value cannot be undefined`);
  if (rank === 5) {
    const dollar = Object.keys(d._id as Doc).find((k) => k.startsWith('$'));
    if (dollar) throw new CommandError(ErrorCode.DollarPrefixedFieldName, `_id fields may not contain '$'-prefixed fields: ${dollar} is not valid for storage.`);
  }
  // Its size is checked as the catalog encodes it, before anything changes (Catalog.insert).
}

/** Enforces the collection's validator unless bypassed or switched off. */
export function checkValidator(coll: Collection, doc: Doc, bypass: unknown): void {
  const validator = coll.options.validator as Doc | undefined;
  if (!validator || bypass === true || coll.options.validationLevel === 'off') return;
  if (Object.keys(validator).length === 0) return;
  if (matches(compileFilter(validator), doc)) return;
  if (coll.options.validationAction === 'warn') return;
  throw new CommandError(ErrorCode.DocumentValidationFailure, 'Document failed validation', {
    errInfo: { failingDocumentId: doc._id, details: { operatorName: '$and', schemaRulesNotSatisfied: [] } },
  });
}

export interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [extra: string]: unknown;
}

export function writeError(index: number, err: unknown): WriteError {
  if (err instanceof CommandError) return { index, code: err.code, errmsg: err.message, ...err.extra };
  return { index, code: ErrorCode.InternalError, errmsg: err instanceof Error ? err.message : String(err) };
}

export function withWriteErrors(reply: Doc, errors: WriteError[]): Doc {
  if (errors.length > 0) reply.writeErrors = errors;
  reply.ok = 1;
  return reply;
}

/** An array argument of a write command (documents, updates, deletes). */
export function batchArg(body: Doc, field: string): Doc[] {
  const v = body[field];
  if (!Array.isArray(v)) throw new CommandError(ErrorCode.TypeMismatch, `BSON field '${field}' is missing or not an array`);
  if (v.length === 0) throw new CommandError(ErrorCode.InvalidLength, `Write batch sizes must be between 1 and 100000. Got 0 operations.`);
  return v as Doc[];
}
