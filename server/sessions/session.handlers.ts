import type { Response } from 'express';
import { frenchLongDate, frenchTime } from '../../shared/sessions/paris-time.ts';
import type { Capability } from '../app.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { replyLost } from '../access/command-replies.ts';
import { answerWithRecorded, onCommand } from '../access/socket-command.ts';
import { AppError } from '../common/app-error.ts';
import { negotiationModel } from '../negotiations/negotiation.model.ts';
import { negotiationCalendar, sessionCalendar } from './calendar.ts';
import { agendaHeadings, currentItem } from './current-item.ts';
import type { SessionContext } from './session-context.ts';
import { renderMinutesDocx } from './minutes-docx.ts';
import { minutesLayout } from '../../shared/sessions/minutes-doc.ts';
import { renderMinutesPdf, type MinutesDocumentInput } from './minutes-pdf.ts';
import {
  advanceItem,
  addSpeaker,
  approveMinutes,
  markSpoke,
  moveSpeaker,
  removeSpeaker,
  cancelSession,
  circulateMinutes,
  closeSession,
  conveneSession,
  getSession,
  gotoItem,
  linkVote,
  listSessions,
  moveAgendaItem,
  openSession,
  readMinutes,
  recordAttendance,
  redraftMinutes,
  updateAgenda,
} from './session.service.ts';
import { loadSessions } from './session.store.ts';

function attachment(res: Response, type: string, name: string, body: Buffer | string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(body);
}

/** Sessions: convening, cancelling, attendance, the current item, the close, minutes; calendars and exports over HTTP. */
export const registerSessions: Capability = (ctx) => {
  const { connection } = ctx.db;
  const logger = ctx.logger.child({ capability: 'sessions' });
  const sessionCtx: SessionContext = { db: ctx.db, events: ctx.events, logger, clock: ctx.clock, ids: ctx.ids };

  ctx.io.on('connection', (socket) => {
    const deps = { connection, logger };
    const session = answerWithRecorded('sessionId', (actor, id) => getSession(sessionCtx, actor.negotiationId, id));
    const minutes = answerWithRecorded('sessionId', (actor, id) => readMinutes(sessionCtx, actor, id));
    onCommand(socket, deps, 'session:convene', (actor, input) => conveneSession(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'session:update-agenda', (actor, input) => updateAgenda(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'session:record-attendance', (actor, input) => recordAttendance(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'session:open', (actor, input) => openSession(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'session:advance', (actor, input) => advanceItem(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'session:goto', (actor, input) => gotoItem(sessionCtx, actor, input), session);
    // The close records the version it takes first: a retry is answered once the session is closed.
    const closed = async (_event: unknown, actor: Actor, input: { sessionId: string }) => {
      const found = await getSession(sessionCtx, actor.negotiationId, input.sessionId);
      if (found.status !== 'closed') throw replyLost();
      return found;
    };
    onCommand(socket, deps, 'session:close', (actor, input) => closeSession(sessionCtx, actor, input), closed);
    onCommand(socket, deps, 'session:cancel', (actor, input) => cancelSession(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'session:move-item', (actor, input) => moveAgendaItem(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'session:speaker-add', (actor, input) => addSpeaker(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'session:speaker-move', (actor, input) => moveSpeaker(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'session:speaker-spoke', (actor, input) => markSpoke(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'session:speaker-remove', (actor, input) => removeSpeaker(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'session:link-vote', (actor, input) => linkVote(sessionCtx, actor, input), session);
    onCommand(socket, deps, 'minutes:draft', (actor, input) => redraftMinutes(sessionCtx, actor, input), minutes);
    onCommand(socket, deps, 'minutes:circulate', (actor, input) => circulateMinutes(sessionCtx, actor, input), minutes);
    onCommand(socket, deps, 'minutes:approve', (actor, input) => approveMinutes(sessionCtx, actor, input), minutes);
  });

  const actorOf = (res: Response) => res.locals.actor as Actor;
  const base = '/negotiations/:negotiationId/sessions';
  const read = requireActor('negotiation:read');

  ctx.api.get(base, read, async (_req, res) => {
    res.json(await listSessions(sessionCtx, actorOf(res).negotiationId));
  });

  ctx.api.get('/negotiations/:negotiationId/calendar.ics', read, async (_req, res) => {
    const { negotiationId } = actorOf(res);
    const negotiation = await negotiationModel(connection).findById(negotiationId).lean();
    if (!negotiation) throw new AppError('NOT_FOUND', 'Négociation introuvable.');
    const sessions = await loadSessions(connection, negotiationId);
    const ics = negotiationCalendar(
      { id: negotiationId, title: negotiation.title, phaseDeadlines: negotiation.phaseDeadlines },
      sessions,
      ctx.clock.now(),
      await agendaHeadings(sessionCtx, negotiationId),
    );
    attachment(res, 'text/calendar; charset=utf-8', 'negociation.ics', ics);
  });

  ctx.api.get(`${base}/:sessionId`, read, async (req, res) => {
    res.json(await getSession(sessionCtx, actorOf(res).negotiationId, String(req.params.sessionId)));
  });

  ctx.api.get(`${base}/:sessionId/current`, read, async (req, res) => {
    const session = await getSession(sessionCtx, actorOf(res).negotiationId, String(req.params.sessionId));
    res.json(await currentItem(sessionCtx, session));
  });

  ctx.api.get(`${base}/:sessionId/session.ics`, read, async (req, res) => {
    const { negotiationId } = actorOf(res);
    const session = await getSession(sessionCtx, negotiationId, String(req.params.sessionId));
    const negotiation = await negotiationModel(connection).findById(negotiationId, { title: 1 }).lean();
    attachment(res, 'text/calendar; charset=utf-8', `seance-${session.startsAt.slice(0, 10)}.ics`, sessionCalendar(session, negotiation?.title ?? '', ctx.clock.now(), await agendaHeadings(sessionCtx, negotiationId)));
  });

  ctx.api.get(`${base}/:sessionId/minutes`, read, async (req, res) => {
    res.json(await readMinutes(sessionCtx, actorOf(res), String(req.params.sessionId)));
  });

  async function minutesDocument(actor: Actor, sessionId: string): Promise<MinutesDocumentInput> {
    const session = await getSession(sessionCtx, actor.negotiationId, sessionId);
    const minutes = await readMinutes(sessionCtx, actor, sessionId);
    if (minutes.status === 'none') throw new AppError('NOT_FOUND', 'Aucun relevé de décisions pour cette séance.');
    const negotiation = await negotiationModel(connection).findById(actor.negotiationId, { title: 1 }).lean();
    return {
      negotiationTitle: negotiation?.title ?? '',
      sessionTitle: session.title,
      sessionLine: `Séance du ${frenchLongDate(session.startsAt)} à ${frenchTime(session.startsAt)}`,
      statusLine:
        minutes.status === 'approved' && minutes.approvedAt
          ? `Approuvé le ${frenchLongDate(minutes.approvedAt)} par ${minutes.approvedBy ?? 'le secrétariat'}`
          : 'Projet – non approuvé',
      approved: minutes.status === 'approved',
      text: minutes.text,
      blocks: minutesLayout(minutes.doc),
      at: new Date(minutes.approvedAt ?? session.closedAt ?? session.startsAt),
    };
  }

  const download = requireActor('export:download');
  ctx.api.get(`${base}/:sessionId/minutes.pdf`, download, async (req, res) => {
    const input = await minutesDocument(actorOf(res), String(req.params.sessionId));
    attachment(res, 'application/pdf', `releve-de-decisions-${input.at.toISOString().slice(0, 10)}.pdf`, await renderMinutesPdf(input));
  });
  ctx.api.get(`${base}/:sessionId/minutes.docx`, download, async (req, res) => {
    const input = await minutesDocument(actorOf(res), String(req.params.sessionId));
    attachment(
      res,
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      `releve-de-decisions-${input.at.toISOString().slice(0, 10)}.docx`,
      await renderMinutesDocx(input),
    );
  });
};
