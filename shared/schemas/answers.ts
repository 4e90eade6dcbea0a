import { z } from 'zod';
import { AnchorSchema } from '../amendments/amendment.ts';
import { ANNOTATION_VISIBILITIES } from '../annotations/annotation.ts';
import { STANCES } from '../positions/position.ts';

/**
 * The shapes of the HTTP API's answers that integrators read (the annotations, the positions,
 * who wrote what…), as zod schemas for the API's description (server/http/api-description.ts).
 * The server answers with shared/ interfaces; server/http/answer-schemas.ts checks each schema
 * here against the type the route's code returns, so that the description cannot drift from
 * what is sent, and test/integration/openapi.test.ts checks real answers against the document.
 */

const PersonRef = z.object({ userId: z.string(), name: z.string() });

/** GET …/articles/:articleId/authorship: who wrote which Yjs items (shared/versions/authorship.ts). */
export const WrittenRunsSchema = z.object({
  runs: z.array(z.object({ client: z.number(), clock: z.number(), len: z.number(), name: z.string(), org: z.string().nullable() })),
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
