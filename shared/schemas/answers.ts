import { z } from 'zod';
import { AnchorSchema } from '../amendments/amendment.ts';
import { ANNOTATION_VISIBILITIES } from '../annotations/annotation.ts';
import { STANCES } from '../positions/position.ts';
import { VERSION_KINDS } from '../text-diff.ts';
import { COLLEGES } from '../access.ts';
import { ItemSchema } from '../items.ts';
import { VOTE_CHOICES } from '../votes/tally.ts';
import { VOTE_RULES } from '../votes/vote-rules.ts';
import { AmendmentContentSchema } from '../amendments/formula.ts';
import { AMENDMENT_STATUSES, AMENDMENT_TRANSITIONS } from '../amendments/lifecycle.ts';
import { AgendaItemSchema, ATTENDANCE, AttendanceEntrySchema, SessionDocumentSchema } from '../sessions/session.ts';
import { MinutesDocSchema } from '../sessions/minutes-schema.ts';
import { CAMPAIGN_STATES } from '../signature/campaign.ts';

/**
 * The shapes of the HTTP API's answers that integrators read (the annotations, the positions,
 * who wrote what…), as zod schemas for the API's description (server/http/api-description.ts).
 * The server answers with shared/ interfaces; server/http/answer-schemas.ts checks each schema
 * here against the type the route's code returns, so that the description cannot drift from
 * what is sent, and test/integration/openapi.test.ts checks real answers against the document.
 */

export const PersonRef = z.object({ userId: z.string(), name: z.string() });

/** Where a party's weight comes from: the arrêté of representativeness and its date. */
export const WeightsSourceSchema = z.object({ arrete: z.string(), date: z.string() });

/** The version a signature campaign opened on, with its fingerprint. */
export const CampaignVersionSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), hash: z.string() });

/** A party as its signature campaign froze it at opening (its weight no longer moves). */
export const CampaignPartySchema = z.object({
  id: z.string(),
  shortName: z.string(),
  fullName: z.string(),
  college: z.enum(['employer', 'union']),
  weight: z.number(),
  representative: z.boolean(),
  source: WeightsSourceSchema.nullable(),
});

/**
 * GET …/articles/:articleId/authorship: who wrote which Yjs items, and the passages merged from
 * amendments since the last version (shared/versions/authorship.ts).
 */
export const WrittenRunsSchema = z.object({
  runs: z.array(z.object({ client: z.number(), clock: z.number(), len: z.number(), name: z.string(), org: z.string().nullable() })),
  merged: z.array(z.object({ client: z.number(), clock: z.number(), len: z.number(), amendmentId: z.string(), number: z.number().nullable(), org: z.string() })),
});

export const PositionSchema = z.object({
  seq: z.number(),
  negotiationId: z.string(),
  org: z.string(),
  orgShortName: z.string(),
  declaredBy: PersonRef,
  stance: z.enum(STANCES),
  statement: z.string(),
  item: z.union([z.object({ kind: z.enum(['article', 'amendment']), id: z.string() }), z.object({ kind: z.literal('text') })]),
  sessionId: z.string().nullable(),
  liminary: z.boolean(),
  at: z.string(),
});

/** GET …/positions: the ledger. */
export const PositionListSchema = z.object({ positions: z.array(PositionSchema) });

/** GET …/positions/matrix: organisations × items, the latest stance of each. */
export const PositionMatrixSchema = z.object({
  organisations: z.array(z.object({ id: z.string(), shortName: z.string() })),
  items: z.array(z.object({ key: z.string(), kind: z.enum(['article', 'amendment', 'text']), label: z.string() })),
  cells: z.record(z.string(), z.record(z.string(), PositionSchema)),
});

export const AnnotationMessageSchema = z.object({
  id: z.string(),
  author: z.object({ userId: z.string(), name: z.string(), org: z.string(), orgShortName: z.string() }),
  body: z.string(),
  at: z.string(),
});

export const AnnotationViewSchema = z.object({
  id: z.string(),
  negotiationId: z.string(),
  articleId: z.string(),
  anchor: AnchorSchema,
  quote: z.string(),
  visibility: z.enum(ANNOTATION_VISIBILITIES),
  messages: z.array(AnnotationMessageSchema),
  resolved: z.boolean(),
  resolvedBy: PersonRef.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const DiffOpSchema = z.object({ op: z.enum(['equal', 'insert', 'delete']), text: z.string() });

/** A version's heading: who made it, when, why (shared/text-diff.ts, VersionText without its articles). */
const VersionHeadingSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum([...VERSION_KINDS, 'live']),
  reason: z.string(),
  createdAt: z.string(),
  createdBy: z.object({ userId: z.string(), name: z.string(), org: z.string().nullable().optional() }).nullable(),
});

/** GET …/versions/:versionId: a version and its text, article by article. */
export const VersionTextSchema = VersionHeadingSchema.extend({
  articles: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      title: z.string(),
      titre: z.string().nullable().optional(),
      chapitre: z.string().nullable().optional(),
      status: z.string().optional(),
      blocks: z.array(z.string()),
      formerNumbers: z.array(z.string()).optional(),
      kind: z.enum(['preamble', 'article']).optional(),
    }),
  ),
});

/** GET …/compare: two versions (or one and the live text), word by word. */
export const ComparisonSchema = z.object({
  from: VersionHeadingSchema,
  to: VersionHeadingSchema,
  summary: z.object({ added: z.number(), removed: z.number(), changed: z.number(), moved: z.number(), renumbered: z.number() }),
  articles: z.array(
    z.object({
      id: z.string(),
      change: z.enum(['added', 'removed', 'changed', 'unchanged']),
      moved: z.boolean(),
      renumbered: z.boolean(),
      retitled: z.boolean(),
      fromNumber: z.string().nullable(),
      toNumber: z.string().nullable(),
      fromTitle: z.string().nullable(),
      toTitle: z.string().nullable(),
      diff: z.array(DiffOpSchema),
      replaced: z.boolean(),
    }),
  ),
});

/** GET …/outbox: what the workspace mailed for the negotiation, never a message's body. */
export const OutboxSchema = z.object({
  /** `smtp`, or `files` when the messages are written to DATA_DIR/outbox/. */
  transport: z.string(),
  messages: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      to: z.string(),
      subject: z.string(),
      state: z.enum(['pending', 'sent', 'failed']),
      attempts: z.number(),
      lastError: z.string().nullable(),
      createdAt: z.string(),
      sentAt: z.string().nullable(),
      nextAttemptAt: z.string().nullable(),
    }),
  ),
});
export type OutboxAnswer = z.output<typeof OutboxSchema>;

const CollegeOfPartySchema = z.enum(COLLEGES);
const CollegeTallySchema = z.object({
  college: CollegeOfPartySchema,
  organisations: z.number(),
  totalWeight: z.number(),
  pour: z.number(),
  contre: z.number(),
  abstention: z.number(),
  nePrendPasPart: z.number(),
  absent: z.number(),
  expressed: z.number(),
  majorityThreshold: z.number(),
  inFavour: z.boolean(),
  counts: z.object({ pour: z.number(), contre: z.number(), abstention: z.number(), 'ne prend pas part': z.number(), absent: z.number() }),
});

/** A closed vote's tally, with the weights frozen at closing (shared/votes/tally.ts). */
export const TallyResultSchema = z  .object({
    rule: z.enum(VOTE_RULES),
    adopted: z.boolean(),
    threshold: z.string(),
    colleges: z.object({ employer: CollegeTallySchema, union: CollegeTallySchema }),
    ballots: z.array(
      z.object({
        org: z.string(),
        shortName: z.string(),
        college: CollegeOfPartySchema,
        weight: z.number(),
        choice: z.enum(VOTE_CHOICES).nullable(),
        castBy: PersonRef.nullable(),
      }),
    ),
    frozenWeights: z.record(z.string(), z.number()),
    reasons: z.array(z.string()),
  });

export const VoteViewSchema = z.object({
  id: z.string(),
  negotiationId: z.string(),
  title: z.string(),
  item: ItemSchema,
  rule: z.enum(VOTE_RULES),
  sessionId: z.string().nullable(),
  status: z.enum(['open', 'closed']),
  openedAt: z.string(),
  openedBy: z.string(),
  ballots: z.array(z.object({ org: z.string(), choice: z.enum(VOTE_CHOICES), castBy: PersonRef, at: z.string() })),
  closedAt: z.string().nullable(),
  result: TallyResultSchema.nullable(),
});

const AmendmentStatusSchema = z.enum(AMENDMENT_STATUSES);

/** GET …/amendments: each amendment the reader may see, as written and where it stands (shared/amendments/amendment.ts). */
export const AmendmentViewSchema = z.object({
  id: z.string(),
  number: z.number().nullable(),
  negotiationId: z.string(),
  articleId: z.string(),
  target: z.object({ number: z.string(), kind: z.enum(['article', 'preamble']), title: z.string() }),
  org: z.object({ id: z.string(), shortName: z.string() }),
  author: PersonRef,
  content: AmendmentContentSchema,
  justification: z.string(),
  anchor: AnchorSchema.nullable(),
  formula: z.string(),
  status: AmendmentStatusSchema,
  base: z.object({ blocks: z.array(z.string()), quote: z.string().nullable(), stateVector: z.string(), snapshot: z.string(), at: z.string() }),
  history: z.array(z.object({ status: AmendmentStatusSchema, at: z.string(), by: z.union([PersonRef, z.literal('system')]) })),
  merge: z.object({ versionId: z.string().nullable(), automatic: z.boolean(), manual: z.boolean() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  outdated: z.boolean(),
  competing: z.array(z.string()),
  actions: z.array(z.enum(AMENDMENT_TRANSITIONS)),
});

/** GET …/amendments/:amendmentId: the amendment and its three diffs. */
export const AmendmentDetailSchema = AmendmentViewSchema.extend({
  currentBlocks: z.array(z.string()),
  diffAgainstBase: z.array(DiffOpSchema),
  diffAgainstCurrent: z.array(DiffOpSchema).nullable(),
  diffBaseToCurrent: z.array(DiffOpSchema),
});

const SessionStatusSchema = z.enum(['convened', 'open', 'closed', 'cancelled']);
const MinutesStatusSchema = z.enum(['none', 'draft', 'circulated', 'approved']);

/** GET …/sessions: the sessions, in the calendar's order (shared/sessions/session.ts). */
export const SessionSummarySchema = z.object({ id: z.string(), title: z.string(), startsAt: z.string(), status: SessionStatusSchema });

const SpeakerSchema = z.object({ id: z.string(), org: z.string(), shortName: z.string(), name: z.string().nullable(), spoke: z.boolean() });

/** GET …/sessions/:sessionId: a session, its agenda, attendance, speakers and minutes' state. */
export const SessionViewSchema = SessionSummarySchema.extend({
  negotiationId: z.string(),
  seq: z.number().int(),
  endsAt: z.string(),
  place: z.string().nullable(),
  videoLink: z.string().nullable(),
  agenda: z.array(AgendaItemSchema),
  documents: z.array(SessionDocumentSchema),
  attendance: z.array(AttendanceEntrySchema.extend({ shortName: z.string() })),
  observers: z.array(z.string()),
  currentIndex: z.number().nullable(),
  convenedAt: z.string(),
  openedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  openedSeq: z.number().nullable(),
  closedSeq: z.number().nullable(),
  versionId: z.string().nullable(),
  nextSession: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancellationReason: z.string().nullable(),
  speakers: z.array(z.array(SpeakerSchema)),
  minutes: z.object({
    status: MinutesStatusSchema,
    draftedAt: z.string().nullable(),
    circulatedAt: z.string().nullable(),
    approvedAt: z.string().nullable(),
    approvedBy: z.string().nullable(),
    approvedText: z.string().nullable(),
    approvedDoc: MinutesDocSchema.nullable(),
  }),
});

/** GET …/sessions/:sessionId/minutes: the minutes as they stand, plain and rich. */
export const MinutesViewSchema = z.object({
  sessionId: z.string(),
  status: MinutesStatusSchema,
  text: z.string(),
  doc: MinutesDocSchema,
  docName: z.string(),
  editable: z.boolean(),
  approvedAt: z.string().nullable(),
  approvedBy: z.string().nullable(),
});

/** GET …/sessions/:sessionId/current: what the projector shows. */
export const CurrentItemViewSchema = z.object({
  session: z.object({ id: z.string(), title: z.string(), status: SessionStatusSchema, startsAt: z.string() }),
  index: z.number().nullable(),
  total: z.number(),
  item: AgendaItemSchema.nullable(),
  heading: z.string().nullable(),
  article: z.object({ number: z.string(), title: z.string(), blocks: z.array(z.string()) }).nullable(),
  amendment: z.object({ org: z.string(), formula: z.string(), justification: z.string(), status: AmendmentStatusSchema }).nullable(),
  vote: VoteViewSchema.nullable(),
  text: z.string().nullable(),
  attendance: z.array(
    z.object({ org: z.string(), shortName: z.string(), presidency: z.boolean(), status: z.enum(ATTENDANCE).nullable(), delegates: z.array(z.string()) }),
  ),
  observers: z.array(z.string()),
  speakers: z.array(SpeakerSchema),
});

const CampaignStateSchema = z.enum(CAMPAIGN_STATES);

/** POST /api/verify: what a file is (byte for byte a signed export or not), and where its agreement stands today. */
export const VerificationSchema = z.discriminatedUnion('authentic', [
  z.object({ authentic: z.literal(false), fileSha256: z.string(), size: z.number() }),
  z.object({
    authentic: z.literal(true),
    fileSha256: z.string(),
    size: z.number(),
    sha256: z.string(),
    format: z.string(),
    negotiationId: z.string(),
    versionId: z.string(),
    agreement: z.object({ title: z.string(), versionName: z.string(), signedOn: z.string().nullable() }),
    standing: z.object({ state: CampaignStateSchema, since: z.string() }),
    supersededBy: z.object({ versionId: z.string(), versionName: z.string(), state: CampaignStateSchema, since: z.string() }).nullable(),
  }),
]);
