// The parameters each CRUD operation accepts (CRUD spec), so that an argument the runner does
// not know raises an error instead of being silently ignored by the driver
// ("Executing an Operation": unsupported arguments MUST raise an error).
import { isDocument } from './bson-values.ts';
import type { Doc } from './types.ts';

const common = ['session', 'comment', 'timeoutMS', 'rawData'];
const read = [...common, 'readConcern', 'readPreference', 'maxTimeMS'];
const write = [...common, 'writeConcern'];
const findOptions = [
  ...read,
  'filter',
  'allowDiskUse',
  'allowPartialResults',
  'batchSize',
  'collation',
  'cursorType',
  'hint',
  'let',
  'limit',
  'max',
  'maxAwaitTimeMS',
  'maxScan',
  'min',
  'noCursorTimeout',
  'oplogReplay',
  'projection',
  'returnKey',
  'showRecordId',
  'skip',
  'snapshot',
  'sort',
  'timeoutMode',
];
const findAndModify = [...write, 'filter', 'collation', 'hint', 'maxTimeMS', 'projection', 'sort', 'let'];
const update = [...write, 'filter', 'bypassDocumentValidation', 'collation', 'hint', 'upsert', 'let'];
const count = [...read, 'filter', 'collation', 'hint', 'limit', 'skip'];

/** Collection operations of the CRUD spec and their parameters. */
const COLLECTION_OPERATION_ARGUMENTS: Record<string, readonly string[]> = {
  aggregate: [...read, 'writeConcern', 'pipeline', 'allowDiskUse', 'batchSize', 'bypassDocumentValidation', 'collation', 'hint', 'let', 'maxAwaitTimeMS'],
  bulkWrite: [...write, 'requests', 'ordered', 'bypassDocumentValidation', 'let'],
  countDocuments: count,
  count,
  estimatedDocumentCount: read,
  distinct: [...read, 'fieldName', 'filter', 'collation', 'hint'],
  find: findOptions,
  findOne: findOptions,
  createFindCursor: findOptions,
  findOneAndDelete: findAndModify,
  findOneAndReplace: [...findAndModify, 'replacement', 'bypassDocumentValidation', 'returnDocument', 'upsert'],
  findOneAndUpdate: [...findAndModify, 'update', 'arrayFilters', 'bypassDocumentValidation', 'returnDocument', 'upsert'],
  insertOne: [...write, 'document', 'bypassDocumentValidation'],
  insertMany: [...write, 'documents', 'ordered', 'bypassDocumentValidation'],
  replaceOne: [...update, 'replacement', 'sort'],
  updateOne: [...update, 'update', 'arrayFilters', 'sort'],
  updateMany: [...update, 'update', 'arrayFilters'],
  deleteOne: [...write, 'filter', 'collation', 'hint', 'let'],
  deleteMany: [...write, 'filter', 'collation', 'hint', 'let'],
};

/** Fields of the write models of bulkWrite (and, with `namespace`, clientBulkWrite). */
const WRITE_MODEL_FIELDS: Record<string, readonly string[]> = {
  insertOne: ['document'],
  updateOne: ['filter', 'update', 'arrayFilters', 'collation', 'hint', 'upsert', 'sort'],
  updateMany: ['filter', 'update', 'arrayFilters', 'collation', 'hint', 'upsert'],
  replaceOne: ['filter', 'replacement', 'collation', 'hint', 'upsert', 'sort'],
  deleteOne: ['filter', 'collation', 'hint'],
  deleteMany: ['filter', 'collation', 'hint'],
};

function checkKeys(what: string, given: Doc, allowed: readonly string[]): void {
  const unknown = Object.keys(given).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new Error(`unsupported argument(s) ${unknown.join(', ')} for ${what}`);
}

/** Throws when a CRUD collection operation (or one of its write models) has an argument it does not define. */
export function checkCollectionArguments(operation: string, args: Doc | undefined): void {
  const allowed = COLLECTION_OPERATION_ARGUMENTS[operation];
  if (!allowed || !args) return;
  checkKeys(operation, args, allowed);
  if (operation === 'bulkWrite' && Array.isArray(args.requests)) {
    for (const request of args.requests) checkWriteModel('bulkWrite', request, false);
  }
}

/** Throws when a clientBulkWrite model has a field the CRUD spec does not define. */
export function checkClientBulkWriteModels(models: unknown): void {
  if (!Array.isArray(models)) return;
  for (const model of models) checkWriteModel('clientBulkWrite', model, true);
}

function checkWriteModel(operation: string, model: unknown, withNamespace: boolean): void {
  if (!isDocument(model)) return;
  for (const [kind, body] of Object.entries(model)) {
    const fields = WRITE_MODEL_FIELDS[kind];
    if (!fields || !isDocument(body)) continue; // reported by the operation itself
    checkKeys(`${operation} ${kind}`, body, withNamespace ? [...fields, 'namespace'] : fields);
  }
}
