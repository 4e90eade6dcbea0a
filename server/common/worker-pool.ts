import os from 'node:os';
import { Piscina } from 'piscina';
import { AppError } from './app-error.ts';

/**
 * Work too heavy for the event loop — decoding a whole agreement's Yjs states, comparing two
 * versions of it, rendering its exports — runs in worker threads, so that editors, event
 * streams and other requests keep being served meanwhile. One pool per process: its threads
 * stand for the machine's spare cores, whichever app asks. They start on first use, are let
 * go after a while idle, and never keep the process alive.
 *
 * A task is a function exported by a `*.worker.ts` module that imports nothing the main
 * thread set up (no database, no app): it gets its input by structured clone (typed arrays
 * copy their whole buffer: hand over compact ones) and its result comes back the same way.
 */

export interface WorkerTask<I, O> {
  /** file: URL of the module. */
  filename: string;
  /** Name of the exported function. */
  name: string;
  /** Types only: what the function takes and gives. */
  readonly __types?: (input: I) => O;
}

/** The task `name` of the module at `url`: `workerTask<typeof compare>(new URL('./x.worker.ts', import.meta.url), 'compare')`. */
export function workerTask<F extends (input: never) => unknown>(url: URL, name: string): WorkerTask<Parameters<F>[0], Awaited<ReturnType<F>>> {
  return { filename: url.href, name };
}

export interface WorkerPoolOptions {
  threads?: number;
  /** Tasks waiting for a thread beyond which a new one is refused (429). */
  maxQueue?: number;
  idleTimeoutMs?: number;
}

export class WorkerPool {
  private readonly options: Required<WorkerPoolOptions>;
  private pool: Piscina | null = null;

  constructor(options: WorkerPoolOptions = {}) {
    this.options = {
      // One core stays the event loop's.
      threads: options.threads ?? Math.min(4, Math.max(1, os.availableParallelism() - 1)),
      maxQueue: options.maxQueue ?? 32,
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    };
  }

  async run<I, O>(task: WorkerTask<I, O>, input: I): Promise<O> {
    this.pool ??= new Piscina({
      minThreads: 0,
      maxThreads: this.options.threads,
      idleTimeout: this.options.idleTimeoutMs,
    });
    if (this.pool.queueSize >= this.options.maxQueue) {
      throw new AppError('RATE_LIMITED', 'Le serveur prépare déjà de nombreux exports et comparaisons : réessayez dans quelques secondes.', { retryAfter: 5 });
    }
    return (await this.pool.run(input, { filename: task.filename, name: task.name })) as O;
  }

  /** Ends the threads (tasks still queued are refused). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}

/** The process's pool. */
export const workerPool = new WorkerPool();
