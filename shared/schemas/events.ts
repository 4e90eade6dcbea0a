import { z } from 'zod';
import { ROLES } from '../access.ts';
import { ANNOTATION_VISIBILITIES } from '../annotations/annotation.ts';
import { AnchorSchema } from '../amendments/amendment.ts';
import type { EventPayload, EventType } from '../events.ts';
import { ARTICLE_STATUSES, NEGOTIATION_LEVELS, ORG_COLLEGES } from '../identity.ts';
import { ItemSchema } from '../items.ts';
import { AgendaItemSchema, AttendanceEntrySchema, SessionDocumentSchema } from '../sessions/session.ts';
import { MinutesDocSchema } from '../sessions/minutes-schema.ts';
import { LATER_TRANSITION_NAMES, VALIDITY_GROUNDS, VOID_GROUNDS, type LaterTransition } from '../signature/campaign.ts';
import { VERSION_KINDS } from '../text-diff.ts';
import { VisibilitySchema } from '../visibility.ts';
import { VOTE_CHOICES } from '../votes/tally.ts';
import { VOTE_RULES } from '../votes/vote-rules.ts';
import {
  AmendmentViewSchema,
  AnnotationMessageSchema,
  CampaignPartySchema,
  CampaignVersionSchema,
  CurrentItemViewSchema,
  PersonRef,
  PositionSchema,
  TallyResultSchema,
} from './answers.ts';

/**
 * The payload of every event of the catalogue (shared/events.ts), as a zod schema: what the
 * AsyncAPI document (/api/asyncapi.json) says `negotiation:event` carries, type by type. The
 * catalogue keeps the payloads' TypeScript types; each schema here is checked against its
 * event's type when the project is type-checked (an event without a schema, or a schema that
 * drifts from its type, fails `tsc`), and test/integration/asyncapi.test.ts checks the events a
 * real server sends against the document.
 *
 * Adding an event: add its payload's schema here, in the catalogue's order.
 */

const MemberRef = z.object({ userId: z.string(), organisationId: z.string(), roles: z.array(z.enum(ROLES)) });
const MandateChanged = MemberRef.extend({ membershipId: z.string() });
const AmendmentActor = z.union([PersonRef, z.literal('system')]);
const AmendmentStep = z.object({ amendmentId: z.string(), by: AmendmentActor });
const AmendmentWritten = AmendmentViewSchema.pick({ articleId: true, target: true, org: true, author: true, content: true, justification: true, anchor: true, formula: true, base: true }).extend({
  amendmentId: z.string(),
});
const AnnotationState = z.object({ annotationId: z.string(), by: PersonRef });
const ArticleEdited = z.object({
  articleId: z.string(),
  title: z.string().optional(),
  titre: z.string().nullable().optional(),
  chapitre: z.string().nullable().optional(),
  position: z.number().optional(),
});
/** What the current item shows, carried by the events that make it current (shared/sessions/session.ts, CurrentItemContent). */
const CurrentItemContent = CurrentItemViewSchema.pick({ heading: true, article: true, amendment: true, vote: true, text: true });
const Minutes = z.object({ sessionId: z.string(), text: z.string(), doc: MinutesDocSchema.optional(), by: z.string() });
const Speaker = z.object({ id: z.string(), org: z.string(), shortName: z.string(), name: z.string().nullable(), spoke: z.boolean() });
const CampaignOpened = z.object({
  campaignId: z.string(),
  kind: z.enum(['agreement', 'recommendation']),
  title: z.string(),
  level: z.enum(NEGOTIATION_LEVELS),
  version: CampaignVersionSchema,
  at: z.string(),
  by: PersonRef,
  signatureDeadline: z.string().nullable(),
  parties: z.array(CampaignPartySchema),
});

export const EVENT_PAYLOAD_SCHEMAS = {
  'amendment:drafted': AmendmentWritten,
  'amendment:tabled': AmendmentWritten,
  'amendment:discussed': AmendmentStep,
  'amendment:adopted': AmendmentStep,
  'amendment:rejected': AmendmentStep,
  'amendment:withdrawn': AmendmentStep,
  'amendment:merged': AmendmentStep.extend({
    versionId: z.string().nullable(),
    automatic: z.boolean(),
    manual: z.boolean(),
    passage: z
      .object({ articleId: z.string(), number: z.number().nullable(), org: z.string(), runs: z.array(z.object({ client: z.number(), clock: z.number(), len: z.number() })) })
      .optional(),
  }),

  'annotation:created': z.object({
    annotationId: z.string(),
    articleId: z.string(),
    anchor: AnchorSchema,
    quote: z.string(),
    visibility: z.enum(ANNOTATION_VISIBILITIES),
    message: AnnotationMessageSchema,
  }),
  'annotation:replied': z.object({ annotationId: z.string(), message: AnnotationMessageSchema }),
  'annotation:resolved': AnnotationState,
  'annotation:reopened': AnnotationState,

  'article:added': z.object({ articleId: z.string(), number: z.string(), title: z.string() }),
  'article:edited': ArticleEdited,
  'article:moved': ArticleEdited,
  'article:deleted': z.object({ articleId: z.string() }),
  'articles:renumbered': z.object({ renumbered: z.record(z.string(), z.string()) }),
  'article:status-changed': z.object({ articleId: z.string(), number: z.string(), from: z.enum(ARTICLE_STATUSES), to: z.enum(ARTICLE_STATUSES) }),

  'member:joined': MemberRef.extend({ name: z.string(), membershipId: z.string().optional() }),
  'member:roles-changed': MandateChanged,
  'member:revoked': MandateChanged,
  'member:suspended': MandateChanged.extend({ reason: z.string().nullable() }),
  'member:reinstated': MandateChanged.extend({ reason: z.string().nullable() }),
  'member:lead-invited': z.object({ organisationId: z.string(), organisation: z.string(), invitedBy: z.string() }),
  'invitation:sent': z.object({ invitationId: z.string(), email: z.string(), organisationId: z.string(), roles: z.array(z.enum(ROLES)), expiresAt: z.string() }),
  'invitation:cancelled': z.object({ invitationId: z.string(), organisationId: z.string() }),
  'invitation:accepted': z.object({
    invitationId: z.string(),
    organisationId: z.string(),
    member: z.object({
      id: z.string(),
      user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
      organisation: z.object({ id: z.string(), shortName: z.string(), college: z.enum(ORG_COLLEGES) }),
      roles: z.array(z.enum(ROLES)),
      suspension: z.object({ at: z.string(), by: z.string(), reason: z.string() }).nullable(),
    }),
  }),

  'position:declared': PositionSchema.omit({ seq: true, negotiationId: true, at: true }),

  'session:convened': z.object({
    sessionId: z.string(),
    title: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    place: z.string().nullable(),
    videoLink: z.string().nullable(),
    agenda: z.array(AgendaItemSchema),
    documents: z.array(SessionDocumentSchema),
  }),
  'session:agenda-updated': z.object({
    sessionId: z.string(),
    agenda: z.array(AgendaItemSchema),
    documents: z.array(SessionDocumentSchema),
    currentIndex: z.number().nullable().optional(),
    moved: z.object({ from: z.number(), to: z.number() }).optional(),
    current: CurrentItemContent.nullable().optional(),
  }),
  'session:attendance-recorded': z.object({
    sessionId: z.string(),
    entries: z.array(AttendanceEntrySchema.extend({ shortName: z.string() })),
    observers: z.array(z.string()).optional(),
  }),
  'session:opened': z.object({ sessionId: z.string(), current: CurrentItemContent.nullable().optional() }),
  'session:item-changed': z.object({ sessionId: z.string(), index: z.number(), item: AgendaItemSchema, current: CurrentItemContent.optional() }),
  'session:closed': z.object({ sessionId: z.string(), versionId: z.string().nullable(), nextSession: z.string().nullable() }),
  'minutes:drafted': Minutes,
  'minutes:circulated': Minutes,
  'minutes:approved': Minutes,
  'session:cancelled': z.object({ sessionId: z.string(), reason: z.string() }),
  'session:speakers-updated': z.object({ sessionId: z.string(), index: z.number(), speakers: z.array(Speaker) }),

  'signature:opened': CampaignOpened,
  'recommendation:adopted': CampaignOpened,
  'signature:signed': z.object({ campaignId: z.string(), org: z.string(), signatory: PersonRef, signedAt: z.string(), date: z.string(), versionHash: z.string() }),
  'signature:closed': z.object({ campaignId: z.string(), outcome: z.enum(['not concluded', 'concluded']), at: z.string(), nonSignatories: z.array(z.string()), by: PersonRef }),
  'agreement:notified': z.object({ campaignId: z.string(), org: z.string(), at: z.string(), recordedBy: PersonRef }),
  'opposition:filed': z.object({ campaignId: z.string(), org: z.string(), at: z.string(), text: z.string(), filedBy: PersonRef, counted: z.boolean(), ground: z.string() }),
  'referendum:recorded': z.object({ campaignId: z.string(), at: z.string(), approved: z.boolean(), recordedBy: PersonRef }),
  'agreement:voided': z.object({ campaignId: z.string(), at: z.string(), oppositionWeight: z.number(), ground: z.enum(VOID_GROUNDS).optional() }),
  'agreement:validated': z.object({ campaignId: z.string(), at: z.string(), ground: z.enum(VALIDITY_GROUNDS).optional() }),
  'agreement:transitioned': z.object({
    campaignId: z.string(),
    to: z.enum(LATER_TRANSITION_NAMES as [LaterTransition, ...LaterTransition[]]),
    at: z.string(),
    document: z.object({ title: z.string(), reference: z.string().nullable() }).nullable(),
    by: PersonRef,
  }),

  'version:created': z.object({ versionId: z.string(), name: z.string(), kind: z.enum(VERSION_KINDS) }),

  'vote:opened': z.object({ voteId: z.string(), title: z.string(), item: ItemSchema, rule: z.enum(VOTE_RULES), sessionId: z.string().nullable(), openedBy: PersonRef }),
  'ballot:cast': z.object({ voteId: z.string(), org: z.string(), choice: z.enum(VOTE_CHOICES), castBy: PersonRef }),
  'vote:closed': z.object({ voteId: z.string(), result: TallyResultSchema, closedBy: PersonRef }),
} as const satisfies Record<EventType, z.ZodType>;

/** What every event carries besides its payload (shared/events.ts, EventEnvelope). */
export const EventEnvelopeSchema = z.object({
  negotiationId: z.string(),
  seq: z.number().int().min(1),
  actor: z.string(),
  org: z.string().nullable(),
  at: z.string(),
  visibility: VisibilitySchema,
});

// --- Checked against the catalogue's types: a schema that drifts from its event's payload type fails `tsc`.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type PayloadAgrees = { [K in EventType]: Same<z.output<(typeof EVENT_PAYLOAD_SCHEMAS)[K]>, EventPayload<K>> };
/** The event types whose schema and payload type disagree (never, when all agree). */
type Disagreeing = { [K in EventType]: PayloadAgrees[K] extends true ? never : K }[EventType];
function agrees<T extends never>(): T | void {}
agrees<Disagreeing>();
