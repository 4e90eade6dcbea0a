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

/** Events handed over and not yet mailed, per negotiation, beyond which the feed reads the log instead. */
const HANDED_MAX = 5_000;
/** How often the checkpoint is written while the events mail nobody. */
const CHECKPOINT_EVERY_MS = 1_000;

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
  /**
   * The events this app recorded and handed over since the last page, per negotiation: a page
   * that continues the checkpoint with them is not read back from the log (at a thousand
   * commands a second, reading every event again through the driver was a tenth of the
   * server's time). The other processes' events are handed over too, as they arrive (over
   * Redis). Anything else (a gap, a lost message, a restart) is read.
   */
  private readonly handed = new Map<string, NegotiationEvent[]>();
  /** Negotiations whose hand-over overflowed: their next run reads the log. */
  private readonly behind = new Set<string>();
  /** How far this process has mailed, per negotiation (the stored checkpoint, read once, then kept here). */
  private readonly doneOf = new Map<string, number>();
  /** When the checkpoint was last written, per negotiation: pages that mail nobody write it at most once a second. */
  private readonly writtenAt = new Map<string, number>();
  private readonly checkpointTimers = new Map<string, NodeJS.Timeout>();
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
    this.unsubscribe = this.events.onRecorded((negotiationId, recorded) => {
      const own = recorded.filter((e) => e.negotiationId === negotiationId);
      const list = this.handed.get(negotiationId);
      if (list && list.length + own.length > HANDED_MAX) {
        // Too far behind: the next run reads the log instead.
        this.handed.delete(negotiationId);
        this.behind.add(negotiationId);
      }
      else if (list) {
        // Another process's events may arrive after this one's that follow them: kept in order.
        const inOrder = list.length === 0 || own.length === 0 || list[list.length - 1].seq < own[0].seq;
        list.push(...own);
        if (!inOrder) list.sort((a, b) => a.seq - b.seq);
      } else this.handed.set(negotiationId, own);
      this.wake(negotiationId, recorded[0]?.seq);
    });
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
    for (const timer of this.checkpointTimers.values()) clearTimeout(timer);
    this.checkpointTimers.clear();
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
    let from: number;
    const done = this.doneOf.get(negotiationId);
    if (done !== undefined) from = done;
    else {
      // A negotiation met for the first time starts at the events that woke us.
      if (firstSeq !== undefined) await checkpoints.updateOne({ _id: negotiationId }, { $setOnInsert: { seq: firstSeq - 1 } }, { upsert: true });
      from = (await checkpoints.findById(negotiationId).lean())?.seq ?? 0;
      this.doneOf.set(negotiationId, Math.max(from, this.doneOf.get(negotiationId) ?? 0));
      this.writtenAt.set(negotiationId, Date.now());
    }
    // Once this process follows the hand-over, a run ends when what was handed over is mailed,
    // without reading the log: what may follow is another process's (its own feed has it; here,
    // the gap it leaves before this process's next event is read then).
    let following = done !== undefined && !this.behind.delete(negotiationId);
    for (;;) {
      if (following && !this.handed.get(negotiationId)?.length) return;
      const handed = this.handedPage(negotiationId, from);
      following ||= handed !== null;
      const page: NegotiationEvent[] = handed ?? (await this.events.since(negotiationId, from, 200));
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
      await this.writeCheckpoint(negotiationId, from, drafts.length > 0);
    }
  }

  /**
   * The handed events that follow `after` without a gap (taken from the hand-over), or null
   * when they do not continue it: then the page is read from the log.
   */
  private handedPage(negotiationId: string, after: number): NegotiationEvent[] | null {
    const list = this.handed.get(negotiationId);
    if (!list || list.length === 0) return null;
    const start = list.findIndex((e) => e.seq > after);
    if (start === -1) {
      this.handed.delete(negotiationId);
      return null;
    }
    const page: NegotiationEvent[] = [];
    let next = after + 1;
    for (let i = start; i < list.length && page.length < 200; i++) {
      if (list[i].seq < next) continue;
      if (list[i].seq !== next) break;
      page.push(list[i]);
      next++;
    }
    if (page.length === 0) {
      this.handed.delete(negotiationId);
      return null;
    }
    this.handed.set(negotiationId, list.filter((e) => e.seq >= next));
    return page;
  }

  /**
   * Stores how far the negotiation's mail is written. After a page that mailed someone, at
   * once; after pages that mailed nobody, at most once a second: a crash in between reads
   * those events again at the next start and mails nothing twice (a message's id derives
   * from the event and the recipient).
   */
  private async writeCheckpoint(negotiationId: string, seq: number, mailed: boolean): Promise<void> {
    this.doneOf.set(negotiationId, Math.max(seq, this.doneOf.get(negotiationId) ?? 0));
    if (!mailed && Date.now() - (this.writtenAt.get(negotiationId) ?? 0) < CHECKPOINT_EVERY_MS) {
      if (!this.checkpointTimers.has(negotiationId)) {
        const timer = setTimeout(() => {
          this.checkpointTimers.delete(negotiationId);
          this.storeCheckpoint(negotiationId).catch((err: unknown) => this.logger.error({ err, negotiationId }, 'mail checkpoint not stored'));
        }, CHECKPOINT_EVERY_MS);
        timer.unref();
        this.checkpointTimers.set(negotiationId, timer);
      }
      return;
    }
    await this.storeCheckpoint(negotiationId);
  }

  private async storeCheckpoint(negotiationId: string): Promise<void> {
    this.writtenAt.set(negotiationId, Date.now());
    const seq = this.doneOf.get(negotiationId) ?? 0;
    await checkpointModel(this.connection).updateOne({ _id: negotiationId }, { $max: { seq } }, { upsert: true });
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
    // Made only for the events that mail it: the workspace's own link asks the HTTP server for its address.
    const signaturePage = () => this.link(`/negotiations/${negotiationId}/signature`);
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
        const content = campaignOpenedMail({ negotiation: title, version: opened.version.name, hash: opened.version.hash, deadline: opened.signatureDeadline, url: signaturePage() });
        return this.draft(event, 'campaign-opened', await this.members(negotiationId), content);
      }
      case 'agreement:notified': {
        const title = await titleOf();
        const notified = event.payload;
        const org = await organisationModel(this.connection).findById(notified.org, { shortName: 1 }).lean();
        const to = await organisationContacts(this.connection, negotiationId, notified.org, ['lead', 'signatory']);
        return this.draft(event, 'agreement-notified', to, notificationMail({ negotiation: title, organisation: org?.shortName ?? '', at: notified.at, url: signaturePage() }));
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
        const content = actedInYourNameMail({ act, person, organisation: org?.shortName ?? '', negotiation: title, at: new Date(event.at), hash, url: signaturePage() });
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
