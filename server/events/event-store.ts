import type { Connection } from 'mongoose';
import { COMMITTEE, type EventDraft, type NegotiationEvent } from '../../shared/events.ts';
import { createLanes } from '../common/lanes.ts';
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

/**
 * The negotiation event log. Appends get gap-free sequence numbers: appends to one
 * negotiation are queued inside this process, and a duplicate key (another process won
 * the number) re-reads the head and retries what was not stored.
 */
export class EventStore {
  private readonly heads = new Map<string, number>();
  private readonly serialize = createLanes();

  constructor(private readonly connection: Connection) {}

  private get model() {
    return eventModel(this.connection);
  }

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  async append(negotiationId: string, drafts: EventDraft[], now: () => Date = () => new Date()): Promise<NegotiationEvent[]> {
    if (drafts.length === 0) return [];
    return this.serialize(negotiationId, () => this.appendNow(negotiationId, drafts, now));
  }

  private async readHead(negotiationId: string): Promise<number> {
    const last = await this.model.findOne({ negotiationId }, { seq: 1 }).sort({ seq: -1 }).lean();
    return last?.seq ?? 0;
  }

  private async appendNow(negotiationId: string, drafts: EventDraft[], now: () => Date): Promise<NegotiationEvent[]> {
    const stored: NegotiationEvent[] = [];
    let pending = drafts;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`event append on ${negotiationId} kept colliding`);
      const head = this.heads.get(negotiationId) ?? (await this.readHead(negotiationId));
      const at = now();
      const docs = pending.map((draft, i) => ({
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
        await this.model.insertMany(docs, { ordered: true });
        stored.push(...docs.map(toNegotiationEvent));
        this.heads.set(negotiationId, head + docs.length);
        pending = [];
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // An ordered insert stops at the first collision: what came before it is stored.
        const inserted = (err as { insertedDocs?: unknown[]; result?: { insertedCount?: number } }).result?.insertedCount ?? 0;
        stored.push(...docs.slice(0, inserted).map(toNegotiationEvent));
        pending = pending.slice(inserted);
        this.heads.delete(negotiationId);
      }
    }
    return stored;
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
