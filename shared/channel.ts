import { z } from 'zod';
import type { College, Role } from './access.ts';
import type { NegotiationEvent } from './events.ts';
import { NegotiationIdSchema } from './ids.ts';

/**
 * Joining a negotiation's event channel: the client says the last seq it holds, the server
 * answers with what it missed and may see, then pushes every later event once, in order.
 */

export const JoinPayloadSchema = z.strictObject({
  negotiationId: NegotiationIdSchema,
  /** The last seq the client has seen (0: from the beginning). */
  sinceSeq: z.number().int().min(0).default(0),
});
export type JoinPayload = z.input<typeof JoinPayloadSchema>;

export interface JoinResult {
  negotiationId: string;
  /** The caller's mandate in this negotiation: whose it is, their organisation and roles. */
  userId: string;
  organisation: { id: string; shortName: string; college: College | 'neutral' };
  roles: Role[];
  /** The events after `sinceSeq` the caller may see, in seq order. */
  events: NegotiationEvent[];
  /**
   * The highest seq the server looked at: resume from here next time (the events the
   * caller may not see are skipped, not lost).
   */
  lastSeq: number;
  /** More events remain: join again with `sinceSeq: lastSeq`. */
  more: boolean;
}

export const LeavePayloadSchema = z.strictObject({ negotiationId: NegotiationIdSchema });
export type LeavePayload = z.input<typeof LeavePayloadSchema>;
