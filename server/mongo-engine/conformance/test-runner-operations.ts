// Special test operations (object: testRunner): assertions with the internal client, entity
// creation, threads. Fail points are never reached: tests using them are skipped beforehand.
import type { ClientSession, CommandStartedEvent, MongoClient } from 'mongodb';
import { bsonEquals } from './bson-values.ts';
import type { ClientEntity, EntityMap } from './entities.ts';
import { AssertionFailure } from './expect-error.ts';
import { toNative } from './options.ts';
import type { Doc, EntityDescription, OperationDescription } from './types.ts';

/** Operations that configure server fail points: tests using them are skipped. */
export const FAIL_POINT_OPERATIONS = new Set(['failPoint', 'targetedFailPoint']);

export interface TestRunnerContext {
  entities: EntityMap;
  /** The runner's own client (initialData, outcome, assertions). */
  internal: MongoClient;
  /** Runs an operation of a thread entity, with its own assertions. */
  runNested(operation: OperationDescription): Promise<void>;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new AssertionFailure(message);
}

async function collectionNames(internal: MongoClient, databaseName: string): Promise<string[]> {
  const collections = await internal.db(databaseName).listCollections({}, { nameOnly: true }).toArray();
  return collections.map((c) => c.name);
}

async function indexNames(internal: MongoClient, databaseName: string, collectionName: string): Promise<string[]> {
  try {
    const indexes = await internal.db(databaseName).collection(collectionName).listIndexes().toArray();
    return indexes.map((index) => String(index.name));
  } catch (error) {
    if ((error as { code?: unknown }).code === 26) return []; // NamespaceNotFound: no collection, no index
    throw error;
  }
}

function startedCommands(client: ClientEntity): CommandStartedEvent[] {
  return client.events.flatMap((e) => (e.type === 'commandStartedEvent' ? [e.event] : []));
}

function lastTwoLsids(client: ClientEntity): [unknown, unknown] {
  const started = startedCommands(client);
  check(started.length >= 2, `expected at least two observed commands, got ${started.length}`);
  const [a, b] = started.slice(-2);
  check(a.command.lsid !== undefined && b.command.lsid !== undefined, 'the last two commands must both carry an lsid');
  return [a.command.lsid, b.command.lsid];
}

const TRANSACTION_STATES: Record<string, string> = {
  none: 'NO_TRANSACTION',
  starting: 'STARTING_TRANSACTION',
  in_progress: 'TRANSACTION_IN_PROGRESS',
  committed: 'TRANSACTION_COMMITTED',
  aborted: 'TRANSACTION_ABORTED',
};

interface SessionInternals {
  transaction?: { state?: string };
  serverSession?: { isDirty?: boolean };
}

function countEvents(client: ClientEntity, event: Doc): number {
  const [type] = Object.keys(event);
  if (type !== 'commandStartedEvent' && type !== 'commandSucceededEvent' && type !== 'commandFailedEvent') {
    throw new Error(`waiting for or counting ${type} events is not supported by this runner`);
  }
  const spec = (event[type] ?? {}) as Doc;
  return client.events.filter(
    (e) => e.type === type && (spec.commandName === undefined || e.event.commandName === spec.commandName),
  ).length;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type SpecialHandler = (args: Doc, ctx: TestRunnerContext) => Promise<void>;

const specialOperations: Record<string, SpecialHandler> = {
  async assertCollectionExists(args, { internal }) {
    const names = await collectionNames(internal, String(args.databaseName));
    check(names.includes(String(args.collectionName)), `collection ${String(args.databaseName)}.${String(args.collectionName)} does not exist`);
  },
  async assertCollectionNotExists(args, { internal }) {
    const names = await collectionNames(internal, String(args.databaseName));
    check(!names.includes(String(args.collectionName)), `collection ${String(args.databaseName)}.${String(args.collectionName)} exists`);
  },
  async assertIndexExists(args, { internal }) {
    const names = await indexNames(internal, String(args.databaseName), String(args.collectionName));
    check(names.includes(String(args.indexName)), `index ${String(args.indexName)} does not exist (found ${names.join(', ')})`);
  },
  async assertIndexNotExists(args, { internal }) {
    const names = await indexNames(internal, String(args.databaseName), String(args.collectionName));
    check(!names.includes(String(args.indexName)), `index ${String(args.indexName)} exists`);
  },
  async createEntities(args, { entities }) {
    await entities.create(args.entities as EntityDescription[]);
  },
  async assertSameLsidOnLastTwoCommands(args, { entities }) {
    const [a, b] = lastTwoLsids(entities.client(String(args.client)));
    check(bsonEquals(a, b), 'the last two commands used different lsids');
  },
  async assertDifferentLsidOnLastTwoCommands(args, { entities }) {
    const [a, b] = lastTwoLsids(entities.client(String(args.client)));
    check(!bsonEquals(a, b), 'the last two commands used the same lsid');
  },
  async assertSessionTransactionState(args, { entities }) {
    const session = entities.session(String(args.session)) as unknown as SessionInternals;
    const wanted = TRANSACTION_STATES[String(args.state)];
    check(session.transaction?.state === wanted, `session transaction state is ${session.transaction?.state}, expected ${wanted}`);
  },
  async assertSessionPinned(args, { entities }) {
    check(entities.session(String(args.session)).isPinned, 'session is not pinned');
  },
  async assertSessionUnpinned(args, { entities }) {
    check(!entities.session(String(args.session)).isPinned, 'session is pinned');
  },
  async assertSessionDirty(args, { entities }) {
    const session: ClientSession = entities.session(String(args.session));
    check((session as unknown as SessionInternals).serverSession?.isDirty === true, 'session is not dirty');
  },
  async assertSessionNotDirty(args, { entities }) {
    const session: ClientSession = entities.session(String(args.session));
    check((session as unknown as SessionInternals).serverSession?.isDirty !== true, 'session is dirty');
  },
  async assertNumberConnectionsCheckedOut(args, { entities }) {
    const client = entities.client(String(args.client));
    const wanted = Number(toNative(args.connections));
    check(client.checkedOut === wanted, `${client.checkedOut} connection(s) checked out, expected ${wanted}`);
  },
  async runOnThread(args, ctx) {
    const thread = ctx.entities.getAs(String(args.thread), 'thread');
    const operation = args.operation as OperationDescription;
    thread.queue = thread.queue.then(() => ctx.runNested(operation)).catch((error: unknown) => thread.errors.push(error));
  },
  async waitForThread(args, { entities }) {
    const thread = entities.getAs(String(args.thread), 'thread');
    await thread.queue;
    if (thread.errors.length > 0) throw thread.errors[0];
  },
  async waitForEvent(args, { entities }) {
    const client = entities.client(String(args.client));
    const count = Number(toNative(args.count));
    const deadline = Date.now() + 10_000;
    while (countEvents(client, args.event as Doc) < count) {
      if (Date.now() > deadline) throw new AssertionFailure(`timed out waiting for ${count} event(s)`);
      await sleep(20);
    }
  },
  async assertEventCount(args, { entities }) {
    const client = entities.client(String(args.client));
    const count = Number(toNative(args.count));
    const actual = countEvents(client, args.event as Doc);
    check(actual === count, `observed ${actual} event(s), expected ${count}`);
  },
  async wait(args) {
    await sleep(Number(toNative(args.ms)));
  },
};

export async function runTestRunnerOperation(operation: OperationDescription, ctx: TestRunnerContext): Promise<void> {
  if (!Object.hasOwn(specialOperations, operation.name)) {
    throw new Error(`unsupported test runner operation ${operation.name}`);
  }
  await specialOperations[operation.name](operation.arguments ?? {}, ctx);
}
