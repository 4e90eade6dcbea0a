import type { Connection } from 'mongoose';
import { isFirstLeadInvitation, mayCancelInvitation, mayGrant, membersGovernance, type Role } from '../../shared/access.ts';
import type { InvitationKind, InvitationSentPayload, LeadInvitedPayload, Member, MembersView, OrgCollege, PendingInvitation, SentInvitation } from '../../shared/identity.ts';
import type { EventContent } from '../../shared/events.ts';
import { governance } from '../../shared/visibility.ts';
import { can, canFor, type Actor } from '../access/access.service.ts';
import { mandateEvent } from '../access/mandate-events.ts';
import type { Clock } from '../events/clock.ts';
import { stampOf, type EventLog } from '../events/event-log.ts';
import { AppError } from '../common/app-error.ts';
import { invitationModel } from '../auth/invitation.model.ts';
import { issueLink } from '../auth/invitation.service.ts';
import { userModel } from '../auth/user.model.ts';
import { enqueueMail, type MailDraft } from '../mail/outbox.ts';
import { invitationMail, passwordResetMail, suspensionMail } from '../mail/templates.ts';
import { membershipModel } from './membership.model.ts';
import { negotiationModel } from './negotiation.model.ts';
import { organisationModel } from './organisation.model.ts';

/**
 * Who sits at the table, and who decides it. Each organisation governs its own people: its
 * lead (`delegation:manage`) invites, grants roles, revokes and asks password resets for its
 * own members, and only it can make someone its signatory. The secretariat convenes
 * (`members:oversee`): it sees every delegation, invites an organisation's first lead while
 * that organisation has nobody at the table, and may suspend a mandate for the committee
 * (with a reason, announced to that organisation). It never holds a link, a token or a role
 * in another organisation: every link goes by mail to the person it is for.
 */
export interface MembersDeps {
  connection: Connection;
  events: Pick<EventLog, 'record'>;
  /** The time members change at (ctx.clock): invitations expire and mandates end from it. */
  clock: Clock;
  /** The absolute address of a page of the workspace, for the links in mails. */
  link(pathname: string): string;
}

/** Active mandates (suspended ones included, flagged) of the negotiation, optionally of one organisation only. */
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
    const suspension = m.suspension ? { at: m.suspension.at.toISOString(), by: m.suspension.by, reason: m.suspension.reason } : null;
    return [
      {
        id: String(m._id),
        user: { id: String(user._id), name: user.name, email: user.email },
        organisation: { id: String(org._id), shortName: org.shortName, college: org.college as OrgCollege },
        roles: [...m.roles] as Role[],
        suspension,
      },
    ];
  });
}

/** The members screen as the reader may see it: every delegation for the secretariat, their own for a lead. */
export async function membersView(connection: Connection, actor: Actor, now: Date): Promise<MembersView> {
  const { oversee, leads } = membersGovernance({ roles: actor.roles, orgId: actor.org.id });
  if (!oversee && !leads) throw new AppError('FORBIDDEN', 'Seuls le secrétariat et les responsables de délégation gèrent les membres.');
  const scope = oversee ? {} : { organisationId: leads };
  const [members, pending] = await Promise.all([
    listMembers(connection, actor.negotiationId, oversee ? undefined : leads!),
    invitationModel(connection)
      .find({ negotiationId: actor.negotiationId, kind: 'invitation', usedAt: null, cancelledAt: null, expiresAt: { $gt: now }, ...scope })
      .sort({ createdAt: 1 })
      .lean(),
  ]);
  const invitations: PendingInvitation[] = pending.map((i) => ({
    id: i.publicId,
    kind: i.kind as InvitationKind,
    email: i.email,
    organisationId: i.organisationId ?? null,
    roles: [...i.roles] as Role[],
    expiresAt: i.expiresAt.toISOString(),
  }));
  return { members, invitations, oversee, leads };
}

interface Party {
  id: string;
  shortName: string;
  college: OrgCollege;
}

async function partyOf(connection: Connection, negotiationId: string, organisationId: string): Promise<{ party: Party; negotiation: string }> {
  const negotiation = await negotiationModel(connection).findById(negotiationId).lean();
  const org = negotiation?.parties.some((p) => p.organisationId === organisationId)
    ? await organisationModel(connection).findById(organisationId).lean()
    : null;
  if (!negotiation || !org) throw new AppError('UNPROCESSABLE', 'Cette organisation n’est pas partie à la négociation.');
  return { party: { id: String(org._id), shortName: org.shortName, college: org.college as OrgCollege }, negotiation: negotiation.title };
}

const NOT_YOURS = 'Chaque organisation gère ses propres membres : seul son responsable de délégation peut le faire.';

/** Refuses a role change or an invitation the actor may not make for this organisation. */
function assertMayGrant(actor: Actor, party: Party, roles: readonly Role[]): void {
  for (const role of roles) {
    if (!mayGrant({ roles: actor.roles, orgId: actor.org.id }, { orgId: party.id, college: party.college }, role)) {
      if (actor.org.id !== party.id) throw new AppError('FORBIDDEN', NOT_YOURS);
      throw new AppError('FORBIDDEN', `Le rôle « ${role} » ne peut pas être attribué ainsi dans ${party.shortName}.`);
    }
  }
}

/**
 * Invites a person into an organisation, by mail. The organisation's lead invites its own
 * people with any role that fits it; the secretariat invites only an organisation's first
 * lead, while that organisation has nobody at the table and no invitation pending.
 */
export async function invite(
  deps: MembersDeps,
  actor: Actor,
  request: { email: string; organisationId: string; roles: Role[] },
  now = deps.clock.now(),
): Promise<SentInvitation> {
  const { connection } = deps;
  const { party, negotiation } = await partyOf(connection, actor.negotiationId, request.organisationId);
  const ownOrganisation = actor.org.id === party.id && canFor(actor, 'delegation:manage', party.id);
  let convening = false;
  if (ownOrganisation) {
    assertMayGrant(actor, party, request.roles);
  } else if (can(actor, 'members:oversee') && isFirstLeadInvitation(request.roles)) {
    convening = true;
    const [seated, pending] = await Promise.all([
      membershipModel(connection).exists({ negotiationId: actor.negotiationId, organisationId: party.id, revokedAt: null }),
      invitationModel(connection).exists({
        negotiationId: actor.negotiationId,
        organisationId: party.id,
        kind: 'invitation',
        usedAt: null,
        cancelledAt: null,
        expiresAt: { $gt: now },
      }),
    ]);
    if (seated || pending) {
      throw new AppError('CONFLICT', `${party.shortName} a déjà ses membres ou une invitation en cours : c’est à son responsable de délégation d’inviter.`);
    }
  } else if (can(actor, 'members:oversee') && actor.org.id !== party.id) {
    throw new AppError('FORBIDDEN', `Le secrétariat n’invite que le premier responsable de délégation d’une organisation. ${NOT_YOURS}`);
  } else {
    throw new AppError('FORBIDDEN', NOT_YOURS);
  }

  const user = await userModel(connection).findOne({ email: request.email }).lean();
  if (user) {
    const active = await membershipModel(connection)
      .findOne({ negotiationId: actor.negotiationId, userId: String(user._id), revokedAt: null })
      .lean();
    if (active) throw new AppError('CONFLICT', 'Cette personne participe déjà à la négociation.');
  }
  const link = await issueLink(
    connection,
    { kind: 'invitation', negotiationId: actor.negotiationId, email: request.email, organisationId: party.id, roles: request.roles, createdBy: actor.user.id },
    now,
  );
  await enqueueMail(
    connection,
    [
      {
        id: `invitation:${link.id}`,
        kind: 'invitation',
        negotiationId: actor.negotiationId,
        to: request.email,
        secret: true,
        content: invitationMail({
          negotiation,
          organisation: party.shortName,
          roles: request.roles,
          invitedBy: `${actor.user.name} (${actor.org.shortName})`,
          url: deps.link(link.path),
          expiresAt: link.expiresAt,
          existingUser: !!user,
        }),
      },
    ],
    now,
  );
  // The invitation names the person's address: its organisation's governance hears of it (the
  // members list), and, when the secretariat convened the organisation, the committee hears
  // that it did (not who was invited).
  const sentPayload: InvitationSentPayload = {
    invitationId: link.id,
    email: request.email,
    organisationId: party.id,
    roles: [...request.roles],
    expiresAt: link.expiresAt.toISOString(),
  };
  const events: EventContent[] = [{ type: 'invitation:sent', payload: sentPayload, visibility: governance(party.id) }];
  if (convening) {
    const payload: LeadInvitedPayload = { organisationId: party.id, organisation: party.shortName, invitedBy: actor.user.name };
    events.push({ type: 'member:lead-invited', payload, visibility: { scope: 'committee' } });
  }
  await deps.events.record(actor.negotiationId, stampOf(actor), events, now);
  return { id: link.id, email: request.email, expiresAt: link.expiresAt.toISOString() };
}

async function memberOf(connection: Connection, negotiationId: string, membershipId: string) {
  const membership = /^[a-f0-9]{24}$/.test(membershipId)
    ? await membershipModel(connection).findOne({ _id: membershipId, negotiationId, revokedAt: null }).lean()
    : null;
  if (!membership) throw new AppError('NOT_FOUND', 'Membre introuvable.');
  return membership;
}

/** What the negotiation's log records of a change of mandate. */
export interface MandateChange {
  membershipId: string;
  userId: string;
  organisationId: string;
  roles: Role[];
}

/** The lead of a member's organisation, and only them, governs that member's mandate. */
async function ownMember(connection: Connection, actor: Actor, membershipId: string) {
  const membership = await memberOf(connection, actor.negotiationId, membershipId);
  if (!canFor(actor, 'delegation:manage', membership.organisationId)) throw new AppError('FORBIDDEN', NOT_YOURS);
  return membership;
}

/** The lead ends a mandate of their organisation at once; the record stays. Never their own. */
export async function revokeMember(deps: MembersDeps, actor: Actor, membershipId: string): Promise<MandateChange> {
  const { connection } = deps;
  const membership = await ownMember(connection, actor, membershipId);
  if (membership.userId === actor.user.id) throw new AppError('CONFLICT', 'Vous ne pouvez pas révoquer votre propre mandat.');
  await membershipModel(connection).updateOne({ _id: membership._id }, { $set: { revokedAt: deps.clock.now() } });
  const revoked: MandateChange = { membershipId, userId: membership.userId, organisationId: membership.organisationId, roles: [] };
  await deps.events.record(actor.negotiationId, stampOf(actor), [mandateEvent('member:revoked', revoked)]);
  return revoked;
}

/**
 * Changes a member's roles. Every role given or taken must be the actor's to grant in that
 * organisation (its lead; the secretariat role by a secretariat of the same organisation).
 */
export async function changeRoles(deps: MembersDeps, actor: Actor, membershipId: string, roles: Role[]): Promise<MandateChange> {
  const { connection } = deps;
  const membership = await memberOf(connection, actor.negotiationId, membershipId);
  const { party } = await partyOf(connection, actor.negotiationId, membership.organisationId);
  const before = membership.roles as Role[];
  const given = [...roles.filter((r) => !before.includes(r)), ...before.filter((r) => !roles.includes(r))];
  assertMayGrant(actor, party, given);
  if (membership.userId === actor.user.id && before.includes('secretariat') && !roles.includes('secretariat')) {
    throw new AppError('CONFLICT', 'Vous ne pouvez pas retirer votre propre rôle de secrétariat.');
  }
  if (membership.userId === actor.user.id && before.includes('lead') && !roles.includes('lead')) {
    throw new AppError('CONFLICT', 'Vous ne pouvez pas retirer votre propre rôle de responsable : confiez-le d’abord à une autre personne, qui vous le retirera.');
  }
  await membershipModel(connection).updateOne({ _id: membership._id }, { $set: { roles } });
  const changed: MandateChange = { membershipId, userId: membership.userId, organisationId: membership.organisationId, roles };
  await deps.events.record(actor.negotiationId, stampOf(actor), [mandateEvent('member:roles-changed', changed)]);
  return changed;
}

/** The people of an organisation at the table who hold one of `roles` (active, not suspended). */
export async function organisationContacts(
  connection: Connection,
  negotiationId: string,
  organisationId: string,
  roles: readonly Role[],
): Promise<{ userId: string; email: string; name: string }[]> {
  const memberships = await membershipModel(connection)
    .find({ negotiationId, organisationId, revokedAt: null, suspension: null, roles: { $in: [...roles] } })
    .lean();
  const users = await userModel(connection)
    .find({ _id: { $in: memberships.map((m) => m.userId) } }, { email: 1, name: 1 })
    .lean();
  return users.map((u) => ({ userId: String(u._id), email: u.email, name: u.name }));
}

/**
 * The secretariat suspends a mandate for the committee, or lifts the suspension. Logged with
 * its reason, announced by mail to the person and to their organisation's leads. It grants
 * nothing and changes no role: the organisation keeps governing its own people.
 */
export async function setSuspension(
  deps: MembersDeps,
  actor: Actor,
  membershipId: string,
  reason: string | null,
  now = deps.clock.now(),
): Promise<MandateChange & { reason: string | null }> {
  const { connection } = deps;
  if (!can(actor, 'members:oversee')) throw new AppError('FORBIDDEN', 'Seul le secrétariat suspend un mandat.');
  const membership = await memberOf(connection, actor.negotiationId, membershipId);
  if (membership.userId === actor.user.id) throw new AppError('CONFLICT', 'Vous ne pouvez pas suspendre votre propre mandat.');
  if (reason !== null && membership.suspension) throw new AppError('CONFLICT', 'Ce mandat est déjà suspendu.');
  if (reason === null && !membership.suspension) throw new AppError('CONFLICT', 'Ce mandat n’est pas suspendu.');
  const suspension = reason === null ? null : { at: now, by: actor.user.id, reason };
  await membershipModel(connection).updateOne({ _id: membership._id }, { $set: { suspension } });

  const { party, negotiation } = await partyOf(connection, actor.negotiationId, membership.organisationId);
  const person = await userModel(connection).findById(membership.userId, { email: 1, name: 1 }).lean();
  const leads = await organisationContacts(connection, actor.negotiationId, party.id, ['lead']);
  const recipients = new Map(leads.map((l) => [l.email, l]));
  if (person) recipients.set(person.email, { userId: membership.userId, email: person.email, name: person.name });
  const cause = `${reason === null ? 'reinstated' : 'suspended'}:${String(membership._id)}:${now.getTime()}`;
  const content = suspensionMail({
    person: person?.name ?? 'un membre',
    organisation: party.shortName,
    negotiation,
    reason: reason ?? membership.suspension?.reason ?? '',
    by: `${actor.user.name} (${actor.org.shortName})`,
    reinstated: reason === null,
    url: deps.link(`/negotiations/${actor.negotiationId}`),
  });
  const drafts: MailDraft[] = [...recipients.values()].map((r) => ({
    id: `${cause}:${r.email}`,
    kind: reason === null ? 'mandate-reinstated' : 'mandate-suspended',
    negotiationId: actor.negotiationId,
    to: r.email,
    content,
  }));
  const change = { membershipId, userId: membership.userId, organisationId: membership.organisationId, roles: membership.roles as Role[], reason };
  await deps.events.record(actor.negotiationId, stampOf(actor), [mandateEvent(reason === null ? 'member:reinstated' : 'member:suspended', change)]);
  await enqueueMail(connection, drafts, now);
  return change;
}

/**
 * The lead of a member's organisation asks that the member choose a new password: the link
 * goes by mail to the member. The lead never sees it.
 */
export async function askPasswordReset(deps: MembersDeps, actor: Actor, membershipId: string, now = deps.clock.now()): Promise<void> {
  const membership = await ownMember(deps.connection, actor, membershipId);
  const user = await userModel(deps.connection).findById(membership.userId).lean();
  if (!user) throw new AppError('NOT_FOUND', 'Membre introuvable.');
  const askedBy = { lead: actor.user.name, organisation: actor.org.shortName };
  await sendPasswordReset(deps, { userId: String(user._id), email: user.email, name: user.name }, askedBy, actor.user.id, now);
}

/**
 * « Mot de passe oublié »: a person asks for their own account, by address. The link goes to
 * that address only; the caller answers the same whether an account has it or not, so nobody
 * learns who has one. Resolves with the account's id when there is one (for the log).
 */
export async function askOwnPasswordReset(deps: MembersDeps, email: string): Promise<string | null> {
  const user = await userModel(deps.connection).findOne({ email }, { email: 1, name: 1 }).lean();
  if (!user) return null;
  const person = { userId: String(user._id), email: user.email, name: user.name };
  await sendPasswordReset(deps, person, 'self', person.userId);
  return person.userId;
}

/** Issues a password-reset link and mails it to the account's owner. */
export async function sendPasswordReset(
  deps: MembersDeps,
  user: { userId: string; email: string; name: string },
  askedBy: 'self' | { lead: string; organisation: string },
  createdBy: string,
  now = deps.clock.now(),
): Promise<void> {
  const link = await issueLink(
    deps.connection,
    { kind: 'password-reset', negotiationId: null, email: user.email, organisationId: null, roles: [], createdBy },
    now,
  );
  await enqueueMail(
    deps.connection,
    [
      {
        id: `password-reset:${link.id}`,
        kind: 'password-reset',
        negotiationId: null,
        to: user.email,
        secret: true,
        content: passwordResetMail({ name: user.name, url: deps.link(link.path), expiresAt: link.expiresAt, askedBy }),
      },
    ],
    now,
  );
}

/** Cancels a pending invitation: the lead of its organisation, or the secretariat for a first lead's. */
export async function cancelInvitation(deps: MembersDeps, actor: Actor, publicId: string, now = deps.clock.now()): Promise<void> {
  const { connection } = deps;
  const invitation = await invitationModel(connection)
    .findOne({ publicId, negotiationId: actor.negotiationId, kind: 'invitation', usedAt: null, cancelledAt: null })
    .lean();
  if (!invitation) throw new AppError('NOT_FOUND', 'Invitation introuvable.');
  const governing = membersGovernance({ roles: actor.roles, orgId: actor.org.id });
  if (!mayCancelInvitation(governing, { organisationId: invitation.organisationId ?? null, roles: invitation.roles as Role[] })) throw new AppError('FORBIDDEN', NOT_YOURS);
  // Only a cancellation that took (the link not used meanwhile) is recorded.
  const cancelled = await invitationModel(connection).updateOne({ _id: invitation._id, usedAt: null, cancelledAt: null }, { $set: { cancelledAt: now } });
  if (cancelled.modifiedCount === 0) throw new AppError('NOT_FOUND', 'Invitation introuvable.');
  const payload = { invitationId: invitation.publicId, organisationId: invitation.organisationId ?? '' };
  await deps.events.record(actor.negotiationId, stampOf(actor), [{ type: 'invitation:cancelled', payload, visibility: governance(payload.organisationId) }], now);
}
