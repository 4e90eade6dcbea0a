import type { Connection } from 'mongoose';
import { COMMITTEE, type EventDraft, type NegotiationEvent } from '../../shared/events.ts';
import { eventModel, type EventDoc } from './event.model.ts';

const DUPLICATE_KEY = 11000;
const MAX_ATTEMPTS = 100;

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number }[] };
  return e?.code === DUPLICATE_KEY || !!e?.writeErrors?.some((w) => w.code === DUPLICATE_KEY);
}

export function toNegotiationEvent(doc: EventDoc): NegotiationEvent {
  return {
    negotiationId: doc.negotiationId,
    seq: doc.seq,
    type: doc.type,
    payload: doc.payload,
    actor: doc.actor,
    org: doc.org ?? null,
    at: new Date(doc.at).toISOString(),
    visibility: doc.visibility as NegotiationEvent['visibility'],
  };
}

/** An append that broke off: `stored` holds what it had stored before `cause` stopped it. */
class AppendFailed extends Error {
  constructor(
    readonly stored: NegotiationEvent[],
    override readonly cause: unknown,
  ) {
    super('event append failed');
  }
}

/** One caller's drafts, waiting for the next batch of its negotiation. */
interface PendingAppend {
  drafts: EventDraft[];
  at: Date;
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
 * Group append: while one insert of a negotiation is on its way to the disk, the appends
 * that arrive queue up, and the next insert stores them all at once, each caller getting
 * its own events back. Under load a negotiation pays one durable write per batch rather
 * than one per command, and a command waits for at most the insert in flight plus its own.
 * A batch that fails for another reason than a lost race is retried caller by caller, so
 * one bad append never takes its neighbours down with it.
 */
export class EventStore {
  private readonly heads = new Map<string, number>();
  private readonly waiting = new Map<string, PendingAppend[]>();

  constructor(private readonly connection: Connection) {}

  private get model() {
    return eventModel(this.connection);
  }

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  /** Stores the drafts after every event already stored or queued for the negotiation; resolves once durable. */
  append(negotiationId: string, drafts: EventDraft[], now: () => Date = () => new Date()): Promise<NegotiationEvent[]> {
    if (drafts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      let queue = this.waiting.get(negotiationId);
      const idle = !queue;
      if (!queue) this.waiting.set(negotiationId, (queue = []));
      queue.push({ drafts, at: now(), resolve, reject });
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
        const stored = await this.appendNow(negotiationId, batch);
        let offset = 0;
        for (const request of batch) {
          request.resolve(stored.slice(offset, offset + request.drafts.length));
          offset += request.drafts.length;
        }
      } catch (err) {
        // What the failed batch did store (a lost race may have come first) goes to its callers;
        // the append it broke in fails; those after it, untouched, are tried one by one.
        const stored = err instanceof AppendFailed ? err.stored : [];
        let offset = 0;
        let i = 0;
        for (; i < batch.length && offset + batch[i].drafts.length <= stored.length; i++) {
          batch[i].resolve(stored.slice(offset, offset + batch[i].drafts.length));
          offset += batch[i].drafts.length;
        }
        const cause = err instanceof AppendFailed ? err.cause : err;
        if (i < batch.length && (offset < stored.length || batch.length - i === 1)) batch[i++].reject(cause);
        await this.oneByOne(negotiationId, batch.slice(i));
      }
    }
    this.waiting.delete(negotiationId);
  }

  private async oneByOne(negotiationId: string, batch: PendingAppend[]): Promise<void> {
    for (const request of batch) {
      try {
        request.resolve(await this.appendNow(negotiationId, [request]));
      } catch (err) {
        request.reject(err instanceof AppendFailed ? err.cause : err);
      }
    }
  }

  private async readHead(negotiationId: string): Promise<number> {
    const last = await this.model.findOne({ negotiationId }, { seq: 1 }).sort({ seq: -1 }).lean();
    return last?.seq ?? 0;
  }

  private async appendNow(negotiationId: string, requests: readonly PendingAppend[]): Promise<NegotiationEvent[]> {
    const stored: NegotiationEvent[] = [];
    const pending = requests.flatMap(({ drafts, at }) => drafts.map((draft) => ({ draft, at })));
    try {
      await this.storeAll(negotiationId, pending, stored);
    } catch (err) {
      throw new AppendFailed(stored, err);
    }
    return stored;
  }

  /** Inserts the pending events after the head, retrying what a lost race left out; pushes each stored event to `stored`. */
  private async storeAll(negotiationId: string, toStore: { draft: EventDraft; at: Date }[], stored: NegotiationEvent[]): Promise<void> {
    let pending = toStore;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`event append on ${negotiationId} kept colliding`);
      const head = this.heads.get(negotiationId) ?? (await this.readHead(negotiationId));
      const docs: EventDoc[] = pending.map(({ draft, at }, i) => ({
        negotiationId,
        seq: head + i + 1,
        type: draft.type,
        payload: draft.payload ?? {},
        actor: draft.actor,
        org: draft.org ?? null,
        visibility: draft.visibility ?? COMMITTEE,
        at,
      }));
      try {
        // The driver's own insert: the documents are built here, whole and typed.
        await this.model.collection.insertMany(docs, { ordered: true });
        stored.push(...docs.map(toNegotiationEvent));
        this.heads.set(negotiationId, head + docs.length);
        pending = [];
      } catch (err) {
        this.heads.delete(negotiationId);
        if (!isDuplicateKey(err)) throw err;
        // An ordered insert stops at the first collision: what came before it is stored.
        const inserted = (err as { result?: { insertedCount?: number } }).result?.insertedCount ?? 0;
        stored.push(...docs.slice(0, inserted).map(toNegotiationEvent));
        pending = pending.slice(inserted);
      }
    }
  }

  /** Events after `sinceSeq`, in order. */
  async since(negotiationId: string, sinceSeq: number, limit = 10_000): Promise<NegotiationEvent[]> {
    const docs = await this.model
      .find({ negotiationId, seq: { $gt: sinceSeq } })
      .sort({ seq: 1 })
      .limit(limit)
      .lean();
    return docs.map((d) => toNegotiationEvent(d as EventDoc));
  }
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
