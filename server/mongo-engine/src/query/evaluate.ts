// The engine's single doorway into mingo: filters, projections and pipelines are compiled
// with the same options everywhere, and mingo's errors become MongoDB command errors.
import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import type { Doc } from '../bson/codec.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { computeValue, Context, ProcessingMode } from 'mingo/core';
import { ENGINE_CONTEXT } from './bson-operators.ts';

export interface EvalOptions {
  collation?: Doc;
  variables?: Doc;
  collectionResolver?: (name: string) => Doc[];
}

/**
 * mingo's evaluation options (its `ComputeOptions`), which mingo does not export: the class of
 * the options an expression operator is called with. Given plain options, mingo's Query,
 * Aggregator and update operators copy every operator table of the context (some 400
 * entries) on each call, which was most of an update's and a projection's CPU; given an
 * instance, they share its context.
 */
type ComputeOptions = { readonly options: object; readonly local: Record<string, unknown> };
const ComputeOptions = (() => {
  const probe = Context.init({ expression: { $evaluationOptions: (_doc: unknown, _expr: unknown, options: ComputeOptions) => options } } as never);
  const options = computeValue({}, null, '$evaluationOptions', { context: probe } as never) as ComputeOptions;
  return options.constructor as new (options: object, locals?: Record<string, unknown>) => ComputeOptions;
})();

/**
 * The options every evaluation runs with, over the engine's context (built once); `locals`
 * are mingo's per-evaluation values (the update's condition and configuration).
 */
export function mingoOptions(o: EvalOptions = {}, mode: ProcessingMode = ProcessingMode.CLONE_OFF, locals: Record<string, unknown> = {}): ComputeOptions {
  return new ComputeOptions(
    {
      idKey: '_id',
      useStrictMode: true,
      failOnError: true,
      context: ENGINE_CONTEXT,
      collation: o.collation,
      variables: o.variables,
      collectionResolver: o.collectionResolver,
      processingMode: mode,
      // $where/$function run client-supplied JavaScript: never inside the server process.
      scriptEnabled: false,
    },
    locals,
  );
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
    const [out] = new Aggregator([{ $set: raw }], mingoOptions() as never).run([{}]) as Doc[];
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
    return new Query(filter ?? {}, mingoOptions(o) as never);
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
    return new Query(positional ? (filter ?? {}) : {}, mingoOptions(o) as never).find(docs, projection).all() as Doc[];
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
    return new Aggregator(pipeline, mingoOptions(o, readOnly ? ProcessingMode.CLONE_OFF : ProcessingMode.CLONE_INPUT) as never).run([...docs]) as Doc[];
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
