import { Types, type Connection } from 'mongoose';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { CastBallotSchema, CloseVoteSchema, Item, OpenVoteSchema, VoteView } from '../../shared/realtime.ts';
import { tallyVote, type VotingOrganisation } from '../../shared/votes/tally.ts';
import type { z } from 'zod';
import type { AppContext } from '../app.ts';
import { assertCan, assertCanFor, type Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { articleModel } from '../negotiations/article.model.ts';
import { negotiationModel } from '../negotiations/negotiation.model.ts';
import { organisationModel } from '../negotiations/organisation.model.ts';
import { recordEvents } from '../realtime/realtime.handlers.ts';
import { voteCheckpointModel, voteModel } from './vote.model.ts';
import {
  applyVoteEvent,
  voteIdOf,
  type BallotCastPayload,
  type VoteClosedPayload,
  type VoteOpenedPayload,
} from './vote.projection.ts';

export type VoteContext = Pick<AppContext, 'db' | 'events' | 'io'>;

const PAGE = 10_000;

// Vote commands of one negotiation run one at a time in this process, so that a ballot
// is never accepted after the close was decided (the fold also ignores one, see projection).
const lanes = new Map<string, Promise<unknown>>();
function serialize<T>(negotiationId: string, task: () => Promise<T>): Promise<T> {
  const run = (lanes.get(negotiationId) ?? Promise.resolve()).catch(() => undefined).then(task);
  lanes.set(negotiationId, run);
  void run.finally(() => {
    if (lanes.get(negotiationId) === run) lanes.delete(negotiationId);
  }).catch(() => undefined);
  return run;
}

/**
 * Brings the votes read model of a negotiation up to the log: folds every vote event past
 * the checkpoint. Idempotent: each vote remembers the last seq it folded, so an event is
 * never applied twice, even when two syncs overlap or a sync died half-way.
 */
export async function syncVotes(ctx: VoteContext, negotiationId: string): Promise<void> {
  const { connection } = ctx.db;
  const checkpoints = voteCheckpointModel(connection);
  let from = (await checkpoints.findById(negotiationId).lean())?.seq ?? 0;
  for (;;) {
    const page = await ctx.events.since(negotiationId, from, PAGE);
    if (page.length === 0) return;
    await foldVoteEvents(connection, negotiationId, page);
    from = page[page.length - 1].seq;
    await checkpoints.updateOne({ _id: negotiationId }, { $max: { seq: from } }, { upsert: true });
    if (page.length < PAGE) return;
  }
}

async function foldVoteEvents(connection: Connection, negotiationId: string, events: NegotiationEvent[]): Promise<void> {
  const byVote = new Map<string, NegotiationEvent[]>();
  for (const event of events) {
    const voteId = voteIdOf(event);
    if (voteId) byVote.set(voteId, [...(byVote.get(voteId) ?? []), event]);
  }
  const votes = voteModel(connection);
  for (const [voteId, voteEvents] of byVote) {
    const doc = await votes.findById(voteId).lean();
    let view = (doc?.view as VoteView | undefined) ?? null;
    let lastSeq = doc?.lastSeq ?? 0;
    for (const event of voteEvents) {
      if (event.seq <= lastSeq) continue;
      view = applyVoteEvent(view, event);
      lastSeq = event.seq;
    }
    if (!view) continue;
    // Guarded on lastSeq: a concurrent sync that got further is never overwritten.
    try {
      await votes.updateOne(
        { _id: voteId, lastSeq: { $lt: lastSeq } },
        { $set: { negotiationId, view, lastSeq } },
        { upsert: !doc },
      );
    } catch (err) {
      // Two syncs created the same vote at once: the other one stored it.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
}

/** Drops the votes read model of a negotiation and folds the whole log again. */
export async function rebuildVotes(ctx: VoteContext, negotiationId: string): Promise<void> {
  const { connection } = ctx.db;
  await voteModel(connection).deleteMany({ negotiationId });
  await voteCheckpointModel(connection).deleteOne({ _id: negotiationId });
  await syncVotes(ctx, negotiationId);
}

export async function listVotes(ctx: VoteContext, negotiationId: string): Promise<VoteView[]> {
  await syncVotes(ctx, negotiationId);
  const docs = await voteModel(ctx.db.connection).find({ negotiationId }).lean();
  return docs.map((d) => d.view as VoteView).sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
}

export async function getVote(ctx: VoteContext, negotiationId: string, voteId: string): Promise<VoteView> {
  await syncVotes(ctx, negotiationId);
  const doc = await voteModel(ctx.db.connection).findOne({ _id: voteId, negotiationId }).lean();
  if (!doc) throw new AppError('NOT_FOUND', 'Vote introuvable.');
  return doc.view as VoteView;
}

/** A vote is about something that exists in this negotiation. */
async function assertItemExists(connection: Connection, negotiationId: string, item: Item): Promise<void> {
  if (item.kind !== 'article') return;
  const exists = await articleModel(connection).exists({ negotiationId, articleId: item.id });
  if (!exists) throw new AppError('NOT_FOUND', 'Article introuvable dans cette négociation.');
}

/** The parties that vote (employers and unions, not the presidency), with the weights in force. */
export async function votingOrganisations(connection: Connection, negotiationId: string): Promise<VotingOrganisation[]> {
  const negotiation = await negotiationModel(connection).findById(negotiationId).lean();
  if (!negotiation) throw new AppError('NOT_FOUND', 'Négociation introuvable.');
  const orgs = await organisationModel(connection)
    .find({ _id: { $in: negotiation.parties.map((p) => p.organisationId) } })
    .lean();
  const byId = new Map(orgs.map((o) => [String(o._id), o]));
  const voting: VotingOrganisation[] = [];
  for (const party of negotiation.parties) {
    const org = byId.get(party.organisationId);
    if (!org || (org.college !== 'employer' && org.college !== 'union')) continue;
    // A non-representative organisation takes part and is named, but weighs 0.
    voting.push({ id: party.organisationId, shortName: org.shortName, college: org.college, weight: party.representative ? party.weight : 0 });
  }
  return voting;
}

const by = (actor: Actor) => ({ userId: actor.user.id, name: actor.user.name });

/** The secretariat opens an indicative vote on an amendment, an article, the text or a question. */
export async function openVote(ctx: VoteContext, actor: Actor, input: z.infer<typeof OpenVoteSchema>): Promise<VoteView> {
  assertCan(actor, 'vote:open');
  const { negotiationId } = actor;
  await assertItemExists(ctx.db.connection, negotiationId, input.item);
  const payload: VoteOpenedPayload = {
    voteId: new Types.ObjectId().toHexString(),
    title: input.title,
    item: input.item,
    rule: input.rule,
    sessionId: input.sessionId,
    openedBy: by(actor),
  };
  return serialize(negotiationId, async () => {
    await recordEvents(ctx, negotiationId, [{ type: 'vote:opened', payload, actor: actor.user.id, org: actor.org.id }]);
    return getVote(ctx, negotiationId, payload.voteId);
  });
}

/**
 * A delegate casts their organisation's ballot; casting again changes it, until the close.
 * Casting the same choice again records nothing.
 */
export async function castBallot(ctx: VoteContext, actor: Actor, input: z.infer<typeof CastBallotSchema>): Promise<VoteView> {
  assertCanFor(actor, 'vote:cast', actor.org.id);
  const { negotiationId } = actor;
  return serialize(negotiationId, async () => {
    const vote = await getVote(ctx, negotiationId, input.voteId);
    if (vote.status !== 'open') throw new AppError('CONFLICT', 'Ce vote est clos : le bulletin ne peut plus changer.');
    const voters = await votingOrganisations(ctx.db.connection, negotiationId);
    if (!voters.some((o) => o.id === actor.org.id)) {
      throw new AppError('FORBIDDEN', 'Votre organisation ne prend pas part aux votes de cette négociation.');
    }
    if (vote.ballots.find((b) => b.org === actor.org.id)?.choice === input.choice) return vote;
    const payload: BallotCastPayload = { voteId: vote.id, org: actor.org.id, choice: input.choice, castBy: by(actor) };
    await recordEvents(ctx, negotiationId, [{ type: 'ballot:cast', payload, actor: actor.user.id, org: actor.org.id }]);
    return getVote(ctx, negotiationId, vote.id);
  });
}

/** The secretariat closes the vote: the weights in force are frozen into the tally. */
export async function closeVote(ctx: VoteContext, actor: Actor, input: z.infer<typeof CloseVoteSchema>): Promise<VoteView> {
  assertCan(actor, 'vote:open');
  const { negotiationId } = actor;
  return serialize(negotiationId, async () => {
    const vote = await getVote(ctx, negotiationId, input.voteId);
    if (vote.status !== 'open') throw new AppError('CONFLICT', 'Ce vote est déjà clos.');
    const organisations = await votingOrganisations(ctx.db.connection, negotiationId);
    const result = tallyVote(vote.rule, organisations, vote.ballots);
    const payload: VoteClosedPayload = { voteId: vote.id, result, closedBy: by(actor) };
    await recordEvents(ctx, negotiationId, [{ type: 'vote:closed', payload, actor: actor.user.id, org: actor.org.id }]);
    return getVote(ctx, negotiationId, vote.id);
  });
}
