import type { Connection } from 'mongoose';
import { presenceUser } from '../../shared/presence.ts';
import { parseDocName } from '../../shared/structure.ts';
import { authenticate } from '../auth/session.service.ts';
import { can, isSameOrigin, loadActor } from '../access/access.service.ts';
import { accessCacheOf } from '../access/access-cache.ts';
import { articleModel } from '../negotiations/article.model.ts';
import { negotiationModel } from '../negotiations/negotiation.model.ts';
import { organisationModel } from '../negotiations/organisation.model.ts';
import { batchLoader, cached } from './coalesce.ts';
import type { Authorize } from './yjs-server.ts';
import { canWriteMinutes, negotiationOfMinutesDoc } from '../sessions/minutes-doc.ts';

/** How long an answer about a session or a mandate is reused (a revocation takes effect within it). */
const AUTH_TTL_MS = 5_000;

/** The negotiation a document belongs to, or null for a document that does not exist. */
export function negotiationOfDoc(connection: Connection): (docName: string) => Promise<string | null> {
  // With the access cache, an article's negotiation is kept until the `articles` collection
  // changes (other than by an insert): an open connection's periodic re-check reads nothing.
  // Without it (a MongoDB that reports no writes), a known answer is reused for AUTH_TTL_MS
  // (like a mandate; a deleted article is refused within it). An unknown article is asked again.
  const known = new Map<string, { negotiationId: string; until: number }>();
  const remember = (articleId: string, negotiationId: string, until: number) => {
    if (known.size >= 10_000) known.clear();
    known.set(articleId, { negotiationId, until });
  };
  // A client opens a negotiation's articles together (a whole agreement: 301 connections over a
  // few hundred ms, 51 queries of a few articles each when the answers had expired): once one
  // of them is found, every article of that negotiation is read with it, in one more query.
  // Listed until AUTH_TTL_MS has passed, or with the cache while its generation stays the same.
  const listedUntil = new Map<string, number>();
  const negotiationOfArticle = batchLoader<string, string>(async (articleIds) => {
    const kept = accessCacheOf(connection)?.articleNegotiations;
    const generation = kept?.generation ?? 0;
    const found = await articleModel(connection)
      .find({ articleId: { $in: articleIds } }, { articleId: 1, negotiationId: 1 })
      .lean();
    const now = Date.now();
    const listedFor = kept ? generation : now + AUTH_TTL_MS;
    const unlisted = (id: string) => (kept ? listedUntil.get(id) !== generation : (listedUntil.get(id) ?? 0) <= now);
    const negotiations = [...new Set(found.map((a) => a.negotiationId))].filter(unlisted);
    if (negotiations.length > 0) {
      if (listedUntil.size >= 10_000) listedUntil.clear();
      for (const id of negotiations) listedUntil.set(id, listedFor);
      const siblings = await articleModel(connection)
        .find({ negotiationId: { $in: negotiations } }, { articleId: 1, negotiationId: 1 })
        .lean();
      for (const a of siblings) {
        if (kept) kept.set(a.articleId, a.negotiationId, generation);
        else remember(a.articleId, a.negotiationId, listedFor);
      }
    }
    return new Map(found.map((a) => [a.articleId, a.negotiationId]));
  });
  return async (docName) => {
    const name = parseDocName(docName);
    if (!name) return null;
    if (name.kind === 'agreement') return name.id;
    const kept = accessCacheOf(connection)?.articleNegotiations;
    if (kept) return kept.read(name.id, async () => (await negotiationOfArticle(name.id)) ?? null);
    const now = Date.now();
    const hit = known.get(name.id);
    if (hit && hit.until > now) return hit.negotiationId;
    const negotiationId = await negotiationOfArticle(name.id);
    if (!negotiationId) return null;
    remember(name.id, negotiationId, now + AUTH_TTL_MS);
    return negotiationId;
  };
}

/**
 * The Yjs endpoint's authorisation, from the same session as HTTP: 401 without a valid
 * session, 403 for a foreign origin, an unknown document or a negotiation the user has no
 * mandate in; otherwise the pen goes to `text:write` roles only.
 */
export function sessionAuthorize(connection: Connection): Authorize {
  // Opening an agreement opens hundreds of documents with one session at once: without the
  // access cache (which shares reads in flight and is exact), the session and the mandate are
  // looked up once for all of them and their answers kept for AUTH_TTL_MS.
  const userOf = cached(AUTH_TTL_MS, (cookie: string) => authenticate(connection, cookie));
  const actorOf = cached(AUTH_TTL_MS, (key: string) => {
    const [userJson, negotiationId] = JSON.parse(key) as [string, string];
    return loadActor(connection, JSON.parse(userJson), negotiationId);
  });
  const negotiationOf = negotiationOfDoc(connection);
  // The parties' order gives each organisation its presence colour (distinct within the negotiation).
  const partiesRead = cached(AUTH_TTL_MS, (negotiationId: string) => negotiationParties(connection, negotiationId));
  const partiesOf = async (negotiationId: string): Promise<string[]> => {
    const kept = accessCacheOf(connection)?.parties;
    return kept ? ((await kept.read(negotiationId, () => negotiationParties(connection, negotiationId))) ?? []) : partiesRead(negotiationId);
  };
  return async ({ cookie, origin, host, docName, fresh }) => {
    if (!isSameOrigin(origin, host)) return { ok: false, status: 403 };
    // `fresh`: asked because access may have just ended; the answers shared for a burst would be
    // stale. The access cache's are not: it forgets what a write may have changed as it is made.
    const direct = fresh || accessCacheOf(connection) !== undefined;
    const user = cookie ? await (direct ? authenticate(connection, cookie) : userOf(cookie)) : null;
    if (!user) return { ok: false, status: 401 };
    // `minutes:<sessionId>`: a session's minutes, written by the secretariat until approved.
    const minutesOf = await negotiationOfMinutesDoc(connection, docName);
    const negotiationId = minutesOf ?? (await negotiationOf(docName));
    if (!negotiationId) return { ok: false, status: 403 };
    const actor = direct ? await loadActor(connection, user, negotiationId) : await actorOf(JSON.stringify([JSON.stringify(user), negotiationId]));
    if (!actor) return { ok: false, status: 403 };
    const canWrite = minutesOf ? await canWriteMinutes(connection, actor, docName) : can(actor, 'text:write');
    return {
      ok: true,
      principal: {
        userId: user.id,
        negotiationId,
        canWrite,
        presence: presenceUser(user.name, actor.org.shortName, { parties: await partiesOf(negotiationId), secretariat: actor.roles.includes('secretariat') }),
      },
    };
  };
}

/** The short names of a negotiation's parties, in the negotiation's order. */
async function negotiationParties(connection: Connection, negotiationId: string): Promise<string[]> {
  const negotiation = await negotiationModel(connection).findById(negotiationId, { parties: 1 }).lean();
  const ids = negotiation?.parties.map((p) => p.organisationId) ?? [];
  const organisations = await organisationModel(connection).find({ _id: { $in: ids } }, { shortName: 1 }).lean();
  const names = new Map(organisations.map((o) => [String(o._id), o.shortName]));
  return ids.map((id) => names.get(id) ?? id);
}
