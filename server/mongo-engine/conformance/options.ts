// Turning test-file values into driver options: BSON numbers into JS numbers where the driver
// expects plain options, and the common readConcern/readPreference/writeConcern structures.
import { ReadPreference, type ReadConcernLike, type ReadPreferenceMode, type WriteConcernSettings } from 'mongodb';
import { isDocument, numericValue } from './bson-values.ts';
import type { Doc } from './types.ts';

/** Deeply converts Int32/Double/Long values into JS numbers (documents and arrays recursively). */
export function toNative(value: unknown): unknown {
  const n = numericValue(value);
  if (n !== undefined) return typeof n === 'bigint' ? Number(n) : n;
  if (Array.isArray(value)) return value.map(toNative);
  if (isDocument(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toNative(v)]));
  return value;
}

export function readConcernOf(spec: Doc): ReadConcernLike {
  return { level: String(spec.level) } as ReadConcernLike;
}

export function readPreferenceOf(spec: Doc): ReadPreference {
  const native = toNative(spec) as {
    mode: string;
    tagSets?: Doc[];
    maxStalenessSeconds?: number;
    hedge?: Doc;
  };
  const options: Doc = {};
  if (native.maxStalenessSeconds !== undefined) options.maxStalenessSeconds = native.maxStalenessSeconds;
  if (native.hedge !== undefined) options.hedge = native.hedge;
  return new ReadPreference(native.mode as ReadPreferenceMode, native.tagSets as never, options);
}

export function writeConcernOf(spec: Doc): WriteConcernSettings {
  const native = toNative(spec) as { w?: number | string; journal?: boolean; wtimeoutMS?: number };
  const concern: WriteConcernSettings = {};
  if (native.w !== undefined) concern.w = native.w as WriteConcernSettings['w'];
  if (native.journal !== undefined) concern.journal = native.journal;
  if (native.wtimeoutMS !== undefined) concern.wtimeoutMS = native.wtimeoutMS;
  return concern;
}

/**
 * Arguments whose values are sent to the server as written (filters, documents, pipelines…):
 * they keep their BSON types. Every other argument is a driver option and becomes native.
 */
const PAYLOAD_ARGUMENTS = new Set([
  'filter',
  'document',
  'documents',
  'update',
  'replacement',
  'pipeline',
  'let',
  'hint',
  'comment',
  'collation',
  'arrayFilters',
  'projection',
  'command',
  'keys',
  'validator',
  'max',
  'min',
  'requests',
  'models',
  'fullDocument',
  'resumeAfter',
  'startAfter',
  'startAtOperationTime',
  'storageEngine',
  'indexOptionDefaults',
  'timeseries',
  'clusteredIndex',
  'changeStreamPreAndPostImages',
  'encryptedFields',
  'partialFilterExpression',
  'wildcardProjection',
  'definition',
  'model',
  'id',
]);

/**
 * Prepares an operation's arguments: `session` resolved by the caller-provided function,
 * readConcern/readPreference/writeConcern converted, options made native.
 */
export function prepareArguments(raw: Doc | undefined, resolveSession: (name: string) => unknown): Doc {
  const args: Doc = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (key === 'session') {
      args.session = resolveSession(String(value));
    } else if (key === 'readConcern' && isDocument(value)) {
      args.readConcern = readConcernOf(value);
    } else if (key === 'readPreference' && isDocument(value)) {
      args.readPreference = readPreferenceOf(value);
    } else if (key === 'writeConcern' && isDocument(value)) {
      args.writeConcern = writeConcernOf(value);
    } else if (PAYLOAD_ARGUMENTS.has(key)) {
      args[key] = value;
    } else {
      args[key] = toNative(value);
    }
  }
  return args;
}
