// "Converting Returned Model Objects to Documents": driver result objects as the documents the
// test files describe (CRUD spec BulkWriteResult, UpdateResult…).
import type {
  BulkWriteResult,
  ClientBulkWriteResult,
  DeleteResult,
  InsertManyResult,
  InsertOneResult,
  UpdateResult,
} from 'mongodb';
import type { Doc } from './types.ts';

export function bulkWriteResultDocument(result: BulkWriteResult): Doc {
  return {
    insertedCount: result.insertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
    upsertedCount: result.upsertedCount,
    upsertedIds: { ...result.upsertedIds },
    insertedIds: { ...result.insertedIds },
  };
}

export function insertOneResultDocument(result: InsertOneResult): Doc {
  return { acknowledged: result.acknowledged, insertedId: result.insertedId };
}

export function insertManyResultDocument(result: InsertManyResult): Doc {
  return { acknowledged: result.acknowledged, insertedCount: result.insertedCount, insertedIds: { ...result.insertedIds } };
}

export function updateResultDocument(result: UpdateResult): Doc {
  const doc: Doc = {
    acknowledged: result.acknowledged,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    upsertedCount: result.upsertedCount,
  };
  // UpdateResult.upsertedId is optional in the CRUD spec: present only when a document was upserted.
  if (result.upsertedCount > 0) doc.upsertedId = result.upsertedId;
  return doc;
}

export function deleteResultDocument(result: DeleteResult): Doc {
  return { acknowledged: result.acknowledged, deletedCount: result.deletedCount };
}

export function mapToDocument(map: ReadonlyMap<number, unknown> | undefined): Doc | undefined {
  if (!map) return undefined;
  const doc: Doc = {};
  for (const [index, value] of map) doc[String(index)] = value;
  return doc;
}

export function clientBulkWriteResultDocument(result: ClientBulkWriteResult): Doc {
  const doc: Doc = {
    insertedCount: result.insertedCount,
    upsertedCount: result.upsertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
  };
  const inserts = mapToDocument(result.insertResults as ReadonlyMap<number, unknown> | undefined);
  const updates = mapToDocument(result.updateResults as ReadonlyMap<number, unknown> | undefined);
  const deletes = mapToDocument(result.deleteResults as ReadonlyMap<number, unknown> | undefined);
  if (inserts) doc.insertResults = inserts;
  if (updates) {
    // An update result's upsertedId is present only for an upsert.
    for (const [key, value] of Object.entries(updates)) {
      // The CRUD spec's UpdateResult: matchedCount, modifiedCount and, for an upsert, upsertedId
      // (the driver's own didUpsert flag is not part of it).
      const { didUpsert, upsertedId, ...entry } = value as Doc;
      updates[key] = didUpsert === true || (didUpsert === undefined && upsertedId !== undefined) ? { ...entry, upsertedId } : entry;
    }
    doc.updateResults = updates;
  }
  if (deletes) doc.deleteResults = deletes;
  return doc;
}
