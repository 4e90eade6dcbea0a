import type { Connection } from 'mongoose';
import { loginAttemptModel } from './login-attempt.model.ts';

export interface Limit {
  /** Failures allowed in the window; the next attempt is refused until the window ends. */
  max: number;
  windowMs: number;
}

/** Guessing one person's password. */
export const ACCOUNT_LIMIT: Limit = { max: 5, windowMs: 15 * 60 * 1000 };
/** Spraying many accounts from one address. */
export const ADDRESS_LIMIT: Limit = { max: 20, windowMs: 15 * 60 * 1000 };

export interface AttemptWindow {
  failures: number;
  windowStart: Date;
}

/** Seconds until attempts are allowed again, or 0 when they are allowed now. Pure. */
export function retryAfterSeconds(window: AttemptWindow | null, limit: Limit, now: Date): number {
  if (!window) return 0;
  const endsAt = window.windowStart.getTime() + limit.windowMs;
  if (endsAt <= now.getTime() || window.failures < limit.max) return 0;
  return Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000));
}

export class LoginThrottle {
  private readonly connection: Connection;
  private readonly limits: { account: Limit; address: Limit };

  constructor(
    connection: Connection,
    limits: { account: Limit; address: Limit } = { account: ACCOUNT_LIMIT, address: ADDRESS_LIMIT },
  ) {
    this.connection = connection;
    this.limits = limits;
  }

  private get model() {
    return loginAttemptModel(this.connection);
  }

  private keys(email: string, address: string): [string, Limit][] {
    return [
      [`account:${email}`, this.limits.account],
      [`address:${address}`, this.limits.address],
    ];
  }

  /** Seconds to wait before the next attempt for this email from this address (0: go ahead). */
  async retryAfter(email: string, address: string, now = new Date()): Promise<number> {
    let wait = 0;
    for (const [key, limit] of this.keys(email, address)) {
      const doc = await this.model.findById(key).lean();
      wait = Math.max(wait, retryAfterSeconds(doc, limit, now));
    }
    return wait;
  }

  async recordFailure(email: string, address: string, now = new Date()): Promise<void> {
    for (const [key, limit] of this.keys(email, address)) {
      const windowOpenSince = new Date(now.getTime() - limit.windowMs);
      const counted = await this.model.updateOne(
        { _id: key, windowStart: { $gt: windowOpenSince } },
        { $inc: { failures: 1 } },
      );
      if (counted.matchedCount === 0) {
        const expiresAt = new Date(now.getTime() + limit.windowMs);
        await this.model.replaceOne({ _id: key }, { failures: 1, windowStart: now, expiresAt }, { upsert: true });
      }
    }
  }

  /** A successful sign-in forgives the account's failures (not the address's). */
  async recordSuccess(email: string): Promise<void> {
    await this.model.deleteOne({ _id: `account:${email}` });
  }
}
