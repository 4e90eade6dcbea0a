import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Role } from '../../shared/access.ts';
import type { AuthUser, InvitationKind, InvitationView, Member, OrgCollege } from '../../shared/identity.ts';
import { governance } from '../../shared/visibility.ts';
import { mandateEvent } from '../access/mandate-events.ts';
import { AppError } from '../common/app-error.ts';
import type { EventLog } from '../events/event-log.ts';
import { membershipModel } from '../negotiations/membership.model.ts';
import { negotiationModel } from '../negotiations/negotiation.model.ts';
import { organisationModel } from '../negotiations/organisation.model.ts';
import { invitationModel, type InvitationDoc } from './invitation.model.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { createSession, destroyUserSessions, hashToken, newToken } from './session.service.ts';
import type { Throttle } from './throttle.ts';
import { userModel } from './user.model.ts';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const PASSWORD_RESET_TTL_MS = 24 * 60 * 60 * 1000;
// A used or expired link is kept a while so that using it again says "gone", not "unknown".
const KEEP_AFTER_EXPIRY_MS = 30 * 24 * 60 * 60 * 1000;

export interface LinkRequest {
  kind: InvitationKind;
  /** Null for a password reset the person asked for themself. */
  negotiationId: string | null;
  email: string;
  organisationId: string | null;
  roles: Role[];
  createdBy: string;
}

/** A one-time link just issued: its path carries the token, for the mail to the person, and nowhere else. */
export interface IssuedLink {
  /** A short public id, to list and cancel without the token. */
  id: string;
  /** `/invitations/<token>`. */
  path: string;
  expiresAt: Date;
}

/** Issues a one-time link; the token is in the returned path only, the database keeps its hash. */
export async function issueLink(connection: Connection, request: LinkRequest, now: Date): Promise<IssuedLink> {
  const token = newToken();
  const ttl = request.kind === 'invitation' ? INVITATION_TTL_MS : PASSWORD_RESET_TTL_MS;
  const expiresAt = new Date(now.getTime() + ttl);
  const publicId = randomBytes(9).toString('base64url');
  await invitationModel(connection).create({
    _id: hashToken(token),
    publicId,
    ...request,
    createdAt: now,
    expiresAt,
    usedAt: null,
    cancelledAt: null,
    purgeAt: new Date(expiresAt.getTime() + KEEP_AFTER_EXPIRY_MS),
  });
  return { id: publicId, path: `/invitations/${token}`, expiresAt };
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** 404 for a link never issued, 410 for one used, cancelled or expired. */
async function usableLink(connection: Connection, token: string, now: Date): Promise<InvitationDoc> {
  const link = TOKEN.test(token) ? await invitationModel(connection).findById(hashToken(token)).lean() : null;
  if (!link) throw new AppError('NOT_FOUND', 'Ce lien n’existe pas.');
  if (link.usedAt || link.cancelledAt) throw new AppError('GONE', 'Ce lien a déjà été utilisé ou a été annulé.');
  if (link.expiresAt.getTime() <= now.getTime()) throw new AppError('GONE', 'Ce lien a expiré.');
  return link;
}

export async function viewLink(connection: Connection, token: string, now: Date): Promise<InvitationView> {
  const link = await usableLink(connection, token, now);
  const [negotiation, organisation, user] = await Promise.all([
    link.negotiationId ? negotiationModel(connection).findById(link.negotiationId).lean() : null,
    link.organisationId ? organisationModel(connection).findById(link.organisationId).lean() : null,
    userModel(connection).findOne({ email: link.email }).lean(),
  ]);
  if (link.negotiationId && !negotiation) throw new AppError('GONE', 'Cette négociation n’existe plus.');
  return {
    kind: link.kind as InvitationKind,
    email: link.email,
    negotiation: negotiation ? { id: String(negotiation._id), title: negotiation.title } : null,
    organisation: organisation ? { id: String(organisation._id), shortName: organisation.shortName } : null,
    roles: [...link.roles] as Role[],
    existingUser: !!user,
    expiresAt: link.expiresAt.toISOString(),
  };
}

/**
 * Uses a one-time link. An invitation creates the account (name + new password) or, for an
 * email that already has one, asks for its current password, then grants the mandate. A
 * password reset sets the new password and ends every other session. Either way the
 * person is signed in and lands in the negotiation.
 */
export async function useLink(
  connection: Connection,
  events: Pick<EventLog, 'record'>,
  token: string,
  input: { name?: string; password: string },
  guard: { throttle: Throttle; address: string },
  now: Date,
): Promise<{
  user: AuthUser;
  token: string;
  /** Where the person lands: the negotiation they joined (null after a password reset asked by themself). */
  negotiationId: string | null;
  /** A new password replaced the old one: every other session of the person has ended. */
  passwordChanged: boolean;
  /** The mandate granted, for the negotiation's log (null for a password reset). */
  joined: { userId: string; name: string; organisationId: string; roles: Role[] } | null;
}> {
  const link = await usableLink(connection, token, now);
  const users = userModel(connection);
  const existing = await users.findOne({ email: link.email }).lean();

  if (link.kind === 'invitation' && existing) {
    // A password typed for an account: counted with every other one before it is checked.
    const attempt = await guard.throttle.consume(existing.email, guard.address);
    if (!(await verifyPassword(existing.passwordHash, input.password))) {
      throw new AppError('INVALID_CREDENTIALS', 'Vous avez déjà un compte : saisissez son mot de passe.');
    }
    await attempt.succeeded();
  }
  if (link.kind === 'invitation' && !existing && !input.name) {
    throw new AppError('BAD_REQUEST', 'Indiquez votre nom.');
  }
  if (link.kind === 'password-reset' && !existing) throw new AppError('GONE', 'Ce compte n’existe plus.');
  const passwordHash = existing && link.kind === 'invitation' ? null : await hashPassword(input.password);

  // The claim is the commit point: of two concurrent uses, one gets the link, the other 410.
  const claimed = await invitationModel(connection).findOneAndUpdate(
    { _id: link._id, usedAt: null, cancelledAt: null, expiresAt: { $gt: now } },
    { $set: { usedAt: now } },
  );
  if (!claimed) throw new AppError('GONE', 'Ce lien a déjà été utilisé.');

  let userId: string;
  let passwordChanged = false;
  if (!existing) {
    const created = await users.create({
      email: link.email,
      name: input.name!,
      passwordHash: passwordHash!,
      passwordChangedAt: now,
      createdAt: now,
    });
    userId = String(created._id);
  } else {
    userId = String(existing._id);
    if (passwordHash) {
      await users.updateOne({ _id: existing._id }, { $set: { passwordHash, passwordChangedAt: now } });
      await destroyUserSessions(connection, userId);
      passwordChanged = true;
    }
  }

  let membership: { _id: unknown; suspension?: { at: Date; by: string; reason: string } | null } | null = null;
  if (link.kind === 'invitation') {
    membership = await membershipModel(connection)
      .findOneAndUpdate(
        { negotiationId: link.negotiationId, userId },
        {
          $set: { organisationId: link.organisationId, roles: link.roles, revokedAt: null },
          $setOnInsert: { createdAt: now },
        },
        { upsert: true, new: true },
      )
      .lean();
  }
  const user = (await users.findById(userId).lean())!;
  const session = await createSession(connection, userId, now);
  const joined = link.kind === 'invitation' ? { userId, name: user.name, organisationId: link.organisationId!, roles: [...link.roles] as Role[] } : null;
  if (joined && membership && link.negotiationId) {
    const membershipId = String(membership._id);
    const organisation = await organisationModel(connection).findById(joined.organisationId).lean();
    const suspension = membership.suspension ? { at: membership.suspension.at.toISOString(), by: membership.suspension.by, reason: membership.suspension.reason } : null;
    const member: Member = {
      id: membershipId,
      user: { id: userId, name: user.name, email: user.email },
      organisation: { id: joined.organisationId, shortName: organisation?.shortName ?? '', college: (organisation?.college ?? 'union') as OrgCollege },
      roles: joined.roles,
      suspension,
    };
    // The delegation hears who joined it; its governance (lead, secretariat) also gets the
    // invitation settled and the member as the members list shows them, address included.
    await events.record(link.negotiationId, { actor: userId, org: joined.organisationId }, [
      mandateEvent('member:joined', { ...joined, membershipId }),
      { type: 'invitation:accepted', payload: { invitationId: link.publicId, organisationId: joined.organisationId, member }, visibility: governance(joined.organisationId) },
    ]);
  }
  return { user: { id: userId, name: user.name, email: user.email }, token: session, negotiationId: link.negotiationId ?? null, passwordChanged, joined };
}
