import { z } from 'zod';
import { ROLES, type College, type Role } from './access.ts';

/**
 * Who is who in a negotiation: people, organisations, their mandates, and the shapes the
 * HTTP API answers with. Isomorphic: the server maps its models to these types at the edge,
 * the client renders them.
 */

/** The signed-in person, as every channel (HTTP, Socket.IO, Yjs) knows them. */
export interface AuthUser {
  id: string;
  name: string;
  email: string;
}

/**
 * Where an organisation sits. `employer` and `union` are the two sides of the table
 * (the `College` of votes and visibility); `neutral` is the presidency (the ministry's
 * representative chairing a CMP) or an observer: present, but on neither side, never
 * weighted, never representative, never counted by a college rule.
 */
export const ORG_COLLEGES = ['employer', 'union', 'neutral'] as const;
export type OrgCollege = College | 'neutral';

export const NEGOTIATION_LEVELS = ['branch', 'company'] as const;
export type NegotiationLevel = (typeof NEGOTIATION_LEVELS)[number];

/** The agreement's life, from the first draft to its extension (DOMAIN, "Signature campaign"). */
export const NEGOTIATION_STATUSES = [
  'draft',
  'in negotiation',
  'open for signature',
  'not concluded',
  'notified',
  'valid',
  'void',
  'deposited',
  'approved',
  'approval refused',
  'extension requested',
  'extended',
  'extension refused',
  'recommendation adopted',
] as const;
export type NegotiationStatus = (typeof NEGOTIATION_STATUSES)[number];

export const ARTICLE_STATUSES = ['open', 'bracketed', 'agreed ad referendum', 'reserved', 'withdrawn'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** The legal source of a representativeness weight: the ministerial arrêté and its date. */
export interface WeightsSource {
  arrete: string;
  /** ISO date, YYYY-MM-DD. */
  date: string;
}

export interface Organisation {
  id: string;
  shortName: string;
  fullName: string;
  college: OrgCollege;
}

/** An organisation as a party to one negotiation. */
export interface Party extends Organisation {
  /** Representativeness weight in percent; 0 for a non-representative organisation. */
  weight: number;
  representative: boolean;
  source: WeightsSource | null;
}

export interface PhaseDeadline {
  label: string;
  /** ISO date, YYYY-MM-DD. */
  date: string;
}

export interface NegotiationSummary {
  id: string;
  title: string;
  level: NegotiationLevel;
  status: NegotiationStatus;
}

export interface ArticleSummary {
  id: string;
  /** "1", "3 bis"; "Préambule" for the preamble. */
  number: string;
  title: string;
  titre: string | null;
  chapitre: string | null;
  order: number;
  status: ArticleStatus;
  kind: 'preamble' | 'article';
}

export interface NegotiationDetail extends NegotiationSummary {
  organisations: Party[];
  /** The arrêté the representative unions' weights come from, when they share one. */
  weightsSource: WeightsSource | null;
  phaseDeadlines: PhaseDeadline[];
  articles: ArticleSummary[];
  myRoles: Role[];
  myOrganisation: string;
}

export interface MembershipSummary {
  negotiationId: string;
  negotiationTitle: string;
  organisation: { id: string; shortName: string; college: OrgCollege };
  roles: Role[];
}

export interface Me {
  user: AuthUser;
  memberships: MembershipSummary[];
}

export interface Member {
  /** The membership's id. */
  id: string;
  user: AuthUser;
  organisation: { id: string; shortName: string; college: OrgCollege };
  roles: Role[];
  /** Suspended by the secretariat: no access meanwhile (who, when, why). */
  suspension: { at: string; by: string; reason: string } | null;
}

export interface PendingInvitation {
  id: string;
  kind: InvitationKind;
  email: string;
  organisationId: string | null;
  roles: Role[];
  expiresAt: string;
}

/**
 * The members screen. The secretariat sees every delegation (to convene the committee); a
 * delegation lead sees their own organisation's, and governs it.
 */
export interface MembersView {
  members: Member[];
  invitations: PendingInvitation[];
  /** What the reader may do here. */
  oversee: boolean;
  /** The organisation the reader leads, when they are its lead. */
  leads: string | null;
}

// --- Event payloads ------------------------------------------------------------------------

/** A mandate granted (`member:joined`, with the person's name), changed or ended, as the log records it. */
export interface MandatePayload {
  userId: string;
  organisationId: string;
  roles: Role[];
}
export interface MemberJoinedPayload extends MandatePayload {
  name: string;
  /** The mandate granted (absent from events recorded before it was carried). */
  membershipId?: string;
}
export interface MandateChangedPayload extends MandatePayload {
  membershipId: string;
}
/**
 * What `member:lead-invited` carries: the secretariat convened an organisation by inviting its
 * first delegation lead. Announced to the whole committee; the invitee's address is theirs
 * and is not in it.
 */
export interface LeadInvitedPayload {
  organisationId: string;
  /** The organisation's short name, as the committee reads it. */
  organisation: string;
  invitedBy: string;
}
/** What `member:suspended` (with its reason) and `member:reinstated` (reason null) carry. */
export interface MandateSuspensionPayload extends MandateChangedPayload {
  reason: string | null;
}

/**
 * `invitation:sent`: an invitation pending, as the members list shows it. It names the person's
 * address, so it is recorded for the governance of its organisation (its lead, the secretariat).
 */
export interface InvitationSentPayload {
  invitationId: string;
  email: string;
  organisationId: string;
  roles: Role[];
  expiresAt: string;
}
/** `invitation:cancelled`: by the lead of its organisation, or the secretariat for a first lead's. */
export interface InvitationCancelledPayload {
  invitationId: string;
  organisationId: string;
}
/**
 * `invitation:accepted`: the invitee used the link; the invitation is no longer pending and
 * `member` is the mandate it granted, as the members list shows it (governance, like the invitation).
 */
export interface InvitationAcceptedPayload {
  invitationId: string;
  organisationId: string;
  member: Member;
}

export const INVITATION_KINDS = ['invitation', 'password-reset'] as const;
export type InvitationKind = (typeof INVITATION_KINDS)[number];

/** What the holder of a one-time link sees before using it. */
export interface InvitationView {
  kind: InvitationKind;
  email: string;
  /** Null for a password reset the person asked for themself. */
  negotiation: { id: string; title: string } | null;
  organisation: { id: string; shortName: string } | null;
  roles: Role[];
  /** Whether the email already has an account (then the invitee proves it with their password). */
  existingUser: boolean;
  expiresAt: string;
}

/**
 * An invitation sent. The link itself went by mail to the person invited and to nobody
 * else: whoever asked for it never sees it.
 */
export interface SentInvitation {
  id: string;
  email: string;
  expiresAt: string;
}

// Request bodies, parsed with safeParse at the HTTP boundary. Strings only: an object where a
// string is expected (`{"$gt": ""}`) is a malformed request, never a query operator.
const Email = z.string().trim().toLowerCase().max(254).pipe(z.email());
export const PASSWORD_MIN = 12;
const Password = z.string().min(1).max(256);
const NewPassword = z.string().min(PASSWORD_MIN).max(256);
const RoleList = z.array(z.enum(ROLES)).min(1).max(ROLES.length);

export const LoginBodySchema = z.strictObject({ email: Email, password: Password });
export const InviteBodySchema = z.strictObject({
  email: Email,
  organisationId: z.string().regex(/^[a-f0-9]{24}$/),
  roles: RoleList,
});
export const RolesBodySchema = z.strictObject({ roles: RoleList });
export const ChangePasswordBodySchema = z.strictObject({ currentPassword: Password, newPassword: NewPassword });
export const ChangeEmailBodySchema = z.strictObject({ password: Password, email: Email });
export const SuspendBodySchema = z.strictObject({ reason: z.string().trim().min(5).max(1000) });
export const ForgotPasswordBodySchema = z.strictObject({ email: Email });
export const AcceptInvitationBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  password: NewPassword,
});
