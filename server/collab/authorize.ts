import type { Connection } from 'mongoose';
import { parseDocName } from '../../shared/structure.ts';
import { authenticate } from '../auth/session.service.ts';
import { can, isSameOrigin, loadActor } from '../access/access.service.ts';
import { articleModel } from '../negotiations/article.model.ts';
import type { Authorize } from './yjs-server.ts';
import { canWriteMinutes, negotiationOfMinutesDoc } from '../sessions/minutes-doc.ts';

/** The negotiation a document belongs to, or null for a document that does not exist. */
export async function negotiationOfDoc(connection: Connection, docName: string): Promise<string | null> {
  const name = parseDocName(docName);
  if (!name) return null;
  if (name.kind === 'agreement') return name.id;
  const article = await articleModel(connection).findOne({ articleId: name.id }, { negotiationId: 1 }).lean();
  return article?.negotiationId ?? null;
}

/**
 * The Yjs endpoint's authorisation, from the same session as HTTP: 401 without a valid
 * session, 403 for a foreign origin, an unknown document or a negotiation the user has no
 * mandate in; otherwise the pen goes to `text:write` roles only.
 */
export function sessionAuthorize(connection: Connection): Authorize {
  return async ({ cookie, origin, host, docName }) => {
    if (!isSameOrigin(origin, host)) return { ok: false, status: 403 };
    const user = await authenticate(connection, cookie);
    if (!user) return { ok: false, status: 401 };
    // `minutes:<sessionId>`: a session's minutes, written by the secretariat until approved.
    const minutesOf = await negotiationOfMinutesDoc(connection, docName);
    const negotiationId = minutesOf ?? (await negotiationOfDoc(connection, docName));
    if (!negotiationId) return { ok: false, status: 403 };
    const actor = await loadActor(connection, user, negotiationId);
    if (!actor) return { ok: false, status: 403 };
    const canWrite = minutesOf ? await canWriteMinutes(connection, actor, docName) : can(actor, 'text:write');
    return { ok: true, principal: { userId: user.id, negotiationId, canWrite } };
  };
}
