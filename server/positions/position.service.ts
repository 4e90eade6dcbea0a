import type { Connection } from 'mongoose';
import type { z } from 'zod';
import type { NegotiationEvent } from '../../shared/events.ts';
import { itemKey } from '../../shared/items.ts';
import { orderParties } from '../../shared/parties.ts';
import { foldPositions, toPosition } from '../../shared/positions/position.fold.ts';
import type { DeclarePositionSchema, Position, PositionDeclaredPayload, PositionMatrix } from '../../shared/positions/position.ts';
import type { AppContext } from '../app.ts';
import { assertCanFor, type Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { eventModel, type EventDoc } from '../events/event.model.ts';
import { toNegotiationEvent } from '../events/event-store.ts';
import { articleModel } from '../negotiations/article.model.ts';
import { assertArticleExists, partiesInForce } from '../negotiations/negotiation.service.ts';
import { stampOf } from '../events/event-log.ts';
import { tabledAmendment } from '../amendments/amendment.service.ts';

/**
 * The positions ledger (DOMAIN, "Positions ledger"): append-only, and the event is the
 * record. Nothing is updated or deleted; a new position on the same item is a new entry,
 * and the matrix (shared/positions/position.fold.ts) shows the latest one.
 */

export type PositionContext = Pick<AppContext, 'db' | 'events'>;

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
    await assertArticleExists(ctx.db.connection, negotiationId, input.item.id);
  }
  if (input.item.kind === 'amendment') {
    const amendment = await tabledAmendment(ctx.db.connection, negotiationId, input.item.id);
    if (amendment.status === 'withdrawn') throw new AppError('UNPROCESSABLE', 'Cet amendement a été retiré.');
  }
  const payload: PositionDeclaredPayload = {
    org: actor.org.id,
    orgShortName: actor.org.shortName,
    declaredBy: { userId: actor.user.id, name: actor.user.name },
    stance: input.stance,
    statement: input.statement,
    item: input.item,
    sessionId: input.sessionId,
    liminary: input.liminary,
  };
  const [event] = await ctx.events.record(negotiationId, stampOf(actor), [{ type: 'position:declared', payload }]);
  return toPosition(event as NegotiationEvent<'position:declared'>);
}

export interface PositionFilter {
  org?: string;
  /** An item key: `article:<id>`, `amendment:<id>`, `text`. */
  item?: string;
}

/** The ledger, oldest first: per organisation, the history of its positions on each item. */
export async function listPositions(connection: Connection, negotiationId: string, filter: PositionFilter = {}): Promise<Position[]> {
  const query: Record<string, unknown> = { negotiationId, type: 'position:declared' };
  if (filter.org) query['payload.org'] = filter.org;
  const docs = await eventModel(connection).find(query).sort({ seq: 1 }).lean();
  const positions = foldPositions(docs.map((d) => toNegotiationEvent(d as EventDoc)));
  return filter.item ? positions.filter((p) => itemKey(p.item) === filter.item) : positions;
}

/** The articles of a negotiation, in the order of the text. */
export async function articlesInOrder(connection: Connection, negotiationId: string): Promise<{ id: string; number: string; title: string }[]> {
  const docs = await articleModel(connection).find({ negotiationId }).sort({ order: 1 }).lean();
  return docs.map((a) => ({ id: a.articleId, number: a.number, title: a.title }));
}

/** The parties that speak at the table (employers and unions), in the order of the negotiation. */
export async function speakingOrganisations(connection: Connection, negotiationId: string): Promise<PositionMatrix['organisations']> {
  const { parties } = await partiesInForce(connection, negotiationId);
  return orderParties(parties).map((p) => ({ id: p.id, shortName: p.shortName }));
}
