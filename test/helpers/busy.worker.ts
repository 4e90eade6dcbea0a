import { threadId } from 'node:worker_threads';

/** A task that holds its thread for `ms` without yielding (as a long render would), for the worker pool's tests. */
export function spin({ ms }: { ms: number }): { threadId: number } {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // computing
  }
  return { threadId };
}
