// The engine's single doorway into mingo: filters, projections and pipelines are compiled
// with the same options everywhere, and mingo's errors become MongoDB command errors.
import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import type { Doc } from '../bson/codec.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { ProcessingMode } from 'mingo/core';
import { ENGINE_CONTEXT } from './bson-operators.ts';

export interface EvalOptions {
  collation?: Doc;
  variables?: Doc;
  collectionResolver?: (name: string) => Doc[];
}

export function mingoOptions(o: EvalOptions = {}, mode: ProcessingMode = ProcessingMode.CLONE_OFF) {
  return {
    context: ENGINE_CONTEXT,
    collation: o.collation as never,
    variables: o.variables,
    collectionResolver: o.collectionResolver as never,
    processingMode: mode,
    // $where/$function run client-supplied JavaScript: never inside the server process.
    scriptEnabled: false,
  };
}

/** mongod's codes for the evaluation errors mingo reports by message only. */
const MINGO_ERRORS: [RegExp, number][] = [
  [/Use of undefined variable/, 17276],
  [/immutable field '_id'/, ErrorCode.ImmutableField],
  [/unregistered|unknown (pipeline |query |expression )?operator|Unknown operator/i, ErrorCode.BadValue],
];

export function badQuery(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = MINGO_ERRORS.find(([re]) => re.test(message))?.[1] ?? ErrorCode.BadValue;
  return new CommandError(code, message);
}

/** `let` values are expressions, evaluated once before the command runs (as mongod does). */
export function evaluateVariables(raw: Doc): Doc {
  try {
    if (Object.keys(raw).length === 0) return {};
    const [out] = new Aggregator([{ $set: raw }], mingoOptions()).run([{}]) as Doc[];
    return out ?? {};
  } catch (err) {
    throw badQuery(err);
  }
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
  // Only the positional `field.$` projection needs the filter; the documents already matched
  // (possibly under a collation mingo would not apply).
  const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
  try {
    return new Query(positional ? (filter ?? {}) : {}, mingoOptions(o)).find(docs, projection).all() as Doc[];
  } catch (err) {
    throw badQuery(err);
  }
}

/** Stages that never write into their input documents (they build new ones or pass them on). */
const READ_ONLY_STAGES = new Set(['$match', '$group', '$count', '$sort', '$skip', '$limit', '$sortByCount', '$bucket', '$sample']);

export function runPipeline(docs: Iterable<Doc>, pipeline: Doc[], o?: EvalOptions): Doc[] {
  // Stages like $addFields shallow-copy and then set nested paths: unless every stage is
  // read-only, clone the inputs so that stored documents are never touched.
  const readOnly = pipeline.every((stage) => READ_ONLY_STAGES.has(Object.keys(stage)[0]));
  try {
    return new Aggregator(pipeline, mingoOptions(o, readOnly ? ProcessingMode.CLONE_OFF : ProcessingMode.CLONE_INPUT)).run([...docs]) as Doc[];
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
