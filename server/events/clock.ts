import { Types } from 'mongoose';

/**
 * Where use cases read the time: the app's, passed in on its context (`ctx.clock`), never
 * `new Date()` inline, so that a test can fix the time a command happens at and the rules
 * that depend on it are tested without waiting.
 */
export interface Clock {
  now(): Date;
}

/** Where use cases take new ids (`ctx.ids`): a test can pass a predictable source. */
export interface IdSource {
  newId(): string;
}

export const systemClock: Clock = { now: () => new Date() };

/** MongoDB ObjectIds as hex strings: unique across processes without a shared counter. */
export const objectIds: IdSource = { newId: () => new Types.ObjectId().toHexString() };

/** A clock that reads `at` until moved (tests). */
export function fixedClock(at: Date | string): Clock & { set(at: Date | string): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set: (next) => (current = new Date(next)),
  };
}
