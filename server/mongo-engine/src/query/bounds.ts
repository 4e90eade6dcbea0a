// Bounded work per command. The engine shares its event loop with every other client (and,
// embedded, with the web server), so no command may hold it for long:
// - `maxTimeMS` is honoured as mongod does (error 50, MaxTimeMSExpired): checked between
//   documents, and around whatever runs without such a check (a pipeline, a regex).
// - A regex never backtracks without end. One that provably cannot (linear-regex.ts: no
//   unbounded quantifier) runs as any other filter. Any other is matched under V8's execution
//   timeout, one slice of documents at a time, and refused once a slice has spent the slice
//   bound of the thread's CPU time (JavaScript's regex semantics kept as they are).
// - That timeout is wall-clock time: on a busy machine it also fires while the thread merely
//   waits for a core. So when it fires, the thread's own CPU time decides: under the bound,
//   the same slice runs again from its start with twice the time (a slice is a pure function
//   of its documents, so running it again changes nothing); only a slice whose runs together
//   spent the bound computing is refused. A correct query is not refused because the machine
//   is busy (a slice that needs more than half the bound may be, once started again).
//   V8's linear-time engine is not switched on for this: its flags are process-wide, and
//   they sent the web server's own regexes to the slow interpreter (the demo's seeding took
//   four times as long, and a restart outlasted its tests' bounds).
// - Long scans are cut into slices, and the readers (find, count, distinct, aggregate) wait
//   one turn of the event loop between slices once they have run for a few milliseconds.
import vm from 'node:vm';
import type { Doc } from '../bson/codec.ts';
import { isPlainObject } from '../bson/paths.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { provenLinear } from './linear-regex.ts';

/** Documents examined between two checks of the deadline and two chances to yield. */
export const SLICE_DOCUMENTS = 128;
/** Time a reader runs before it lets other clients in. */
const YIELD_AFTER_MS = 8;
/** The most CPU time a slice of documents may spend on a regex. */
export const BACKTRACKING_SLICE_MS = 250;
/** The most CPU time a pipeline or projection holding a regex may spend. */
export const WHOLE_RUN_MS = 2_000;
/** Share of the bound an interrupted run must have computed to be refused (timer and clock slack). */
const SPENT = 0.9;

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
   * Runs `step` (synchronous), bounded when it must be: under V8's execution timeout when the
   * filter needs backtracking (then `step` must be restartable: it may be interrupted and run
   * again from its start) or when a deadline is set and `step` has no checks of its own.
   */
  run<T>(step: () => T, unchecked = false): T {
    if (!this.backtracking && !(unchecked && this.deadline !== Infinity)) return step();
    // A slice of documents gets the slice bound; a run with no checks of its own (a whole
    // pipeline, a projection) the longer one.
    const bound = unchecked ? WHOLE_RUN_MS : BACKTRACKING_SLICE_MS;
    // The CPU time spent on `step`, over every run of it: a run started again does not get
    // the bound afresh, so the event loop is never held much past it.
    let spent = 0;
    for (let wall = bound; ; wall *= 2) {
      const remaining = this.deadline - performance.now();
      if (remaining <= 0) throw maxTimeExpired();
      const limit = this.backtracking ? Math.min(remaining, wall) : remaining;
      const before = threadCpu();
      const outcome = bounded(step, limit);
      if (outcome !== INTERRUPTED) return outcome.value;
      if (performance.now() >= this.deadline - 1 || !this.backtracking) throw maxTimeExpired();
      spent += threadCpu() - before;
      if (spent >= bound * SPENT) {
        const over = unchecked ? `${WHOLE_RUN_MS} ms of CPU in one pipeline` : `${BACKTRACKING_SLICE_MS} ms of CPU on ${SLICE_DOCUMENTS} documents`;
        throw new CommandError(ErrorCode.BadValue, `a regular expression ran over ${over} (nested quantifiers backtrack without end): simplify the pattern`);
      }
      // The thread waited for a core more than it computed: the same run again, longer.
    }
  }
}

/** The CPU time this thread has spent, in ms (the whole process's where Node cannot tell). */
function threadCpu(): number {
  const { user, system } = typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : process.cpuUsage();
  return (user + system) / 1000;
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
const INTERRUPTED = Symbol('interrupted');

function bounded<T>(step: () => T, ms: number): { value: T } | typeof INTERRUPTED {
  context.step = step;
  try {
    return { value: callStep.runInContext(context, { timeout: Math.max(1, Math.ceil(ms)) }) as T };
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return INTERRUPTED;
    throw err;
  } finally {
    context.step = null;
  }
}

/**
 * Whether the filter (or pipeline) holds a regex that may backtrack without end: one not
 * proven linear, or one an expression computes.
 */
export function needsBacktracking(value: unknown, depth = 0): boolean {
  if (depth > 200) return true;
  if (value instanceof RegExp) return !provenLinear(value.source, value.flags);
  if (Array.isArray(value)) return value.some((v) => needsBacktracking(v, depth + 1));
  if (!isPlainObject(value)) return false;
  // $regex in a filter (a string or a regex, with its $options).
  if ('$regex' in value && !regexLinear(value.$regex, value.$options)) return true;
  // $regexMatch / $regexFind(All) in expressions ({ input, regex, options }): the regex may
  // be computed (a field path, an expression), then it is not known before it runs.
  if ('regex' in value && 'input' in value && !regexLinear(value.regex, value.options)) return true;
  return Object.entries(value).some(([k, v]) => k !== '$regex' && k !== '$options' && needsBacktracking(v, depth + 1));
}

function regexLinear(regex: unknown, options: unknown): boolean {
  const extra = options === undefined || options === null ? '' : options;
  if (typeof extra !== 'string') return false;
  if (regex instanceof RegExp) return provenLinear(regex.source, regex.flags + extra);
  // A string starting with $ in an expression is a field path, not a pattern.
  return typeof regex === 'string' && !regex.startsWith('$') && provenLinear(regex, extra);
}
