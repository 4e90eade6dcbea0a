import type { Model } from 'mongoose';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { EventStore } from './event-store.ts';

const PAGE = 10_000;

/**
 * A read model folded from the negotiation's event log: one document per item (a vote, a
 * campaign…) holding its view and the last seq folded into it, and one checkpoint per
 * negotiation.
 */
export interface Projection<V> {
  items: Model<any>;
  checkpoints: Model<any>;
  /** The item an event belongs to, or null when the projection ignores it. */
  idOf(event: NegotiationEvent): string | null;
  apply(view: V | null, event: NegotiationEvent): V | null;
}

/**
 * Brings a read model up to the log: folds every event past the checkpoint. Idempotent:
 * each item remembers the last seq it folded, so an event is never applied twice, even when
 * two syncs overlap or a sync died half-way.
 */
export async function syncProjection<V>(events: Pick<EventStore, 'since'>, negotiationId: string, projection: Projection<V>): Promise<void> {
  let from = (await projection.checkpoints.findById(negotiationId).lean<{ seq?: number }>())?.seq ?? 0;
  for (;;) {
    const page = await events.since(negotiationId, from, PAGE);
    if (page.length === 0) return;
    await fold(negotiationId, page, projection);
    from = page[page.length - 1].seq;
    await projection.checkpoints.updateOne({ _id: negotiationId }, { $max: { seq: from } }, { upsert: true });
    if (page.length < PAGE) return;
  }
}

/** Drops a negotiation's read model and folds the whole log again. */
export async function rebuildProjection<V>(events: Pick<EventStore, 'since'>, negotiationId: string, projection: Projection<V>): Promise<void> {
  await projection.items.deleteMany({ negotiationId });
  await projection.checkpoints.deleteOne({ _id: negotiationId });
  await syncProjection(events, negotiationId, projection);
}

async function fold<V>(negotiationId: string, events: NegotiationEvent[], projection: Projection<V>): Promise<void> {
  const byItem = new Map<string, NegotiationEvent[]>();
  for (const event of events) {
    const id = projection.idOf(event);
    if (id) byItem.set(id, [...(byItem.get(id) ?? []), event]);
  }
  for (const [id, itemEvents] of byItem) {
    const doc = await projection.items.findById(id).lean<{ view?: V; lastSeq?: number }>();
    let view: V | null = doc?.view ?? null;
    let lastSeq = doc?.lastSeq ?? 0;
    for (const event of itemEvents) {
      if (event.seq <= lastSeq) continue;
      view = projection.apply(view, event);
      lastSeq = event.seq;
    }
    if (!view) continue;
    // Guarded on lastSeq: a concurrent sync that got further is never overwritten.
    try {
      await projection.items.updateOne({ _id: id, lastSeq: { $lt: lastSeq } }, { $set: { negotiationId, view, lastSeq } }, { upsert: !doc });
    } catch (err) {
      // Two syncs created the same item at once: the other one stored it.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
}
