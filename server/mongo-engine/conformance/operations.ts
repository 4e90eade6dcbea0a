// Entity test operations: one driver call per unified-format operation name, by entity kind.
import type {
  AbstractCursor,
  AnyBulkWriteOperation,
  AnyClientBulkWriteModel,
  ClientSession,
  Collection,
  Db,
  Filter,
  IndexSpecification,
  UpdateFilter,
} from 'mongodb';
import { isDocument } from './bson-values.ts';
import { checkClientBulkWriteModels, checkCollectionArguments } from './operation-arguments.ts';
import type { ClientEntity, Entity, EntityMap } from './entities.ts';
import { prepareArguments } from './options.ts';
import {
  bulkWriteResultDocument,
  clientBulkWriteResultDocument,
  deleteResultDocument,
  insertManyResultDocument,
  insertOneResultDocument,
  updateResultDocument,
} from './results.ts';
import type { Doc, OperationDescription } from './types.ts';

/** What an operation produced. */
export interface OperationOutcome {
  /** The result as a document/value to match (undefined for a method returning nothing). */
  value: unknown;
  /** The result is an iterable of root-level documents (find, aggregate, listCollections…). */
  rootArray?: boolean;
  /** A driver object to store with saveResultAsEntity (cursors). */
  entity?: Entity;
}

export interface OperationContext {
  entities: EntityMap;
  /** Runs a nested operation with its own assertions (withTransaction callbacks). */
  runNested(operation: OperationDescription): Promise<void>;
  /** Records a remark printed with the test's verdict. */
  note(text: string): void;
}

type Handler<T> = (target: T, args: Doc, ctx: OperationContext) => Promise<OperationOutcome>;

const value = (v: unknown): OperationOutcome => ({ value: v });
const documents = (v: unknown[]): OperationOutcome => ({ value: v, rootArray: true });
const nothing: OperationOutcome = { value: undefined };

/** Splits named positional arguments from the options the driver takes in an object. */
function take<K extends string>(args: Doc, ...names: K[]): [Record<K, unknown>, Doc] {
  const picked = {} as Record<K, unknown>;
  const rest: Doc = { ...args };
  for (const name of names) {
    picked[name] = rest[name];
    delete rest[name];
  }
  return [picked, rest];
}

function returnDocumentOption(options: Doc): Doc {
  if (options.returnDocument === undefined) return options;
  const mode = String(options.returnDocument).toLowerCase();
  if (mode !== 'before' && mode !== 'after') throw new Error(`returnDocument must be Before or After, got ${String(options.returnDocument)}`);
  return { ...options, returnDocument: mode };
}

function cursorTypeOption(options: Doc): Doc {
  const { cursorType, ...rest } = options;
  if (cursorType === undefined || cursorType === 'nonTailable') return rest;
  if (cursorType === 'tailable') return { ...rest, tailable: true };
  if (cursorType === 'tailableAwait') return { ...rest, tailable: true, awaitData: true };
  throw new Error(`unknown cursorType ${String(cursorType)}`);
}

/** One write model of bulkWrite / clientBulkWrite: `{ insertOne: { … } }`. */
function modelParts(model: unknown): [string, Doc] {
  if (!isDocument(model)) throw new Error('a write model must be a document');
  const keys = Object.keys(model);
  if (keys.length !== 1 || !isDocument(model[keys[0]])) throw new Error(`a write model needs exactly one kind, got ${keys.join(', ')}`);
  return [keys[0], prepareArguments(model[keys[0]] as Doc, () => undefined)];
}

const WRITE_MODELS = new Set(['insertOne', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany']);

function bulkWriteRequests(requests: unknown): AnyBulkWriteOperation<Doc>[] {
  if (!Array.isArray(requests)) throw new Error('bulkWrite needs a requests array');
  return requests.map((request) => {
    const [kind, body] = modelParts(request);
    if (!WRITE_MODELS.has(kind)) throw new Error(`unknown bulkWrite request ${kind}`);
    return { [kind]: body } as unknown as AnyBulkWriteOperation<Doc>;
  });
}

function clientBulkWriteModels(models: unknown): AnyClientBulkWriteModel<Doc>[] {
  if (!Array.isArray(models)) throw new Error('clientBulkWrite needs a models array');
  return models.map((model) => {
    const [kind, body] = modelParts(model);
    if (!WRITE_MODELS.has(kind)) throw new Error(`unknown clientBulkWrite model ${kind}`);
    return { name: kind, ...body } as unknown as AnyClientBulkWriteModel<Doc>;
  });
}

/**
 * The Node driver replaces a null `_id` with a new ObjectId unless forceServerObjectId is set;
 * the CRUD spec (create-null-ids.json) requires a driver to send `_id: null` as given, so that
 * the server stores it. With such a document, the insert is made with forceServerObjectId.
 */
function keepNullIds(documents: unknown[], options: Doc, ctx: OperationContext): Doc {
  const hasNullId = documents.some((doc) => isDocument(doc) && Object.hasOwn(doc, '_id') && doc._id === null);
  if (!hasNullId) return options;
  ctx.note('null _id sent as given (forceServerObjectId: the Node driver would replace it with an ObjectId)');
  return { forceServerObjectId: true, ...options };
}

async function openCursor(cursor: AbstractCursor<unknown>): Promise<OperationOutcome> {
  // Make the driver send the initial command now; the buffered first batch is not consumed.
  await cursor.hasNext();
  return { value: undefined, entity: { kind: 'cursor', cursor } };
}

const collectionOperations: Record<string, Handler<Collection<Doc>>> = {
  async aggregate(c, args) {
    const [{ pipeline }, options] = take(args, 'pipeline');
    return documents(await c.aggregate(pipeline as Doc[], options).toArray());
  },
  async bulkWrite(c, args, ctx) {
    const [{ requests }, options] = take(args, 'requests');
    const models = bulkWriteRequests(requests);
    const inserted = models.flatMap((model) => ('insertOne' in model ? [model.insertOne.document] : []));
    return value(bulkWriteResultDocument(await c.bulkWrite(models, keepNullIds(inserted, options, ctx))));
  },
  async countDocuments(c, args) {
    const [{ filter }, options] = take(args, 'filter');
    return value(await c.countDocuments(filter as Filter<Doc>, options));
  },
  async count(c, args) {
    const [{ filter }, options] = take(args, 'filter');
    return value(await c.count((filter ?? {}) as Filter<Doc>, options));
  },
  async estimatedDocumentCount(c, args) {
    return value(await c.estimatedDocumentCount(args));
  },
  async distinct(c, args) {
    const [{ fieldName, filter }, options] = take(args, 'fieldName', 'filter');
    return value(await c.distinct(String(fieldName), (filter ?? {}) as Filter<Doc>, options));
  },
  async find(c, args) {
    const [{ filter }, options] = take(args, 'filter');
    return documents(await c.find((filter ?? {}) as Filter<Doc>, cursorTypeOption(options)).toArray());
  },
  async findOne(c, args) {
    const [{ filter }, options] = take(args, 'filter');
    return value(await c.findOne((filter ?? {}) as Filter<Doc>, options));
  },
  async createFindCursor(c, args) {
    const [{ filter }, options] = take(args, 'filter');
    return openCursor(c.find((filter ?? {}) as Filter<Doc>, cursorTypeOption(options)) as AbstractCursor<unknown>);
  },
  async findOneAndDelete(c, args) {
    const [{ filter }, options] = take(args, 'filter');
    return value(await c.findOneAndDelete(filter as Filter<Doc>, options));
  },
  async findOneAndReplace(c, args) {
    const [{ filter, replacement }, options] = take(args, 'filter', 'replacement');
    return value(await c.findOneAndReplace(filter as Filter<Doc>, replacement as Doc, returnDocumentOption(options)));
  },
  async findOneAndUpdate(c, args) {
    const [{ filter, update }, options] = take(args, 'filter', 'update');
    return value(await c.findOneAndUpdate(filter as Filter<Doc>, update as UpdateFilter<Doc>, returnDocumentOption(options)));
  },
  async insertOne(c, args, ctx) {
    const [{ document }, options] = take(args, 'document');
    return value(insertOneResultDocument(await c.insertOne(document as Doc, keepNullIds([document], options, ctx))));
  },
  async insertMany(c, args, ctx) {
    const [{ documents: docs }, options] = take(args, 'documents');
    if (!Array.isArray(docs)) throw new Error('insertMany needs a documents array');
    return value(insertManyResultDocument(await c.insertMany(docs as Doc[], keepNullIds(docs, options, ctx))));
  },
  async replaceOne(c, args) {
    const [{ filter, replacement }, options] = take(args, 'filter', 'replacement');
    return value(updateResultDocument(await c.replaceOne(filter as Filter<Doc>, replacement as Doc, options)));
  },
  async updateOne(c, args) {
    const [{ filter, update }, options] = take(args, 'filter', 'update');
    return value(updateResultDocument(await c.updateOne(filter as Filter<Doc>, update as UpdateFilter<Doc>, options)));
  },
  async updateMany(c, args) {
    const [{ filter, update }, options] = take(args, 'filter', 'update');
    return value(updateResultDocument(await c.updateMany(filter as Filter<Doc>, update as UpdateFilter<Doc>, options)));
  },
  async deleteOne(c, args) {
    const [{ filter }, options] = take(args, 'filter');
    return value(deleteResultDocument(await c.deleteOne(filter as Filter<Doc>, options)));
  },
  async deleteMany(c, args) {
    const [{ filter }, options] = take(args, 'filter');
    return value(deleteResultDocument(await c.deleteMany(filter as Filter<Doc>, options)));
  },
  async createIndex(c, args) {
    const [{ keys }, options] = take(args, 'keys');
    return value(await c.createIndex(keys as IndexSpecification, options));
  },
  async dropIndex(c, args) {
    const [{ name }, options] = take(args, 'name');
    await c.dropIndex(String(name), options);
    return nothing;
  },
  async dropIndexes(c, args) {
    await c.dropIndexes(args);
    return nothing;
  },
  async listIndexes(c, args) {
    return documents(await c.listIndexes(args).toArray());
  },
  async listIndexNames(c, args) {
    return value((await c.listIndexes(args).toArray()).map((index) => index.name));
  },
  async rename(c, args) {
    const [{ to }, options] = take(args, 'to');
    await c.rename(String(to), options);
    return nothing;
  },
  async drop(c, args) {
    await c.drop(args);
    return nothing;
  },
};

const databaseOperations: Record<string, Handler<Db>> = {
  async aggregate(db, args) {
    const [{ pipeline }, options] = take(args, 'pipeline');
    return documents(await db.aggregate(pipeline as Doc[], options).toArray());
  },
  async createCollection(db, args) {
    const [{ collection }, options] = take(args, 'collection');
    await db.createCollection(String(collection), options);
    return nothing;
  },
  async dropCollection(db, args) {
    const [{ collection }, options] = take(args, 'collection');
    await db.dropCollection(String(collection), options);
    return nothing;
  },
  async listCollections(db, args) {
    const [{ filter }, options] = take(args, 'filter');
    return documents(await db.listCollections((filter ?? {}) as Doc, options).toArray());
  },
  async listCollectionNames(db, args) {
    const [{ filter }, options] = take(args, 'filter');
    const collections = await db.listCollections((filter ?? {}) as Doc, { ...options, nameOnly: true }).toArray();
    return value(collections.map((c) => c.name));
  },
  async runCommand(db, args) {
    const [{ command }, options] = take(args, 'command', 'commandName');
    if (!isDocument(command)) throw new Error('runCommand needs a command document');
    return value(await db.command(command, options));
  },
  async runCursorCommand(db, args) {
    const [{ command }, options] = take(args, 'command', 'commandName');
    if (!isDocument(command)) throw new Error('runCursorCommand needs a command document');
    return documents(await db.runCursorCommand(command, options).toArray());
  },
  async createCommandCursor(db, args) {
    const [{ command }, options] = take(args, 'command', 'commandName');
    if (!isDocument(command)) throw new Error('createCommandCursor needs a command document');
    return openCursor(db.runCursorCommand(command, options) as AbstractCursor<unknown>);
  },
  async modifyCollection(db, args) {
    const [{ collection }, options] = take(args, 'collection');
    const { session, ...fields } = options;
    await db.command({ collMod: String(collection), ...fields }, { session: session as ClientSession | undefined });
    return nothing;
  },
};

const clientOperations: Record<string, Handler<ClientEntity>> = {
  async listDatabases({ client }, args) {
    const [{ filter }, options] = take(args, 'filter');
    const reply = await client.db('admin').admin().listDatabases({ ...options, ...(filter ? { filter } : {}) } as Doc);
    return documents(reply.databases);
  },
  async listDatabaseNames({ client }, args) {
    const [{ filter }, options] = take(args, 'filter');
    const reply = await client.db('admin').admin().listDatabases({ ...options, nameOnly: true, ...(filter ? { filter } : {}) } as Doc);
    return value(reply.databases.map((d) => d.name));
  },
  async clientBulkWrite(entity, args, ctx) {
    const [{ models }, options] = take(args, 'models');
    const writes = clientBulkWriteModels(models);
    // As for insertOne: a null _id is sent as given (the driver would ask its pkFactory for one).
    // The driver asks for an _id, in model order, for each inserted document whose _id is null or absent.
    const asks = writes.flatMap((w): ClientEntity['pendingIds'] =>
      w.name !== 'insertOne' ? [] : w.document._id === null ? [null] : w.document._id === undefined ? ['generate'] : [],
    );
    if (asks.includes(null)) {
      ctx.note('null _id sent as given (pkFactory: the Node driver would replace it with an ObjectId)');
      entity.pendingIds.splice(0, entity.pendingIds.length, ...asks);
    }
    try {
      return value(clientBulkWriteResultDocument(await entity.client.bulkWrite(writes, options)));
    } finally {
      entity.pendingIds.length = 0;
    }
  },
  async close({ client }) {
    await client.close();
    return nothing;
  },
};

function transactionOptions(args: Doc): Doc {
  const options: Doc = {};
  for (const key of ['readConcern', 'writeConcern', 'readPreference', 'maxCommitTimeMS', 'timeoutMS']) {
    if (args[key] !== undefined) options[key] = args[key];
  }
  return options;
}

const sessionOperations: Record<string, Handler<ClientSession>> = {
  async startTransaction(session, args) {
    session.startTransaction(transactionOptions(args));
    return nothing;
  },
  async commitTransaction(session) {
    await session.commitTransaction();
    return nothing;
  },
  async abortTransaction(session) {
    await session.abortTransaction();
    return nothing;
  },
  async endSession(session) {
    await session.endSession();
    return nothing;
  },
  async withTransaction(session, args, ctx) {
    const [{ callback }, options] = take(args, 'callback');
    if (!Array.isArray(callback)) throw new Error('withTransaction needs a callback operation list');
    await session.withTransaction(async () => {
      for (const operation of callback as OperationDescription[]) await ctx.runNested(operation);
    }, transactionOptions(options));
    return nothing;
  },
};

const cursorOperations: Record<string, Handler<AbstractCursor<unknown>>> = {
  async iterateUntilDocumentOrError(cursor) {
    return value(await cursor.next());
  },
  async iterateOnce(cursor) {
    return value(await cursor.tryNext());
  },
  async close(cursor) {
    try {
      await cursor.close();
    } catch {
      // errors from killCursors are suppressed (unified format: cursor close)
    }
    return nothing;
  },
};

/** Runs an entity operation; throws for an unknown entity or an operation its kind does not have. */
export async function runEntityOperation(operation: OperationDescription, ctx: OperationContext): Promise<OperationOutcome> {
  const entity = ctx.entities.get(operation.object);
  const args = prepareArguments(operation.arguments, (name) => ctx.entities.session(name));
  const unsupported = (): never => {
    throw new Error(`unsupported operation ${operation.name} on ${entity.kind} "${operation.object}"`);
  };
  switch (entity.kind) {
    case 'collection': {
      checkCollectionArguments(operation.name, operation.arguments);
      const handler = Object.hasOwn(collectionOperations, operation.name) ? collectionOperations[operation.name] : unsupported();
      return handler(entity.collection, args, ctx);
    }
    case 'database': {
      const handler = Object.hasOwn(databaseOperations, operation.name) ? databaseOperations[operation.name] : unsupported();
      return handler(entity.db, args, ctx);
    }
    case 'client': {
      if (operation.name === 'clientBulkWrite') checkClientBulkWriteModels(operation.arguments?.models);
      const handler = Object.hasOwn(clientOperations, operation.name) ? clientOperations[operation.name] : unsupported();
      return handler(entity, args, ctx);
    }
    case 'session': {
      const handler = Object.hasOwn(sessionOperations, operation.name) ? sessionOperations[operation.name] : unsupported();
      return handler(entity.session, args, ctx);
    }
    case 'cursor': {
      const handler = Object.hasOwn(cursorOperations, operation.name) ? cursorOperations[operation.name] : unsupported();
      return handler(entity.cursor, args, ctx);
    }
    default:
      return unsupported();
  }
}
