import { z } from 'zod';
import { IdSchema, NegotiationIdSchema } from '../ids.ts';

/**
 * The positions ledger (DOMAIN, "Positions ledger"): append-only, and the event is the
 * record. A new position on the same item is a new entry; the matrix shows the latest one.
 */

export const STANCES = ['favorable', 'défavorable', 'réservé', 'signera', 's’opposera'] as const;
export type Stance = (typeof STANCES)[number];

export const DeclarePositionSchema = z.strictObject({
  negotiationId: NegotiationIdSchema,
  // The straight apostrophe is accepted and stored typographic.
  stance: z.preprocess((v) => (v === "s'opposera" ? 's’opposera' : v), z.enum(STANCES)),
  statement: z.string().trim().max(20_000).default(''),
  /** Positions are taken on an article, an amendment or the whole text, not on a question. */
  item: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('article'), id: IdSchema }),
    z.strictObject({ kind: z.literal('amendment'), id: IdSchema }),
    z.strictObject({ kind: z.literal('text') }),
  ]),
  sessionId: IdSchema.nullable().default(null),
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

/** What `position:declared` carries (the event gives the seq, the negotiation and the time). */
export type PositionDeclaredPayload = Omit<Position, 'seq' | 'negotiationId' | 'at'>;

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
