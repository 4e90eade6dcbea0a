import { z } from 'zod';

/**
 * Who may see an event. The server filters every broadcast and every catch-up by it:
 * a delegation's private work never reaches another organisation.
 */
export const VisibilitySchema = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('committee') }),
  z.object({ scope: z.literal('college'), college: z.enum(['employer', 'union']) }),
  z.object({ scope: z.literal('delegation'), org: z.string().min(1) }),
  z.object({ scope: z.literal('private'), user: z.string().min(1) }),
]);
export type Visibility = z.infer<typeof VisibilitySchema>;

export const COMMITTEE: Visibility = { scope: 'committee' };

/** A domain event as stored in the negotiation's log and pushed to clients. */
export interface NegotiationEvent<P = unknown> {
  negotiationId: string;
  /** Gap-free, starting at 1, per negotiation. */
  seq: number;
  /** Past tense, `entity:verb` (e.g. `amendment:tabled`). */
  type: string;
  payload: P;
  /** The user who acted (or `system`). */
  actor: string;
  /** The organisation the actor acted for, when any. */
  org: string | null;
  at: string;
  visibility: Visibility;
}

/** What a use case hands to the event store; the store assigns seq and time. */
export interface EventDraft<P = unknown> {
  type: string;
  payload: P;
  actor: string;
  org?: string | null;
  visibility?: Visibility;
}
