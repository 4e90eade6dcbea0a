/**
 * The tasks of this process waiting for a name (a lease, a negotiation's append turn) to be let
 * go by another process: each waits until the release is announced (`wake`) or its own delay
 * runs out, whichever comes first, then asks again. A missed announcement costs one delay.
 */
export class ReleaseWaiters {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Resolves when `name` is announced free, or after `ms` at most. */
  wait(name: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(name);
      if (!set) this.waiters.set(name, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.waiters.get(name) === set) this.waiters.delete(name);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  /** `name` was let go: its waiters ask again at once. */
  wake(name: string): void {
    for (const done of [...(this.waiters.get(name) ?? [])]) done();
  }

  /** Every waiter asks again at once (e.g. Redis is gone: no release will be announced). */
  wakeAll(): void {
    for (const name of [...this.waiters.keys()]) this.wake(name);
  }
}
