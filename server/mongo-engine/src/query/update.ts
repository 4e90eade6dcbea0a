// Applying an update (operator document, replacement or pipeline) to one document, and seeding
// the document an upsert inserts. The operators themselves are mingo's; this file adds what
// mongod checks around them: known operators, conflicting paths, the immutable _id.
import * as updateOperators from 'mingo/operators/update';
import type { Doc } from '../bson/codec.ts';
import { ObjectId } from '../bson/codec.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { isPlainObject, setPath } from '../bson/paths.ts';
import { canonicalKey, compareBson } from '../bson/order.ts';
import { badQuery, cloneDoc, mingoOptions, runPipeline, type EvalOptions } from './evaluate.ts';

const OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$rename',
  '$min',
  '$max',
  '$currentDate',
  '$addToSet',
  '$push',
  '$pop',
  '$pull',
  '$pullAll',
  '$bit',
  '$setOnInsert',
]);

export type UpdateSpec = Doc | Doc[];

/** mingo's update operators, by name: each makes, from its fields, the function that applies them to a document. */
const UPDATE_OPERATORS = updateOperators as unknown as Record<string, (fields: unknown, arrayFilters: Doc[], options: unknown) => (doc: Doc) => string[]>;

export function isPipeline(u: UpdateSpec): u is Doc[] {
  return Array.isArray(u);
}

export function isOperatorUpdate(u: UpdateSpec): boolean {
  if (isPipeline(u)) return false;
  const keys = Object.keys(u);
  return keys.length > 0 && keys[0].startsWith('$');
}

export function validateUpdate(u: unknown): UpdateSpec {
  if (Array.isArray(u)) {
    for (const stage of u) {
      if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
        throw new CommandError(ErrorCode.FailedToParse, 'A pipeline stage specification object must contain exactly one field.');
      }
      const op = Object.keys(stage)[0];
      if (!['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith'].includes(op)) {
        throw new CommandError(ErrorCode.InvalidOptions, `${op} is not allowed to be used within an update`);
      }
    }
    return u as Doc[];
  }
  if (!isPlainObject(u)) throw new CommandError(ErrorCode.FailedToParse, 'Update argument must be either an object or an array');
  const keys = Object.keys(u);
  const operators = keys.filter((k) => k.startsWith('$'));
  if (operators.length > 0) {
    if (operators.length !== keys.length) {
      const plain = keys.find((k) => !k.startsWith('$'));
      throw new CommandError(ErrorCode.FailedToParse, `Unknown modifier: ${plain}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    const paths: string[] = [];
    for (const op of operators) {
      if (!OPERATORS.has(op)) {
        throw new CommandError(ErrorCode.FailedToParse, `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
      }
      const arg = u[op];
      if (!isPlainObject(arg)) {
        throw new CommandError(ErrorCode.FailedToParse, `Modifiers operate on fields but we found type ${Array.isArray(arg) ? 'array' : typeof arg} instead. For example: {$mod: {<field>: ...}} not {$${op}: ${String(arg)}}`);
      }
      for (const [path, target] of Object.entries(arg)) {
        if (path === '') throw new CommandError(ErrorCode.EmptyFieldName, "An empty update path is not valid.");
        paths.push(path);
        if (op === '$rename') paths.push(String(target));
      }
    }
    checkConflicts(paths);
  }
  return u;
}

/** `a` and `a.b` (or `a` twice) in one update conflict, as in mongod. */
function checkConflicts(paths: string[]): void {
  const normalized = paths.map((p) =>
    p
      .split('.')
      .map((s) => (s === '$' || s.startsWith('$[') ? s : s))
      .join('.'),
  );
  const sorted = [...normalized].sort();
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (a === b || b.startsWith(a + '.')) {
      throw new CommandError(ErrorCode.ConflictingUpdateOperators, `Updating the path '${b}' would create a conflict at '${a}'`);
    }
  }
}

export interface ApplyOptions extends EvalOptions {
  filter?: Doc;
  arrayFilters?: Doc[];
  /** The update creates the document (upsert): $setOnInsert applies. */
  inserting?: boolean;
}

/** The updated copy of `doc`, or undefined when the update changes nothing. */
export function applyUpdate(doc: Doc, u: UpdateSpec, o: ApplyOptions = {}): Doc | undefined {
  let next: Doc;
  if (isPipeline(u)) {
    // Run the stages directly: mingo's update path cannot report changes to dotted or
    // $-prefixed top-level fields, which pipelines ($replaceWith/$setField) may create.
    next = runPipeline([cloneDoc(doc)], u, o)[0] ?? {};
    if (doc._id !== undefined && next._id === undefined) next = { _id: doc._id, ...next };
    if (canonicalKey(next) === canonicalKey(doc)) return undefined;
  } else if (isOperatorUpdate(u)) {
    let modifier: UpdateSpec = u;
    if (u.$setOnInsert) {
      const { $setOnInsert, ...rest } = u;
      modifier = o.inserting ? { ...rest, $set: { ...(rest.$set as Doc), ...($setOnInsert as Doc) } } : rest;
      if (Object.keys(modifier).length === 0) return undefined;
    }
    next = cloneDoc(doc);
    try {
      // The filter only matters to the positional `$` operator: the document already matched.
      const positional = Object.values(modifier as Doc).some((fields) => isPlainObject(fields) && Object.keys(fields).some((p) => /(^|\.)\$(\.|$)/.test(p)));
      // What mingo's updateOne does for one matched document, without its copy of every
      // operator table per call (see mingoOptions): each operator applied in turn.
      const arrayFilters = o.arrayFilters ?? [];
      const options = mingoOptions({ collation: o.collation }, undefined, {
        condition: o.inserting || !positional ? {} : (o.filter ?? {}),
        updateConfig: { arrayFilters, cloneMode: 'deep', collation: o.collation, let: o.variables },
        variables: o.variables ?? {},
      });
      let modified = false;
      for (const [op, fields] of Object.entries(modifier as Doc)) {
        const mutate = UPDATE_OPERATORS[op](fields, arrayFilters, options);
        if (mutate(next).length > 0) modified = true;
      }
      if (!modified) return undefined;
    } catch (err) {
      throw badQuery(err);
    }
    if (next._id === undefined && doc._id !== undefined) next = { _id: doc._id, ...next };
  } else {
    next = { _id: doc._id, ...cloneDoc(u) };
    if (u._id !== undefined) next._id = u._id;
    if (doc._id === undefined) delete next._id;
    if (canonicalKey(next) === canonicalKey(doc)) return undefined;
  }
  if (doc._id !== undefined && (next._id === undefined || compareBson(next._id, doc._id) !== 0 || canonicalKey(next._id) !== canonicalKey(doc._id))) {
    throw new CommandError(
      ErrorCode.ImmutableField,
      isPipeline(u) || isOperatorUpdate(u)
        ? "Performing an update on the path '_id' would modify the immutable field '_id'"
        : `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(next._id)}`,
    );
  }
  return next;
}

/** Equality conditions of a filter, as the fields an upserted document starts with. */
export function upsertSeed(filter: Doc | undefined): Doc {
  const seed: Doc = {};
  const visit = (f: Doc) => {
    for (const [field, value] of Object.entries(f)) {
      if (field === '$and' && Array.isArray(value)) {
        for (const part of value) if (isPlainObject(part)) visit(part);
        continue;
      }
      if (field.startsWith('$')) continue;
      if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
        if ('$eq' in value) setPath(seed, field, cloneDoc(value.$eq));
        continue;
      }
      setPath(seed, field, cloneDoc(value));
    }
  };
  if (filter) visit(filter);
  return seed;
}

/** The document an upsert inserts: the filter's equalities, then the update, and an _id first. */
export function upsertDocument(filter: Doc | undefined, u: UpdateSpec, o: ApplyOptions = {}): Doc {
  const seed = upsertSeed(filter);
  let doc: Doc;
  if (isPipeline(u) || isOperatorUpdate(u)) {
    doc = applyUpdate(seed, u, { ...o, inserting: true }) ?? seed;
  } else {
    doc = cloneDoc(u);
    if (doc._id === undefined && seed._id !== undefined) doc = { _id: seed._id, ...doc };
  }
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  if (Object.keys(doc)[0] !== '_id') {
    const { _id, ...rest } = doc;
    return { _id, ...rest };
  }
  return doc;
}
