import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { AuthUser } from '../../shared/identity.ts';
import { accessCacheOf, type CachedSession } from '../access/access-cache.ts';
import { sessionModel } from './session.model.ts';
import { userModel } from './user.model.ts';

export const SESSION_COOKIE = 'nego_sid';
/** A session unused for this long ends. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** No session outlives this, however active. */
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
// Activity is written back at most this often, so that reads do not all become writes: a
// session then ends between 12 h and 12 h 5 min after its last use. (Every minute, a table of
// fifty people wrote fifty sessions at once, in the middle of their commands.)
const TOUCH_EVERY_MS = 5 * 60 * 1000;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function readSessionToken(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  const token = parseCookies(cookieHeader)[SESSION_COOKIE];
  // base64url of 32 bytes: anything else was not issued here.
  return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : null;
}

/** Opens a new session (a fresh token at every sign-in: the old one is never reused). */
export async function createSession(connection: Connection, userId: string, now = new Date()): Promise<string> {
  const token = newToken();
  const absoluteExpiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  await sessionModel(connection).create({
    _id: hashToken(token),
    userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(Math.min(now.getTime() + SESSION_IDLE_MS, absoluteExpiresAt.getTime())),
    absoluteExpiresAt,
  });
  return token;
}

export async function destroySession(connection: Connection, token: string): Promise<void> {
  await sessionModel(connection).deleteOne({ _id: hashToken(token) });
}

/** Signs a person out everywhere (after a password reset or a revocation of their account). */
export async function destroyUserSessions(connection: Connection, userId: string): Promise<void> {
  await sessionModel(connection).deleteMany({ userId });
}

/**
 * The user behind a Cookie header, or null: no cookie, unknown token, expired session.
 * Every channel calls this: HTTP routes, the Socket.IO handshake, the Yjs upgrade.
 */
export async function authenticate(
  connection: Connection,
  cookieHeader: string | undefined,
  now: Date = new Date(),
): Promise<AuthUser | null> {
  return authenticateSession(connection, sessionIdOf(cookieHeader), now);
}

/** The id under which the session of a Cookie header is stored (its token's hash), or null without one. */
export function sessionIdOf(cookieHeader: string | undefined): string | null {
  const token = readSessionToken(cookieHeader);
  return token ? hashToken(token) : null;
}

/** As `authenticate`, from the session id (for a socket, whose cookie never changes: hashed once). */
export async function authenticateSession(connection: Connection, sessionId: string | null, now: Date = new Date()): Promise<AuthUser | null> {
  if (!sessionId) return null;
  const cache = accessCacheOf(connection);
  const read = () => readSession(connection, sessionId);
  const session = await (cache ? cache.sessions.read(sessionId, read) : read());
  // The TTL index purges expired sessions eventually; until then, expiry is checked here.
  if (!session || session.expiresAt <= now.getTime()) return null;
  if (now.getTime() - session.lastSeenAt >= TOUCH_EVERY_MS) await touch(connection, sessionId, session, now);
  return { ...session.user };
}

/** Touches in flight, by session id: the commands a socket sends meanwhile wait for the same write. */
const touching = new Map<string, Promise<void>>();

/** Records activity on the session: its idle expiry moves on (never past its absolute end). */
function touch(connection: Connection, sessionId: string, session: CachedSession, now: Date): Promise<void> {
  let pending = touching.get(sessionId);
  if (!pending) {
    const expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, session.absoluteExpiresAt));
    // This write makes the cache forget the session: the next check reads the new dates.
    pending = sessionModel(connection)
      .updateOne({ _id: sessionId }, { $set: { lastSeenAt: now, expiresAt } })
      .then(() => undefined)
      .finally(() => touching.delete(sessionId));
    touching.set(sessionId, pending);
  }
  return pending;
}

/** The session and its user as stored. */
async function readSession(connection: Connection, sessionId: string): Promise<CachedSession | null> {
  const session = await sessionModel(connection).findById(sessionId).lean();
  if (!session) return null;
  const user = await userModel(connection).findById(session.userId).lean();
  if (!user) return null;
  return {
    user: { id: String(user._id), name: user.name, email: user.email },
    sessionId,
    lastSeenAt: session.lastSeenAt.getTime(),
    expiresAt: session.expiresAt.getTime(),
    absoluteExpiresAt: session.absoluteExpiresAt.getTime(),
  };
}

/** The Set-Cookie value of a new session: httpOnly, SameSite=Lax, Secure over HTTPS. */
export function sessionCookie(token: string, secure: boolean): string {
  return serializeCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return serializeCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 });
}
