import type { Connection } from 'mongoose';
import type { Role } from '../../shared/access.ts';
import type { InvitationKind, IssuedLink, Member, MembersView, OrgCollege } from '../../shared/identity.ts';
import type { Actor } from '../access/access.service.ts';
import { mandateEvent } from '../access/mandate-events.ts';
import { stampOf, type EventLog } from '../events/event-log.ts';
import { AppError } from '../common/app-error.ts';
import { invitationModel } from '../auth/invitation.model.ts';
import { issueLink } from '../auth/invitation.service.ts';
import { userModel } from '../auth/user.model.ts';
import { membershipModel } from './membership.model.ts';
import { negotiationModel } from './negotiation.model.ts';
import { organisationModel } from './organisation.model.ts';

/** Active mandates of the negotiation, optionally of one organisation only. */
export async function listMembers(connection: Connection, negotiationId: string, organisationId?: string): Promise<Member[]> {
  const filter = organisationId ? { negotiationId, organisationId, revokedAt: null } : { negotiationId, revokedAt: null };
  const memberships = await membershipModel(connection).find(filter).sort({ createdAt: 1 }).lean();
  const [users, orgs] = await Promise.all([
    userModel(connection)
      .find({ _id: { $in: memberships.map((m) => m.userId) } }, { passwordHash: 0 })
      .lean(),
    organisationModel(connection)
      .find({ _id: { $in: memberships.map((m) => m.organisationId) } })
      .lean(),
  ]);
  const userById = new Map(users.map((u) => [String(u._id), u]));
  const orgById = new Map(orgs.map((o) => [String(o._id), o]));
  return memberships.flatMap((m): Member[] => {
    const user = userById.get(m.userId);
    const org = orgById.get(m.organisationId);
    if (!user || !org) return [];
    return [
      {
        id: String(m._id),
        user: { id: String(user._id), name: user.name, email: user.email },
        organisation: { id: String(org._id), shortName: org.shortName, college: org.college as OrgCollege },
        roles: [...m.roles] as Role[],
      },
    ];
  });
}

/** The secretariat's view: every active mandate and every pending link. */
export async function membersView(connection: Connection, negotiationId: string, now = new Date()): Promise<MembersView> {
  const [members, pending] = await Promise.all([
    listMembers(connection, negotiationId),
    invitationModel(connection)
      .find({ negotiationId, usedAt: null, cancelledAt: null, expiresAt: { $gt: now } })
      .sort({ createdAt: 1 })
      .lean(),
  ]);
  return {
    members,
    invitations: pending.map((i) => ({
      id: i.publicId,
      kind: i.kind as InvitationKind,
      email: i.email,
      organisationId: i.organisationId ?? null,
      roles: [...i.roles] as Role[],
      expiresAt: i.expiresAt.toISOString(),
    })),
  };
}

export async function invite(
  connection: Connection,
  actor: Actor,
  request: { email: string; organisationId: string; roles: Role[] },
): Promise<IssuedLink> {
  const negotiation = await negotiationModel(connection).findById(actor.negotiationId).lean();
  if (!negotiation?.parties.some((p) => p.organisationId === request.organisationId)) {
    throw new AppError('UNPROCESSABLE', 'Cette organisation n’est pas partie à la négociation.');
  }
  const user = await userModel(connection).findOne({ email: request.email }).lean();
  if (user) {
    const active = await membershipModel(connection)
      .findOne({ negotiationId: actor.negotiationId, userId: String(user._id), revokedAt: null })
      .lean();
    if (active) throw new AppError('CONFLICT', 'Cette personne participe déjà à la négociation.');
  }
  return issueLink(connection, {
    kind: 'invitation',
    negotiationId: actor.negotiationId,
    email: request.email,
    organisationId: request.organisationId,
    roles: request.roles,
    createdBy: actor.user.id,
  });
}

async function memberOf(connection: Connection, negotiationId: string, membershipId: string) {
  const membership = /^[a-f0-9]{24}$/.test(membershipId)
    ? await membershipModel(connection).findOne({ _id: membershipId, negotiationId, revokedAt: null }).lean()
    : null;
  if (!membership) throw new AppError('NOT_FOUND', 'Membre introuvable.');
  return membership;
}

/** Ends a mandate at once; the record stays. The secretariat cannot lock itself out. */
/** What the negotiation's log records of a change of mandate. */
export interface MandateChange {
  membershipId: string;
  userId: string;
  organisationId: string;
  roles: Role[];
}

export async function revokeMember(
  connection: Connection,
  events: Pick<EventLog, 'record'>,
  actor: Actor,
  membershipId: string,
): Promise<MandateChange> {
  const membership = await memberOf(connection, actor.negotiationId, membershipId);
  if (membership.userId === actor.user.id) throw new AppError('CONFLICT', 'Vous ne pouvez pas révoquer votre propre mandat.');
  await membershipModel(connection).updateOne({ _id: membership._id }, { $set: { revokedAt: new Date() } });
  const revoked: MandateChange = { membershipId, userId: membership.userId, organisationId: membership.organisationId, roles: [] };
  await events.record(actor.negotiationId, stampOf(actor), [mandateEvent('member:revoked', revoked)]);
  return revoked;
}

export async function changeRoles(
  connection: Connection,
  events: Pick<EventLog, 'record'>,
  actor: Actor,
  membershipId: string,
  roles: Role[],
): Promise<MandateChange> {
  const membership = await memberOf(connection, actor.negotiationId, membershipId);
  if (membership.userId === actor.user.id && !roles.includes('secretariat')) {
    throw new AppError('CONFLICT', 'Vous ne pouvez pas retirer votre propre rôle de secrétariat.');
  }
  await membershipModel(connection).updateOne({ _id: membership._id }, { $set: { roles } });
  const changed: MandateChange = { membershipId, userId: membership.userId, organisationId: membership.organisationId, roles };
  await events.record(actor.negotiationId, stampOf(actor), [mandateEvent('member:roles-changed', changed)]);
  return changed;
}

export async function issuePasswordReset(connection: Connection, actor: Actor, membershipId: string): Promise<IssuedLink> {
  const membership = await memberOf(connection, actor.negotiationId, membershipId);
  const user = await userModel(connection).findById(membership.userId).lean();
  if (!user) throw new AppError('NOT_FOUND', 'Membre introuvable.');
  return issueLink(connection, {
    kind: 'password-reset',
    negotiationId: actor.negotiationId,
    email: user.email,
    organisationId: null,
    roles: [],
    createdBy: actor.user.id,
  });
}

export async function cancelInvitation(connection: Connection, actor: Actor, publicId: string): Promise<void> {
  const result = await invitationModel(connection).updateOne(
    { publicId, negotiationId: actor.negotiationId, usedAt: null, cancelledAt: null },
    { $set: { cancelledAt: new Date() } },
  );
  if (result.matchedCount === 0) throw new AppError('NOT_FOUND', 'Invitation introuvable.');
}
