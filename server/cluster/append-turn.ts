import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.ts';
import { KEY_PREFIX, type ClusterBus } from './bus.ts';
import { ReleaseWaiters } from './release-waiters.ts';

/** A turn lasts this long unless renewed: a holder killed mid-insert stops blocking the others after it. */
export const TURN_MS = 2_000;
const RENEW_EVERY_MS = 500;
/** The head left by the last holder is kept this long (a negotiation quiet longer reads it from the log). */
const HEAD_KEPT_MS = 60_000;
/** The queue of those waiting for a turn is forgotten this long after the last one joined it. */
const QUEUE_KEPT_MS = 10_000;
/** A waiter asks again after this at most (a grant it did not hear of, a turn that lapsed), or at once when granted. */
const RETRY_MS = 100;
/** Past this, an append goes ahead without its turn (the unique index still keeps the log whole). */
const WAIT_AT_MOST_MS = 30_000;
/** A holder nobody asked for keeps its turn across its batches this long at most, then hands it on and takes it again. */
export const KEEP_AT_MOST_MS = 250;
/** To those waiting: the turn is granted to a waiter (`token head waiting`). */
const GRANTED = 'append-granted';
/** To the holder: someone waits for its turn (the holder's token). */
const WANTED = 'append-wanted';

/**
 * Takes the turn, free or granted to this waiter already, and answers { the head its last holder
 * left ('' when none), how many wait behind }. Held by another: joins the queue of waiters once
 * (and tells the holder, whose turn is then wanted) and answers nil.
 * KEYS: turn, head, queue. ARGV: token, TURN_MS, WANTED channel, its message's header, QUEUE_KEPT_MS.
 */
const TAKE = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] or (not holder and redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])) then
  redis.call('LREM', KEYS[3], 0, ARGV[1])
  return {redis.call('GET', KEYS[2]) or '', redis.call('LLEN', KEYS[3])}
end
if not redis.call('LPOS', KEYS[3], ARGV[1]) then
  redis.call('RPUSH', KEYS[3], ARGV[1])
  redis.call('PUBLISH', ARGV[3], ARGV[4] .. holder)
end
redis.call('PEXPIRE', KEYS[3], ARGV[5])
return false`;
/**
 * Hands the turn on with the head this holder leaves ('' when unknown: the next one reads the
 * log): to the first waiter in the queue, told on GRANTED in the same round trip (it holds the
 * turn as soon as it hears of it, without asking), or to nobody.
 * KEYS: turn, head, queue. ARGV: token, head, HEAD_KEPT_MS, TURN_MS, GRANTED channel, its message's header.
 */
const GIVE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
local next = redis.call('LPOP', KEYS[3])
if next then
  redis.call('SET', KEYS[1], next, 'PX', ARGV[4])
  redis.call('PUBLISH', ARGV[5], ARGV[6] .. next .. ' ' .. ARGV[2] .. ' ' .. redis.call('LLEN', KEYS[3]))
else
  redis.call('DEL', KEYS[1])
end
return 1`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** One process's turn at a negotiation's log: the head the previous holder left, if known. */
export interface Turn {
  head: number | undefined;
  /** Another process waits for the turn (or it was kept KEEP_AT_MOST_MS already): hand it on after the batch under way. */
  readonly wanted: boolean;
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
 * and a read of the log, and the wait of both). A holder inserts its batches, then hands the
 * turn on with the new head, so that the next one neither collides nor reads the head.
 *
 * Those waiting queue up in Redis, in order: a holder keeps its turn across its consecutive
 * batches while nobody waits (KEEP_AT_MOST_MS at most), hands it on after the batch under way
 * once somebody does, and the turn goes straight to the first in the queue, who hears of it
 * and inserts without asking again. A hand-off is one script and one message, and no
 * process's appends wait behind another's for more than a batch per process ahead of them.
 *
 * A turn is an optimisation, never a guarantee: the unique index keeps the log gap-free and
 * each seq single whatever happens. So Redis down, a holder paused past TURN_MS, or a wait
 * past WAIT_AT_MOST_MS mean an append without its turn (the old collide-and-retry), never a
 * refused one. A holder killed mid-insert blocks the negotiation's appends for TURN_MS at most,
 * and so does a waiter killed in the queue, once, when the turn is granted to it.
 */
export class RedisAppendTurns implements AppendTurns {
  private readonly waiters = new ReleaseWaiters();
  /** This process's waiters, by token: the turn granted to each, once heard of (before it asks again). */
  private readonly taking = new Map<string, { head: string; waiting: number } | null>();
  /** The turns this process holds, by token: whether somebody waits for each. */
  private readonly holding = new Map<string, { wanted: boolean }>();
  private readonly offs: (() => void)[];
  private readonly bus: ClusterBus;
  private readonly logger: Logger;

  constructor(bus: ClusterBus, logger: Logger) {
    this.bus = bus;
    this.logger = logger;
    this.offs = [
      bus.subscribe(GRANTED, (body) => {
        const [token, head, waiting] = body.toString().split(' ');
        if (!this.taking.has(token)) return;
        this.taking.set(token, { head, waiting: Number(waiting) });
        this.waiters.wake(token);
      }),
      bus.subscribe(WANTED, (body) => {
        const turn = this.holding.get(body.toString());
        if (turn) turn.wanted = true;
      }),
      // Redis gone: nobody waits for a turn that cannot be handed on.
      bus.onDown(() => this.waiters.wakeAll()),
    ];
  }

  private keys(negotiationId: string): [string, string, string] {
    return [`${KEY_PREFIX}append:${negotiationId}`, `${KEY_PREFIX}append-head:${negotiationId}`, `${KEY_PREFIX}append-queue:${negotiationId}`];
  }

  async take(negotiationId: string): Promise<Turn | null> {
    const token = randomUUID();
    const keys = this.keys(negotiationId);
    const giveUpAt = Date.now() + WAIT_AT_MOST_MS;
    this.taking.set(token, null);
    try {
      while (this.bus.isUp && Date.now() < giveUpAt) {
        const granted = this.taking.get(token);
        if (granted) return this.held(negotiationId, keys, token, granted.head, granted.waiting);
        let taken: [string, number] | null;
        try {
          taken = (await this.bus.redis.eval(TAKE, 3, ...keys, token, TURN_MS, this.bus.channelKey(WANTED), this.bus.header, QUEUE_KEPT_MS)) as [string, number] | null;
        } catch (err) {
          this.logger.debug({ err, negotiationId }, 'append turn not taken (redis): appending without it');
          return null;
        }
        if (taken !== null) return this.held(negotiationId, keys, token, taken[0], taken[1]);
        await this.waiters.wait(token, RETRY_MS);
      }
      // Given up: out of the queue (best effort; a turn granted to it anyway lapses after TURN_MS).
      this.bus.redis.lrem(keys[2], 0, token).catch(() => undefined);
      return null;
    } finally {
      this.taking.delete(token);
    }
  }

  private held(negotiationId: string, keys: [string, string, string], token: string, head: string, waiting: number): Turn {
    const renew = setInterval(() => {
      this.bus.redis.eval(RENEW, 1, keys[0], token, TURN_MS).catch(() => undefined);
    }, RENEW_EVERY_MS);
    renew.unref();
    const state = { wanted: waiting > 0 };
    this.holding.set(token, state);
    const takenAt = Date.now();
    let released = false;
    return {
      head: head === '' ? undefined : Number(head),
      get wanted() {
        return state.wanted || Date.now() - takenAt >= KEEP_AT_MOST_MS;
      },
      release: (leftAt) => {
        if (released) return;
        released = true;
        clearInterval(renew);
        this.holding.delete(token);
        this.bus.redis
          .eval(GIVE, 3, ...keys, token, leftAt === undefined ? '' : String(leftAt), HEAD_KEPT_MS, TURN_MS, this.bus.channelKey(GRANTED), this.bus.header)
          .catch((err: unknown) => this.logger.debug({ err, negotiationId }, 'append turn not given back (redis): it lapses'));
      },
    };
  }

  close(): void {
    for (const off of this.offs) off();
  }
}
