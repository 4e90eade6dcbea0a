import type { Connection } from 'mongoose';
import type { College } from '../../shared/access.ts';
import type {
  ArticleStatus,
  ArticleSummary,
  NegotiationDetail,
  NegotiationLevel,
  NegotiationStatus,
  NegotiationSummary,
  OrgCollege,
  Party,
  WeightsSource,
} from '../../shared/identity.ts';
import type { AuthUser } from '../../shared/identity.ts';
import type { Actor } from '../access/access.service.ts';
import { accessCacheOf, articleKey } from '../access/access-cache.ts';
import { AppError } from '../common/app-error.ts';
import { articleModel } from './article.model.ts';
import { membershipModel } from './membership.model.ts';
import { negotiationModel, type NegotiationDoc } from './negotiation.model.ts';
import { orderParties } from '../../shared/parties.ts';
import { organisationModel } from './organisation.model.ts';

function toSummary(doc: NegotiationDoc & { _id: unknown }): NegotiationSummary {
  return {
    id: String(doc._id),
    title: doc.title,
    level: doc.level as NegotiationLevel,
    status: doc.status as NegotiationStatus,
  };
}

/**
 * Refuses (NOT_FOUND) an article that is not one of the negotiation's: what a command naming an
 * article (a position, a vote, an annotation) checks. Kept in the access cache where there is
 * one: a stream of positions on a few articles does not read the article each time, and a
 * removed article is forgotten as its removal is made.
 */
export async function assertArticleExists(connection: Connection, negotiationId: string, articleId: string): Promise<void> {
  const cache = accessCacheOf(connection);
  const read = async () => ((await articleModel(connection).exists({ negotiationId, articleId })) ? true : null);
  const exists = await (cache ? cache.articles.read(articleKey(negotiationId, articleId), read) : read());
  if (!exists) throw new AppError('NOT_FOUND', 'Article introuvable dans cette négociation.');
}

/** The negotiations I hold an active mandate in, oldest first. */
export async function listMyNegotiations(connection: Connection, user: AuthUser): Promise<NegotiationSummary[]> {
  const memberships = await membershipModel(connection).find({ userId: user.id, revokedAt: null, suspension: null }).lean();
  const docs = await negotiationModel(connection)
    .find({ _id: { $in: memberships.map((m) => m.negotiationId) } })
    .sort({ createdAt: 1 })
    .lean();
  return docs.map(toSummary);
}
export { orderParties };

/** The arrêté the representative unions' weights come from, when they all cite the same one. */
export function commonUnionSource(parties: Party[]): WeightsSource | null {
  const sources = parties.filter((p) => p.college === 'union' && p.representative).map((p) => p.source);
  const first = sources[0];
  if (!first || sources.some((s) => !s || s.arrete !== first.arrete || s.date !== first.date)) return null;
  return first;
}

/** The negotiation and the organisations of its parties, by id; null when there is no such negotiation. */
async function tableOf(connection: Connection, negotiationId: string) {
  const negotiation = await negotiationModel(connection).findById(negotiationId).lean();
  if (!negotiation) return null;
  const orgs = await organisationModel(connection)
    .find({ _id: { $in: negotiation.parties.map((p) => p.organisationId) } })
    .lean();
  return { negotiation, byId: new Map(orgs.map((o) => [String(o._id), o])) };
}

/** A party on one side of the table: the presidency and observers sit on neither. */
export type SideParty = Party & { college: College };

/** The parties at the table with the weights in force and their legal source (the presidency is no party). */
export async function partiesInForce(connection: Connection, negotiationId: string): Promise<{ title: string; level: NegotiationLevel; parties: SideParty[] }> {
  const table = await tableOf(connection, negotiationId);
  if (!table) throw new AppError('NOT_FOUND', 'Négociation introuvable.');
  const { negotiation, byId } = table;
  const parties: SideParty[] = [];
  for (const party of negotiation.parties) {
    const org = byId.get(party.organisationId);
    if (!org || (org.college !== 'employer' && org.college !== 'union')) continue;
    parties.push({
      id: party.organisationId,
      shortName: org.shortName,
      fullName: org.fullName,
      college: org.college,
      // A non-representative organisation takes part and is named, but weighs 0.
      weight: party.representative ? party.weight : 0,
      representative: party.representative,
      source: party.source ? { arrete: party.source.arrete, date: party.source.date } : null,
    });
  }
  return { title: negotiation.title, level: negotiation.level as NegotiationLevel, parties };
}

export async function describeNegotiation(connection: Connection, actor: Actor): Promise<NegotiationDetail | null> {
  const table = await tableOf(connection, actor.negotiationId);
  if (!table) return null;
  const { negotiation: doc, byId } = table;
  const parties: Party[] = [];
  for (const party of doc.parties) {
    const org = byId.get(party.organisationId);
    if (!org) continue;
    parties.push({
      id: String(org._id),
      shortName: org.shortName,
      fullName: org.fullName,
      college: org.college as OrgCollege,
      weight: party.weight,
      representative: party.representative,
      source: party.source ? { arrete: party.source.arrete, date: party.source.date } : null,
    });
  }
  const articles = await articleModel(connection).find({ negotiationId: actor.negotiationId }).sort({ order: 1 }).lean();
  const organisations = orderParties(parties);
  return {
    ...toSummary(doc),
    organisations,
    weightsSource: commonUnionSource(organisations),
    phaseDeadlines: doc.phaseDeadlines.map((d) => ({ label: d.label, date: d.date })),
    articles: articles.map(
      (a): ArticleSummary => ({
        id: a.articleId,
        number: a.number,
        title: a.title,
        titre: a.titre ?? null,
        chapitre: a.chapitre ?? null,
        order: a.order,
        status: a.status as ArticleStatus,
        kind: a.kind as ArticleSummary['kind'],
      }),
    ),
    myRoles: actor.roles,
    myOrganisation: actor.org.id,
  };
}
