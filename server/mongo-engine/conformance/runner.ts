// Executing test files and tests ("Test Runner Implementation" of the unified test format).
import { basename } from 'node:path';
import { MongoClient } from 'mongodb';
import { describe as describeValue } from './bson-values.ts';
import { EntityMap } from './entities.ts';
import { assertExpectedEvents } from './events.ts';
import { AssertionFailure, assertExpectedError, describeError } from './expect-error.ts';
import { assertMatches, assertSameDocuments, MatchError, specialOperator } from './matcher.ts';
import { runEntityOperation, type OperationContext } from './operations.ts';
import { decide, probeServer, type ServerInfo } from './requirements.ts';
import { loadTestFile } from './test-file.ts';
import { FAIL_POINT_OPERATIONS, runTestRunnerOperation } from './test-runner-operations.ts';
import type { CollectionData, Doc, OperationDescription, TestCase, TestFile, TestReport } from './types.ts';

export interface RunnerOptions {
  /** Connection string of the server under test, or why there is none (every test then fails with it). */
  target: { uri: string } | { error: string };
  /** Whether that server is Atlas Serverless (runOnRequirements.serverless). */
  serverless?: boolean;
  /** Also check test.expectEvents (command events); otherwise they are noted as not checked. */
  checkEvents?: boolean;
  /** Time allowed for one test, setup and outcome included. */
  testTimeoutMs?: number;
  /** Called as soon as each test has a verdict. */
  onReport?: (report: TestReport) => void;
}

const MAJORITY = { writeConcern: { w: 'majority' as const } };

class TestTimeout extends Error {
  override name = 'TestTimeout';
}

/** A connection to the server under test, that runs tests one at a time. */
export interface RunnerSession {
  /** Runs one test of a loaded file and gives its verdict. */
  runTest(file: string, testFile: TestFile, test: TestCase): Promise<TestReport>;
  close(): Promise<void>;
}

/** Connects to the server under test and learns what it is (version, topology…). */
export async function openSession(options: RunnerOptions): Promise<RunnerSession> {
  const uri = 'uri' in options.target ? options.target.uri : undefined;
  const internal = uri !== undefined ? new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 }) : undefined;
  let server: ServerInfo | undefined;
  let setupError = 'error' in options.target ? options.target.error : undefined;
  if (internal) {
    try {
      await internal.connect();
      server = await probeServer(internal, { serverless: options.serverless ?? false });
    } catch (error) {
      setupError = `cannot reach the server: ${describeError(error)}`;
    }
  }
  return {
    async runTest(file, testFile, test) {
      if (!server || !internal || uri === undefined) return { file, description: test.description, verdict: 'fail', reason: setupError, notes: [] };
      const env = { internal, server, uri, timeoutMs: options.testTimeoutMs ?? 30_000, checkEvents: options.checkEvents ?? false };
      return runTestWithTimeout(file, testFile, test, env);
    },
    async close() {
      await internal?.close(true).catch(() => undefined);
    },
  };
}

/** Runs every test of the given files, in order, and returns one report per test. */
export async function runFiles(paths: readonly string[], options: RunnerOptions): Promise<TestReport[]> {
  const reports: TestReport[] = [];
  const emit = (report: TestReport): void => {
    reports.push(report);
    options.onReport?.(report);
  };
  const session = await openSession(options);
  try {
    for (const path of paths) {
      const file = basename(path);
      const loaded = await loadTestFile(path);
      if (!loaded.ok) {
        const descriptions = loaded.descriptions.length > 0 ? loaded.descriptions : ['(file)'];
        for (const description of descriptions) emit({ file, description, verdict: 'fail', reason: loaded.reason, notes: [] });
        continue;
      }
      for (const test of loaded.file.tests) emit(await session.runTest(file, loaded.file, test));
    }
  } finally {
    await session.close();
  }
  return reports;
}

interface TestEnvironment {
  internal: MongoClient;
  server: ServerInfo;
  uri: string;
  timeoutMs: number;
  checkEvents: boolean;
}

function usesFailPoints(operations: readonly OperationDescription[]): boolean {
  return operations.some((operation) => {
    if (FAIL_POINT_OPERATIONS.has(operation.name)) return true;
    const args = operation.arguments ?? {};
    const nested = [args.callback, args.operation ? [args.operation] : undefined].filter(Array.isArray);
    return nested.some((list) => usesFailPoints(list as OperationDescription[]));
  });
}

/** Notes on assertions this runner does not check (they concern what the driver emits). */
function uncheckedAssertions(test: TestCase, env: TestEnvironment): string[] {
  const notes: string[] = [];
  if (test.expectEvents && !env.checkEvents) notes.push('expectEvents not checked (they assert what the driver sends)');
  if (test.expectLogMessages) notes.push('expectLogMessages not checked (driver log output)');
  if (test.expectTracingMessages) notes.push('expectTracingMessages not checked (driver tracing spans)');
  return notes;
}

async function runTestWithTimeout(file: string, testFile: TestFile, test: TestCase, env: TestEnvironment): Promise<TestReport> {
  const base = { file, description: test.description, notes: [] as string[] };
  if (test.skipReason !== undefined) return { ...base, verdict: 'skip', reason: `skipReason: ${test.skipReason}` };
  for (const requirements of [testFile.runOnRequirements, test.runOnRequirements]) {
    const decision = await decide(requirements, env.server);
    if (!decision.run) {
      return decision.skip
        ? { ...base, verdict: 'skip', reason: `runOnRequirements: ${decision.reason}` }
        : { ...base, verdict: 'fail', reason: `runOnRequirements not met by the server: ${decision.reason}` };
    }
  }
  if (usesFailPoints(test.operations)) {
    return { ...base, verdict: 'skip', reason: 'needs a server fail point (failPoint/targetedFailPoint)' };
  }

  const entities = new EntityMap({ uri: env.uri });
  const run: TestRun = { notes: [], cancelled: false };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.cancelled = true; // a step still in flight stops at the next one
      reject(new TestTimeout(`timed out after ${env.timeoutMs} ms`));
    }, env.timeoutMs);
  });
  const notes = run.notes;
  try {
    await Promise.race([executeTest(testFile, test, entities, env, run), timeout]);
    return { ...base, verdict: 'pass', notes: [...new Set([...notes, ...uncheckedAssertions(test, env)])] };
  } catch (error) {
    const remarks = [...new Set(notes)];
    const reason = failureReason(error) + (remarks.length > 0 ? ` (note: ${remarks.join('; ')})` : '');
    return { ...base, verdict: 'fail', reason };
  } finally {
    clearTimeout(timer);
    await entities.close();
  }
}

function failureReason(error: unknown): string {
  if (error instanceof StepFailure) return `${error.step}: ${failureReason(error.cause)}`;
  if (error instanceof MatchError || error instanceof AssertionFailure || error instanceof TestTimeout) return error.message;
  return `unexpected error ${describeError(error)}`;
}

/** An error tagged with where in the test it happened. */
class StepFailure extends Error {
  readonly step: string;
  override readonly cause: unknown;

  constructor(
    step: string,
    cause: unknown,
  ) {
    super(step);
    this.step = step;
    this.cause = cause;
  }
}

/** The state of one test's execution. */
interface TestRun {
  notes: string[];
  /** Set when the test timed out: no further step may start. */
  cancelled: boolean;
}

async function step<T>(run: TestRun, name: string, work: () => Promise<T>): Promise<T> {
  if (run.cancelled) throw new TestTimeout(`cancelled before ${name}`);
  try {
    return await work();
  } catch (error) {
    throw error instanceof StepFailure ? error : new StepFailure(name, error);
  }
}

async function executeTest(
  testFile: TestFile,
  test: TestCase,
  entities: EntityMap,
  env: TestEnvironment,
  run: TestRun,
): Promise<void> {
  await step(run, 'initialData', () => setUpCollections(env.internal, testFile.initialData ?? []));
  await step(run, 'createEntities', () => entities.create(testFile.createEntities ?? []));
  entities.clearEvents();
  const ctx: OperationContext & { internal: MongoClient } = {
    entities,
    internal: env.internal,
    runNested: (operation) => executeOperation(operation, ctx),
    note: (text) => run.notes.push(text),
  };
  for (const [i, operation] of test.operations.entries()) {
    await step(run, `operation #${i + 1} ${operation.name}`, () => executeOperation(operation, ctx));
  }
  if (env.checkEvents && test.expectEvents) {
    const expectEvents = test.expectEvents;
    await step(run, 'expectEvents', async () => assertExpectedEvents(expectEvents, entities));
  }
  for (const expected of test.outcome ?? []) {
    await step(run, `outcome ${expected.databaseName}.${expected.collectionName}`, () => checkOutcome(env.internal, expected));
  }
}

async function dropCollection(internal: MongoClient, databaseName: string, name: string): Promise<void> {
  try {
    await internal.db(databaseName).dropCollection(name, MAJORITY);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 26 || /ns not found/i.test((error as Error).message ?? '')) return;
    throw error;
  }
}

async function setUpCollections(internal: MongoClient, data: readonly CollectionData[]): Promise<void> {
  for (const { databaseName, collectionName, createOptions, documents } of data) {
    const db = internal.db(databaseName);
    await dropCollection(internal, databaseName, collectionName);
    for (const encrypted of [`enxcol_.${collectionName}.esc`, `enxcol_.${collectionName}.ecoc`]) {
      // Queryable-encryption state collections: dropped as the format asks, best effort.
      await dropCollection(internal, databaseName, encrypted).catch(() => undefined);
    }
    if (createOptions) await db.createCollection(collectionName, { ...createOptions, ...MAJORITY });
    if (documents.length > 0) await db.collection<Doc>(collectionName).insertMany(documents, MAJORITY);
    else if (!createOptions) await db.createCollection(collectionName, MAJORITY);
  }
}

async function checkOutcome(internal: MongoClient, expected: CollectionData): Promise<void> {
  const actual = await internal
    .db(expected.databaseName)
    .collection<Doc>(expected.collectionName)
    .find({}, { sort: { _id: 1 }, readPreference: 'primary', readConcern: { level: 'local' } })
    .toArray();
  assertSameDocuments(expected.documents, actual);
}

async function executeOperation(operation: OperationDescription, ctx: OperationContext & { internal: MongoClient }): Promise<void> {
  if (operation.object === 'testRunner') {
    await runTestRunnerOperation(operation, ctx);
    return;
  }
  let outcome: Awaited<ReturnType<typeof runEntityOperation>> | undefined;
  let error: unknown;
  let failed = false;
  try {
    outcome = await runEntityOperation(operation, ctx);
  } catch (caught) {
    failed = true;
    error = caught;
  }
  if (operation.ignoreResultAndError) return;
  if (operation.expectError) {
    if (!failed) {
      throw new AssertionFailure(`expected an error, got result ${describeValue(outcome?.value)}`);
    }
    assertExpectedError(operation.expectError, error, ctx.entities);
    return;
  }
  if (failed) throw error;
  if (!outcome) return;
  if (operation.expectResult !== undefined) {
    const operator = specialOperator(operation.expectResult);
    // A method that returns nothing satisfies { $$unsetOrMatches: … }.
    if (!(outcome.value === undefined && operator?.[0] === '$$unsetOrMatches')) {
      assertMatches(operation.expectResult, outcome.value, { entities: ctx.entities, rootArray: outcome.rootArray });
    }
  }
  if (operation.saveResultAsEntity !== undefined) {
    if (outcome.entity) ctx.entities.set(operation.saveResultAsEntity, outcome.entity);
    else if (outcome.value === undefined) throw new Error(`${operation.name} returned nothing to save as ${operation.saveResultAsEntity}`);
    else ctx.entities.set(operation.saveResultAsEntity, { kind: 'bson', value: outcome.value });
  }
}
