import type { Collection, Db } from 'mongodb';
import { AppError } from '../common/app-error.ts';
import type { Logger } from '../logger.ts';
import type { ClusterBus } from './bus.ts';
import { ReleaseWaiters } from './release-waiters.ts';

/** A lease lasts this long unless renewed: a killed holder stops blocking the others after it. */
export const LEASE_MS = 3_000;
/** Held leases are renewed this often. */
const RENEW_EVERY_MS = 1_000;
/** A lease taken by another process is asked again after a wait growing to this (or at once when freed). */
const MAX_WAIT_MS = 50;
/**
 * A task that cannot take its lease within this is refused (UNAVAILABLE) rather than wait for
 * ever: a holder stuck in a long task, or two processes each holding what the other waits for.
 */
export const ACQUIRE_TIMEOUT_MS = 30_000;

const DUPLICATE_KEY = 11000;
const COLLECTION = 'leases';
const RELEASED = 'lease-released';

interface LeaseDoc {
  _id: string;
  owner: string;
  until: number;
}

/**
 * Named leases shared by every process, in MongoDB (where the state they protect lives, so a
 * lease never depends on Redis being up): one process at a time holds a name. A holder renews
 * its leases while it holds them; one that dies stops blocking the others LEASE_MS later.
 * Freeing a lease is announced on Redis, so a waiting process takes it at once rather than at
 * its next try.
 *
 * Expiry is compared with the processes' clocks (keep them in sync, as any cluster does): a
 * holder paused longer than LEASE_MS (a stop-the-world pause, a frozen VM) could lose its lease
 * to another while it still runs; the event log's unique (negotiation, seq) still keeps the log
 * whole then.
 */
export class Leases {
  private readonly held = new Map<string, { count: number; renew: NodeJS.Timeout; letGo?: NodeJS.Immediate }>();
  private readonly acquiring = new Map<string, Promise<void>>();
  /** Releases under way: taking the name again waits for them (the delete would free the new lease). */
  private readonly releasing = new Map<string, Promise<void>>();
  private readonly waiters = new ReleaseWaiters();
  private readonly unsubscribe: () => void;

  private readonly collection: Collection<LeaseDoc>;
  private readonly bus: ClusterBus;
  private readonly logger: Logger;

  constructor(db: Db, bus: ClusterBus, logger: Logger) {
    this.collection = db.collection<LeaseDoc>(COLLECTION);
    this.bus = bus;
    this.logger = logger;
    this.unsubscribe = bus.subscribe(RELEASED, (body) => this.waiters.wake(body.toString()));
  }

  private get owner(): string {
    return this.bus.processId;
  }

  /** Runs `task` holding the lease `name` (shared by the tasks of this process that overlap). */
  async with<T>(name: string, task: () => Promise<T>): Promise<T> {
    const entry = this.held.get(name);
    if (entry) {
      entry.count++;
      if (entry.letGo) clearImmediate(entry.letGo);
      entry.letGo = undefined;
    } else {
      let acquiring = this.acquiring.get(name);
      if (!acquiring) {
        acquiring = (this.releasing.get(name) ?? Promise.resolve()).then(() => this.acquire(name)).finally(() => this.acquiring.delete(name));
        this.acquiring.set(name, acquiring);
      }
      await acquiring;
      const now = this.held.get(name);
      if (now) now.count++;
      else this.held.set(name, { count: 1, renew: this.renewal(name) });
    }
    try {
      return await task();
    } finally {
      const now = this.held.get(name)!;
      // Let go once this turn is over: the next task of the negotiation's lane, queued behind
      // this one, starts within it and keeps the lease without writing it again.
      if (--now.count === 0) now.letGo = setImmediate(() => this.letGo(name));
    }
  }

  private letGo(name: string): void {
    const entry = this.held.get(name);
    if (!entry || entry.count > 0) return;
    clearInterval(entry.renew);
    this.held.delete(name);
    const released = this.release(name).finally(() => {
      if (this.releasing.get(name) === released) this.releasing.delete(name);
    });
    this.releasing.set(name, released);
  }

  private async acquire(name: string): Promise<void> {
    const giveUpAt = Date.now() + ACQUIRE_TIMEOUT_MS;
    for (let attempt = 0; ; attempt++) {
      const now = Date.now();
      if (now > giveUpAt) {
        this.logger.error({ lease: name }, 'lease not obtained in time: task refused');
        throw new AppError('UNAVAILABLE', 'Le serveur est occupé : réessayez dans un instant.');
      }
      try {
        const taken = await this.collection.findOneAndUpdate(
          { _id: name, $or: [{ owner: this.owner }, { until: { $lte: now } }] },
          { $set: { owner: this.owner, until: now + LEASE_MS } },
          { upsert: true, returnDocument: 'after' },
        );
        if (taken?.owner === this.owner) return;
      } catch (err) {
        // Held by another: the upsert found no free lease and collided with the held one.
        if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
      }
      await this.waiters.wait(name, Math.min(2 ** attempt, MAX_WAIT_MS) * (0.5 + Math.random()));
    }
  }

  private renewal(name: string): NodeJS.Timeout {
    const timer = setInterval(() => {
      this.collection
        .updateOne({ _id: name, owner: this.owner }, { $set: { until: Date.now() + LEASE_MS } })
        .then((result) => {
          if (result.matchedCount === 0 && this.held.has(name)) this.logger.error({ lease: name }, 'lease lost while held (paused longer than its term?)');
        })
        .catch((err: unknown) => this.logger.warn({ err, lease: name }, 'lease renewal failed'));
    }, RENEW_EVERY_MS);
    timer.unref();
    return timer;
  }

  private async release(name: string): Promise<void> {
    try {
      await this.collection.deleteOne({ _id: name, owner: this.owner });
      this.bus.publish(RELEASED, name);
    } catch (err) {
      // It expires by itself.
      this.logger.warn({ err, lease: name }, 'lease release failed');
    }
  }

  /** Forgets the leases held (they expire) and stops listening. */
  close(): void {
    for (const { renew, letGo } of this.held.values()) {
      clearInterval(renew);
      if (letGo) clearImmediate(letGo);
    }
    this.unsubscribe();
  }
}
