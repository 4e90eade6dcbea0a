import { z } from 'zod';
import { ROLES } from '../../shared/access.ts';
import type { VoteView } from '../../shared/votes/vote.ts';
import {
  ARTICLE_STATUSES,
  INVITATION_KINDS,
  NEGOTIATION_LEVELS,
  NEGOTIATION_STATUSES,
  ORG_COLLEGES,
  type AuthUser,
  type InvitationView,
  type Member,
  type MembersView,
  type NegotiationDetail,
  type SentInvitation,
} from '../../shared/identity.ts';
import type { RenumberingPlan, StructureEntry } from '../../shared/structure.ts';
import { VERSION_KINDS, type VersionSummary } from '../../shared/text-diff.ts';
import { CAMPAIGN_STATES, type CampaignAnswer, type CampaignView } from '../../shared/signature/campaign.ts';
import {
  AmendmentDetailSchema,
  AmendmentViewSchema,
  AnnotationViewSchema,
  CampaignPartySchema,
  CampaignVersionSchema,
  ComparisonSchema,
  CurrentItemViewSchema,
  MinutesViewSchema,
  OutboxSchema,
  PersonRef,
  PositionListSchema,
  PositionMatrixSchema,
  SessionSummarySchema,
  SessionViewSchema,
  VerificationSchema,
  VersionTextSchema,
  VoteViewSchema,
  WeightsSourceSchema,
  WrittenRunsSchema,
} from '../../shared/schemas/answers.ts';
import { AssessmentSchema } from '../../shared/validity/scenario.ts';
import type { getAmendment, listAmendments } from '../amendments/amendment.service.ts';
import type { getSession, listSessions, readMinutes } from '../sessions/session.service.ts';
import type { currentItem } from '../sessions/current-item.ts';
import type { validityOf } from '../signature/campaign.service.ts';
import type { verifyUpload } from '../signature/verify.service.ts';
import type { compareVersions, readVersion } from '../versions/versions.service.ts';
import type { MailState } from '../mail/outbox.model.ts';
import { positionMatrix } from '../../shared/positions/position.fold.ts';
import type { writtenRuns } from '../versions/text-edits.ts';
import type { mergedRuns } from '../versions/merge-marks.ts';
import type { listPositions } from '../positions/position.service.ts';
import type { getAnnotation, listAnnotations } from '../annotations/annotation.service.ts';

/**
 * The shapes of the API's answers, for its description (server/http/api-description.ts). The
 * answers themselves are typed by shared/ interfaces; each schema here is checked against its
 * interface when the project is type-checked (`Same`), so that the description cannot drift
 * from what the server sends, and test/integration/openapi.test.ts checks real answers
 * against the document.
 */

/** True when A and B are assignable both ways (same fields, same optionality). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails type-checking unless `T` is `true`. */
function agrees<T extends true>(): T | void {}

export const AuthUserSchema = z.object({ id: z.string(), name: z.string(), email: z.string() });
agrees<Same<z.output<typeof AuthUserSchema>, AuthUser>>();

const RoleSchema = z.enum(ROLES);
const CollegeSchema = z.enum(ORG_COLLEGES);

export const NegotiationSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  level: z.enum(NEGOTIATION_LEVELS),
  status: z.enum(NEGOTIATION_STATUSES),
});

export const NegotiationDetailSchema = NegotiationSummarySchema.extend({
  organisations: z.array(
    z.object({
      id: z.string(),
      shortName: z.string(),
      fullName: z.string(),
      college: CollegeSchema,
      weight: z.number(),
      representative: z.boolean(),
      source: WeightsSourceSchema.nullable(),
    }),
  ),
  weightsSource: WeightsSourceSchema.nullable(),
  phaseDeadlines: z.array(z.object({ label: z.string(), date: z.string() })),
  articles: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      title: z.string(),
      titre: z.string().nullable(),
      chapitre: z.string().nullable(),
      order: z.number(),
      status: z.enum(ARTICLE_STATUSES),
      kind: z.enum(['preamble', 'article']),
    }),
  ),
  myRoles: z.array(RoleSchema),
  myOrganisation: z.string(),
});
agrees<Same<z.output<typeof NegotiationDetailSchema>, NegotiationDetail>>();

export const MemberSchema = z.object({
  id: z.string(),
  user: AuthUserSchema,
  organisation: z.object({ id: z.string(), shortName: z.string(), college: CollegeSchema }),
  roles: z.array(RoleSchema),
  suspension: z.object({ at: z.string(), by: z.string(), reason: z.string() }).nullable(),
});
agrees<Same<z.output<typeof MemberSchema>, Member>>();

export const MembersViewSchema = z.object({
  members: z.array(MemberSchema),
  invitations: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(INVITATION_KINDS),
      email: z.string(),
      organisationId: z.string().nullable(),
      roles: z.array(RoleSchema),
      expiresAt: z.string(),
    }),
  ),
  oversee: z.boolean(),
  leads: z.string().nullable(),
});
agrees<Same<z.output<typeof MembersViewSchema>, MembersView>>();

export const InvitationViewSchema = z.object({
  kind: z.enum(INVITATION_KINDS),
  email: z.string(),
  negotiation: z.object({ id: z.string(), title: z.string() }).nullable(),
  organisation: z.object({ id: z.string(), shortName: z.string() }).nullable(),
  roles: z.array(RoleSchema),
  existingUser: z.boolean(),
  expiresAt: z.string(),
});
agrees<Same<z.output<typeof InvitationViewSchema>, InvitationView>>();

/** A one-time link used: the person, signed in, and the negotiation it led to (none for a password reset). */
export const LinkUsedSchema = z.object({ user: AuthUserSchema, negotiationId: z.string().nullable() });

export const SentInvitationSchema = z.object({ id: z.string(), email: z.string(), expiresAt: z.string() });
agrees<Same<z.output<typeof SentInvitationSchema>, SentInvitation>>();

export const VersionSummarySchema = z.object({ id: z.string(), name: z.string(), kind: z.enum(VERSION_KINDS), createdAt: z.string() });
agrees<Same<z.output<typeof VersionSummarySchema>, VersionSummary>>();

export const StructureEntrySchema = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  titre: z.string().nullable(),
  chapitre: z.string().nullable(),
  kind: z.enum(['preamble', 'article']),
  status: z.string(),
  formerNumbers: z.array(z.string()),
});
agrees<Same<z.output<typeof StructureEntrySchema>, StructureEntry>>();

export const RenumberingPlanSchema = z.object({
  changes: z.array(z.object({ id: z.string(), title: z.string(), from: z.string(), to: z.string() })),
  references: z.array(z.object({ articleId: z.string(), number: z.string(), before: z.string(), after: z.string() })),
  token: z.string(),
});
agrees<Same<z.output<typeof RenumberingPlanSchema>, RenumberingPlan>>();

/** article:renumber: the numbers given, the numbers they replaced (renumbering back undoes it), the new numbering's token. */
export const RenumberedSchema = z.object({
  renumbered: z.record(z.string(), z.string()),
  previous: z.record(z.string(), z.string()),
  token: z.string(),
});

export const StatusChangeSchema = z.object({ from: z.enum(ARTICLE_STATUSES), to: z.enum(ARTICLE_STATUSES) });

/** The API's own descriptions: an OpenAPI 3.1 or AsyncAPI 3.0 document (their own specifications say the rest). */
export const OpenApiDocumentSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });
export const AsyncApiDocumentSchema = z.looseObject({ asyncapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), channels: z.record(z.string(), z.unknown()) });


export const CampaignViewSchema = z.object({
  id: z.string(),
  negotiationId: z.string(),
  kind: z.enum(['agreement', 'recommendation']),
  title: z.string(),
  level: z.enum(NEGOTIATION_LEVELS),
  state: z.enum(CAMPAIGN_STATES),
  version: CampaignVersionSchema,
  openedAt: z.string(),
  openedBy: PersonRef,
  signatureDeadline: z.string().nullable(),
  parties: z.array(CampaignPartySchema),
  signatures: z.array(z.object({ org: z.string(), signatory: PersonRef, signedAt: z.string(), date: z.string(), versionHash: z.string() })),
  nonSignatories: z.array(z.string()),
  notifications: z.array(z.object({ org: z.string(), at: z.string(), recordedBy: PersonRef })),
  oppositions: z.array(z.object({ org: z.string(), at: z.string(), text: z.string(), filedBy: PersonRef, counted: z.boolean(), ground: z.string() })),
  referendum: z.object({ at: z.string(), approved: z.boolean(), recordedBy: PersonRef }).nullable(),
  history: z.array(
    z.object({
      state: z.enum(CAMPAIGN_STATES),
      at: z.string(),
      seq: z.number(),
      by: PersonRef.nullable(),
      document: z.object({ title: z.string(), reference: z.string().nullable() }).nullable(),
    }),
  ),
});
agrees<Same<z.output<typeof CampaignViewSchema>, CampaignView>>();

export const CampaignAnswerSchema = z.object({
  campaign: CampaignViewSchema.nullable(),
  today: z.string(),
  actions: z.object({ sign: z.boolean(), oppose: z.boolean() }),
});
agrees<Same<z.output<typeof CampaignAnswerSchema>, CampaignAnswer>>();



// --- The answers whose schemas are in shared/schemas/answers.ts, checked against the type the
// route's code sends (the function it answers with), not only against an interface.

/** What an async function resolves to. */
type Answer<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

agrees<Same<z.output<typeof WrittenRunsSchema>, { runs: Answer<typeof writtenRuns>; merged: Answer<typeof mergedRuns> }>>();
agrees<Same<z.output<typeof PositionListSchema>, { positions: Answer<typeof listPositions> }>>();
agrees<Same<z.output<typeof PositionMatrixSchema>, ReturnType<typeof positionMatrix>>>();
agrees<Same<z.output<typeof AnnotationViewSchema>, Answer<typeof getAnnotation>>>();
agrees<Same<z.output<typeof AnnotationViewSchema>[], Answer<typeof listAnnotations>>>();
agrees<Same<z.output<typeof VersionTextSchema>, Answer<typeof readVersion>>>();
agrees<Same<z.output<typeof ComparisonSchema>, Answer<typeof compareVersions>>>();
// The outbox's answer is built as this type in its route (server/mail/mail.capability.ts).
agrees<Same<z.output<typeof OutboxSchema>['messages'][number]['state'], MailState>>();
agrees<Same<z.output<typeof VoteViewSchema>, VoteView>>();
agrees<Same<z.output<typeof AmendmentViewSchema>[], Answer<typeof listAmendments>>>();
agrees<Same<z.output<typeof AmendmentDetailSchema>, Answer<typeof getAmendment>>>();
agrees<Same<z.output<typeof SessionSummarySchema>[], Answer<typeof listSessions>>>();
agrees<Same<z.output<typeof SessionViewSchema>, Answer<typeof getSession>>>();
agrees<Same<z.output<typeof MinutesViewSchema>, Answer<typeof readMinutes>>>();
agrees<Same<z.output<typeof CurrentItemViewSchema>, Answer<typeof currentItem>>>();
agrees<Same<z.output<typeof AssessmentSchema>, Answer<typeof validityOf>>>();
agrees<Same<z.output<typeof VerificationSchema>, Answer<typeof verifyUpload>>>();
