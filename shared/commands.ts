import { z } from 'zod';
import type { Action } from './access.ts';
import {
  AdoptAmendmentSchema,
  AmendmentCommandSchema,
  DraftAmendmentSchema,
  MergeAmendmentSchema,
  TableAmendmentSchema,
  type AmendmentView,
} from './amendments/amendment.ts';
import { AnnotateSchema, AnnotationCommandSchema, ReplySchema, type AnnotationView } from './annotations/annotation.ts';
import { JoinPayloadSchema, LeavePayloadSchema, type JoinResult } from './channel.ts';
import type { Ack } from './errors.ts';
import type { NegotiationEvent } from './events.ts';
import type { AuthUser } from './identity.ts';
import { DeclarePositionSchema, type Position } from './positions/position.ts';
import {
  CancelSessionSchema,
  CloseSessionSchema,
  ConveneSessionSchema,
  GotoItemSchema,
  LinkVoteSchema,
  AddSpeakerSchema,
  MoveSpeakerSchema,
  SpeakerCommandSchema,
  MoveAgendaItemSchema,
  RecordAttendanceSchema,
  SessionCommandSchema,
  UpdateAgendaSchema,
  type MinutesView,
  type SessionView,
} from './sessions/session.ts';
import { CastBallotSchema, CloseVoteSchema, OpenVoteSchema, type VoteView } from './votes/vote.ts';

/**
 * THE command catalogue of the negotiation's channel (Socket.IO): every command with the
 * schema its payload is parsed with, the action the actor's mandate must allow, and the
 * type of what its ack carries. Commands are `entity:verb`; each payload names its
 * negotiation, in which the server loads the actor's mandate afresh for every command.
 * The typed Socket.IO maps below are derived from it, for the server and the client alike.
 */

/** One command: its payload schema and required action at run time, its ack's data type at compile time. */
export interface CommandSpec<S extends z.ZodType<{ negotiationId: string }>, R> {
  readonly schema: S;
  readonly action: Action;
  /** Never set: carries the type of the ack's data. */
  readonly resultType: R;
}

/** `answers<VoteView>()(OpenVoteSchema, 'vote:open')`: the result type first, the rest inferred. */
const answers =
  <R>() =>
  <S extends z.ZodType<{ negotiationId: string }>>(schema: S, action: Action): CommandSpec<S, R> =>
    ({ schema, action }) as CommandSpec<S, R>;

export const COMMANDS = {
  'negotiation:join': answers<JoinResult>()(JoinPayloadSchema, 'negotiation:read'),
  'negotiation:leave': answers<null>()(LeavePayloadSchema, 'negotiation:read'),

  'position:declare': answers<Position>()(DeclarePositionSchema, 'position:declare'),

  'vote:open': answers<VoteView>()(OpenVoteSchema, 'vote:open'),
  'vote:cast': answers<VoteView>()(CastBallotSchema, 'vote:cast'),
  'vote:close': answers<VoteView>()(CloseVoteSchema, 'vote:open'),

  'amendment:draft': answers<AmendmentView>()(DraftAmendmentSchema, 'amendment:table'),
  'amendment:table': answers<AmendmentView>()(TableAmendmentSchema, 'amendment:table'),
  'amendment:discuss': answers<AmendmentView>()(AmendmentCommandSchema, 'amendment:decide'),
  'amendment:adopt': answers<AmendmentView>()(AdoptAmendmentSchema, 'amendment:decide'),
  'amendment:reject': answers<AmendmentView>()(AmendmentCommandSchema, 'amendment:decide'),
  'amendment:withdraw': answers<AmendmentView>()(AmendmentCommandSchema, 'amendment:table'),
  'amendment:merge': answers<AmendmentView>()(MergeAmendmentSchema, 'amendment:merge'),

  'annotation:create': answers<AnnotationView>()(AnnotateSchema, 'annotation:create'),
  'annotation:reply': answers<AnnotationView>()(ReplySchema, 'annotation:create'),
  'annotation:resolve': answers<AnnotationView>()(AnnotationCommandSchema, 'annotation:create'),
  'annotation:reopen': answers<AnnotationView>()(AnnotationCommandSchema, 'annotation:create'),

  'session:convene': answers<SessionView>()(ConveneSessionSchema, 'session:manage'),
  'session:update-agenda': answers<SessionView>()(UpdateAgendaSchema, 'session:manage'),
  'session:record-attendance': answers<SessionView>()(RecordAttendanceSchema, 'session:manage'),
  'session:open': answers<SessionView>()(SessionCommandSchema, 'session:manage'),
  'session:advance': answers<SessionView>()(SessionCommandSchema, 'session:manage'),
  'session:goto': answers<SessionView>()(GotoItemSchema, 'session:manage'),
  'session:close': answers<SessionView>()(CloseSessionSchema, 'session:manage'),
  'minutes:draft': answers<MinutesView>()(SessionCommandSchema, 'session:manage'),
  'minutes:circulate': answers<MinutesView>()(SessionCommandSchema, 'session:manage'),
  'minutes:approve': answers<MinutesView>()(SessionCommandSchema, 'session:manage'),
  'session:cancel': answers<SessionView>()(CancelSessionSchema, 'session:manage'),
  'session:move-item': answers<SessionView>()(MoveAgendaItemSchema, 'session:chair'),
  'session:link-vote': answers<SessionView>()(LinkVoteSchema, 'session:manage'),
  'session:speaker-add': answers<SessionView>()(AddSpeakerSchema, 'session:chair'),
  'session:speaker-move': answers<SessionView>()(MoveSpeakerSchema, 'session:chair'),
  'session:speaker-spoke': answers<SessionView>()(SpeakerCommandSchema, 'session:chair'),
  'session:speaker-remove': answers<SessionView>()(SpeakerCommandSchema, 'session:chair'),
} as const;

export type CommandName = keyof typeof COMMANDS;

/**
 * A command's own id, chosen by the client (random, at least 8 characters): the same command
 * sent again (a retry after a reconnection, on this process or another) carries the same id,
 * so that the server can apply it once. Optional; it travels beside the payload's fields and
 * is taken out before the command's schema parses them.
 */
export const CommandIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'identifiant de commande invalide');
export interface CommandEnvelope {
  commandId?: string;
}

/** What a client sends (defaults may be left out), with its command id. */
export type CommandPayload<K extends CommandName> = z.input<(typeof COMMANDS)[K]['schema']> & CommandEnvelope;
/** What the server's handler receives, once parsed. */
export type CommandInput<K extends CommandName> = z.output<(typeof COMMANDS)[K]['schema']>;
/** What the ack carries when the command succeeded. */
export type CommandResult<K extends CommandName> = (typeof COMMANDS)[K]['resultType'];

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/**
 * Takes the command id out of what arrived: the rest is the payload the command's schema
 * parses. `commandId` is null when none came, undefined when it is malformed.
 */
export function splitCommandId(raw: unknown): { commandId: string | null | undefined; payload: unknown } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !Object.hasOwn(raw, 'commandId')) return { commandId: null, payload: raw };
  const { commandId, ...payload } = raw as Record<string, unknown>;
  const parsed = CommandIdSchema.safeParse(commandId);
  return { commandId: parsed.success ? parsed.data : undefined, payload };
}

/** Commands: the payload, then the acknowledgement, always last. */
export type ClientToServerEvents = {
  [K in CommandName]: (payload: CommandPayload<K>, ack: (ack: Ack<CommandResult<K>>) => void) => void;
};

export interface ServerToClientEvents {
  /** Every domain event of a joined negotiation the user may see, once, in seq order. */
  'negotiation:event': (event: NegotiationEvent) => void;
  /** The session ended (sign-out, new password, expiry): the socket closes right after. */
  'session:ended': (notice: { reason: string }) => void;
  /** The mandate in this negotiation ended or no longer lets the person follow it: no more events from it. */
  'negotiation:access-ended': (notice: { negotiationId: string }) => void;
}

/** Server-to-server events: none (one process; scale-out will add them). */
export type InterServerEvents = Record<string, never>;

/** What the server keeps on each socket: the signed-in user, set by the handshake gate. */
export interface SocketData {
  user: AuthUser;
}
