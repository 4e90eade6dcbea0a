// The entity map of one test: clients (with their observed command events), databases,
// collections, sessions, cursors and saved BSON values.
import {
  AbstractCursor,
  ChangeStream,
  ClientSession,
  Collection,
  Db,
  GridFSBucket,
  MongoClient,
  ObjectId,
  type CommandFailedEvent,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type MongoClientOptions,
} from 'mongodb';
import { isDocument } from './bson-values.ts';
import type { MatchEntities } from './matcher.ts';
import { readConcernOf, readPreferenceOf, toNative, writeConcernOf } from './options.ts';
import type { ClientEntityDescription, CollectionOrDatabaseOptions, Doc, EntityDescription } from './types.ts';

export type CommandEvent =
  | { type: 'commandStartedEvent'; event: CommandStartedEvent }
  | { type: 'commandSucceededEvent'; event: CommandSucceededEvent }
  | { type: 'commandFailedEvent'; event: CommandFailedEvent };

export interface ClientEntity {
  kind: 'client';
  client: MongoClient;
  /** Command monitoring events, in order, for the event types the test asked to observe. */
  events: CommandEvent[];
  /** Connections currently checked out of the pool. */
  checkedOut: number;
  /**
   * Answers for the driver's next `_id` requests: null keeps a document's null `_id` (the Node
   * driver asks its pkFactory for one whenever `_id` is null or absent in clientBulkWrite).
   */
  pendingIds: (null | 'generate')[];
}

export type Entity =
  | ClientEntity
  | { kind: 'database'; db: Db }
  | { kind: 'collection'; collection: Collection<Doc> }
  | { kind: 'session'; session: ClientSession; lsid: unknown }
  | { kind: 'bucket'; bucket: GridFSBucket }
  | { kind: 'cursor'; cursor: AbstractCursor<unknown> }
  | { kind: 'changeStream'; stream: ChangeStream }
  | { kind: 'thread'; queue: Promise<unknown>; errors: unknown[] }
  | { kind: 'bson'; value: unknown };

type EntityOf<K extends Entity['kind']> = Extract<Entity, { kind: K }>;

/** Commands whose events are never observed unless observeSensitiveCommands is set. */
const SENSITIVE_COMMANDS = new Set([
  'authenticate',
  'saslstart',
  'saslcontinue',
  'getnonce',
  'createuser',
  'updateuser',
  'copydbgetnonce',
  'copydbsaslstart',
  'copydb',
]);

const COMMAND_EVENT_TYPES = ['commandStartedEvent', 'commandSucceededEvent', 'commandFailedEvent'] as const;

export interface EntityEnvironment {
  /** Connection string of the server under test. */
  uri: string;
}

export class EntityMap implements MatchEntities {
  private readonly entries = new Map<string, Entity>();
  private closed = false;

  private readonly env: EntityEnvironment;

  constructor(env: EntityEnvironment) {
    this.env = env;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  set(name: string, entity: Entity): void {
    if (this.closed) {
      if (entity.kind === 'client') void entity.client.close(true).catch(() => undefined);
      throw new Error(`entity "${name}" created after the end of its test`);
    }
    if (this.entries.has(name)) throw new Error(`entity "${name}" already exists`);
    this.entries.set(name, entity);
  }

  get(name: string): Entity {
    const entity = this.entries.get(name);
    if (!entity) throw new Error(`no entity named "${name}"`);
    return entity;
  }

  getAs<K extends Entity['kind']>(name: string, kind: K): EntityOf<K> {
    const entity = this.get(name);
    if (entity.kind !== kind) throw new Error(`entity "${name}" is a ${entity.kind}, not a ${kind}`);
    return entity as EntityOf<K>;
  }

  client(name: string): ClientEntity {
    return this.getAs(name, 'client');
  }

  session(name: string): ClientSession {
    return this.getAs(name, 'session').session;
  }

  bsonValue(name: string): unknown {
    return this.getAs(name, 'bson').value;
  }

  sessionLsid(name: string): unknown {
    return this.getAs(name, 'session').lsid;
  }

  /** Forgets the command events observed so far (those of entity creation). */
  clearEvents(): void {
    for (const entity of this.entries.values()) if (entity.kind === 'client') entity.events.length = 0;
  }

  /** Creates the entities of a createEntities list, in order. */
  async create(descriptions: EntityDescription[]): Promise<void> {
    for (const description of descriptions) await this.createOne(description);
  }

  private async createOne(description: EntityDescription): Promise<void> {
    const kinds = Object.keys(description);
    if (kinds.length !== 1) throw new Error(`an entity needs exactly one type key, got ${kinds.join(', ')}`);
    if (description.client) {
      this.set(description.client.id, await this.createClient(description.client));
    } else if (description.database) {
      const { id, client, databaseName, databaseOptions } = description.database;
      const db = this.client(client).client.db(databaseName, collectionOrDatabaseOptions(databaseOptions));
      this.set(id, { kind: 'database', db });
    } else if (description.collection) {
      const { id, database, collectionName, collectionOptions } = description.collection;
      const db = this.getAs(database, 'database').db;
      this.set(id, { kind: 'collection', collection: db.collection<Doc>(collectionName, collectionOrDatabaseOptions(collectionOptions)) });
    } else if (description.session) {
      const { id, client, sessionOptions } = description.session;
      const session = this.client(client).client.startSession(sessionOptionsOf(sessionOptions));
      this.set(id, { kind: 'session', session, lsid: session.id });
    } else if (description.bucket) {
      const { id, database, bucketOptions } = description.bucket;
      const db = this.getAs(database, 'database').db;
      const options = bucketOptions ? (toNative(bucketOptions) as Doc) : {};
      this.set(id, { kind: 'bucket', bucket: new GridFSBucket(db, options) });
    } else if (description.thread) {
      this.set(description.thread.id, { kind: 'thread', queue: Promise.resolve(), errors: [] });
    } else if (description.clientEncryption) {
      throw new Error('clientEncryption entities are not supported (no libmongocrypt in this runner)');
    } else {
      throw new Error(`unsupported entity type ${kinds[0]}`);
    }
  }

  private async createClient(description: ClientEntityDescription): Promise<ClientEntity> {
    if (description.autoEncryptOpts) throw new Error('autoEncryptOpts is not supported (no libmongocrypt in this runner)');
    const options: MongoClientOptions = {
      serverSelectionTimeoutMS: 10_000,
      ...(uriOptionsOf(description.uriOptions) as MongoClientOptions),
    };
    if (description.serverApi) {
      options.serverApi = {
        version: description.serverApi.version as '1',
        strict: description.serverApi.strict,
        deprecationErrors: description.serverApi.deprecationErrors,
      };
    }
    const observed = new Set(description.observeEvents ?? []);
    const commandEvents = COMMAND_EVENT_TYPES.some((type) => observed.has(type));
    if (commandEvents) options.monitorCommands = true;
    const pendingIds: ClientEntity['pendingIds'] = [];
    options.pkFactory = {
      createPk: () => (pendingIds.length > 0 && pendingIds.shift() === null ? null : new ObjectId()),
    };
    const client = new MongoClient(this.env.uri, options);
    const entity: ClientEntity = { kind: 'client', client, events: [], checkedOut: 0, pendingIds };
    const ignored = new Set((description.ignoreCommandMonitoringEvents ?? []).map((name) => name.toLowerCase()));
    const keep = (name: string, command?: Doc): boolean => {
      const lower = name.toLowerCase();
      if (lower === 'configurefailpoint' || ignored.has(lower)) return false;
      if (description.observeSensitiveCommands) return true;
      if (SENSITIVE_COMMANDS.has(lower)) return false;
      // hello/legacy hello are sensitive when they carry speculativeAuthenticate (redacted to {}).
      if ((lower === 'hello' || lower === 'ismaster') && command && Object.keys(command).length === 0) return false;
      return true;
    };
    if (observed.has('commandStartedEvent')) {
      client.on('commandStarted', (event) => {
        if (keep(event.commandName, event.command)) entity.events.push({ type: 'commandStartedEvent', event });
      });
    }
    if (observed.has('commandSucceededEvent')) {
      client.on('commandSucceeded', (event) => {
        if (keep(event.commandName, event.reply as Doc)) entity.events.push({ type: 'commandSucceededEvent', event });
      });
    }
    if (observed.has('commandFailedEvent')) {
      client.on('commandFailed', (event) => {
        if (keep(event.commandName)) entity.events.push({ type: 'commandFailedEvent', event });
      });
    }
    client.on('connectionCheckedOut', () => entity.checkedOut++);
    client.on('connectionCheckedIn', () => entity.checkedOut--);
    await client.connect();
    return entity;
  }

  /** Ends sessions, closes cursors and clients: the end of a test. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.entries.values()];
    this.entries.clear();
    const quietly = async (work: () => Promise<unknown>): Promise<void> => {
      try {
        await work();
      } catch {
        // cleanup is best effort
      }
    };
    for (const entity of all) {
      if (entity.kind === 'cursor') await quietly(() => entity.cursor.close());
      if (entity.kind === 'changeStream') await quietly(() => entity.stream.close());
      if (entity.kind === 'session') await quietly(() => entity.session.endSession());
    }
    for (const entity of all) {
      if (entity.kind === 'client') await quietly(() => entity.client.close(true));
    }
  }
}

/** Database/collection options: readConcern, readPreference, writeConcern, timeoutMS. */
export function collectionOrDatabaseOptions(options: CollectionOrDatabaseOptions | undefined): Doc {
  if (!options) return {};
  const result: Doc = {};
  if (options.readConcern) result.readConcern = readConcernOf(options.readConcern);
  if (options.readPreference) result.readPreference = readPreferenceOf(options.readPreference);
  if (options.writeConcern) result.writeConcern = writeConcernOf(options.writeConcern);
  if (options.timeoutMS !== undefined) result.timeoutMS = toNative(options.timeoutMS);
  return result;
}

/** uriOptions as MongoClient options (the driver reads option names case-insensitively). */
function uriOptionsOf(uriOptions: Doc | undefined): Doc {
  if (!uriOptions) return {};
  const options: Doc = {};
  for (const [key, raw] of Object.entries(uriOptions)) {
    if (isDocument(raw) && Object.hasOwn(raw, '$$placeholder')) {
      throw new Error(`uriOptions.${key} is a placeholder this runner cannot fill`);
    }
    const value = toNative(raw);
    if (key === 'readPreferenceTags' && Array.isArray(value)) {
      options.readPreferenceTags = value.map((tags) =>
        Object.fromEntries(
          String(tags)
            .split(',')
            .filter(Boolean)
            .map((pair) => pair.split(':') as [string, string]),
        ),
      );
    } else if (key === 'appname') {
      options.appName = value;
    } else {
      options[key] = value;
    }
  }
  return options;
}

function sessionOptionsOf(sessionOptions: Doc | undefined): Doc {
  if (!sessionOptions) return {};
  const options: Doc = {};
  for (const [key, value] of Object.entries(sessionOptions)) {
    if (key === 'defaultTransactionOptions' && isDocument(value)) {
      const tx: Doc = {};
      if (value.readConcern) tx.readConcern = readConcernOf(value.readConcern as Doc);
      if (value.writeConcern) tx.writeConcern = writeConcernOf(value.writeConcern as Doc);
      if (value.readPreference) tx.readPreference = readPreferenceOf(value.readPreference as Doc);
      if (value.maxCommitTimeMS !== undefined) tx.maxCommitTimeMS = toNative(value.maxCommitTimeMS);
      options.defaultTransactionOptions = tx;
    } else {
      options[key] = toNative(value);
    }
  }
  return options;
}
