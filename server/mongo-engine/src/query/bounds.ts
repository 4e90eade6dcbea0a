// Bounded work per command. The engine shares its event loop with every other client (and,
// embedded, with the web server), so no command may hold it for long:
// - `maxTimeMS` is honoured as mongod does (error 50, MaxTimeMSExpired): checked between
//   documents, and around whatever runs without such a check (a pipeline, a regex).
// - A regex never backtracks without end: a filter or pipeline holding one is matched under
//   V8's execution timeout, one slice of documents at a time, never longer than a slice bound
//   nor past the deadline (JavaScript's regex semantics kept as they are).
//   V8's linear-time engine is not switched on for this: its flags are process-wide, and
//   they sent the web server's own regexes to the slow interpreter (the demo's seeding took
//   four times as long, and a restart outlasted its tests' bounds).
// - Long scans are cut into slices, and the readers (find, count, distinct, aggregate) wait
//   one turn of the event loop between slices once they have run for a few milliseconds.
import vm from 'node:vm';
import type { Doc } from '../bson/codec.ts';
import { isPlainObject } from '../bson/paths.ts';
import { CommandError, ErrorCode } from '../errors.ts';

/** Documents examined between two checks of the deadline and two chances to yield. */
export const SLICE_DOCUMENTS = 128;
/** Time a reader runs before it lets other clients in. */
const YIELD_AFTER_MS = 8;
/** The longest a slice of documents may hold the event loop on a regex. */
export const BACKTRACKING_SLICE_MS = 250;
/** The longest a pipeline or projection holding a regex may hold the event loop. */
export const WHOLE_RUN_MS = 2_000;

export function maxTimeExpired(): CommandError {
  return new CommandError(ErrorCode.MaxTimeMSExpired, 'operation exceeded time limit');
}

/** One command's budget: its deadline (maxTimeMS) and how its matching must be run. */
export class Work {
  /** performance.now() past which the command fails with MaxTimeMSExpired (Infinity: none). */
  readonly deadline: number;
  /** Whether its filter holds a regex: then its matching runs under a time bound. */
  backtracking = false;
  private sinceYield = performance.now();

  constructor(deadline = Infinity) {
    this.deadline = deadline;
  }

  /** Throws MaxTimeMSExpired once the deadline has passed. */
  check(): void {
    if (performance.now() > this.deadline) throw maxTimeExpired();
  }

  /** Whether a reader has run long enough to let other clients in. */
  shouldYield(): boolean {
    return performance.now() - this.sinceYield >= YIELD_AFTER_MS;
  }

  async yield(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.sinceYield = performance.now();
    this.check();
  }

  /**
   * Runs `step` (synchronous), bounded in time when it must be: under V8's execution timeout
   * when the filter needs backtracking or a deadline is set and `step` has no checks of its own.
   */
  run<T>(step: () => T, unchecked = false): T {
    if (!this.backtracking && !(unchecked && this.deadline !== Infinity)) return step();
    const remaining = this.deadline - performance.now();
    if (remaining <= 0) throw maxTimeExpired();
    // A slice of documents gets the slice bound; a run with no checks of its own (a whole
    // pipeline, a projection) the longer one.
    const bound = unchecked ? WHOLE_RUN_MS : BACKTRACKING_SLICE_MS;
    const limit = this.backtracking ? Math.min(remaining, bound) : remaining;
    return bounded(step, limit, () => {
      if (performance.now() >= this.deadline - 1) return maxTimeExpired();
      const over = unchecked ? `${WHOLE_RUN_MS} ms in one pipeline` : `${BACKTRACKING_SLICE_MS} ms on ${SLICE_DOCUMENTS} documents`;
      return new CommandError(ErrorCode.BadValue, `a regular expression ran over ${over} (nested quantifiers backtrack without end): simplify the pattern`);
    });
  }
}

/** The budget `body` asks for: maxTimeMS (0 or absent: no limit), validated as mongod does. */
export function workFor(body: Doc, startedAt = performance.now()): Work {
  const raw = body.maxTimeMS;
  if (raw === undefined || raw === null) return new Work();
  const ms = typeof raw === 'number' ? raw : typeof raw === 'bigint' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0 || ms > 2_147_483_647 || !Number.isInteger(ms)) {
    throw new CommandError(ErrorCode.BadValue, `${String(raw)} value for maxTimeMS is out of range [0, 2147483647]`);
  }
  return new Work(ms === 0 ? Infinity : startedAt + ms);
}

// One context for every bounded run: the timeout interrupts whatever JavaScript runs inside
// the call, the host functions it calls included.
const context = vm.createContext({ step: null as null | (() => unknown) });
const callStep = new vm.Script('step()');

function bounded<T>(step: () => T, ms: number, onTimeout: () => CommandError): T {
  context.step = step;
  try {
    return callStep.runInContext(context, { timeout: Math.max(1, Math.ceil(ms)) }) as T;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw onTimeout();
    throw err;
  } finally {
    context.step = null;
  }
}

/** Whether the filter (or pipeline) holds a regex, which only a time bound keeps from backtracking without end. */
export function needsBacktracking(value: unknown, depth = 0): boolean {
  if (depth > 200) return true;
  if (value instanceof RegExp) return true;
  if (Array.isArray(value)) return value.some((v) => needsBacktracking(v, depth + 1));
  if (!isPlainObject(value)) return false;
  // $regex in a filter; $regexMatch / $regexFind(All) in expressions ({ input, regex, options }).
  if ('$regex' in value || ('regex' in value && 'input' in value)) return true;
  return Object.values(value).some((v) => needsBacktracking(v, depth + 1));
}
