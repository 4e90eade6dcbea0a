// aggregate: mingo runs the pipeline; the engine feeds it (using an index for a leading
// $match), resolves $lookup/$unionWith collections, and performs $out/$merge writes itself
// so that they are journaled like any other write.
import type { Doc } from '../bson/codec.ts';
import { Long } from '../bson/codec.ts';
import type { Catalog } from '../catalog.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { isPlainObject } from '../bson/paths.ts';
import { canonicalKey } from '../bson/order.ts';
import { formatDupKey } from '../bson/format.ts';
import { cloneDoc, runPipeline } from '../query/evaluate.ts';
import { needsBacktracking } from '../query/bounds.ts';
import type { CommandHandler } from './context.ts';
import { evalOptions, optionalDoc, optionalNumber, readMatchingYielding, readSource } from './common.ts';
import { checkStorable, prepareInsert } from './write-support.ts';
import { writable } from './write-statements.ts';

const DEFAULT_FIRST_BATCH = 101;

export const aggregate: CommandHandler = async (ctx) => {
  const body = ctx.body;
  const target = body.aggregate;
  if (typeof target !== 'string' && target !== 1) throw new CommandError(ErrorCode.InvalidNamespace, "BSON field 'aggregate' must be a collection name or 1");
  const pipeline = body.pipeline;
  if (!Array.isArray(pipeline)) throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'aggregate.pipeline' is missing or not an array");
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
    }
  }
  const explain = body.explain === true;
  const cursorSpec = optionalDoc(body, 'cursor');
  if (!cursorSpec && !explain) throw new CommandError(ErrorCode.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
  const { catalog } = ctx.engine;
  const stages = pipeline as Doc[];
  const last = stages[stages.length - 1];
  const writeStage = last && ('$out' in last || '$merge' in last) ? last : undefined;
  const reading = writeStage ? stages.slice(0, -1) : stages;

  const o = {
    ...evalOptions(body),
    collectionResolver: (name: string) => [...(readSource(catalog, ctx.db, name)?.candidates({}) ?? [])],
  };
  let stagesLeft = reading;
  let source: Iterable<Doc> = [];
  const first = reading[0];
  if (first && '$listLocalSessions' in first) {
    source = [...ctx.engine.sessions.values()];
    stagesLeft = reading.slice(1);
  } else if (typeof target === 'string') {
    const coll = readSource(catalog, ctx.db, target);
    // A leading $match runs through the engine's matcher: it can use an index and honours
    // the collation, which mingo's $match does not.
    if (coll && first && isPlainObject(first.$match)) {
      source = await readMatchingYielding(coll, first.$match, { ...o, work: ctx.work });
      stagesLeft = reading.slice(1);
    } else if (coll) {
      source = coll.candidates({});
    }
  }
  if (explain) {
    return { explainVersion: '1', stages: reading, queryPlanner: { namespace: `${ctx.db}.${String(target)}` }, ok: 1 };
  }
  // mingo runs the stages with no check of its own: bounded as a whole by the deadline. The
  // input is read before, so that a run the regex guard interrupts can run again on it.
  if (needsBacktracking(stagesLeft)) ctx.work.backtracking = true;
  const input = Array.isArray(source) ? source : [...source];
  const results = ctx.work.run(() => runPipeline(input, stagesLeft, o), true);
  const ns = `${ctx.db}.${typeof target === 'string' ? target : '$cmd.aggregate'}`;
  if (writeStage) {
    if ('$out' in writeStage) writeOut(catalog, ctx.db, writeStage.$out, results);
    else writeMerge(catalog, ctx.db, writeStage.$merge, results);
    return { cursor: { firstBatch: [], id: Long.ZERO, ns }, ok: 1 };
  }
  const batchSize = optionalNumber(cursorSpec ?? {}, 'batchSize') ?? DEFAULT_FIRST_BATCH;
  const { firstBatch, id } = ctx.engine.cursors.openCursor(ns, results, batchSize);
  return { cursor: { firstBatch, id, ns }, ok: 1 };
};

function targetOf(db: string, spec: unknown): { db: string; coll: string } {
  if (typeof spec === 'string') return { db, coll: spec };
  if (isPlainObject(spec) && typeof spec.coll === 'string') return { db: typeof spec.db === 'string' ? spec.db : db, coll: spec.coll };
  if (isPlainObject(spec) && typeof spec.into === 'string') return { db, coll: spec.into };
  if (isPlainObject(spec) && isPlainObject(spec.into)) return targetOf(db, spec.into);
  throw new CommandError(ErrorCode.FailedToParse, 'invalid $out/$merge target');
}

/** $out replaces the target's documents (its indexes stay), as mongod does. */
function writeOut(catalog: Catalog, db: string, spec: unknown, results: Doc[]): void {
  const t = targetOf(db, spec);
  const coll = writable(catalog, t.db, t.coll)!;
  const docs = results.map((d) => prepareInsert(cloneDoc(d)));
  const seen = new Set<string>();
  for (const d of docs) {
    const k = canonicalKey(d._id);
    if (seen.has(k)) {
      throw new CommandError(ErrorCode.DuplicateKey, `E11000 duplicate key error collection: ${t.db}.${t.coll} index: _id_ dup key: ${formatDupKey({ _id: d._id })}`, {
        keyPattern: { _id: 1 },
        keyValue: { _id: d._id },
      });
    }
    seen.add(k);
  }
  for (const d of [...coll.docs.values()]) catalog.remove(coll, d._id);
  for (const d of docs) catalog.insert(coll, d);
}

function writeMerge(catalog: Catalog, db: string, spec: unknown, results: Doc[]): void {
  const t = targetOf(db, spec);
  const s = isPlainObject(spec) ? spec : {};
  const whenMatched = s.whenMatched ?? 'merge';
  const whenNotMatched = s.whenNotMatched ?? 'insert';
  const coll = writable(catalog, t.db, t.coll)!;
  for (const raw of results) {
    const doc = prepareInsert(cloneDoc(raw));
    const existing = coll.get(doc._id);
    if (existing) {
      if (whenMatched === 'keepExisting') continue;
      if (whenMatched === 'fail') {
        throw new CommandError(ErrorCode.DuplicateKey, `E11000 duplicate key error collection: ${t.db}.${t.coll} index: _id_ dup key: ${formatDupKey({ _id: doc._id })}`, {
          keyPattern: { _id: 1 },
          keyValue: { _id: doc._id },
        });
      }
      const next = whenMatched === 'replace' ? doc : { ...existing, ...doc };
      checkStorable(next);
      catalog.replace(coll, next);
    } else {
      if (whenNotMatched === 'discard') continue;
      if (whenNotMatched === 'fail') throw new CommandError(13113, '$merge could not find a matching document in the target collection');
      catalog.insert(coll, doc);
    }
  }
}
