// The engine's single doorway into mingo: filters, projections and pipelines are compiled
// with the same options everywhere, and mingo's errors become MongoDB command errors.
import { Aggregator, Query } from 'mingo';
import type { Doc } from '../bson.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { ProcessingMode } from 'mingo';

export interface EvalOptions {
  collation?: Doc;
  variables?: Doc;
  collectionResolver?: (name: string) => Doc[];
}

function mingoOptions(o: EvalOptions = {}, mode: ProcessingMode = ProcessingMode.CLONE_OFF) {
  return {
    collation: o.collation as never,
    variables: o.variables,
    collectionResolver: o.collectionResolver as never,
    processingMode: mode,
    // $where/$function run client-supplied JavaScript: never inside the server process.
    scriptEnabled: false,
  };
}

function badQuery(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  return new CommandError(ErrorCode.BadValue, err instanceof Error ? err.message : String(err));
}

export function compileFilter(filter: Doc | undefined, o?: EvalOptions): Query {
  if (filter !== undefined && (filter === null || typeof filter !== 'object' || Array.isArray(filter))) {
    throw new CommandError(ErrorCode.TypeMismatch, "'filter' must be an object");
  }
  try {
    return new Query(filter ?? {}, mingoOptions(o));
  } catch (err) {
    throw badQuery(err);
  }
}

export function matches(query: Query, doc: Doc): boolean {
  try {
    return query.test(doc);
  } catch (err) {
    throw badQuery(err);
  }
}

/** Applies a find-style projection (positional `$` needs the query that selected the docs). */
export function project(docs: Doc[], projection: Doc | undefined, filter: Doc | undefined, o?: EvalOptions): Doc[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  try {
    return new Query(filter ?? {}, mingoOptions(o)).find(docs, projection).all() as Doc[];
  } catch (err) {
    throw badQuery(err);
  }
}

export function runPipeline(docs: Iterable<Doc>, pipeline: Doc[], o?: EvalOptions): Doc[] {
  try {
    // Stages like $addFields shallow-copy and then set nested paths: clone the inputs so
    // stored documents are never touched.
    return new Aggregator(pipeline, mingoOptions(o, ProcessingMode.CLONE_INPUT)).run([...docs]) as Doc[];
  } catch (err) {
    throw badQuery(err);
  }
}

/** Deep copy of plain objects and arrays; BSON values (immutable) are shared. */
export function cloneDoc<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneDoc) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Doc = {};
    for (const [k, x] of Object.entries(v as Doc)) out[k] = cloneDoc(x);
    return out as T;
  }
  return v;
}
