import { Types, type Connection } from 'mongoose';
import type { z } from 'zod';
import { attendanceLines, draftMinutes as draftMinutesContent, renderMinutesText } from '../../shared/sessions/minutes.ts';
import { minutesDocFromMarkup, minutesDocToMarkup, withAttendanceDoc } from '../../shared/sessions/minutes-doc.ts';
import { MinutesDocSchema, type MinutesDoc } from '../../shared/sessions/minutes-schema.ts';
import { frenchLongDate } from '../../shared/sessions/paris-time.ts';
import {
  type AgendaItem,
  type CurrentItemContent,
  type AgendaUpdatedPayload,
  type AttendanceRecordedPayload,
  type CancelSessionSchema,
  type CloseSessionSchema,
  type ConveneSessionSchema,
  type GotoItemSchema,
  type ItemChangedPayload,
  type LinkVoteSchema,
  type MoveAgendaItemSchema,
  type MinutesPayload,
  type MinutesView,
  type RecordAttendanceSchema,
  type SessionCancelledPayload,
  type SessionClosedPayload,
  type SessionCommandSchema,
  type SessionConvenedPayload,
  type SessionDocument,
  type SessionSummary,
  type SessionView,
  type UpdateAgendaSchema,
  type AddSpeakerSchema,
  type MoveSpeakerSchema,
  type Speaker,
  type SpeakerCommandSchema,
  type SpeakersUpdatedPayload,
} from '../../shared/sessions/session.ts';
import { assertCan, type Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { collabOf } from '../collab/collab.capability.ts';
import { eventModel } from '../events/event.model.ts';
import { articleModel } from '../negotiations/article.model.ts';
import { stampOf, type RecordDraft } from '../events/event-log.ts';
import { recordChange } from '../events/record-change.ts';
import { createVersion } from '../versions/versions.service.ts';
import { versionModel } from '../versions/version.model.ts';
import { closeMinutesConnections, readMinutesDoc, rewriteMinutesAttendance, writeMinutesDoc } from './minutes-doc.ts';
import { currentItemContent } from './current-item.ts';
import { tableOrganisations, type SessionContext } from './session-context.ts';
import { committeeEvents, draftedText, loadSession, loadSessions } from './session.store.ts';


// Session commands of one negotiation run one at a time in this process (`ctx.events.serialize`):
// two "next item" clicks move two items, never the same one twice.

async function record(ctx: SessionContext, actor: Actor, drafts: RecordDraft[]): Promise<void> {
  await ctx.events.record(actor.negotiationId, stampOf(actor), drafts);
  ctx.logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, events: drafts.map((d) => d.type) }, 'session recorded');
}

const summaryOf = (s: SessionView): SessionSummary => ({ id: s.id, title: s.title, startsAt: s.startsAt, status: s.status });

export async function listSessions(ctx: SessionContext, negotiationId: string): Promise<SessionSummary[]> {
  return (await loadSessions(ctx.db.connection, negotiationId)).map(summaryOf);
}

export function getSession(ctx: SessionContext, negotiationId: string, sessionId: string): Promise<SessionView> {
  return loadSession(ctx.db.connection, negotiationId, sessionId);
}

/** Agenda items point at things of this negotiation; documents at its versions. */
async function checkAgenda(ctx: SessionContext, negotiationId: string, agenda: AgendaItem[], documents: SessionDocument[]): Promise<void> {
  const { connection } = ctx.db;
  const articleIds = agenda.flatMap((i) => (i.kind === 'article' ? [i.articleId] : []));
  if (articleIds.length > 0) {
    const found = await articleModel(connection).countDocuments({ negotiationId, articleId: { $in: [...new Set(articleIds)] } });
    if (found !== new Set(articleIds).size) throw new AppError('NOT_FOUND', 'Un article de l’ordre du jour est introuvable dans cette négociation.');
  }
  for (const item of agenda) {
    if (item.kind !== 'amendment') continue;
    const tabled = await eventModel(connection).exists({ negotiationId, type: 'amendment:tabled', 'payload.amendmentId': item.amendmentId });
    if (!tabled) throw new AppError('NOT_FOUND', 'Un amendement de l’ordre du jour n’a pas été déposé dans cette négociation.');
  }
  for (const document of documents) {
    const valid = Types.ObjectId.isValid(document.versionId) && (await versionModel(connection).exists({ _id: document.versionId, negotiationId }));
    if (!valid) throw new AppError('NOT_FOUND', `Version introuvable pour le document « ${document.label} ».`);
  }
}

/** The secretariat convenes a session: date and time, place or video link, agenda, documents. */
export async function conveneSession(ctx: SessionContext, actor: Actor, input: z.infer<typeof ConveneSessionSchema>): Promise<SessionView> {
  assertCan(actor, 'session:manage');
  const { negotiationId } = actor;
  await checkAgenda(ctx, negotiationId, input.agenda, input.documents);
  const payload: SessionConvenedPayload = {
    sessionId: ctx.ids.newId(),
    title: input.title,
    startsAt: input.startsAt,
    endsAt: new Date(Date.parse(input.startsAt) + input.durationMinutes * 60_000).toISOString(),
    place: input.place || null,
    videoLink: input.videoLink,
    agenda: input.agenda,
    documents: input.documents,
  };
  return ctx.events.serialize(negotiationId, async () => {
    await record(ctx, actor, [{ type: 'session:convened', payload }]);
    return getSession(ctx, negotiationId, payload.sessionId);
  });
}

/** A session of the actor's negotiation, read as it stands (in the command's lane). */
const sessionOf = (ctx: SessionContext, actor: Actor, sessionId: string) => () => getSession(ctx, actor.negotiationId, sessionId);

/**
 * The content of the current item once the session stands as `after` says (an open session
 * only): carried by the event, so that every page and the projector follow the item without
 * reading it again (shared/sessions/session-panels.fold.ts).
 */
async function contentAfter(ctx: SessionContext, session: SessionView, after: Pick<SessionView, 'agenda' | 'currentIndex'>): Promise<{ current?: CurrentItemContent | null }> {
  if (session.status !== 'open') return {};
  return { current: await currentItemContent(ctx, { ...session, ...after }) };
}

export function updateAgenda(ctx: SessionContext, actor: Actor, input: z.infer<typeof UpdateAgendaSchema>): Promise<SessionView> {
  return recordChange(ctx, actor, 'session:manage', {
    read: sessionOf(ctx, actor, input.sessionId),
    decide: async (session) => {
      if (session.status === 'closed') throw new AppError('CONFLICT', 'La séance est close : son ordre du jour ne change plus.');
      if (session.status === 'cancelled') throw new AppError('CONFLICT', 'La séance est annulée : son ordre du jour ne change plus.');
      const documents = input.documents ?? session.documents;
      await checkAgenda(ctx, actor.negotiationId, input.agenda, documents);
      const last = input.agenda.length - 1;
      const currentIndex = session.currentIndex === null || last < 0 ? null : Math.min(session.currentIndex, last);
      const payload: AgendaUpdatedPayload = { sessionId: session.id, agenda: input.agenda, documents, ...(await contentAfter(ctx, session, { agenda: input.agenda, currentIndex })) };
      return [{ type: 'session:agenda-updated', payload }];
    },
  });
}

/**
 * The chair or the secretariat moves an agenda item (before the close): everyone sees the new
 * order live (`session:agenda-updated`), and the item being discussed stays the current one.
 */
export function moveAgendaItem(ctx: SessionContext, actor: Actor, input: z.infer<typeof MoveAgendaItemSchema>): Promise<SessionView> {
  return recordChange(ctx, actor, 'session:chair', {
    read: sessionOf(ctx, actor, input.sessionId),
    decide: async (session) => {
      if (session.status === 'closed' || session.status === 'cancelled') throw new AppError('CONFLICT', 'La séance est close ou annulée : son ordre du jour ne change plus.');
      const { from, to } = input;
      if (from >= session.agenda.length || to >= session.agenda.length) throw new AppError('BAD_REQUEST', 'Ce point n’existe pas à l’ordre du jour.');
      if (from === to) return [];
      const agenda = [...session.agenda];
      const [item] = agenda.splice(from, 1);
      agenda.splice(to, 0, item);
      const current = session.currentIndex === null ? null : agenda.indexOf(session.agenda[session.currentIndex]);
      const payload: AgendaUpdatedPayload = {
        sessionId: session.id,
        agenda,
        documents: session.documents,
        currentIndex: current,
        moved: { from, to },
        ...(await contentAfter(ctx, session, { agenda, currentIndex: current })),
      };
      return [{ type: 'session:agenda-updated', payload }];
    },
  });
}

/**
 * The speakers list of an agenda item (« liste des orateurs »), kept by the chair or the
 * secretariat until the close: each change records the item's whole list, which every client
 * and the projector follow live.
 */
function changeSpeakers(
  ctx: SessionContext,
  actor: Actor,
  input: { sessionId: string; index: number },
  change: (speakers: Speaker[], session: SessionView) => Speaker[] | Promise<Speaker[]>,
): Promise<SessionView> {
  return recordChange(ctx, actor, 'session:chair', {
    read: sessionOf(ctx, actor, input.sessionId),
    decide: async (session) => {
      if (session.status === 'closed' || session.status === 'cancelled') throw new AppError('CONFLICT', 'La séance est close ou annulée : la liste des orateurs ne change plus.');
      if (!session.agenda[input.index]) throw new AppError('BAD_REQUEST', 'Ce point n’existe pas à l’ordre du jour.');
      const before = session.speakers[input.index] ?? [];
      const speakers = await change(before, session);
      if (JSON.stringify(speakers) === JSON.stringify(before)) return [];
      const payload: SpeakersUpdatedPayload = { sessionId: session.id, index: input.index, speakers };
      return [{ type: 'session:speakers-updated', payload }];
    },
  });
}

function speakerAt(speakers: Speaker[], speakerId: string): number {
  const at = speakers.findIndex((s) => s.id === speakerId);
  if (at < 0) throw new AppError('NOT_FOUND', 'Cet orateur n’est pas inscrit sur la liste de ce point.');
  return at;
}

/** An organisation at the table asks for the floor on an item (the person's name when given). */
export function addSpeaker(ctx: SessionContext, actor: Actor, input: z.infer<typeof AddSpeakerSchema>): Promise<SessionView> {
  return changeSpeakers(ctx, actor, input, async (speakers) => {
    const { organisations } = await tableOrganisations(ctx.db.connection, actor.negotiationId);
    const org = organisations.find((o) => o.id === input.org);
    if (!org) throw new AppError('BAD_REQUEST', 'Cette organisation ne siège pas dans cette négociation.');
    return [...speakers, { id: ctx.ids.newId(), org: org.id, shortName: org.shortName, name: input.name || null, spoke: false }];
  });
}

export function moveSpeaker(ctx: SessionContext, actor: Actor, input: z.infer<typeof MoveSpeakerSchema>): Promise<SessionView> {
  return changeSpeakers(ctx, actor, input, (speakers) => {
    const from = speakerAt(speakers, input.speakerId);
    if (input.to >= speakers.length) throw new AppError('BAD_REQUEST', 'Cette place n’existe pas dans la liste des orateurs.');
    const next = [...speakers];
    next.splice(input.to, 0, ...next.splice(from, 1));
    return next;
  });
}

/** « A parlé »: the speaker has had the floor. */
export function markSpoke(ctx: SessionContext, actor: Actor, input: z.infer<typeof SpeakerCommandSchema>): Promise<SessionView> {
  return changeSpeakers(ctx, actor, input, (speakers) => {
    const at = speakerAt(speakers, input.speakerId);
    return speakers.map((s, i) => (i === at ? { ...s, spoke: true } : s));
  });
}

export function removeSpeaker(ctx: SessionContext, actor: Actor, input: z.infer<typeof SpeakerCommandSchema>): Promise<SessionView> {
  return changeSpeakers(ctx, actor, input, (speakers) => {
    const at = speakerAt(speakers, input.speakerId);
    return speakers.filter((_, i) => i !== at);
  });
}

/** The secretariat links a vote item to the vote held on it: opened from the item, or one already open or closed. */
export function linkVote(ctx: SessionContext, actor: Actor, input: z.infer<typeof LinkVoteSchema>): Promise<SessionView> {
  return recordChange(ctx, actor, 'session:manage', {
    read: sessionOf(ctx, actor, input.sessionId),
    decide: async (session) => {
      if (session.status === 'closed' || session.status === 'cancelled') throw new AppError('CONFLICT', 'La séance est close ou annulée : son ordre du jour ne change plus.');
      const item = session.agenda[input.index];
      if (!item) throw new AppError('BAD_REQUEST', 'Ce point n’existe pas à l’ordre du jour.');
      if (item.kind !== 'vote') throw new AppError('BAD_REQUEST', 'Seul un point « vote » se relie à un vote.');
      const opened = await eventModel(ctx.db.connection).exists({ negotiationId: actor.negotiationId, type: 'vote:opened', 'payload.voteId': input.voteId });
      if (!opened) throw new AppError('NOT_FOUND', 'Ce vote n’a pas été ouvert dans cette négociation.');
      if (item.voteId === input.voteId) return [];
      const agenda = session.agenda.map((i, k) => (k === input.index ? { ...item, voteId: input.voteId } : i));
      const payload: AgendaUpdatedPayload = { sessionId: session.id, agenda, documents: session.documents, ...(await contentAfter(ctx, session, { agenda, currentIndex: session.currentIndex })) };
      return [{ type: 'session:agenda-updated', payload }];
    },
  });
}

/**
 * The secretariat takes the attendance: per organisation (the presidency included), present,
 * excused or absent, and its delegates; and the observers by name. It is the one record of
 * who was there: a minutes draft already written has its attendance section rewritten from it.
 */
export async function recordAttendance(ctx: SessionContext, actor: Actor, input: z.infer<typeof RecordAttendanceSchema>): Promise<SessionView> {
  assertCan(actor, 'session:manage');
  const { negotiationId } = actor;
  const { organisations } = await tableOrganisations(ctx.db.connection, negotiationId);
  const entries = input.entries.map((entry) => {
    const org = organisations.find((o) => o.id === entry.org);
    if (!org) throw new AppError('BAD_REQUEST', 'Cette organisation ne siège pas dans cette négociation.');
    if (entry.status !== 'present' && entry.delegates.length > 0) {
      throw new AppError('BAD_REQUEST', `${org.shortName} : seule une délégation présente a des délégués en séance.`);
    }
    return { ...entry, shortName: org.shortName };
  });
  if (new Set(entries.map((e) => e.org)).size !== entries.length) throw new AppError('BAD_REQUEST', 'Une organisation figure deux fois dans les présences.');
  return recordChange(ctx, actor, 'session:manage', {
    read: sessionOf(ctx, actor, input.sessionId),
    decide: (session) => {
      if (session.status === 'cancelled') throw new AppError('CONFLICT', 'La séance est annulée : personne n’y assiste.');
      if (session.minutes.status === 'approved') throw new AppError('CONFLICT', 'Le relevé de décisions est approuvé : les présences ne changent plus.');
      const payload: AttendanceRecordedPayload = { sessionId: session.id, entries, ...(input.observers ? { observers: input.observers } : {}) };
      return [{ type: 'session:attendance-recorded', payload }];
    },
    follow: async (updated) => {
      if (updated.minutes.status === 'none') return;
      const lines = attendanceLines(organisations, updated);
      await rewriteMinutesAttendance(collabOf(ctx).store, updated.id, lines, updated.observers);
    },
  });
}

export function openSession(ctx: SessionContext, actor: Actor, input: z.infer<typeof SessionCommandSchema>): Promise<SessionView> {
  return recordChange(ctx, actor, 'session:manage', {
    read: sessionOf(ctx, actor, input.sessionId),
    decide: async (session) => {
      if (session.status === 'cancelled') throw new AppError('CONFLICT', 'Cette séance est annulée.');
      if (session.status !== 'convened') throw new AppError('CONFLICT', 'Cette séance est déjà ouverte ou close.');
      const sessions = await loadSessions(ctx.db.connection, actor.negotiationId);
      if (sessions.some((s) => s.status === 'open')) throw new AppError('CONFLICT', 'Une autre séance est en cours : clôturez-la d’abord.');
      const currentIndex = session.agenda.length > 0 ? 0 : null;
      const current = await currentItemContent(ctx, { ...session, status: 'open', currentIndex });
      return [{ type: 'session:opened', payload: { sessionId: session.id, current } }];
    },
  });
}

function moveTo(ctx: SessionContext, actor: Actor, sessionId: string, target: (s: SessionView) => number): Promise<SessionView> {
  return recordChange(ctx, actor, 'session:manage', {
    read: sessionOf(ctx, actor, sessionId),
    decide: async (session) => {
      if (session.status !== 'open') throw new AppError('CONFLICT', 'La séance n’est pas ouverte.');
      const index = target(session);
      if (index < 0 || index >= session.agenda.length) throw new AppError('CONFLICT', 'Ce point n’existe pas à l’ordre du jour.');
      if (index === session.currentIndex) return [];
      const current = (await currentItemContent(ctx, { ...session, currentIndex: index })) ?? undefined;
      const payload: ItemChangedPayload = { sessionId, index, item: session.agenda[index], ...(current ? { current } : {}) };
      return [{ type: 'session:item-changed', payload }];
    },
  });
}

/** The secretariat moves to the next agenda item; every client follows. */
export function advanceItem(ctx: SessionContext, actor: Actor, input: z.infer<typeof SessionCommandSchema>): Promise<SessionView> {
  return moveTo(ctx, actor, input.sessionId, (s) => {
    if ((s.currentIndex ?? -1) + 1 >= s.agenda.length) throw new AppError('CONFLICT', 'C’est le dernier point de l’ordre du jour.');
    return (s.currentIndex ?? -1) + 1;
  });
}

export function gotoItem(ctx: SessionContext, actor: Actor, input: z.infer<typeof GotoItemSchema>): Promise<SessionView> {
  return moveTo(ctx, actor, input.sessionId, () => input.index);
}

/**
 * The secretariat closes the session: a version of the text is taken (kind `session`), the
 * close is recorded, and the minutes are drafted from the log.
 */
export function closeSession(ctx: SessionContext, actor: Actor, input: z.infer<typeof CloseSessionSchema>): Promise<SessionView> {
  const read = sessionOf(ctx, actor, input.sessionId);
  return recordChange(ctx, actor, 'session:manage', {
    read,
    decide: async (session) => {
      if (session.status !== 'open') throw new AppError('CONFLICT', 'Seule une séance ouverte peut être close.');
      const version = await createVersion(
        { connection: ctx.db.connection, store: collabOf(ctx).store, events: ctx.events, clock: ctx.clock, ids: ctx.ids },
        {
          negotiationId: actor.negotiationId,
          name: `Fin de séance du ${frenchLongDate(session.startsAt)}`,
          reason: session.title,
          kind: 'session',
          author: { userId: actor.user.id, name: actor.user.name, org: actor.org.id },
          by: stampOf(actor),
        },
      );
      const payload: SessionClosedPayload = { sessionId: session.id, versionId: version.id, nextSession: input.nextSession ?? null };
      return [{ type: 'session:closed', payload }];
    },
    follow: async (closed) => {
      await draftNow(ctx, actor, closed.id);
      return read();
    },
  });
}

/**
 * The secretariat calls off a convened session before it opens, with a reason: every member
 * is mailed the cancellation with the calendar's `METHOD:CANCEL` (server/mail/event-mail.ts),
 * so the convocation leaves their calendars. An open or closed session is not cancelled.
 */
export function cancelSession(ctx: SessionContext, actor: Actor, input: z.infer<typeof CancelSessionSchema>): Promise<SessionView> {
  return recordChange(ctx, actor, 'session:manage', {
    read: sessionOf(ctx, actor, input.sessionId),
    decide: (session) => {
      if (session.status === 'cancelled') throw new AppError('CONFLICT', 'Cette séance est déjà annulée.');
      if (session.status !== 'convened') throw new AppError('CONFLICT', 'Seule une séance convoquée, pas encore ouverte, peut être annulée.');
      const payload: SessionCancelledPayload = { sessionId: session.id, reason: input.reason };
      return [{ type: 'session:cancelled', payload }];
    },
  });
}

/** Builds the minutes' text from the log as it stands. */
export async function composeMinutes(connection: Connection, negotiationId: string, sessionId: string): Promise<string> {
  const [sessions, { negotiation, organisations }, events, articles] = await Promise.all([
    loadSessions(connection, negotiationId),
    tableOrganisations(connection, negotiationId),
    committeeEvents(connection, negotiationId),
    articleModel(connection).find({ negotiationId }).sort({ order: 1 }).lean(),
  ]);
  const session = sessions.find((s) => s.id === sessionId);
  if (!session) throw new AppError('NOT_FOUND', 'Séance introuvable.');
  const next = sessions.find((s) => s.status === 'convened' && s.startsAt > session.startsAt) ?? null;
  const version = session.versionId ? await versionModel(connection).findById(session.versionId, { name: 1 }).lean() : null;
  const draft = draftMinutesContent({
    negotiationTitle: negotiation.title,
    session,
    organisations,
    articles: articles.map((a) => ({ id: a.articleId, number: a.number, title: a.title })),
    events,
    nextSession: next,
    versionName: version?.name ?? null,
  });
  return renderMinutesText(draft);
}

async function draftNow(ctx: SessionContext, actor: Actor, sessionId: string): Promise<string> {
  const text = await composeMinutes(ctx.db.connection, actor.negotiationId, sessionId);
  const payload: MinutesPayload = { sessionId, text, by: actor.user.name };
  await record(ctx, actor, [{ type: 'minutes:drafted', payload }]);
  await writeMinutesDoc(collabOf(ctx).store, sessionId, minutesDocFromMarkup(text));
  return text;
}

/** The minutes as they stand: the frozen text once approved, the live draft before. */
export async function readMinutes(ctx: SessionContext, actor: Actor, sessionId: string, strict = false): Promise<MinutesView> {
  const session = await getSession(ctx, actor.negotiationId, sessionId);
  const { minutes } = session;
  let doc: MinutesDoc = { type: 'doc', content: [] };
  if (minutes.status === 'approved') doc = minutes.approvedDoc ?? minutesDocFromMarkup(minutes.approvedText ?? '');
  else if (minutes.status !== 'none') {
    const draft = await readMinutesDoc(collabOf(ctx).store, sessionId, await draftedText(ctx.db.connection, actor.negotiationId, sessionId), strict);
    // The attendance is the stored one, whatever the draft's section says (approval freezes this text).
    const { organisations } = await tableOrganisations(ctx.db.connection, actor.negotiationId);
    doc = withAttendanceDoc(draft, attendanceLines(organisations, session), session.observers);
  }
  return {
    sessionId,
    status: minutes.status,
    // Minutes approved before rich text keep their markup word for word.
    text: minutes.status === 'approved' && !minutes.approvedDoc ? (minutes.approvedText ?? '') : minutes.status === 'none' ? '' : minutesDocToMarkup(doc),
    doc,
    docName: `minutes:${sessionId}`,
    editable: minutes.status !== 'approved' && minutes.status !== 'none' && actor.roles.includes('secretariat'),
    approvedAt: minutes.approvedAt,
    approvedBy: minutes.approvedBy,
  };
}

/** Drafts the minutes again from the log (the edits made so far are replaced). */
export async function redraftMinutes(ctx: SessionContext, actor: Actor, input: z.infer<typeof SessionCommandSchema>): Promise<MinutesView> {
  assertCan(actor, 'session:manage');
  await ctx.events.serialize(actor.negotiationId, async () => {
    const session = await getSession(ctx, actor.negotiationId, input.sessionId);
    if (session.status !== 'closed') throw new AppError('CONFLICT', 'Le relevé de décisions se rédige une fois la séance close.');
    if (session.minutes.status === 'approved') throw new AppError('CONFLICT', 'Le relevé de décisions est approuvé : il ne change plus.');
    await draftNow(ctx, actor, session.id);
  });
  return readMinutes(ctx, actor, input.sessionId);
}

function seal(ctx: SessionContext, actor: Actor, sessionId: string, type: 'minutes:circulated' | 'minutes:approved'): Promise<MinutesView> {
  return recordChange(ctx, actor, 'session:manage', {
    // What is circulated or frozen must be what the schema admits, every block of it.
    read: () => readMinutes(ctx, actor, sessionId, true),
    decide: (current) => {
      if (current.status === 'approved') throw new AppError('CONFLICT', 'Le relevé de décisions est déjà approuvé : il ne change plus.');
      if (current.status === 'none') throw new AppError('CONFLICT', 'Aucun relevé de décisions n’a été rédigé pour cette séance.');
      const payload: MinutesPayload = { sessionId, text: current.text, doc: MinutesDocSchema.parse(current.doc), by: actor.user.name };
      return [{ type, payload }];
    },
  });
}

/** The draft is circulated to the members for their remarks (it stays editable). */
export function circulateMinutes(ctx: SessionContext, actor: Actor, input: z.infer<typeof SessionCommandSchema>): Promise<MinutesView> {
  return seal(ctx, actor, input.sessionId, 'minutes:circulated');
}

/** The minutes are approved: their text is frozen in the log; no edit is accepted afterwards. */
export async function approveMinutes(ctx: SessionContext, actor: Actor, input: z.infer<typeof SessionCommandSchema>): Promise<MinutesView> {
  const approved = await seal(ctx, actor, input.sessionId, 'minutes:approved');
  await closeMinutesConnections(collabOf(ctx).store, input.sessionId);
  return approved;
}
