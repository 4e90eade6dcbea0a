import type { Connection } from 'mongoose';
import type { Request, RequestHandler } from 'express';
import type { Socket } from 'socket.io';
import { rolesAllow, rolesAllowFor, type Action, type Role } from '../../shared/access.ts';
import type { AuthUser, OrgCollege } from '../../shared/identity.ts';
import type { Viewer } from '../../shared/visibility.ts';
import { AppError } from '../common/app-error.ts';
import { authenticate } from '../auth/session.service.ts';
import { accessCacheOf, mandateKey, type CachedMandate } from './access-cache.ts';
import { membershipModel } from '../negotiations/membership.model.ts';
import { organisationModel } from '../negotiations/organisation.model.ts';

/**
 * THE access module. Every permission is decided here, from (user, negotiation,
 * organisation, roles) and the matrix in shared/access.ts, for every channel: REST routes
 * (requireUser, requireActor), the Socket.IO handshake and commands (socketAuthMiddleware,
 * socket-command.ts), the Yjs upgrade and updates (authenticate + loadActor + can).
 */

/** A person acting in one negotiation, for one organisation, with the roles of their mandate. */
export interface Actor {
  user: AuthUser;
  negotiationId: string;
  /** `college` is `neutral` for the presidency (chair) and observers: on neither side. */
  org: { id: string; shortName: string; college: OrgCollege };
  roles: Role[];
}

const OBJECT_ID = /^[a-f0-9]{24}$/;

/** The user's mandate in the negotiation, or null (not a member, revoked, unknown negotiation). */
export async function loadActor(connection: Connection, user: AuthUser, negotiationId: string): Promise<Actor | null> {
  if (typeof negotiationId !== 'string' || !OBJECT_ID.test(negotiationId)) return null;
  const cache = accessCacheOf(connection);
  const read = () => readMandate(connection, user, negotiationId);
  const mandate = await (cache ? cache.mandates.read(mandateKey(user.id, negotiationId), read) : read());
  if (!mandate) return null;
  return { user, negotiationId, org: { ...mandate.org }, roles: [...mandate.roles] };
}

/** The user's live mandate as stored. */
async function readMandate(connection: Connection, user: AuthUser, negotiationId: string): Promise<CachedMandate | null> {
  const membership = await membershipModel(connection)
    .findOne({ negotiationId, userId: user.id, revokedAt: null, suspension: null })
    .lean();
  if (!membership) return null;
  const org = await organisationModel(connection).findById(membership.organisationId).lean();
  if (!org) return null;
  return {
    org: { id: String(org._id), shortName: org.shortName, college: org.college as OrgCollege },
    roles: [...membership.roles] as Role[],
  };
}

/** Who looks, for the visibility rules: the user, their organisation, its side of the table, their roles. */
export function viewerOf(actor: Actor): Viewer {
  return { userId: actor.user.id, orgId: actor.org.id, college: actor.org.college, roles: [...actor.roles] };
}

export function can(actor: Actor, action: Action): boolean {
  return rolesAllow(actor.roles, action);
}

/** For actions taken in an organisation's name: the actor's roles allow it and it is their organisation. */
export function canFor(actor: Actor, action: Action, organisationId: string): boolean {
  return rolesAllowFor(actor.roles, action, actor.org.id, organisationId);
}

export function assertCan(actor: Actor, action: Action): void {
  if (!can(actor, action)) throw new AppError('FORBIDDEN', 'Votre mandat ne permet pas cette action.');
}

export function assertCanFor(actor: Actor, action: Action, organisationId: string): void {
  assertCan(actor, action);
  if (!canFor(actor, action, organisationId)) {
    throw new AppError('FORBIDDEN', 'Vous ne pouvez agir qu’au nom de votre organisation.');
  }
}

// --- HTTP -----------------------------------------------------------------------------

/** registerAuth binds the connection the HTTP middlewares read from. */
export function bindAccessConnection(app: { locals: Record<string, unknown> }, connection: Connection): void {
  app.locals.accessConnection = connection;
}

function connectionOf(req: Request): Connection {
  const connection = req.app.locals.accessConnection as Connection | undefined;
  if (!connection) throw new Error('access module used before registerAuth');
  return connection;
}

/** 401 without a valid session; otherwise `res.locals.user`. */
export const requireUser: RequestHandler = async (req, res, next) => {
  const user = await authenticate(connectionOf(req), req.headers.cookie);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Veuillez vous connecter.');
  res.locals.user = user;
  next();
};

/**
 * 401 without a session, 403 when the user is no member of the negotiation named by the
 * route's `:negotiationId` (or `:id`) or when their roles do not allow the action;
 * otherwise `res.locals.user` and `res.locals.actor`.
 */
export function requireActor(action: Action): RequestHandler {
  return async (req, res, next) => {
    const connection = connectionOf(req);
    const user = await authenticate(connection, req.headers.cookie);
    if (!user) throw new AppError('UNAUTHENTICATED', 'Veuillez vous connecter.');
    const negotiationId = String(req.params.negotiationId ?? req.params.id ?? '');
    const actor = await loadActor(connection, user, negotiationId);
    if (!actor) throw new AppError('FORBIDDEN', 'Vous ne participez pas à cette négociation.');
    assertCan(actor, action);
    res.locals.user = user;
    res.locals.actor = actor;
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request's Origin is this server's own (the Host header's origin). A missing
 * Origin is a non-browser client (browsers send it on every state-changing request).
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false; // includes the opaque origin "null"
  }
}

/** CSRF: a state-changing request from a foreign origin is refused (403). */
export const checkOrigin: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const crossSite = req.headers['sec-fetch-site'] === 'cross-site';
  if (crossSite || !isSameOrigin(req.headers.origin, req.headers.host)) {
    throw new AppError('FORBIDDEN', 'Requête refusée : origine étrangère.');
  }
  next();
};

// --- Socket.IO ------------------------------------------------------------------------

type SocketError = Error & { data?: { code: string; message: string } };

function socketError(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string): SocketError {
  const err: SocketError = new Error(code);
  err.data = { code, message };
  return err;
}

/**
 * For `io.use`: refuses the handshake without a valid session cookie or from a foreign
 * origin; sets `socket.data.user`. Commands still load the actor each time (see socket-command.ts).
 */
export function socketAuthMiddleware(connection: Connection) {
  return async (socket: Socket, next: (err?: Error) => void): Promise<void> => {
    const { headers } = socket.handshake;
    if (!isSameOrigin(headers.origin, headers.host)) {
      return next(socketError('FORBIDDEN', 'Origine étrangère refusée.'));
    }
    try {
      const user = await authenticate(connection, headers.cookie);
      if (!user) return next(socketError('UNAUTHENTICATED', 'Veuillez vous connecter.'));
      socket.data.user = user;
      next();
    } catch {
      next(socketError('UNAUTHENTICATED', 'Session indisponible.'));
    }
  };
}
