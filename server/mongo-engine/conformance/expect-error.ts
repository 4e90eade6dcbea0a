// expectedError: assertions on the error an operation raised.
import {
  MongoBulkWriteError,
  MongoClientBulkWriteError,
  MongoError,
  MongoOperationTimeoutError,
  MongoServerError,
  type WriteError,
} from 'mongodb';
import { describe, numericValue } from './bson-values.ts';
import { assertMatches, type MatchEntities } from './matcher.ts';
import { bulkWriteResultDocument, clientBulkWriteResultDocument } from './results.ts';
import type { Doc, ExpectedError } from './types.ts';

export class AssertionFailure extends Error {
  override name = 'AssertionFailure';
}

/** Code names a bulk write error may carry only as numeric codes (from the server's error_codes.yml). */
const CODE_NUMBERS: Record<string, number> = {
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  NotSingleValueField: 54,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  WriteConcernFailed: 64,
  CommandNotFound: 59,
  NoSuchKey: 4,
  UnknownError: 8,
  DocumentValidationFailure: 121,
  InvalidPipelineOperator: 168,
  Interrupted: 11601,
  DuplicateKey: 11000,
};

interface ServerFailure {
  code?: number;
  codeName?: string;
  message: string;
}

/** The server failures an error aggregates: itself, and for bulk writes each write (concern) error. */
function serverFailures(error: unknown): ServerFailure[] {
  const failures: ServerFailure[] = [];
  if (error instanceof MongoServerError) {
    const code = numericValue(error.code);
    failures.push({
      code: code === undefined ? undefined : Number(code),
      codeName: typeof error.codeName === 'string' ? error.codeName : undefined,
      message: error.message,
    });
  }
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]) as WriteError[];
    for (const writeError of writeErrors) {
      if (writeError) failures.push({ code: writeError.code, message: writeError.errmsg ?? '' });
    }
    const concern = error.result?.getWriteConcernError();
    if (concern) failures.push({ code: concern.code, message: concern.errmsg ?? '' });
  }
  if (error instanceof MongoClientBulkWriteError) {
    for (const writeError of error.writeErrors.values()) failures.push({ code: writeError.code, message: writeError.message });
    for (const concern of error.writeConcernErrors) {
      failures.push({ code: Number(concern.code), message: String(concern.message ?? '') });
    }
  }
  return failures;
}

function fail(message: string): never {
  throw new AssertionFailure(message);
}

function summary(error: unknown, depth = 0): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const text = `${error.name}${code !== undefined ? ` (code ${String(code)})` : ''}: ${error.message}`;
    // Driver errors often wrap the server's answer (client bulk write, network errors).
    return error.cause !== undefined && depth < 3 ? `${text} (cause: ${summary(error.cause, depth + 1)})` : text;
  }
  return describe(error);
}

/** The result carried by a bulk write error, as a document (undefined when there is none). */
export function resultOfError(error: unknown): Doc | undefined {
  if (error instanceof MongoBulkWriteError && error.result) return bulkWriteResultDocument(error.result);
  if (error instanceof MongoClientBulkWriteError && error.partialResult) {
    return clientBulkWriteResultDocument(error.partialResult);
  }
  return undefined;
}

export function assertExpectedError(expected: ExpectedError, error: unknown, entities: MatchEntities): void {
  const failures = serverFailures(error);
  const isServerError = error instanceof MongoServerError;

  if (expected.isClientError !== undefined && expected.isClientError === isServerError) {
    fail(`expected a ${expected.isClientError ? 'client' : 'server'} error, got ${summary(error)}`);
  }
  if (expected.isTimeoutError !== undefined) {
    const isTimeout = error instanceof MongoOperationTimeoutError;
    if (isTimeout !== expected.isTimeoutError) {
      fail(`expected ${expected.isTimeoutError ? 'a' : 'no'} timeout error, got ${summary(error)}`);
    }
  }
  if (expected.errorContains !== undefined) {
    const needle = expected.errorContains.toLowerCase();
    const messages = [error instanceof Error ? error.message : String(error), ...failures.map((f) => f.message)];
    if (!messages.some((message) => message.toLowerCase().includes(needle))) {
      fail(`expected an error containing "${expected.errorContains}", got ${summary(error)}`);
    }
  }
  if (expected.errorCode !== undefined) {
    const code = Number(numericValue(expected.errorCode));
    if (!failures.some((f) => f.code === code)) fail(`expected error code ${code}, got ${summary(error)}`);
  }
  if (expected.errorCodeName !== undefined) {
    const name = expected.errorCodeName.toLowerCase();
    const known = Object.entries(CODE_NUMBERS).find(([n]) => n.toLowerCase() === name)?.[1];
    const ok = failures.some(
      (f) => (f.codeName !== undefined && f.codeName.toLowerCase() === name) || (f.codeName === undefined && f.code === known),
    );
    if (!ok) {
      if (known === undefined && failures.length > 0 && failures.every((f) => f.codeName === undefined)) {
        throw new Error(`cannot compare code name ${expected.errorCodeName}: the error carries codes only`);
      }
      fail(`expected error code name ${expected.errorCodeName}, got ${summary(error)}`);
    }
  }
  const hasLabel = (label: string): boolean => error instanceof MongoError && error.hasErrorLabel(label);
  for (const label of expected.errorLabelsContain ?? []) {
    if (!hasLabel(label)) fail(`expected error label ${label}, got ${summary(error)}`);
  }
  for (const label of expected.errorLabelsOmit ?? []) {
    if (hasLabel(label)) fail(`expected no error label ${label}, got ${summary(error)}`);
  }
  if (expected.errorResponse !== undefined) {
    if (!(error instanceof MongoServerError)) fail(`expected a server error response, got ${summary(error)}`);
    assertMatches(expected.errorResponse, error.errorResponse, { entities });
  }
  if (expected.writeErrors !== undefined) {
    if (!(error instanceof MongoClientBulkWriteError)) fail(`expected a client bulk write error, got ${summary(error)}`);
    const actual: Doc = {};
    for (const [index, writeError] of error.writeErrors) {
      actual[String(index)] = { ...(writeError as unknown as Doc) };
    }
    const expectedIndexes = Object.keys(expected.writeErrors);
    const extra = Object.keys(actual).filter((index) => !expectedIndexes.includes(index));
    if (extra.length > 0) fail(`unexpected write errors at ${extra.join(', ')}: ${describe(actual)}`);
    for (const index of expectedIndexes) {
      if (!Object.hasOwn(actual, index)) fail(`expected a write error at index ${index}, got ${describe(actual)}`);
      assertMatches(expected.writeErrors[index], actual[index], { entities });
    }
  }
  if (expected.writeConcernErrors !== undefined) {
    if (!(error instanceof MongoClientBulkWriteError)) fail(`expected a client bulk write error, got ${summary(error)}`);
    const actual = error.writeConcernErrors.map((e) => ({ ...(e as Doc) }));
    if (actual.length !== expected.writeConcernErrors.length) {
      fail(`expected ${expected.writeConcernErrors.length} write concern error(s), got ${describe(actual)}`);
    }
    expected.writeConcernErrors.forEach((e, i) => assertMatches(e, actual[i], { entities }));
  }
  if (expected.expectResult !== undefined) {
    const result = resultOfError(error);
    // A result "not present" still satisfies $$unsetOrMatches: match against an absent value.
    if (result === undefined) {
      const operator = Object.keys((expected.expectResult ?? {}) as Doc);
      if (operator.length === 1 && operator[0] === '$$unsetOrMatches') return;
      fail(`expected the error to carry a result, got ${summary(error)}`);
    }
    assertMatches(expected.expectResult, result, { entities });
  }
}

export function describeError(error: unknown): string {
  return summary(error);
}
