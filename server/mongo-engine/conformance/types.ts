// The shape of a unified-format test file (see ../shared/conformance/unified-test-format.md).
// Values come from EJSON.parse(…, { relaxed: false }), so numbers are Int32/Double/Long
// instances and every other BSON type keeps its class.

/** A document as parsed from a test file or returned by the driver. */
export type Doc = Record<string, unknown>;

export interface RunOnRequirement {
  minServerVersion?: string;
  maxServerVersion?: string;
  topologies?: string[];
  serverless?: 'require' | 'forbid' | 'allow';
  serverParameters?: Doc;
  auth?: boolean;
  authMechanism?: string;
  csfle?: boolean | Doc;
}

export interface ClientEntityDescription {
  id: string;
  uriOptions?: Doc;
  useMultipleMongoses?: boolean;
  observeEvents?: string[];
  ignoreCommandMonitoringEvents?: string[];
  observeSensitiveCommands?: boolean;
  serverApi?: { version: string; strict?: boolean; deprecationErrors?: boolean };
  storeEventsAsEntities?: unknown;
  observeLogMessages?: Doc;
  autoEncryptOpts?: Doc;
  awaitMinPoolSizeMS?: number;
}

export interface CollectionOrDatabaseOptions {
  readConcern?: Doc;
  readPreference?: Doc;
  writeConcern?: Doc;
  timeoutMS?: unknown;
}

export interface EntityDescription {
  client?: ClientEntityDescription;
  database?: { id: string; client: string; databaseName: string; databaseOptions?: CollectionOrDatabaseOptions };
  collection?: {
    id: string;
    database: string;
    collectionName: string;
    collectionOptions?: CollectionOrDatabaseOptions;
  };
  session?: { id: string; client: string; sessionOptions?: Doc };
  bucket?: { id: string; database: string; bucketOptions?: Doc };
  thread?: { id: string };
  clientEncryption?: { id: string; clientEncryptionOpts: Doc };
}

export interface CollectionData {
  collectionName: string;
  databaseName: string;
  createOptions?: Doc;
  documents: Doc[];
}

export interface ExpectedError {
  isError?: boolean;
  isClientError?: boolean;
  isTimeoutError?: boolean;
  errorContains?: string;
  errorCode?: unknown;
  errorCodeName?: string;
  errorLabelsContain?: string[];
  errorLabelsOmit?: string[];
  writeErrors?: Doc;
  writeConcernErrors?: Doc[];
  errorResponse?: Doc;
  expectResult?: unknown;
}

export interface OperationDescription {
  name: string;
  object: string;
  arguments?: Doc;
  ignoreResultAndError?: boolean;
  expectError?: ExpectedError;
  expectResult?: unknown;
  saveResultAsEntity?: string;
}

export interface TestCase {
  description: string;
  runOnRequirements?: RunOnRequirement[];
  skipReason?: string;
  operations: OperationDescription[];
  expectEvents?: unknown[];
  expectLogMessages?: unknown[];
  expectTracingMessages?: unknown;
  outcome?: CollectionData[];
}

export interface TestFile {
  description: string;
  schemaVersion: string;
  runOnRequirements?: RunOnRequirement[];
  createEntities?: EntityDescription[];
  initialData?: CollectionData[];
  tests: TestCase[];
}

export type Verdict = 'pass' | 'fail' | 'skip';

export interface TestReport {
  file: string;
  description: string;
  verdict: Verdict;
  /** Why it failed or was skipped. */
  reason?: string;
  /** Remarks on a test that ran (e.g. event assertions not checked). */
  notes: string[];
}
