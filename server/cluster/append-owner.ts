import { randomUUID } from 'node:crypto';
import type { NegotiationEvent } from '../../shared/events.ts';
import { FORWARDED_KEY, type Append, type AppendOwners } from '../events/event-log.ts';
import { CommandAlreadyRecorded } from '../events/event-store.ts';
import type { Logger } from '../logger.ts';
import { KEY_PREFIX, type ClusterBus } from './bus.ts';

/** A negotiation's lease lasts this long unless renewed: a killed owner stops being forwarded to after it. */
export const OWNER_LEASE_MS = 1_500;
/** The leases of the negotiations this process appended for lately are renewed this often; an idle one lapses. */
const RENEW_EVERY_MS = 500;
/** A forwarded append not answered within this: is its owner still there (holding the lease, listening)? Asked as often. */
const CHECK_EVERY_MS = RENEW_EVERY_MS;
/** Past this, an append goes ahead here whoever owns the negotiation (the unique indexes still keep the log whole). */
const FORWARD_AT_MOST_MS = 30_000;
/** The refusal of an append whose key (a command's id) is stored already. */
const RECORDED = 'recorded';

/**
 * Takes the negotiation's lease when it is free or this process's (and renews it), and answers
 * [its owner, the ms its lease has left]. KEYS: lease. ARGV: this process, OWNER_LEASE_MS.
 */
const OWNER = `
local owner = redis.call('GET', KEYS[1])
if not owner or owner == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {ARGV[1], tonumber(ARGV[2])}
end
return {owner, redis.call('PTTL', KEYS[1])}`;
/** Renews the lease for ARGV[2] ms if ARGV[1] holds it, or frees it ('0'). KEYS: lease. */
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then return redis.call('DEL', KEYS[1]) end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;

/** What goes to a process's inbox (those of one turn together, as a JSON array): an append for it to make, or the answer to one. */
type Message =
  | { kind: 'append'; id: string; from: string; negotiationId: string; append: Append }
  | { kind: 'appended'; id: string; events: NegotiationEvent[] }
  | { kind: 'refused'; id: string; reason: string };
type Answer = Exclude<Message, { kind: 'append' }>;

/** A lease this process holds: until when (as far as it knows), and whether it appended since the last renewal. */
interface Held {
  until: number;
  active: boolean;
  /** Forwarded appends under way here. */
  serving: number;
}

/**
 * One process appends each negotiation's events for the whole cluster: the holder of its lease
 * in Redis, taken by the first process with an append for it while it is free (so an idle
 * negotiation costs no hop), renewed while that process appends, left to lapse when it stops.
 * The others forward their appends (the drafts their use case decided, stamped, with their
 * command's key) to its inbox and get the stored events back; it appends them in its own queue
 * with its own, in batches exactly as one process does, and publishes them: every process
 * hears the whole log from it, in order, in one message per batch.
 *
 * What is forwarded is the append, not the command: a use case whose rule depends on the state
 * decides in its negotiation's lane, which holds the negotiation's lease in the database across
 * the cluster (server/cluster/lease.ts) until its append is answered, wherever it is made.
 *
 * The lease only saves work, it guards nothing: two processes that both append (a lapsed lease,
 * Redis down, a forward given up) collide on the (negotiation, seq) index and one retries, as
 * without owners. An append forwarded to an owner that dies is forwarded again (or made here)
 * once the owner is known gone: not listening on its inbox any more (a killed process's
 * connection closes at once: its lease is then freed) or no longer holding the lease. Its key
 * makes it stored once: the owner may have stored it before dying, and the retry is refused,
 * then answered from the log (EventLog.record).
 */
export class RedisAppendOwners implements AppendOwners {
  /** The leases this process holds, by negotiation. */
  private readonly held = new Map<string, Held>();
  /** The other processes known to own a negotiation, until their lease's end as last read. */
  private readonly others = new Map<string, { owner: string; until: number }>();
  /** Each negotiation's owner being asked of Redis (the appends meanwhile wait for the same answer). */
  private readonly asking = new Map<string, Promise<string | null>>();
  /** Forwarded appends waiting for their answer, by id: where they went, when, and what wakes them. */
  private readonly waiting = new Map<string, { negotiationId: string; owner: string; sentAt: number; wake: (answer: Answer | null) => void }>();
  /** What this turn of the event loop sends to each process, sent as it ends. */
  private readonly outgoing = new Map<string, { messages: Message[]; heard: Promise<number> }>();
  private appendHere: ((negotiationId: string, append: Append) => Promise<NegotiationEvent[]>) | null = null;
  private readonly renewal: NodeJS.Timeout;
  private readonly offs: (() => void)[];
  private readonly bus: ClusterBus;
  private readonly logger: Logger;

  constructor(bus: ClusterBus, logger: Logger) {
    this.bus = bus;
    this.logger = logger;
    this.offs = [
      bus.subscribe(inbox(bus.processId), (body) => {
        for (const message of JSON.parse(body.toString()) as Message[]) this.receive(message);
      }),
      // Redis gone: the appends waiting for an answer are made here.
      bus.onDown(() => {
        for (const { wake } of this.waiting.values()) wake(null);
      }),
    ];
    this.renewal = setInterval(() => {
      this.renew();
      this.checkOwners();
    }, RENEW_EVERY_MS);
    this.renewal.unref();
  }

  serve(append: (negotiationId: string, append: Append) => Promise<NegotiationEvent[]>): void {
    this.appendHere = append;
  }

  async forward(negotiationId: string, append: Append): Promise<NegotiationEvent[] | null> {
    const giveUpAt = Date.now() + FORWARD_AT_MOST_MS;
    while (Date.now() < giveUpAt) {
      const owner = await this.ownerOf(negotiationId);
      if (owner === null) return null;
      append.command ??= FORWARDED_KEY + randomUUID();
      const answer = await this.ask(negotiationId, owner, { kind: 'append', id: randomUUID(), from: this.bus.processId, negotiationId, append });
      if (answer === null) continue;
      if (answer.kind === 'appended') return answer.events;
      throw answer.reason === RECORDED ? new CommandAlreadyRecorded() : new Error(`append at its owner failed: ${answer.reason}`);
    }
    this.logger.warn({ negotiationId }, 'append not answered by its owner in time: appended here');
    return null;
  }

  /** The negotiation's owner if another process; null when it is this one (the lease taken or renewed) or Redis is unreachable. */
  private ownerOf(negotiationId: string): Promise<string | null> {
    const now = Date.now();
    const mine = this.held.get(negotiationId);
    if (mine && now < mine.until) {
      mine.active = true;
      return Promise.resolve(null);
    }
    const other = this.others.get(negotiationId);
    if (other && now < other.until) return Promise.resolve(other.owner);
    if (!this.bus.isUp) return Promise.resolve(null);
    let asking = this.asking.get(negotiationId);
    if (!asking) {
      asking = this.askOwner(negotiationId).finally(() => this.asking.delete(negotiationId));
      this.asking.set(negotiationId, asking);
    }
    return asking;
  }

  private async askOwner(negotiationId: string): Promise<string | null> {
    const askedAt = Date.now();
    let owner: string;
    let left: number;
    try {
      [owner, left] = (await this.bus.redis.eval(OWNER, 1, leaseKey(negotiationId), this.bus.processId, OWNER_LEASE_MS)) as [string, number];
    } catch (err) {
      this.logger.debug({ err, negotiationId }, 'append owner not known (redis): appending here');
      return null;
    }
    if (owner === this.bus.processId) {
      this.others.delete(negotiationId);
      const mine = this.held.get(negotiationId);
      if (mine) mine.until = askedAt + OWNER_LEASE_MS;
      else this.held.set(negotiationId, { until: askedAt + OWNER_LEASE_MS, active: true, serving: 0 });
      return null;
    }
    this.held.delete(negotiationId);
    this.others.set(negotiationId, { owner, until: askedAt + Math.min(left, OWNER_LEASE_MS) });
    return owner;
  }

  /** Sends the append to its owner and waits for the answer: null when the owner is gone (ask again). */
  private async ask(negotiationId: string, owner: string, request: Message & { kind: 'append' }): Promise<Answer | null> {
    const answered = new Promise<Answer | null>((wake) => this.waiting.set(request.id, { negotiationId, owner, sentAt: Date.now(), wake }));
    try {
      const heard = await this.post(owner, request);
      if (heard > 0) return await answered;
      await this.letGo(negotiationId, owner);
      return null;
    } finally {
      this.waiting.delete(request.id);
    }
  }

  /**
   * The owners that have left a forwarded append unanswered for CHECK_EVERY_MS are asked after,
   * each once whatever the number of appends it holds: one that no longer holds the lease or no
   * longer listens (killed: its lease is then freed) has its appends forwarded again. After
   * FORWARD_AT_MOST_MS an append is made here (its key stores it once).
   */
  private checkOwners(): void {
    const late = new Map<string, { negotiationId: string; owner: string; wakes: ((answer: null) => void)[] }>();
    const now = Date.now();
    for (const { negotiationId, owner, sentAt, wake } of this.waiting.values()) {
      if (sentAt > now - CHECK_EVERY_MS) continue;
      // An answer lost on the way (it stays unanswered though its owner lives): made here.
      if (sentAt < now - FORWARD_AT_MOST_MS) wake(null);
      const key = `${negotiationId} ${owner}`;
      const entry = late.get(key) ?? { negotiationId, owner, wakes: [] };
      entry.wakes.push(wake);
      late.set(key, entry);
    }
    for (const { negotiationId, owner, wakes } of late.values()) {
      void this.stillOwns(negotiationId, owner).then((owns) => {
        if (!owns) for (const wake of wakes) wake(null);
      });
    }
  }

  /** Whether `owner` still holds the negotiation's lease and listens; its lease is freed when it holds it but no longer listens (killed). */
  private async stillOwns(negotiationId: string, owner: string): Promise<boolean> {
    if (!this.bus.isUp) return false;
    try {
      const [holder, listening] = await Promise.all([
        this.bus.redis.get(leaseKey(negotiationId)),
        this.bus.redis.pubsub('NUMSUB', this.bus.channelKey(inbox(owner))) as Promise<[string, number]>,
      ]);
      if (holder === owner && Number(listening[1]) > 0) return true;
      if (holder === owner) await this.letGo(negotiationId, owner);
    } catch (err) {
      this.logger.debug({ err, negotiationId }, 'append owner not checked (redis)');
    }
    this.others.delete(negotiationId);
    return false;
  }

  /** Frees the lease of an owner that is gone (if it still holds it), so that the next append takes it at once. */
  private async letGo(negotiationId: string, owner: string): Promise<void> {
    this.others.delete(negotiationId);
    this.logger.info({ negotiationId, owner }, 'append owner gone: its lease freed');
    await this.bus.redis.eval(RENEW, 1, leaseKey(negotiationId), owner, '0').catch(() => undefined);
  }

  private receive(message: Message): void {
    if (message.kind === 'append') void this.serveOne(message);
    else this.waiting.get(message.id)?.wake(message);
  }

  /** Appends what another process forwarded here (in this process's batches), then answers it. */
  private async serveOne({ id, from, negotiationId, append }: Message & { kind: 'append' }): Promise<void> {
    const lease = this.held.get(negotiationId);
    if (lease) lease.serving++;
    let answer: Answer;
    try {
      answer = { kind: 'appended', id, events: await this.appendHere!(negotiationId, append) };
    } catch (err) {
      answer = { kind: 'refused', id, reason: err instanceof CommandAlreadyRecorded ? RECORDED : String((err as Error)?.message ?? err) };
    } finally {
      if (lease) {
        lease.serving--;
        lease.active = true;
      }
    }
    void this.post(from, answer);
  }

  /**
   * Sends a message to a process's inbox with the others posted to it in this turn of the event
   * loop, in one publication (the appends of one turn's commands, the answers of one batch):
   * answers how many processes heard it (0: it is gone, or Redis is).
   */
  private post(to: string, message: Message): Promise<number> {
    let bag = this.outgoing.get(to);
    if (!bag) {
      const messages: Message[] = [];
      const heard = new Promise<number>((resolve) =>
        setImmediate(() => {
          this.outgoing.delete(to);
          this.bus.send(inbox(to), JSON.stringify(messages)).then(resolve, (err: unknown) => {
            this.logger.debug({ err, to }, 'appends or answers not sent (redis): retried once their owner is known');
            resolve(0);
          });
        }),
      );
      this.outgoing.set(to, (bag = { messages, heard }));
    }
    bag.messages.push(message);
    return bag.heard;
  }

  /** Renews the leases of the negotiations appended for since the last renewal (or still being); the others lapse. */
  private renew(): void {
    for (const [negotiationId, lease] of this.held) {
      if (!lease.active && lease.serving === 0) {
        this.held.delete(negotiationId);
        continue;
      }
      lease.active = false;
      const sentAt = Date.now();
      this.bus.redis.eval(RENEW, 1, leaseKey(negotiationId), this.bus.processId, OWNER_LEASE_MS).then(
        (renewed) => {
          if (renewed) lease.until = sentAt + OWNER_LEASE_MS;
          else if (this.held.get(negotiationId) === lease) this.held.delete(negotiationId);
        },
        () => undefined,
      );
    }
  }

  /** Stops; the leases held are freed, so that the others take them at once rather than when they lapse. */
  async close(): Promise<void> {
    clearInterval(this.renewal);
    for (const off of this.offs) off();
    const held = [...this.held.keys()];
    this.held.clear();
    await Promise.all(held.map((negotiationId) => this.bus.redis.eval(RENEW, 1, leaseKey(negotiationId), this.bus.processId, '0').catch(() => undefined)));
  }
}

/** Where in Redis a negotiation's lease is held: its value is the owner's process id. */
export function leaseKey(negotiationId: string): string {
  return `${KEY_PREFIX}append-owner:${negotiationId}`;
}

/** The channel a process receives its forwarded appends and their answers on. */
function inbox(processId: string): string {
  return `append:${processId}`;
}
