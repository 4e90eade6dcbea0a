import { z } from 'zod';
import type { College, Role } from './access.ts';
import type { Ack } from './errors.ts';
import type { NegotiationEvent, Visibility } from './events.ts';
import type { AmendmentCommands } from './amendments/amendment.ts';
import type { AnnotationCommands } from './annotations.ts';
import { VoteChoiceSchema, VoteRuleSchema, type TallyResult, type VoteChoice, type VoteRule } from './votes/tally.ts';

/**
 * The negotiation's real-time channel (Socket.IO), shared by server and client:
 * commands are `entity:verb` with an ack as last argument, broadcasts are past tense.
 * Every command payload carries its `negotiationId`: the server loads the actor's mandate
 * in that negotiation for each command, never from a stale handshake.
 */

export const NegotiationIdSchema = z.string().regex(/^[a-f0-9]{24}$/, 'identifiant de négociation invalide');
const Id = z.string().trim().min(1).max(100);

// --- Visibility -------------------------------------------------------------------------

/** Who looks: the user, the organisation of their mandate, its side of the table. */
export interface Viewer {
  userId: string;
  orgId: string;
  /** `neutral`: the presidency or an observer, on neither side. */
  college: College | 'neutral';
}

/**
 * Whether a viewer may see something of this visibility. The one predicate behind every
 * broadcast and every catch-up: a delegation's notes reach only that delegation, a
 * college's only that side; the presidency (neutral) sees committee material only.
 */
export function canSee(viewer: Viewer, visibility: Visibility): boolean {
  switch (visibility.scope) {
    case 'committee':
      return true;
    case 'college':
      return viewer.college === visibility.college;
    case 'delegation':
      return viewer.orgId === visibility.org;
    case 'private':
      return viewer.userId === visibility.user;
    default:
      // An unknown scope (a newer server, a corrupt record) is shown to nobody.
      return false;
  }
}

// --- negotiation:join / negotiation:leave -------------------------------------------------

export const JoinPayloadSchema = z.strictObject({
  negotiationId: NegotiationIdSchema,
  /** The last seq the client has seen (0: from the beginning). */
  sinceSeq: z.number().int().min(0).default(0),
});
export type JoinPayload = z.input<typeof JoinPayloadSchema>;

export interface JoinResult {
  negotiationId: string;
  /** The caller's mandate in this negotiation. */
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

// --- Positions ledger ------------------------------------------------------------------

export const STANCES = ['favorable', 'défavorable', 'réservé', 'signera', 's’opposera'] as const;
export type Stance = (typeof STANCES)[number];

/** What a position or a vote is about. */
export const ItemSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('article'), id: Id }),
  z.strictObject({ kind: z.literal('amendment'), id: Id }),
  z.strictObject({ kind: z.literal('text') }),
  z.strictObject({ kind: z.literal('question'), text: z.string().trim().min(1).max(1000) }),
]);
export type Item = z.infer<typeof ItemSchema>;

export const DeclarePositionSchema = z.strictObject({
  negotiationId: NegotiationIdSchema,
  // The straight apostrophe is accepted and stored typographic.
  stance: z.preprocess((v) => (v === "s'opposera" ? 's’opposera' : v), z.enum(STANCES)),
  statement: z.string().trim().max(20_000).default(''),
  /** Positions are taken on an article, an amendment or the whole text, not on a question. */
  item: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('article'), id: Id }),
    z.strictObject({ kind: z.literal('amendment'), id: Id }),
    z.strictObject({ kind: z.literal('text') }),
  ]),
  sessionId: Id.nullable().default(null),
  /** A déclaration liminaire (opening statement of a session). */
  liminary: z.boolean().default(false),
});
export type DeclarePositionPayload = z.input<typeof DeclarePositionSchema>;

/** A declared position, as the `position:declared` event records it. */
export interface Position {
  /** The seq of the event that recorded it: the ledger is the event log. */
  seq: number;
  negotiationId: string;
  org: string;
  orgShortName: string;
  declaredBy: { userId: string; name: string };
  stance: Stance;
  statement: string;
  item: { kind: 'article' | 'amendment'; id: string } | { kind: 'text' };
  sessionId: string | null;
  liminary: boolean;
  at: string;
}

/** Organisations × items, the latest stance of each (the matrix view). */
export interface PositionMatrix {
  organisations: { id: string; shortName: string }[];
  /**
   * The columns: every article in the order of the text (with or without positions), then
   * the whole text, then the amendments positions were taken on. `key`: `article:<id>`,
   * `amendment:<id>`, `text`.
   */
  items: { key: string; kind: 'article' | 'amendment' | 'text'; label: string }[];
  /** cells[orgId][itemKey]: the latest position, absent when none. */
  cells: Record<string, Record<string, Position>>;
}

export function itemKey(item: Position['item'] | Item): string {
  if (item.kind === 'text') return 'text';
  if (item.kind === 'question') return `question:${item.text}`;
  return `${item.kind}:${item.id}`;
}

// --- Indicative votes --------------------------------------------------------------------

export const OpenVoteSchema = z.strictObject({
  negotiationId: NegotiationIdSchema,
  item: ItemSchema,
  rule: VoteRuleSchema,
  title: z.string().trim().min(1).max(300),
  sessionId: Id.nullable().default(null),
});
export type OpenVotePayload = z.input<typeof OpenVoteSchema>;

export const CastBallotSchema = z.strictObject({
  negotiationId: NegotiationIdSchema,
  voteId: Id,
  choice: VoteChoiceSchema,
});
export type CastBallotPayload = z.input<typeof CastBallotSchema>;

export const CloseVoteSchema = z.strictObject({ negotiationId: NegotiationIdSchema, voteId: Id });
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

// --- The typed maps ----------------------------------------------------------------------

type AckFn<T> = (ack: Ack<T>) => void;

export interface ClientToServerEvents extends AmendmentCommands, AnnotationCommands {
  'negotiation:join': (payload: JoinPayload, ack: AckFn<JoinResult>) => void;
  'negotiation:leave': (payload: { negotiationId: string }, ack: AckFn<null>) => void;
  'position:declare': (payload: DeclarePositionPayload, ack: AckFn<Position>) => void;
  'vote:open': (payload: OpenVotePayload, ack: AckFn<VoteView>) => void;
  'vote:cast': (payload: CastBallotPayload, ack: AckFn<VoteView>) => void;
  'vote:close': (payload: CloseVotePayload, ack: AckFn<VoteView>) => void;
}

export interface ServerToClientEvents {
  /** Every domain event of a joined negotiation the user may see, once, in seq order. */
  'negotiation:event': (event: NegotiationEvent) => void;
}
