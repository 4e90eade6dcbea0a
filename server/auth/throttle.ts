import type { Connection } from 'mongoose';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../common/app-error.ts';

/** At most `points` attempts per `seconds`, counted from the first one. */
export interface Rule {
  points: number;
  seconds: number;
}

/** The attempts of one kind, counted per account (or other subject) and per address. */
export interface ThrottleRules {
  subject: Rule;
  address: Rule;
}

/** Every password typed: signing in, signing and opposing again, accepting an invitation with an account. */
export const PASSWORD_RULES: ThrottleRules = { subject: { points: 5, seconds: 15 * 60 }, address: { points: 20, seconds: 15 * 60 } };
/** « Mot de passe oublié »: per email, and per address. */
export const RESET_RULES: ThrottleRules = { subject: { points: 3, seconds: 60 * 60 }, address: { points: 10, seconds: 60 * 60 } };
/** Files sent to /api/verify, per address (the subject is the address too). */
export const VERIFY_RULES: ThrottleRules = { subject: { points: 60, seconds: 10 * 60 }, address: { points: 60, seconds: 10 * 60 } };

/** The collection every throttle counts in, shared by all the server processes of one database. */
export const THROTTLE_COLLECTION = 'throttles';

export class RateLimited extends AppError {
  readonly retryAfter: number;

  constructor(retryAfter: number, message = `Trop de tentatives. Réessayez dans ${Math.max(1, Math.ceil(retryAfter / 60))} min.`) {
    super('RATE_LIMITED', message, { retryAfter });
    this.retryAfter = retryAfter;
  }
}

/** What `consume` hands back: the attempt is allowed; `succeeded()` gives its points back. */
export interface Attempt {
  succeeded(): Promise<void>;
}

/**
 * A throttle that holds under concurrency and across processes: each attempt is counted in
 * MongoDB by one atomic find-and-modify (rate-limiter-flexible's Mongo store) BEFORE the
 * work it guards (the password hash) runs, so that of 200 simultaneous guesses at one
 * account exactly the allowed number get through and the others are refused at once. An
 * attempt that succeeds is given back (a person who signs in is not counted against).
 */
export class Throttle {
  private readonly subject: RateLimiterMongo;
  private readonly address: RateLimiterMongo;

  constructor(connection: Connection, name: string, rules: ThrottleRules) {
    const db = connection.db;
    if (!db) throw new Error('database not connected');
    const store = { storeClient: db, tableName: THROTTLE_COLLECTION, disableIndexesCreation: true };
    this.subject = new RateLimiterMongo({ ...store, keyPrefix: `${name}:subject`, points: rules.subject.points, duration: rules.subject.seconds });
    this.address = new RateLimiterMongo({ ...store, keyPrefix: `${name}:address`, points: rules.address.points, duration: rules.address.seconds });
  }

  /** The collection's indexes: unique keys, and expiry of the counts once their window is over. */
  static async createIndexes(connection: Connection): Promise<void> {
    const collection = connection.db!.collection(THROTTLE_COLLECTION);
    await collection.createIndex({ expire: -1 }, { expireAfterSeconds: 0 });
    await collection.createIndex({ key: 1 }, { unique: true });
  }

  /**
   * Counts one attempt for `subject` (an account's email, …) from `address`; throws
   * RateLimited (429 with Retry-After) when either is over its limit.
   */
  async consume(subject: string, address: string, message?: string): Promise<Attempt> {
    const key = subject.toLowerCase();
    const taken: { limiter: RateLimiterMongo; key: string }[] = [];
    try {
      await this.subject.consume(key);
      taken.push({ limiter: this.subject, key });
      await this.address.consume(address);
      taken.push({ limiter: this.address, key: address });
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      // A refused attempt never reached the guarded work: what it took from the other count is given back.
      await Promise.all(taken.map((t) => t.limiter.reward(t.key, 1)));
      throw new RateLimited(Math.max(1, Math.ceil(err.msBeforeNext / 1000)), message);
    }
    return {
      succeeded: async () => {
        await Promise.all(taken.map((t) => t.limiter.reward(t.key, 1)));
      },
    };
  }
}
