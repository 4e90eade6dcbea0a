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
  const scan = new Scan(coll, filter, o, work);
  for (;;) {
    const step = scan.next(work);
    if (step.done) return step.value;
  }
}

/** The same for a command that only reads: it lets other clients in between slices of its scan. */
export async function readMatchingYielding(coll: Source | undefined, filter: Doc | undefined, o: ReadOptions = {}): Promise<Doc[]> {
  const work = o.work ?? new Work();
  if (needsBacktracking(filter)) work.backtracking = true;
  const scan = new Scan(coll, filter, o, work);
  for (;;) {
    const step = scan.next(work);
    if (step.done) return step.value;
    if (work.shouldYield()) await work.yield();
  }
}

/**
 * A scan in slices of SLICE_DOCUMENTS documents. The candidates are gathered by a generator;
 * each slice is matched apart, by a pure function of its documents, so that the matching can
 * run under the regex guard, be interrupted and run again (bounds.ts) without losing the
 * scan's place.
 */
class Scan {
  private readonly steps: Generator<Doc[], Doc[], Doc[]>;
  private readonly query: ReturnType<typeof compileFilter>;
  private readonly fold: ReturnType<typeof folder>;
  private matched: Doc[] = [];

  constructor(coll: Source | undefined, filter: Doc | undefined, o: ReadOptions, work: Work) {
    this.fold = folder(o.collation);
    this.query = compileFilter(this.fold && filter ? (foldValue(filter, this.fold) as Doc) : filter, { ...o, collation: undefined });
    this.steps = candidateSlices(coll, filter, o, work);
  }

  next(work: Work): IteratorResult<Doc[], Doc[]> {
    const step = this.steps.next(this.matched);
    if (step.done) return step;
    const slice = step.value;
    const { query, fold } = this;
    this.matched = work.run(() => slice.filter((doc) => matches(query, fold ? (foldValue(doc, fold) as Doc) : doc)));
    return step;
  }
}

/**
 * The scan's candidates, handed out a slice at a time: each `yield` gives a slice and gets
 * back those of its documents that match, in order.
 */
function* candidateSlices(coll: Source | undefined, filter: Doc | undefined, o: ReadOptions, work: Work): Generator<Doc[], Doc[], Doc[]> {
  if (!coll) return [];
  const spec = validateSort(o.sort);
  const skip = o.skip ?? 0;
  const limit = o.limit ?? 0;
  if (skip < 0) throw new CommandError(ErrorCode.BadValue, 'skip value must be non-negative');
  const useIndexes = !o.collation;
  const ordered = useIndexes && spec.length > 0 ? coll.orderedCandidates?.(filter ?? {}, spec, limit > 0) : undefined;
  // With the index's order, stop as soon as skip + limit documents matched; without a sort,
  // as soon as skip + limit documents matched; otherwise read them all, then sort.
  const wanted = ordered ? (limit > 0 ? skip + limit : Infinity) : spec.length === 0 && limit > 0 ? skip + limit : Infinity;
  const out: Doc[] = [];
  let slice: Doc[] = [];
  for (const doc of ordered ?? coll.candidates(filter ?? {}, useIndexes)) {
    slice.push(doc);
    if (slice.length < SLICE_DOCUMENTS) continue;
    work.check();
    for (const match of yield slice) if (out.length < wanted) out.push(match);
    slice = [];
    if (out.length >= wanted) break;
  }
  if (slice.length > 0 && out.length < wanted) for (const match of yield slice) if (out.length < wanted) out.push(match);
  work.check();
  if (ordered) return out.slice(skip);
  const sorted = sortDocs(out, spec, stringComparator(o.collation));
  return limit > 0 ? sorted.slice(skip, skip + limit) : skip > 0 ? sorted.slice(skip) : sorted;
}
