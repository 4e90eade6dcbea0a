import { z } from 'zod';
import { ROLES } from '../access.ts';
import type { CommandName, CommandResult } from '../commands.ts';
import { EVENT_TYPES, type EventType, type NegotiationEvent } from '../events.ts';
import { ORG_COLLEGES } from '../identity.ts';
import { AmendmentViewSchema, AnnotationViewSchema, MinutesViewSchema, PositionSchema, SessionViewSchema, VoteViewSchema } from './answers.ts';
import { EVENT_PAYLOAD_SCHEMAS, EventEnvelopeSchema } from './events.ts';

/**
 * What the ack of each Socket.IO command carries when it succeeded (`{ ok: true, data }`), as
 * zod schemas for the AsyncAPI document. The command catalogue (shared/commands.ts) keeps the
 * types; each schema here is checked against its command's result type when the project is
 * type-checked, and test/integration/asyncapi.test.ts checks real acks against the document.
 */

/** One event of the log, as the server sends it: the envelope, its type, and that type's payload. */
export const eventSchemaOf = <K extends EventType>(type: K) => EventEnvelopeSchema.extend({ type: z.literal(type), payload: EVENT_PAYLOAD_SCHEMAS[type] });

/** Any event of the log (`negotiation:event`, and the events a join catches up on). */
export const NegotiationEventSchema = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map((type) => eventSchemaOf(type)) as unknown as [ReturnType<typeof eventSchemaOf>, ...ReturnType<typeof eventSchemaOf>[]],
) as unknown as z.ZodType<NegotiationEvent>;

/** negotiation:join: the mandate the socket follows the negotiation with, and the events it missed. */
export const JoinResultSchema = z.object({
  negotiationId: z.string(),
  userId: z.string(),
  organisation: z.object({ id: z.string(), shortName: z.string(), college: z.enum(ORG_COLLEGES) }),
  roles: z.array(z.enum(ROLES)),
  events: z.array(NegotiationEventSchema),
  lastSeq: z.number(),
  more: z.boolean(),
});

export const COMMAND_ACK_SCHEMAS = {
  'negotiation:join': JoinResultSchema,
  'negotiation:leave': z.null(),
  'position:declare': PositionSchema,
  'vote:open': VoteViewSchema,
  'vote:cast': VoteViewSchema,
  'vote:close': VoteViewSchema,
  'amendment:draft': AmendmentViewSchema,
  'amendment:table': AmendmentViewSchema,
  'amendment:discuss': AmendmentViewSchema,
  'amendment:adopt': AmendmentViewSchema,
  'amendment:reject': AmendmentViewSchema,
  'amendment:withdraw': AmendmentViewSchema,
  'amendment:merge': AmendmentViewSchema,
  'annotation:create': AnnotationViewSchema,
  'annotation:reply': AnnotationViewSchema,
  'annotation:resolve': AnnotationViewSchema,
  'annotation:reopen': AnnotationViewSchema,
  'session:convene': SessionViewSchema,
  'session:update-agenda': SessionViewSchema,
  'session:record-attendance': SessionViewSchema,
  'session:open': SessionViewSchema,
  'session:advance': SessionViewSchema,
  'session:goto': SessionViewSchema,
  'session:close': SessionViewSchema,
  'minutes:draft': MinutesViewSchema,
  'minutes:circulate': MinutesViewSchema,
  'minutes:approve': MinutesViewSchema,
  'session:cancel': SessionViewSchema,
  'session:move-item': SessionViewSchema,
  'session:link-vote': SessionViewSchema,
  'session:speaker-add': SessionViewSchema,
  'session:speaker-move': SessionViewSchema,
  'session:speaker-spoke': SessionViewSchema,
  'session:speaker-remove': SessionViewSchema,
} as const satisfies Record<CommandName, z.ZodType>;

// --- Checked against the catalogue's result types: a command without its ack's schema, or one that drifts, fails `tsc`.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Disagreeing = { [K in CommandName]: Same<z.output<(typeof COMMAND_ACK_SCHEMAS)[K]>, CommandResult<K>> extends true ? never : K }[CommandName];
function agrees<T extends never>(): T | void {}
agrees<Disagreeing>();
