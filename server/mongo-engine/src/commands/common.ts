// Argument parsing and the read path shared by find, count, distinct, delete, update…
import type { Doc } from '../bson/codec.ts';
import type { Catalog } from '../catalog.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { isPlainObject } from '../bson/paths.ts';
import { compileFilter, evaluateVariables, matches, runPipeline, type EvalOptions } from '../query/evaluate.ts';
import { sortDocs, validateSort } from '../query/sort.ts';
import { folder, foldValue, stringComparator } from '../query/collation.ts';
import type { CommandContext } from './context.ts';
import { needsBacktracking, SLICE_DOCUMENTS, Work } from '../query/bounds.ts';

export function collectionArg(ctx: CommandContext, command: string): string {
  const name = ctx.body[command];
  if (typeof name !== 'string') {
    throw new CommandError(ErrorCode.InvalidNamespace, `collection name has invalid type ${name === null ? 'null' : Array.isArray(name) ? 'array' : typeof name}`);
  }
  if (name === '') throw new CommandError(ErrorCode.InvalidNamespace, `Invalid namespace specified '${ctx.db}.'`);
  return name;
}

export function optionalDoc(body: Doc, field: string): Doc | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw new CommandError(ErrorCode.TypeMismatch, `BSON field '${field}' is the wrong type '${Array.isArray(v) ? 'array' : typeof v}', expected type 'object'`);
  return v;
}

export function optionalNumber(body: Doc, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw new CommandError(ErrorCode.TypeMismatch, `BSON field '${field}' is the wrong type '${typeof v}', expected types '[long, int, decimal, double]'`);
  return v;
}

export function evalOptions(body: Doc): EvalOptions {
  const collation = optionalDoc(body, 'collation');
  const raw = optionalDoc(body, 'let');
  return { collation, variables: raw ? evaluateVariables(raw) : undefined };
}

/** What reads read from: a collection, or the documents a view's pipeline produces. */
export interface Source {
  candidates(filter: Doc, useIndexes?: boolean): Iterable<Doc>;
  orderedCandidates?(filter: Doc, sort: [string, number][], limited?: boolean): Iterable<Doc> | undefined;
}

/** The readable source for a namespace, resolving views (and views on views). */
export function readSource(catalog: Catalog, db: string, name: string, depth = 0): Source | undefined {
  const coll = catalog.get(db, name);
  if (!coll || !coll.isView) return coll;
  if (depth > 20) throw new CommandError(ErrorCode.BadValue, 'View depth too deep or view cycle detected');
  const base = readSource(catalog, db, coll.options.viewOn as string, depth + 1);
  const docs = runPipeline(base ? base.candidates({}) : [], (coll.options.pipeline as Doc[]) ?? [], {
    collectionResolver: (n) => [...(readSource(catalog, db, n, depth + 1)?.candidates({}) ?? [])],
  });
  return { candidates: () => docs };
}

export interface ReadOptions extends EvalOptions {
  sort?: unknown;
  skip?: number;
  limit?: number;
  /** The command's budget (maxTimeMS); none when absent. */
  work?: Work;
}

/**
 * Documents matching the filter, sorted, skipped and limited (limit 0 = none), for a
 * command that writes what it reads: the scan checks the deadline but never yields, so
 * nothing changes between its read and its write.
 */
export function readMatching(coll: Source | undefined, filter: Doc | undefined, o: ReadOptions = {}): Doc[] {
  const work = o.work ?? new Work();
  if (needsBacktracking(filter)) work.backtracking = true;
  const steps = readSteps(coll, filter, o, work);
  for (;;) {
    const step = work.run(() => steps.next());
    if (step.done) return step.value;
  }
}

/** The same for a command that only reads: it lets other clients in between slices of its scan. */
export async function readMatchingYielding(coll: Source | undefined, filter: Doc | undefined, o: ReadOptions = {}): Promise<Doc[]> {
  const work = o.work ?? new Work();
  if (needsBacktracking(filter)) work.backtracking = true;
  const steps = readSteps(coll, filter, o, work);
  for (;;) {
    const step = work.run(() => steps.next());
    if (step.done) return step.value;
    if (work.shouldYield()) await work.yield();
  }
}

/** The scan, a slice of SLICE_DOCUMENTS documents between two pauses (each `yield`). */
function* readSteps(coll: Source | undefined, filter: Doc | undefined, o: ReadOptions, work: Work): Generator<void, Doc[]> {
  const fold = folder(o.collation);
  const query = compileFilter(fold && filter ? (foldValue(filter, fold) as Doc) : filter, { ...o, collation: undefined });
  if (!coll) return [];
  const spec = validateSort(o.sort);
  const skip = o.skip ?? 0;
  const limit = o.limit ?? 0;
  if (skip < 0) throw new CommandError(ErrorCode.BadValue, 'skip value must be non-negative');
  const useIndexes = !o.collation;
  let examined = 0;
  const ordered = useIndexes && spec.length > 0 ? coll.orderedCandidates?.(filter ?? {}, spec, limit > 0) : undefined;
  if (ordered) {
    // The index gives the order: stop as soon as skip + limit documents matched.
    const wanted = limit > 0 ? skip + limit : Infinity;
    const page: Doc[] = [];
    for (const doc of ordered) {
      if (++examined % SLICE_DOCUMENTS === 0) {
        work.check();
        yield;
      }
      if (matches(query, doc)) page.push(doc);
      if (page.length >= wanted) break;
    }
    return page.slice(skip);
  }
  const out: Doc[] = [];
  // Without a sort, stop scanning as soon as skip+limit documents matched.
  const enough = spec.length === 0 && limit > 0 ? skip + limit : Infinity;
  for (const doc of coll.candidates(filter ?? {}, useIndexes)) {
    if (++examined % SLICE_DOCUMENTS === 0) {
      work.check();
      yield;
    }
    if (matches(query, fold ? (foldValue(doc, fold) as Doc) : doc)) {
      out.push(doc);
      if (out.length >= enough) break;
    }
  }
  work.check();
  const sorted = sortDocs(out, spec, stringComparator(o.collation));
  return limit > 0 ? sorted.slice(skip, skip + limit) : skip > 0 ? sorted.slice(skip) : sorted;
}
