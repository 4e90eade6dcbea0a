import { z } from 'zod';
import { AnchorSchema, type Anchor } from '../amendments/amendment.ts';
import { IdSchema as Id, NegotiationIdSchema as NegotiationId } from '../ids.ts';
import type { Visibility } from '../visibility.ts';

/**
 * Annotations (DOMAIN, "Annotations"): comments anchored to a text range, threaded,
 * resolvable, each with the visibility its author chose. The server enforces it on every
 * channel: a `private` note reaches its author only, `delegation` their organisation,
 * `college` their side of the table, `committee` everyone.
 */

export const ANNOTATION_VISIBILITIES = ['private', 'delegation', 'college', 'committee'] as const;
export type AnnotationVisibility = (typeof ANNOTATION_VISIBILITIES)[number];

const Body = z.string().trim().min(1).max(10_000);

export const AnnotateSchema = z.strictObject({
  negotiationId: NegotiationId,
  articleId: Id,
  anchor: AnchorSchema,
  body: Body,
  visibility: z.enum(ANNOTATION_VISIBILITIES),
});
export type AnnotatePayload = z.input<typeof AnnotateSchema>;

export const ReplySchema = z.strictObject({ negotiationId: NegotiationId, annotationId: Id, body: Body });
export type ReplyPayload = z.input<typeof ReplySchema>;

export const AnnotationCommandSchema = z.strictObject({ negotiationId: NegotiationId, annotationId: Id });

export const AnnotationQuerySchema = z.object({
  articleId: Id.optional(),
  q: z.string().trim().min(1).max(200).optional(),
});

export interface AnnotationMessage {
  id: string;
  author: { userId: string; name: string; org: string; orgShortName: string };
  body: string;
  at: string;
}

export interface AnnotationView {
  id: string;
  negotiationId: string;
  articleId: string;
  anchor: Anchor;
  /** The text of the range when it was annotated. */
  quote: string;
  visibility: AnnotationVisibility;
  /** The first message opens the thread; replies follow in order. */
  messages: AnnotationMessage[];
  resolved: boolean;
  resolvedBy: { userId: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
}

// --- Event payloads ------------------------------------------------------------------------

/** What `annotation:created` carries: the thread's first message, its passage and its audience. */
export interface AnnotationCreatedPayload {
  annotationId: string;
  articleId: string;
  anchor: Anchor;
  quote: string;
  visibility: AnnotationVisibility;
  message: AnnotationMessage;
}

export interface AnnotationRepliedPayload {
  annotationId: string;
  message: AnnotationMessage;
}

/** What `annotation:resolved` and `annotation:reopened` carry. */
export interface AnnotationStatePayload {
  annotationId: string;
  by: { userId: string; name: string };
}

/** A thread as folded from the log, with the visibility its events were recorded with. */
export type AnnotationRecord = AnnotationView & { scope: Visibility };
