import { z } from 'zod';
import { IdSchema, NegotiationIdSchema } from '../ids.ts';
import { ItemSchema, type Item } from '../items.ts';
import { VoteChoiceSchema, VoteRuleSchema, type TallyResult, type VoteChoice, type VoteRule } from './tally.ts';

/** Indicative votes: opened by the secretariat, one ballot per organisation, closed with a tally. */

export const OpenVoteSchema = z.strictObject({
  negotiationId: NegotiationIdSchema,
  item: ItemSchema,
  rule: VoteRuleSchema,
  title: z.string().trim().min(1).max(300),
  sessionId: IdSchema.nullable().default(null),
});
export type OpenVotePayload = z.input<typeof OpenVoteSchema>;

export const CastBallotSchema = z.strictObject({
  negotiationId: NegotiationIdSchema,
  voteId: IdSchema,
  choice: VoteChoiceSchema,
});
export type CastBallotPayload = z.input<typeof CastBallotSchema>;

export const CloseVoteSchema = z.strictObject({ negotiationId: NegotiationIdSchema, voteId: IdSchema });
export type CloseVotePayload = z.input<typeof CloseVoteSchema>;

export interface VoteView {
  id: string;
  negotiationId: string;
  title: string;
  item: Item;
  rule: VoteRule;
  sessionId: string | null;
  status: 'open' | 'closed';
  openedAt: string;
  openedBy: string;
  /** The current ballot of each organisation that voted (named: votes are not secret). */
  ballots: { org: string; choice: VoteChoice; castBy: { userId: string; name: string }; at: string }[];
  closedAt: string | null;
  /** Set when closed: the tally, with the weights frozen at closing. */
  result: TallyResult | null;
}

// --- Event payloads ------------------------------------------------------------------------

export interface VoteOpenedPayload {
  voteId: string;
  title: string;
  item: Item;
  rule: VoteRule;
  sessionId: string | null;
  openedBy: { userId: string; name: string };
}

export interface BallotCastPayload {
  voteId: string;
  org: string;
  choice: VoteChoice;
  castBy: { userId: string; name: string };
}

export interface VoteClosedPayload {
  voteId: string;
  result: TallyResult;
  closedBy: { userId: string; name: string };
}
