import type { Connection } from 'mongoose';
import type { z } from 'zod';
import type { NegotiationEvent } from '../../shared/events.ts';
import { itemKey, type DeclarePositionSchema, type Position, type PositionMatrix } from '../../shared/realtime.ts';
import type { AppContext } from '../app.ts';
import { assertCanFor, type Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { eventModel, type EventDoc } from '../events/event.model.ts';
import { toNegotiationEvent } from '../events/event-store.ts';
import { articleModel } from '../negotiations/article.model.ts';
import { partiesInForce } from '../negotiations/negotiation.service.ts';
import { stampOf } from '../events/event-log.ts';
import { tabledAmendment } from '../amendments/amendment.service.ts';

/**
 * The positions ledger (DOMAIN, "Positions ledger"): append-only, and the event is the
 * record. Nothing is updated or deleted; a new position on the same item is a new entry,
 * and the matrix shows the latest one.
 */
export const POSITION_DECLARED = 'position:declared';

export type PositionContext = Pick<AppContext, 'db' | 'events'>;

type PositionPayload = Omit<Position, 'seq' | 'negotiationId' | 'at'>;

export function toPosition(event: NegotiationEvent): Position {
  const p = event.payload as PositionPayload;
  return {
    seq: event.seq,
    negotiationId: event.negotiationId,
    org: p.org,
    orgShortName: p.orgShortName,
    declaredBy: p.declaredBy,
    stance: p.stance,
    statement: p.statement,
    item: p.item,
    sessionId: p.sessionId,
    liminary: p.liminary,
    at: event.at,
  };
}

/** A delegate declares their organisation's position on an article, an amendment or the whole text. */
export async function declarePosition(
  ctx: PositionContext,
  actor: Actor,
  input: z.infer<typeof DeclarePositionSchema>,
): Promise<Position> {
  // One organisation speaks with one voice: the position is always the actor's organisation's.
  assertCanFor(actor, 'position:declare', actor.org.id);
  const { negotiationId } = actor;
  if (input.item.kind === 'article') {
    const exists = await articleModel(ctx.db.connection).exists({ negotiationId, articleId: input.item.id });
    if (!exists) throw new AppError('NOT_FOUND', 'Article introuvable dans cette négociation.');
  }
  if (input.item.kind === 'amendment') {
    const amendment = await tabledAmendment(ctx.db.connection, negotiationId, input.item.id);
    if (amendment.status === 'withdrawn') throw new AppError('UNPROCESSABLE', 'Cet amendement a été retiré.');
  }
  const payload: PositionPayload = {
    org: actor.org.id,
    orgShortName: actor.org.shortName,
    declaredBy: { userId: actor.user.id, name: actor.user.name },
    stance: input.stance,
    statement: input.statement,
    item: input.item,
    sessionId: input.sessionId,
    liminary: input.liminary,
  };
  const [event] = await ctx.events.record(negotiationId, stampOf(actor), [{ type: POSITION_DECLARED, payload }]);
  return toPosition(event);
}

export interface PositionFilter {
  org?: string;
  /** An item key: `article:<id>`, `amendment:<id>`, `text`. */
  item?: string;
}

/** The ledger, oldest first: per organisation, the history of its positions on each item. */
export async function listPositions(connection: Connection, negotiationId: string, filter: PositionFilter = {}): Promise<Position[]> {
  const query: Record<string, unknown> = { negotiationId, type: POSITION_DECLARED };
  if (filter.org) query['payload.org'] = filter.org;
  const docs = await eventModel(connection).find(query).sort({ seq: 1 }).lean();
  const positions = docs.map((d) => toPosition(toNegotiationEvent(d as EventDoc)));
  return filter.item ? positions.filter((p) => itemKey(p.item) === filter.item) : positions;
}

/** Organisations × items: the latest stance of each organisation on each item. Pure. */
export function positionMatrix(
  organisations: PositionMatrix['organisations'],
  articles: readonly { id: string; number: string; title: string }[],
  positions: readonly Position[],
  /** Tabled amendments by id, to name them (« Amendement n° 3 (CGT) »). */
  amendmentNames: ReadonlyMap<string, { number: number | null; org: string }> = new Map(),
): PositionMatrix {
  const cells: PositionMatrix['cells'] = {};
  const amendments: string[] = [];
  for (const position of positions) {
    const key = itemKey(position.item);
    if (position.item.kind === 'amendment' && !amendments.includes(position.item.id)) amendments.push(position.item.id);
    const row = (cells[position.org] ??= {});
    const current = row[key];
    if (!current || current.seq < position.seq) row[key] = position;
  }
  const items: PositionMatrix['items'] = [
    ...articles.map((a) => ({
      key: `article:${a.id}`,
      kind: 'article' as const,
      label: /^\d/.test(a.number) ? `Article ${a.number} – ${a.title}` : a.title,
    })),
    { key: 'text', kind: 'text', label: 'Ensemble du texte' },
    ...amendments.map((id) => {
      const named = amendmentNames.get(id);
      const label = named?.number ? `Amendement n° ${named.number} (${named.org})` : 'Amendement';
      return { key: `amendment:${id}`, kind: 'amendment' as const, label };
    }),
  ];
  return { organisations, items, cells };
}

/** The articles of a negotiation, in the order of the text. */
export async function articlesInOrder(connection: Connection, negotiationId: string): Promise<{ id: string; number: string; title: string }[]> {
  const docs = await articleModel(connection).find({ negotiationId }).sort({ order: 1 }).lean();
  return docs.map((a) => ({ id: a.articleId, number: a.number, title: a.title }));
}

/** The parties that speak at the table (employers and unions), in the order of the negotiation. */
export async function speakingOrganisations(connection: Connection, negotiationId: string): Promise<PositionMatrix['organisations']> {
  const { parties } = await partiesInForce(connection, negotiationId);
  return parties.map((p) => ({ id: p.id, shortName: p.shortName }));
}
