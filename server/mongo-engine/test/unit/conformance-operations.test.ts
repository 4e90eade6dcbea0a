import { EJSON, Int32 } from 'bson';
import { ReadPreference as DriverReadPreference, type ClientBulkWriteResult } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { checkClientBulkWriteModels, checkCollectionArguments } from '../../conformance/operation-arguments.ts';
import { prepareArguments } from '../../conformance/options.ts';
import { clientBulkWriteResultDocument, updateResultDocument } from '../../conformance/results.ts';

const x = (json: string): Record<string, unknown> => EJSON.parse(json, { relaxed: false }) as Record<string, unknown>;

describe('conformance operation arguments', () => {
  it('keeps BSON types in what goes to the server, and makes driver options native', () => {
    const session = { name: 'session0' };
    const args = prepareArguments(
      x('{"filter": {"x": 1}, "limit": 2, "batchSize": 3, "sort": {"x": -1}, "session": "session0", "readPreference": {"mode": "secondaryPreferred"}, "writeConcern": {"w": 1}}'),
      (name) => (name === 'session0' ? session : undefined),
    );
    expect((args.filter as Record<string, unknown>).x).toBeInstanceOf(Int32);
    expect(args.limit).toBe(2);
    expect(args.batchSize).toBe(3);
    expect(args.sort).toEqual({ x: -1 });
    expect(args.session).toBe(session);
    expect(args.readPreference).toBeInstanceOf(DriverReadPreference);
    expect((args.readPreference as DriverReadPreference).mode).toBe('secondaryPreferred');
    expect(args.writeConcern).toEqual({ w: 1 });
  });

  it('rejects an argument a CRUD operation or a write model does not define', () => {
    expect(() => checkCollectionArguments('find', x('{"filter": {}, "limit": 1, "comment": "c"}'))).not.toThrow();
    expect(() => checkCollectionArguments('find', x('{"filter": {}, "limt": 1}'))).toThrow(/unsupported argument\(s\) limt for find/);
    expect(() => checkCollectionArguments('bulkWrite', x('{"requests": [{"insertOne": {"document": {}, "upsert": true}}]}'))).toThrow(
      /upsert for bulkWrite insertOne/,
    );
    expect(() => checkClientBulkWriteModels(x('{"m": [{"deleteOne": {"namespace": "db.c", "filter": {}}}]}').m)).not.toThrow();
    expect(() => checkClientBulkWriteModels(x('{"m": [{"deleteOne": {"filter": {}, "sort": {}}}]}').m)).toThrow(/sort/);
    expect(() => checkCollectionArguments('createIndex', x('{"keys": {"x": 1}, "anything": 1}'))).not.toThrow();
  });
});

describe('conformance result documents', () => {
  it('omits upsertedId unless a document was upserted', () => {
    const base = { acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null };
    expect(updateResultDocument(base)).not.toHaveProperty('upsertedId');
    expect(updateResultDocument({ ...base, matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: null })).toHaveProperty(
      'upsertedId',
      null,
    );
  });

  it('turns client bulk write maps into documents keyed by index, in the CRUD spec shape', () => {
    const result = {
      acknowledged: true,
      insertedCount: 1,
      upsertedCount: 1,
      matchedCount: 1,
      modifiedCount: 1,
      deletedCount: 0,
      insertResults: new Map([[0, { insertedId: 1 }]]),
      updateResults: new Map([
        [1, { matchedCount: 1, modifiedCount: 1, didUpsert: false }],
        [2, { matchedCount: 0, modifiedCount: 0, didUpsert: true, upsertedId: 5 }],
      ]),
      deleteResults: new Map(),
    } as unknown as ClientBulkWriteResult;
    expect(clientBulkWriteResultDocument(result)).toEqual({
      insertedCount: 1,
      upsertedCount: 1,
      matchedCount: 1,
      modifiedCount: 1,
      deletedCount: 0,
      insertResults: { 0: { insertedId: 1 } },
      updateResults: { 1: { matchedCount: 1, modifiedCount: 1 }, 2: { matchedCount: 0, modifiedCount: 0, upsertedId: 5 } },
      deleteResults: {},
    });
  });
});
