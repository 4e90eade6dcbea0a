/**
 * Runs tasks one at a time per key (a negotiation, in practice), in arrival order, inside
 * this process: a command never decides on state that another command of the same
 * negotiation is about to change. A failed task does not stop the ones queued behind it.
 */
export function createLanes(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const lanes = new Map<string, Promise<unknown>>();
  return function serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
    const run = (lanes.get(key) ?? Promise.resolve()).catch(() => undefined).then(task);
    lanes.set(key, run);
    void run
      .finally(() => {
        if (lanes.get(key) === run) lanes.delete(key);
      })
      .catch(() => undefined);
    return run;
  };
}
