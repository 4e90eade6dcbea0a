import { z } from 'zod';
import type { AmendmentStatus } from '../amendments/lifecycle.ts';
import { IdSchema as Id, NegotiationIdSchema as NegotiationId } from '../ids.ts';
import type { VoteView } from '../votes/vote.ts';
import type { MinutesDoc } from './minutes-schema.ts';
import { LOCAL_DATE_TIME, parisLocalToUtc } from './paris-time.ts';

/**
 * Sessions (séances): convened by the secretariat with a date, a place or a video link and
 * an agenda; attendance per organisation; the current agenda item followed live by every
 * client; minutes (relevé de décisions) drafted from the log, edited, approved, frozen.
 * A session is folded from its events (`session:*`, `minutes:*`): the log is the record.
 */

const Title = z.string().trim().min(1).max(300);

/**
 * A UTC instant (ISO with Z or an offset) or a Paris wall-clock time "YYYY-MM-DDTHH:mm"
 * (what a form's datetime-local gives): stored as the UTC instant either way.
 */
export const InstantSchema = z
  .string()
  .trim()
  .refine((s) => LOCAL_DATE_TIME.test(s) || (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s))), {
    message: 'date et heure invalides',
  })
  .transform((s) => (LOCAL_DATE_TIME.test(s) ? parisLocalToUtc(s) : new Date(s)).toISOString());

export const AgendaItemSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('article'), articleId: Id, title: Title.optional() }),
  z.strictObject({ kind: z.literal('amendment'), amendmentId: Id, title: Title.optional() }),
  /** A vote to hold; `voteId` once the secretariat opened it. */
  z.strictObject({ kind: z.literal('vote'), title: Title, voteId: Id.nullable().default(null) }),
  z.strictObject({ kind: z.literal('free'), title: Title, text: z.string().trim().max(5000).default('') }),
]);
export type AgendaItemInput = z.input<typeof AgendaItemSchema>;
export type AgendaItem = z.infer<typeof AgendaItemSchema>;

/** A document attached to the convocation: a link to a version of the text. */
export const SessionDocumentSchema = z.strictObject({ label: Title, versionId: Id });
export type SessionDocument = z.infer<typeof SessionDocumentSchema>;

const Agenda = z.array(AgendaItemSchema).max(100);
const Documents = z.array(SessionDocumentSchema).max(50);

export const ConveneSessionSchema = z
  .strictObject({
    negotiationId: NegotiationId,
    title: Title,
    startsAt: InstantSchema,
    durationMinutes: z.number().int().min(15).max(24 * 60).default(180),
    place: z.string().trim().max(300).nullable().default(null),
    videoLink: z.url({ protocol: /^https?$/ }).max(1000).nullable().default(null),
    agenda: Agenda.default([]),
    documents: Documents.default([]),
  })
  .refine((s) => !!s.place || !!s.videoLink, { message: 'un lieu ou un lien de visioconférence est requis' });
export type ConveneSessionPayload = z.input<typeof ConveneSessionSchema>;

const SessionCommand = z.strictObject({ negotiationId: NegotiationId, sessionId: Id });
export const SessionCommandSchema = SessionCommand;
export type SessionCommandPayload = z.input<typeof SessionCommand>;

export const UpdateAgendaSchema = SessionCommand.extend({ agenda: Agenda, documents: Documents.optional() });
export type UpdateAgendaPayload = z.input<typeof UpdateAgendaSchema>;

/** Moves one agenda item to another place (keyboard: up or down one; mouse: dropped where it lands). */
export const MoveAgendaItemSchema = SessionCommand.extend({ from: z.number().int().min(0), to: z.number().int().min(0) });
export type MoveAgendaItemPayload = z.input<typeof MoveAgendaItemSchema>;

/** A vote item of the agenda points at the vote held on it (opened from the item, or an existing one). */
export const LinkVoteSchema = SessionCommand.extend({ index: z.number().int().min(0), voteId: Id });
export type LinkVotePayload = z.input<typeof LinkVoteSchema>;

// --- The speakers list (« liste des orateurs ») of each agenda item, kept by the chair or the secretariat.

/** An organisation asks for the floor on an item; the person's name is optional. */
export const AddSpeakerSchema = SessionCommand.extend({
  index: z.number().int().min(0),
  org: Id,
  name: z.string().trim().max(120).optional(),
});
export type AddSpeakerPayload = z.input<typeof AddSpeakerSchema>;
/** One speaker of an item's list: marked as having spoken, or taken off the list. */
export const SpeakerCommandSchema = SessionCommand.extend({ index: z.number().int().min(0), speakerId: z.string().min(1).max(64) });
export type SpeakerCommandPayload = z.input<typeof SpeakerCommandSchema>;
/** A speaker moved to another place in the item's list. */
export const MoveSpeakerSchema = SpeakerCommandSchema.extend({ to: z.number().int().min(0) });
export type MoveSpeakerPayload = z.input<typeof MoveSpeakerSchema>;

export interface Speaker {
  id: string;
  org: string;
  shortName: string;
  name: string | null;
  /** « a parlé »: the speaker has had the floor. */
  spoke: boolean;
}

export const ATTENDANCE = ['present', 'excused', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE)[number];

export const AttendanceEntrySchema = z.strictObject({
  org: Id,
  status: z.enum(ATTENDANCE),
  delegates: z.array(z.string().trim().min(1).max(200)).max(30).default([]),
});
export type AttendanceEntry = z.infer<typeof AttendanceEntrySchema>;

/** The names of the observers in the room (people on neither side: the ministry's, a branch's). */
const Observers = z.array(z.string().trim().min(1).max(200)).max(30);

export const RecordAttendanceSchema = SessionCommand.extend({
  entries: z.array(AttendanceEntrySchema).max(50).default([]),
  /** Replaces the observers' list when given. */
  observers: Observers.optional(),
}).refine((a) => a.entries.length > 0 || a.observers !== undefined, { message: 'rien à enregistrer : ni présence ni observateur' });
export type RecordAttendancePayload = z.input<typeof RecordAttendanceSchema>;

export const GotoItemSchema = SessionCommand.extend({ index: z.number().int().min(0) });
export type GotoItemPayload = z.input<typeof GotoItemSchema>;

export const CloseSessionSchema = SessionCommand.extend({
  /** What the minutes announce as the next session, when it is not convened yet. */
  nextSession: z.string().trim().max(500).optional(),
});
export type CloseSessionPayload = z.input<typeof CloseSessionSchema>;

/** A convened session is called off before it opens: every member is told, with the calendar's cancellation. */
export const CancelSessionSchema = SessionCommand.extend({ reason: z.string().trim().min(5).max(1000) });
export type CancelSessionPayload = z.input<typeof CancelSessionSchema>;

// --- Views ---------------------------------------------------------------------------------

export type SessionStatus = 'convened' | 'open' | 'closed' | 'cancelled';
export type MinutesStatus = 'none' | 'draft' | 'circulated' | 'approved';

export interface SessionSummary {
  id: string;
  title: string;
  startsAt: string;
  status: SessionStatus;
}

export interface AttendanceRecord extends AttendanceEntry {
  shortName: string;
}

/**
 * The attendance as every reader states it (session page, minutes, their files, projector):
 * one line per party at the table in the negotiation's order, the presidency (a neutral
 * organisation, the ministry's representative chairing a CMP) marked as such, then the observers.
 */
export interface AttendanceLine {
  org: string;
  shortName: string;
  presidency: boolean;
  /** null: not recorded. */
  status: AttendanceStatus | null;
  delegates: string[];
}

export interface SessionView extends SessionSummary {
  negotiationId: string;
  /** The last event folded into it: a reader replaying the events that came meanwhile skips those at or below. */
  seq: number;
  endsAt: string;
  place: string | null;
  videoLink: string | null;
  agenda: AgendaItem[];
  documents: SessionDocument[];
  attendance: AttendanceRecord[];
  /** The observers in the room, by name. */
  observers: string[];
  /** The agenda item shown to everyone, while open. */
  currentIndex: number | null;
  convenedAt: string;
  openedAt: string | null;
  closedAt: string | null;
  /** The log window of the session: events in (openedSeq, closedSeq] happened during it. */
  openedSeq: number | null;
  closedSeq: number | null;
  /** The version of the text taken at the close. */
  versionId: string | null;
  nextSession: string | null;
  /** Called off before it opened: when and why. */
  cancelledAt: string | null;
  cancellationReason: string | null;
  /** The speakers list of each agenda item, in the agenda's order (one list per item). */
  speakers: Speaker[][];
  minutes: {
    status: MinutesStatus;
    draftedAt: string | null;
    circulatedAt: string | null;
    approvedAt: string | null;
    approvedBy: string | null;
    /** The frozen text once approved (the live draft is the Yjs document `minutes:<id>`). */
    approvedText: string | null;
    /** The frozen rich text once approved (minutes approved before rich text have the text only). */
    approvedDoc: MinutesDoc | null;
  };
}

/** `GET …/sessions/:id/minutes`: the minutes as they stand. */
export interface MinutesView {
  sessionId: string;
  status: MinutesStatus;
  /** The frozen text once approved, the live draft before, as plain markup (no emphasis). */
  text: string;
  /** The same minutes as rich text: what the files lay out and the editor shows. */
  doc: MinutesDoc;
  /** The Yjs document of the draft (read-only once approved). */
  docName: string;
  editable: boolean;
  approvedAt: string | null;
  approvedBy: string | null;
}

/** `GET …/sessions/:id/current`: what the projector shows, the current item and its live content. */
export interface CurrentItemView {
  session: { id: string; title: string; status: SessionStatus; startsAt: string };
  index: number | null;
  total: number;
  item: AgendaItem | null;
  /** A readable heading for the item ("Article 3 – Temps de pause"). */
  heading: string | null;
  article: { number: string; title: string; blocks: string[] } | null;
  amendment: { org: string; formula: string; justification: string; status: AmendmentStatus } | null;
  vote: VoteView | null;
  text: string | null;
  /** Who is in the room: the same lines as the session page and the minutes. */
  attendance: AttendanceLine[];
  observers: string[];
  /** The current item's speakers list, in speaking order. */
  speakers: Speaker[];
}

/**
 * What the current item shows beyond the session itself (its heading, the article's text, the
 * amendment, the vote, a free item's text): read by the server when the item becomes the
 * current one and carried by that event, so that a page follows the item without reading it again.
 */
export type CurrentItemContent = Pick<CurrentItemView, 'heading' | 'article' | 'amendment' | 'vote' | 'text'>;

// --- Events --------------------------------------------------------------------------------

export interface SessionConvenedPayload {
  sessionId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  place: string | null;
  videoLink: string | null;
  agenda: AgendaItem[];
  documents: SessionDocument[];
}
export interface AgendaUpdatedPayload {
  sessionId: string;
  agenda: AgendaItem[];
  documents: SessionDocument[];
  /** When the items moved: where the current item now stands (it stays the current one). */
  currentIndex?: number | null;
  /** When one item moved: from where to where (its speakers list moves with it). */
  moved?: { from: number; to: number };
  /** While the session is open: the current item's content as the new agenda leaves it. */
  current?: CurrentItemContent | null;
}
export interface SessionOpenedPayload {
  sessionId: string;
  /** The first item's content (absent from events recorded before it was carried). */
  current?: CurrentItemContent | null;
}
export interface SpeakersUpdatedPayload {
  sessionId: string;
  /** The agenda item whose list this is. */
  index: number;
  /** The whole list as it now stands, in speaking order. */
  speakers: Speaker[];
}
export interface AttendanceRecordedPayload {
  sessionId: string;
  entries: AttendanceRecord[];
  /** When given, the observers' list as it now stands. */
  observers?: string[];
}
export interface ItemChangedPayload {
  sessionId: string;
  index: number;
  item: AgendaItem;
  /** The item's content (absent from events recorded before it was carried). */
  current?: CurrentItemContent;
}
export interface SessionClosedPayload {
  sessionId: string;
  versionId: string | null;
  nextSession: string | null;
}
export interface SessionCancelledPayload {
  sessionId: string;
  reason: string;
}
export interface MinutesPayload {
  sessionId: string;
  text: string;
  /** The rich text (circulated and approved minutes; a draft from the log is `text` only). */
  doc?: MinutesDoc;
  by: string;
}

/** The Yjs document that holds a session's minutes while they are drafted. */
export const minutesDocName = (sessionId: string): string => `minutes:${sessionId}`;
/** Where drafts written before rich text kept their markup (read once, into the fragment). */
export const MINUTES_TEXT = 'text';
/** The XmlFragment the editor binds (Tiptap's Collaboration `field`): the draft as rich text. */
export const MINUTES_FRAGMENT = 'minutes';
export function parseMinutesDocName(name: string): string | null {
  return /^minutes:([A-Za-z0-9_-]{1,64})$/.exec(name)?.[1] ?? null;
}
