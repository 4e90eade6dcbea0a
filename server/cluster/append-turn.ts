import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.ts';
import { KEY_PREFIX, type ClusterBus } from './bus.ts';
import { ReleaseWaiters } from './release-waiters.ts';

/** A turn lasts this long unless renewed: a holder killed mid-insert stops blocking the others after it. */
export const TURN_MS = 2_000;
const RENEW_EVERY_MS = 500;
/** The head left by the last holder is kept this long (a negotiation quiet longer reads it from the log). */
const HEAD_KEPT_MS = 60_000;
/** A waiter asks again after this at most, or at once when the holder announces it let go. */
const RETRY_MS = 20;
/** Past this, an append goes ahead without its turn (the unique index still keeps the log whole). */
const WAIT_AT_MOST_MS = 30_000;
const RELEASED = 'append-released';

/** Takes the turn and answers the head its last holder left ('' when none), or nil when another holds it. */
const TAKE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('GET', KEYS[2]) or ''
end
return false`;
/**
 * Gives the turn back with the head this holder leaves ('' when unknown: the next one reads the
 * log), and announces it to the waiters (ARGV[4], ARGV[5]: the channel and its framed message)
 * in the same round trip: the next holder's wait ends one round trip sooner.
 */
const GIVE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  if ARGV[2] == '' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
  redis.call('PUBLISH', ARGV[4], ARGV[5])
  return 1
end
return 0`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** One process's turn at a negotiation's log: the head the previous holder left, if known. */
export interface Turn {
  head: number | undefined;
  /** Hands the turn on with the head this holder leaves (undefined: unknown, the next holder reads it). */
  release(head: number | undefined): void;
}

/** Where an event store asks for its turn before it numbers and inserts a batch (none with one process). */
export interface AppendTurns {
  take(negotiationId: string): Promise<Turn | null>;
}

/**
 * Processes take turns at a negotiation's log, through Redis. Without turns, two processes
 * appending at once both number from the head they last knew: one insert is refused on the
 * (negotiation, seq) index, re-reads the head and tries again, and under a steady flow of
 * commands on three processes most inserts collided at least once (each costing an insert
 * and a read of the log, and the wait of both). A holder inserts its batch, then hands the
 * turn on with the new head, so that the next one neither collides nor reads the head.
 *
 * A turn is an optimisation, never a guarantee: the unique index keeps the log gap-free and
 * each seq single whatever happens. So Redis down, a holder paused past TURN_MS, or a wait
 * past WAIT_AT_MOST_MS mean an append without its turn (the old collide-and-retry), never a
 * refused one. A holder killed mid-insert blocks the negotiation's appends for TURN_MS at most.
 */
export class RedisAppendTurns implements AppendTurns {
  private readonly waiters = new ReleaseWaiters();
  private readonly offs: (() => void)[];
  private readonly bus: ClusterBus;
  private readonly logger: Logger;

  constructor(bus: ClusterBus, logger: Logger) {
    this.bus = bus;
    this.logger = logger;
    this.offs = [
      bus.subscribe(RELEASED, (body) => this.waiters.wake(body.toString())),
      // Redis gone: nobody waits for a turn that cannot be handed on.
      bus.onDown(() => this.waiters.wakeAll()),
    ];
  }

  private keys(negotiationId: string): [string, string] {
    return [`${KEY_PREFIX}append:${negotiationId}`, `${KEY_PREFIX}append-head:${negotiationId}`];
  }

  async take(negotiationId: string): Promise<Turn | null> {
    const token = randomUUID();
    const keys = this.keys(negotiationId);
    const giveUpAt = Date.now() + WAIT_AT_MOST_MS;
    while (this.bus.isUp && Date.now() < giveUpAt) {
      let taken: string | null;
      try {
        taken = (await this.bus.redis.eval(TAKE, 2, ...keys, token, TURN_MS)) as string | null;
      } catch (err) {
        this.logger.debug({ err, negotiationId }, 'append turn not taken (redis): appending without it');
        return null;
      }
      if (taken !== null) return this.held(negotiationId, keys, token, taken);
      await this.waiters.wait(negotiationId, RETRY_MS);
    }
    return null;
  }

  private held(negotiationId: string, keys: [string, string], token: string, head: string): Turn {
    const renew = setInterval(() => {
      this.bus.redis.eval(RENEW, 1, keys[0], token, TURN_MS).catch(() => undefined);
    }, RENEW_EVERY_MS);
    renew.unref();
    let released = false;
    return {
      head: head === '' ? undefined : Number(head),
      release: (leftAt) => {
        if (released) return;
        released = true;
        clearInterval(renew);
        this.bus.redis
          .eval(GIVE, 2, ...keys, token, leftAt === undefined ? '' : String(leftAt), HEAD_KEPT_MS, ...this.bus.framed(RELEASED, negotiationId))
          .catch((err: unknown) => this.logger.debug({ err, negotiationId }, 'append turn not given back (redis): it lapses'));
      },
    };
  }

  close(): void {
    for (const off of this.offs) off();
  }
}
