import { Schema, type Connection, type Model } from 'mongoose';
import type { NegotiationEvent } from '../../shared/events.ts';
import { renderCalendar } from '../../shared/sessions/ics.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Logger } from '../logger.ts';
import { membershipModel } from '../negotiations/membership.model.ts';
import { organisationContacts } from '../negotiations/members.service.ts';
import { negotiationModel } from '../negotiations/negotiation.model.ts';
import { organisationModel } from '../negotiations/organisation.model.ts';
import { userModel } from '../auth/user.model.ts';
import { ORGANIZER, sessionEvent, sessionUid } from '../sessions/calendar.ts';
import { loadSession } from '../sessions/session.store.ts';
import { enqueueMail, type MailDraft } from './outbox.ts';
import { actedInYourNameMail, campaignOpenedMail, convocationMail, notificationMail, sessionCancelledMail } from './templates.ts';

/** How far back an event is still news: a restored or seeded history is not mailed again. */
const NEWS_MS = 2 * 24 * 60 * 60 * 1000;

const checkpointSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { versionKey: false, collection: 'mail_checkpoints' });
function checkpointModel(connection: Connection): Model<{ _id: string; seq: number }> {
  return (connection.models.MailCheckpoint as Model<{ _id: string; seq: number }>) ?? connection.model('MailCheckpoint', checkpointSchema);
}

interface Recipient {
  email: string;
}

/**
 * The mail that events cause, written to the outbox from the negotiation's log: a
 * convocation (with its .ics, METHOD:REQUEST) to every member and its cancellation
 * (METHOD:CANCEL), the opening of a campaign,
 * each organisation's notification, and « quelqu’un a signé / formé opposition au nom de
 * votre organisation » to every signatory and lead of that organisation.
 *
 * It follows the log from a checkpoint per negotiation, woken by each record: a message id
 * is derived from the event and the recipient, so reading an event twice writes its mail
 * once, and events recorded while the process was down are mailed when it is back.
 */
export class MailFeed {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly unsubscribe: () => void;

  private readonly connection: Connection;
  private readonly events: EventLog;
  private readonly link: (pathname: string) => string;
  private readonly logger: Logger;

  constructor(deps: { connection: Connection; events: EventLog; link: (pathname: string) => string; logger: Logger }) {
    this.connection = deps.connection;
    this.events = deps.events;
    this.link = deps.link;
    this.logger = deps.logger;
    this.unsubscribe = this.events.onRecorded((negotiationId, recorded) => this.wake(negotiationId, recorded[0]?.seq));
  }

  /** Negotiations that have no checkpoint yet start from their head: their past is not news. */
  async start(): Promise<void> {
    await checkpointModel(this.connection).createIndexes();
    const negotiations = await negotiationModel(this.connection).find({}, { _id: 1 }).lean();
    for (const { _id } of negotiations) {
      const id = String(_id);
      const head = (await this.events.since(id, 0)).at(-1)?.seq ?? 0;
      await checkpointModel(this.connection).updateOne({ _id: id }, { $setOnInsert: { seq: head } }, { upsert: true });
      this.wake(id);
    }
  }

  stop(): void {
    this.unsubscribe();
  }

  /** Resolves once every negotiation's mail is written (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  private wake(negotiationId: string, firstSeq?: number): void {
    if (this.running.has(negotiationId)) {
      this.again.add(negotiationId);
      return;
    }
    const run = this.process(negotiationId, firstSeq)
      .catch((err: unknown) => this.logger.error({ err, negotiationId }, 'mail from events failed'))
      .finally(() => {
        this.running.delete(negotiationId);
        if (this.again.delete(negotiationId)) this.wake(negotiationId);
      });
    this.running.set(negotiationId, run);
  }

  private async process(negotiationId: string, firstSeq?: number): Promise<void> {
    const checkpoints = checkpointModel(this.connection);
    // A negotiation met for the first time starts at the events that woke us.
    if (firstSeq !== undefined) await checkpoints.updateOne({ _id: negotiationId }, { $setOnInsert: { seq: firstSeq - 1 } }, { upsert: true });
    let from = (await checkpoints.findById(negotiationId).lean())?.seq ?? 0;
    for (;;) {
      const page = await this.events.since(negotiationId, from, 200);
      if (page.length === 0) return;
      const drafts: MailDraft[] = [];
      // Read once a page, and only when an event of it mails: most events (positions, votes, edits) mail nobody.
      let title: Promise<string> | undefined;
      const titleOf = () => (title ??= negotiationModel(this.connection).findById(negotiationId, { title: 1 }).lean().then((n) => n?.title ?? ''));
      for (const event of page) {
        if (Date.now() - new Date(event.at).getTime() > NEWS_MS) continue;
        drafts.push(...(await this.mailsOf(event, titleOf)));
      }
      await enqueueMail(this.connection, drafts);
      from = page.at(-1)!.seq;
      await checkpoints.updateOne({ _id: negotiationId }, { $max: { seq: from } }, { upsert: true });
    }
  }

  private draft(event: NegotiationEvent, kind: string, to: Recipient[], content: MailDraft['content'], ics?: MailDraft['ics']): MailDraft[] {
    return [...new Set(to.map((r) => r.email))].map((email) => ({
      id: `event:${event.negotiationId}:${event.seq}:${email}`,
      kind,
      negotiationId: event.negotiationId,
      to: email,
      content,
      ics,
    }));
  }

  private async mailsOf(event: NegotiationEvent, titleOf: () => Promise<string>): Promise<MailDraft[]> {
    const negotiationId = event.negotiationId;
    const signaturePage = this.link(`/negotiations/${negotiationId}/signature`);
    switch (event.type) {
      case 'session:convened': {
        const title = await titleOf();
        const session = event.payload;
        const url = this.link(`/negotiations/${negotiationId}/sessions/${session.sessionId}`);
        const ics = renderCalendar({
          name: `${session.title} – ${title}`,
          method: 'REQUEST',
          now: event.at,
          events: [
            {
              uid: sessionUid(session.sessionId),
              start: session.startsAt,
              end: session.endsAt,
              summary: `${session.title} – ${title}`,
              location: session.place ?? (session.videoLink ? 'Visioconférence' : undefined),
              url: session.videoLink ?? undefined,
              status: 'CONFIRMED',
              sequence: 0,
              organizer: ORGANIZER,
            },
          ],
        });
        const agenda = session.agenda.map((item) => ('title' in item && typeof item.title === 'string' ? item.title : item.kind));
        const content = convocationMail({ negotiation: title, title: session.title, startsAt: new Date(session.startsAt), place: session.place, videoLink: session.videoLink, agenda, url });
        return this.draft(event, 'convocation', await this.members(negotiationId), content, { method: 'REQUEST', content: ics });
      }
      case 'session:cancelled': {
        const title = await titleOf();
        // The same UID as the convocation, a later SEQUENCE, METHOD:CANCEL: calendars remove it.
        const session = await loadSession(this.connection, negotiationId, event.payload.sessionId);
        const ics = renderCalendar({
          name: `${session.title} – ${title}`,
          method: 'CANCEL',
          now: event.at,
          events: [{ ...sessionEvent(session, title), organizer: ORGANIZER }],
        });
        const url = this.link(`/negotiations/${negotiationId}/sessions`);
        const content = sessionCancelledMail({ negotiation: title, title: session.title, startsAt: new Date(session.startsAt), reason: event.payload.reason, url });
        return this.draft(event, 'session-cancelled', await this.members(negotiationId), content, { method: 'CANCEL', content: ics });
      }
      case 'signature:opened': {
        const title = await titleOf();
        const opened = event.payload;
        const content = campaignOpenedMail({ negotiation: title, version: opened.version.name, hash: opened.version.hash, deadline: opened.signatureDeadline, url: signaturePage });
        return this.draft(event, 'campaign-opened', await this.members(negotiationId), content);
      }
      case 'agreement:notified': {
        const title = await titleOf();
        const notified = event.payload;
        const org = await organisationModel(this.connection).findById(notified.org, { shortName: 1 }).lean();
        const to = await organisationContacts(this.connection, negotiationId, notified.org, ['lead', 'signatory']);
        return this.draft(event, 'agreement-notified', to, notificationMail({ negotiation: title, organisation: org?.shortName ?? '', at: notified.at, url: signaturePage }));
      }
      case 'signature:signed':
      case 'opposition:filed': {
        const title = await titleOf();
        const act = event.type === 'signature:signed' ? 'sign' : 'oppose';
        const payload = event.payload;
        const person = 'signatory' in payload ? payload.signatory.name : payload.filedBy.name;
        const hash = 'versionHash' in payload ? payload.versionHash : '';
        const org = await organisationModel(this.connection).findById(payload.org, { shortName: 1 }).lean();
        const to = await organisationContacts(this.connection, negotiationId, payload.org, ['lead', 'signatory']);
        const content = actedInYourNameMail({ act, person, organisation: org?.shortName ?? '', negotiation: title, at: new Date(event.at), hash, url: signaturePage });
        return this.draft(event, act === 'sign' ? 'signed-in-your-name' : 'opposed-in-your-name', to, content);
      }
      default:
        return [];
    }
  }

  /** Everyone at the table (active, not suspended). */
  private async members(negotiationId: string): Promise<Recipient[]> {
    const memberships = await membershipModel(this.connection).find({ negotiationId, revokedAt: null, suspension: null }, { userId: 1 }).lean();
    return userModel(this.connection)
      .find({ _id: { $in: memberships.map((m) => m.userId) } }, { email: 1 })
      .lean();
  }
}
