import { z } from 'zod';
import { AnchorSchema } from '../amendments/amendment.ts';
import { ANNOTATION_VISIBILITIES } from '../annotations/annotation.ts';
import { STANCES } from '../positions/position.ts';
import { VERSION_KINDS } from '../text-diff.ts';

/**
 * The shapes of the HTTP API's answers that integrators read (the annotations, the positions,
 * who wrote what…), as zod schemas for the API's description (server/http/api-description.ts).
 * The server answers with shared/ interfaces; server/http/answer-schemas.ts checks each schema
 * here against the type the route's code returns, so that the description cannot drift from
 * what is sent, and test/integration/openapi.test.ts checks real answers against the document.
 */

const PersonRef = z.object({ userId: z.string(), name: z.string() });

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

export const AnnotationViewSchema = z.object({
  id: z.string(),
  negotiationId: z.string(),
  articleId: z.string(),
  anchor: AnchorSchema,
  quote: z.string(),
  visibility: z.enum(ANNOTATION_VISIBILITIES),
  messages: z.array(
    z.object({
      id: z.string(),
      author: z.object({ userId: z.string(), name: z.string(), org: z.string(), orgShortName: z.string() }),
      body: z.string(),
      at: z.string(),
    }),
  ),
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
