import type { Connection } from 'mongoose';
import { applyVoteEvent, voteIdOf } from '../../shared/votes/vote.fold.ts';
import type {
  BallotCastPayload,
  CastBallotSchema,
  CloseVoteSchema,
  OpenVoteSchema,
  VoteClosedPayload,
  VoteOpenedPayload,
  VoteView,
} from '../../shared/votes/vote.ts';
import type { Item } from '../../shared/items.ts';
import { tallyVote, type VotingOrganisation } from '../../shared/votes/tally.ts';
import type { z } from 'zod';
import type { AppContext } from '../app.ts';
import { assertCan, type Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { rebuildProjection, syncProjection, type Projection } from '../events/projection.ts';
import { assertArticleExists, partiesInForce } from '../negotiations/negotiation.service.ts';
import { stampOf } from '../events/event-log.ts';
import { recordChange } from '../events/record-change.ts';
import { tabledAmendment } from '../amendments/amendment.service.ts';
import { isVotable } from '../../shared/amendments/lifecycle.ts';
import { voteCheckpointModel, voteModel } from './vote.model.ts';
/** What reading the votes needs. */
export type VoteReadContext = Pick<AppContext, 'db' | 'events'>;
/** What the vote commands need: the reads, and where new ids come from. */
export type VoteContext = VoteReadContext & Pick<AppContext, 'ids'>;

// Vote commands of one negotiation run one at a time in this process (`ctx.events.serialize`), so
// that a ballot is never accepted after the close was decided (the fold also ignores one, see projection).

function voteProjection(connection: Connection): Projection<VoteView> {
  return { items: voteModel(connection), checkpoints: voteCheckpointModel(connection), idOf: voteIdOf, apply: applyVoteEvent };
}

/** Brings the votes read model of a negotiation up to the log (idempotent, see syncProjection). */
export async function syncVotes(ctx: VoteReadContext, negotiationId: string): Promise<void> {
  await syncProjection(ctx.events, negotiationId, voteProjection(ctx.db.connection));
}

/** Drops the votes read model of a negotiation and folds the whole log again. */
export async function rebuildVotes(ctx: VoteReadContext, negotiationId: string): Promise<void> {
  await rebuildProjection(ctx.events, negotiationId, voteProjection(ctx.db.connection));
}

export async function listVotes(ctx: VoteReadContext, negotiationId: string): Promise<VoteView[]> {
  await syncVotes(ctx, negotiationId);
  const docs = await voteModel(ctx.db.connection).find({ negotiationId }).lean();
  return docs.map((d) => d.view as VoteView).sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
}

export async function getVote(ctx: VoteReadContext, negotiationId: string, voteId: string): Promise<VoteView> {
  await syncVotes(ctx, negotiationId);
  const doc = await voteModel(ctx.db.connection).findOne({ _id: voteId, negotiationId }).lean();
  if (!doc) throw new AppError('NOT_FOUND', 'Vote introuvable.');
  return doc.view as VoteView;
}

/** A vote is about something that exists in this negotiation. */
async function assertItemExists(connection: Connection, negotiationId: string, item: Item): Promise<void> {
  if (item.kind === 'amendment') {
    const amendment = await tabledAmendment(connection, negotiationId, item.id);
    if (!isVotable(amendment.status)) {
      throw new AppError('UNPROCESSABLE', 'Seul un amendement déposé ou en discussion peut être mis aux voix.');
    }
    return;
  }
  if (item.kind !== 'article') return;
  await assertArticleExists(connection, negotiationId, item.id);
}

/** The parties that vote (employers and unions, not the presidency), with the weights in force. */
export async function votingOrganisations(connection: Connection, negotiationId: string): Promise<VotingOrganisation[]> {
  const { parties } = await partiesInForce(connection, negotiationId);
  return parties.map((p) => ({ id: p.id, shortName: p.shortName, college: p.college, weight: p.weight }));
}

const by = (actor: Actor) => ({ userId: actor.user.id, name: actor.user.name });

/** The secretariat opens an indicative vote on an amendment, an article, the text or a question. */
export async function openVote(ctx: VoteContext, actor: Actor, input: z.infer<typeof OpenVoteSchema>): Promise<VoteView> {
  assertCan(actor, 'vote:open');
  const { negotiationId } = actor;
  await assertItemExists(ctx.db.connection, negotiationId, input.item);
  const payload: VoteOpenedPayload = {
    voteId: ctx.ids.newId(),
    title: input.title,
    item: input.item,
    rule: input.rule,
    sessionId: input.sessionId,
    openedBy: by(actor),
  };
  return ctx.events.serialize(negotiationId, async () => {
    await ctx.events.record(negotiationId, stampOf(actor), [{ type: 'vote:opened', payload }]);
    return getVote(ctx, negotiationId, payload.voteId);
  });
}

/**
 * A delegate casts their organisation's ballot; casting again changes it, until the close.
 * Casting the same choice again records nothing.
 */
export function castBallot(ctx: VoteContext, actor: Actor, input: z.infer<typeof CastBallotSchema>): Promise<VoteView> {
  // One organisation, one voice: the ballot is always cast in the actor's own organisation's name.
  return recordChange(ctx, actor, 'vote:cast', {
    read: () => getVote(ctx, actor.negotiationId, input.voteId),
    decide: async (vote) => {
      if (vote.status !== 'open') throw new AppError('CONFLICT', 'Ce vote est clos : le bulletin ne peut plus changer.');
      const voters = await votingOrganisations(ctx.db.connection, actor.negotiationId);
      if (!voters.some((o) => o.id === actor.org.id)) {
        throw new AppError('FORBIDDEN', 'Votre organisation ne prend pas part aux votes de cette négociation.');
      }
      if (vote.ballots.find((b) => b.org === actor.org.id)?.choice === input.choice) return [];
      const payload: BallotCastPayload = { voteId: vote.id, org: actor.org.id, choice: input.choice, castBy: by(actor) };
      return [{ type: 'ballot:cast', payload }];
    },
  });
}

/** The secretariat closes the vote: the weights in force are frozen into the tally. */
export function closeVote(ctx: VoteContext, actor: Actor, input: z.infer<typeof CloseVoteSchema>): Promise<VoteView> {
  return recordChange(ctx, actor, 'vote:open', {
    read: () => getVote(ctx, actor.negotiationId, input.voteId),
    decide: async (vote) => {
      if (vote.status !== 'open') throw new AppError('CONFLICT', 'Ce vote est déjà clos.');
      const organisations = await votingOrganisations(ctx.db.connection, actor.negotiationId);
      const result = tallyVote(vote.rule, organisations, vote.ballots);
      const payload: VoteClosedPayload = { voteId: vote.id, result, closedBy: by(actor) };
      return [{ type: 'vote:closed', payload }];
    },
  });
}
