import type { Connection } from 'mongoose';
import { runInProcess, type InProcessCommand } from '../db/connection.ts';
import { COMMITTEE, type EventDraft, type NegotiationEvent, type Visibility } from '../../shared/events.ts';
import { canSee, visibilityFilter, type Viewer } from '../../shared/visibility.ts';
import { readVisibility } from '../access/mandate-events.ts';
import { eventModel, type EventDoc } from './event.model.ts';

const DUPLICATE_KEY = 11000;
const MAX_ATTEMPTS = 100;

/** The command this append records was recorded already (the events' unique command index). */
export class CommandAlreadyRecorded extends Error {
  constructor() {
    super('command already recorded');
  }
}

function isDuplicateCommand(err: unknown): boolean {
  const e = err as { errmsg?: string; message?: string; writeErrors?: { errmsg?: string }[] };
  return [e?.errmsg, e?.message, ...(e?.writeErrors ?? []).map((w) => w.errmsg)].some((m) => typeof m === 'string' && /index: command_1\b/.test(m));
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number }[] };
  return e?.code === DUPLICATE_KEY || !!e?.writeErrors?.some((w) => w.code === DUPLICATE_KEY);
}

/** A stored event as the catalogue types it (a type this version does not know is passed on as it is). */
export function toNegotiationEvent(doc: EventDoc): NegotiationEvent {
  const org = doc.org ?? null;
  return {
    negotiationId: doc.negotiationId,
    seq: doc.seq,
    type: doc.type,
    payload: doc.payload,
    actor: doc.actor,
    org,
    at: new Date(doc.at).toISOString(),
    visibility: readVisibility({ type: doc.type, payload: doc.payload, actor: doc.actor, org, visibility: doc.visibility as Visibility }),
  } as NegotiationEvent;
}

/** What an append stored (in memory at least), and when that is on disk. */
interface Stored {
  events: NegotiationEvent[];
  /** Resolves once every stored event is durable: only then is anyone told of them. */
  durable: Promise<void>;
}

/** An append that broke off: `stored` holds what it had stored before `cause` stopped it. */
class AppendFailed extends Error {
  readonly stored: Stored;
  override readonly cause: unknown;

  constructor(
    stored: Stored,
    cause: unknown,
  ) {
    super('event append failed');
    this.stored = stored;
    this.cause = cause;
  }
}

/** One caller's drafts, waiting for the next batch of its negotiation. */
interface PendingAppend {
  drafts: EventDraft[];
  at: Date;
  /** The command (with a client id) whose first events these are: kept on the first one. */
  command?: string;
  resolve: (events: NegotiationEvent[]) => void;
  reject: (err: unknown) => void;
}

/** A batch never grows past this many events (one insert command stays small). */
const MAX_BATCH_EVENTS = 1_000;

/**
 * The negotiation event log. Appends get gap-free sequence numbers: appends to one
 * negotiation are queued inside this process, and a duplicate key (another process won
 * the number) re-reads the head and retries what was not stored.
 *
 * Group append: the appends that arrive while an insert of their negotiation is under
 * way queue up, and the next insert stores them all at once, each caller getting its own
 * events back. A batch that fails for another reason than a lost race is retried caller
 * by caller, so one bad append never takes its neighbours down with it.
 *
 * Every caller is answered only once its events are durable. Through the driver an
 * insert is answered when durable, so batches follow one another. With the embedded
 * engine of this process (`command`), an insert is applied at once and made durable by
 * the journal's next group commit: the next batch is stored without waiting for the
 * disk, and each batch's callers are answered, in order, as the disk catches up.
 */
export class EventStore {
  private readonly heads = new Map<string, number>();
  private readonly waiting = new Map<string, PendingAppend[]>();
  /** Per negotiation, the first seq of each insert applied in the engine but not yet on disk. */
  private readonly notDurable = new Map<string, Set<number>>();

  private readonly connection: Connection;
  private readonly command?: InProcessCommand;

  /**
   * `command`, when the database is the embedded engine of this process, stores appends
   * without the round trip through the driver and the loopback socket; the documents and
   * the durability are the same.
   */
  constructor(
    connection: Connection,
    command?: InProcessCommand,
  ) {
    this.connection = connection;
    this.command = command;
  }

  private get model() {
    return eventModel(this.connection);
  }

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  /** Stores the drafts after every event already stored or queued for the negotiation; resolves once durable. */
  append(negotiationId: string, drafts: EventDraft[], now: () => Date = () => new Date(), command?: string): Promise<NegotiationEvent[]> {
    if (drafts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      let queue = this.waiting.get(negotiationId);
      const idle = !queue;
      if (!queue) this.waiting.set(negotiationId, (queue = []));
      queue.push({ drafts, at: now(), command, resolve, reject });
      if (idle) void this.drain(negotiationId, queue);
    });
  }

  /** Stores the negotiation's queued appends, a batch at a time, until none is left. */
  private async drain(negotiationId: string, queue: PendingAppend[]): Promise<void> {
    // Let the appends of this turn of the event loop join the first batch.
    await Promise.resolve();
    while (queue.length > 0) {
      const batch = takeBatch(queue);
      try {
        answer(batch, await this.appendNow(negotiationId, batch));
      } catch (err) {
        // What the failed batch did store (a lost race may have come first) goes to its callers;
        // the append it broke in fails; those after it, untouched, are tried one by one.
        const stored = err instanceof AppendFailed ? err.stored : { events: [], durable: Promise.resolve() };
        const cause = err instanceof AppendFailed ? err.cause : err;
        let offset = 0;
        let done = 0;
        while (done < batch.length && offset + batch[done].drafts.length <= stored.events.length) offset += batch[done++].drafts.length;
        answer(batch.slice(0, done), stored);
        if (done < batch.length && (offset < stored.events.length || batch.length - done === 1)) batch[done++].reject(cause);
        await this.oneByOne(negotiationId, batch.slice(done));
      }
    }
    this.waiting.delete(negotiationId);
  }

  private async oneByOne(negotiationId: string, batch: PendingAppend[]): Promise<void> {
    for (const request of batch) {
      try {
        answer([request], await this.appendNow(negotiationId, [request]));
      } catch (err) {
        request.reject(err instanceof AppendFailed ? err.cause : err);
      }
    }
  }

  private async readHead(negotiationId: string): Promise<number> {
    const last = await this.model.findOne({ negotiationId }, { seq: 1 }).sort({ seq: -1 }).lean();
    return last?.seq ?? 0;
  }

  private async appendNow(negotiationId: string, requests: readonly PendingAppend[]): Promise<Stored> {
    const events: NegotiationEvent[] = [];
    const durables: Promise<void>[] = [];
    const pending = requests.flatMap(({ drafts, at, command }) => drafts.map((draft, i) => ({ draft, at, command: i === 0 ? command : undefined })));
    try {
      await this.storeAll(negotiationId, pending, events, durables);
    } catch (err) {
      throw new AppendFailed({ events, durable: allDurable(durables) }, err);
    }
    return { events, durable: allDurable(durables) };
  }

  /** Inserts the pending events after the head, retrying what a lost race left out; pushes each stored event to `events`. */
  private async storeAll(
    negotiationId: string,
    toStore: { draft: EventDraft; at: Date; command?: string }[],
    events: NegotiationEvent[],
    durables: Promise<void>[],
  ): Promise<void> {
    let pending = toStore;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`event append on ${negotiationId} kept colliding`);
      const head = this.heads.get(negotiationId) ?? (await this.readHead(negotiationId));
      const docs: EventDoc[] = pending.map(({ draft, at, command }, i) => ({
        negotiationId,
        seq: head + i + 1,
        type: draft.type,
        payload: draft.payload ?? {},
        actor: draft.actor,
        org: draft.org ?? null,
        visibility: draft.visibility ?? COMMITTEE,
        at,
        ...(command ? { command } : {}),
      }));
      const { inserted, durable, error } = await this.insert(docs);
      durables.push(durable);
      if (inserted > 0 && this.command) this.holdUntilDurable(negotiationId, head + 1, durable);
      events.push(...docs.slice(0, inserted).map(toNegotiationEvent));
      if (!error) {
        this.heads.set(negotiationId, head + docs.length);
        return;
      }
      this.heads.delete(negotiationId);
      // Another attempt of the same command recorded it first: not a lost race for the seq.
      if (isDuplicateCommand(error)) throw new CommandAlreadyRecorded();
      if (!isDuplicateKey(error)) throw error;
      // An ordered insert stops at the first collision: what came before it is stored.
      pending = pending.slice(inserted);
    }
  }

  /** An ordered insert: how many documents went in before an error (if any) stopped it, and when they are durable. */
  private async insert(docs: EventDoc[]): Promise<{ inserted: number; durable: Promise<void>; error?: unknown }> {
    if (!this.command) {
      try {
        // The driver's own insert: the documents are built here, whole and typed. Answered once durable.
        await this.model.collection.insertMany(docs, { ordered: true });
        return { inserted: docs.length, durable: Promise.resolve() };
      } catch (error) {
        const inserted = (error as { result?: { insertedCount?: number } }).result?.insertedCount ?? 0;
        return { inserted, durable: Promise.resolve(), error };
      }
    }
    const { reply, error, durable } = await runInProcess(this.command, { insert: this.model.collection.collectionName, documents: docs, ordered: true });
    return error ? { inserted: Number(reply.n ?? 0), durable, error } : { inserted: docs.length, durable };
  }

  /**
   * The `count` events an append recorded under `command` (its first one carries it), as they
   * are stored: for an append that another process stored before its answer was lost.
   */
  async recordedAs(negotiationId: string, command: string, count: number): Promise<NegotiationEvent[]> {
    const first = await this.model.findOne({ negotiationId, command }, { seq: 1 }).lean();
    return first ? this.since(negotiationId, first.seq - 1, count) : [];
  }

  /**
   * Events after `sinceSeq`, in order, durable ones only: the engine serves what it has
   * applied, and an event applied here but not yet on disk is held back (it comes with its
   * publication, once durable), so no reader sees an event that a crash could still undo.
   */
  async since(negotiationId: string, sinceSeq: number, limit = 10_000): Promise<NegotiationEvent[]> {
    const docs = await this.model
      .find({ negotiationId, seq: { $gt: sinceSeq } })
      .sort({ seq: 1 })
      .limit(limit)
      .lean();
    const held = this.notDurable.get(negotiationId);
    const below = held && held.size > 0 ? Math.min(...held) : Infinity;
    return docs.filter((d) => d.seq < below).map((d) => toNegotiationEvent(d as EventDoc));
  }

  /**
   * One page of a catch-up: the first `limit` events after `sinceSeq` that `viewer` may see,
   * durable ones only, and how far in the log the page reaches (`lastSeq`: the events up to it
   * that are not in the page are not the viewer's to see). The database filters by visibility,
   * so what another delegation keeps to itself is neither sent nor decoded here.
   */
  async visibleSince(negotiationId: string, viewer: Viewer, sinceSeq: number, limit: number): Promise<CatchUpPage> {
    // The end first: what the page does not hold up to it is not visible; what comes after
    // it is published to the subscriber once durable.
    const head = await this.readHead(negotiationId);
    const held = this.notDurable.get(negotiationId);
    const end = held && held.size > 0 ? Math.min(head, Math.min(...held) - 1) : head;
    if (end <= sinceSeq) return { events: [], lastSeq: sinceSeq, more: false };
    const docs = await this.model
      .find({ negotiationId, seq: { $gt: sinceSeq, $lte: end }, $or: visibleTo(viewer) })
      .sort({ seq: 1 })
      .limit(limit)
      .lean();
    const full = docs.length === limit;
    const lastSeq = full ? docs[docs.length - 1].seq : end;
    // Changes of mandate stored by earlier versions for the committee are read narrower (readVisibility).
    const events = docs.map((d) => toNegotiationEvent(d as EventDoc)).filter((e) => canSee(viewer, e.visibility));
    return { events, lastSeq, more: lastSeq < end };
  }

  /** Remembers that the events from `fromSeq` on are applied but not durable until `durable` settles. */
  private holdUntilDurable(negotiationId: string, fromSeq: number, durable: Promise<void>): void {
    let held = this.notDurable.get(negotiationId);
    if (!held) this.notDurable.set(negotiationId, (held = new Set()));
    held.add(fromSeq);
    const release = () => {
      held.delete(fromSeq);
      if (held.size === 0 && this.notDurable.get(negotiationId) === held) this.notDurable.delete(negotiationId);
    };
    // A failed sync: the engine undid these events (and any after them), so the head read
    // before is no longer the log's, and the numbers are free again.
    durable.then(release, () => {
      release();
      this.heads.delete(negotiationId);
    });
  }
}

/** A page of a catch-up, as `visibleSince` reads it. */
export interface CatchUpPage {
  events: NegotiationEvent[];
  lastSeq: number;
  more: boolean;
}

/**
 * The events a viewer may see, as a database filter: one clause per audience the viewer is in,
 * written from shared/visibility.ts's table (the one `canSee` reads), so a scope added there
 * is filtered here too.
 */
export function visibleTo(viewer: Viewer): Record<string, unknown>[] {
  return visibilityFilter(viewer).map(({ scope, fields }) => ({
    'visibility.scope': scope,
    ...Object.fromEntries(Object.entries(fields).map(([field, value]) => [`visibility.${field}`, value])),
  }));
}

/** The first appends of the queue, up to MAX_BATCH_EVENTS events (at least one append). */
function takeBatch(queue: PendingAppend[]): PendingAppend[] {
  let events = 0;
  let count = 0;
  while (count < queue.length && (count === 0 || events + queue[count].drafts.length <= MAX_BATCH_EVENTS)) {
    events += queue[count].drafts.length;
    count++;
  }
  return queue.splice(0, count);
}

/** Answers each request with its own events, once they are durable (or fails them all if the disk fails). */
function answer(requests: readonly PendingAppend[], stored: Stored): void {
  if (requests.length === 0) return;
  let offset = 0;
  const slices = requests.map((request) => {
    const events = stored.events.slice(offset, offset + request.drafts.length);
    offset += request.drafts.length;
    return events;
  });
  stored.durable.then(
    () => requests.forEach((request, i) => request.resolve(slices[i])),
    (err: unknown) => requests.forEach((request) => request.reject(err)),
  );
}

function allDurable(durables: Promise<void>[]): Promise<void> {
  const all = durables.length === 1 ? durables[0] : Promise.all(durables).then(() => undefined);
  all.catch(() => undefined); // answered (or not needed) by whoever holds it
  return all;
}
