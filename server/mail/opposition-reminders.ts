import type { Connection } from 'mongoose';
import { bindingActConfirmation } from '../../shared/signature/consequence.ts';
import { parisDate } from '../../shared/sessions/paris-time.ts';
import { daysBetween } from '../../shared/validity/calendar.ts';
import type { Clock } from '../events/clock.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Logger } from '../logger.ts';
import { organisationContacts } from '../negotiations/members.service.ts';
import { negotiationModel } from '../negotiations/negotiation.model.ts';
import { assessCampaign, currentCampaign } from '../signature/campaign.service.ts';
import { enqueueMail, type MailDraft } from './outbox.ts';
import { oppositionReminderMail } from './templates.ts';

/**
 * Days before an organisation's opposition deadline at which its leads and signatories are
 * reminded of it: a working week ahead, and the eve. A sweep that comes late (the server was
 * down) sends only the most urgent reminder due, never a burst of stale ones.
 */
export const REMINDER_DAYS_BEFORE = [5, 1] as const;

/** Looked for this often: the calendar day in Paris turns while the server runs. */
const SWEEP_MS = 60 * 60 * 1000;

/**
 * Opposition-deadline reminders. Each notified, concluded agreement gives every
 * representative union that did not sign its own window (15 days from its own notification,
 * CPC 641–642, as the validity engine counts it); an organisation that may still oppose —
 * its window open, no opposition of its counted yet, the agreement not void — is reminded
 * before the window closes, with what its opposition would do today.
 *
 * A message's id is derived from the campaign, the organisation, its deadline, the reminder
 * and the recipient: sweeps in several processes, or twice in one day, write it once.
 */
export class OppositionReminders {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  private readonly connection: Connection;
  private readonly events: Pick<EventLog, 'record' | 'since' | 'serialize'>;
  private readonly link: (pathname: string) => string;
  private readonly logger: Logger;
  /** Whose day the sweep looks at: the app's clock (deadlines are counted from it, as everywhere). */
  private readonly clock: Clock;

  constructor(deps: { connection: Connection; events: Pick<EventLog, 'record' | 'since' | 'serialize'>; link: (pathname: string) => string; logger: Logger; clock: Clock }) {
    this.connection = deps.connection;
    this.clock = deps.clock;
    this.events = deps.events;
    this.link = deps.link;
    this.logger = deps.logger;
  }

  start(): void {
    const tick = () => {
      void this.sweep().catch((err: unknown) => this.logger.error({ err }, 'opposition reminders failed'));
    };
    tick();
    this.timer = setInterval(tick, SWEEP_MS);
    this.timer.unref();
  }

  /** Stops the hourly sweep and waits for one under way (the database closes next). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Writes the reminders due on `now`'s day in Paris; returns how many messages were drafted. */
  async sweep(now = this.clock.now()): Promise<number> {
    // One sweep at a time in this process; a second caller waits for it, then runs its own.
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.run(now);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private async run(now: Date): Promise<number> {
    const today = parisDate(now);
    // The negotiation's status mirrors its agreement's state: only notified ones have open windows.
    const negotiations = await negotiationModel(this.connection).find({ status: 'notified' }, { _id: 1, title: 1 }).lean();
    let drafted = 0;
    for (const negotiation of negotiations) {
      const negotiationId = String(negotiation._id);
      const drafts = await this.remindersOf(negotiationId, negotiation.title, today);
      // Written now, whatever day was swept (a test sweeps ahead): delivery follows at once.
      await enqueueMail(this.connection, drafts);
      drafted += drafts.length;
    }
    return drafted;
  }

  private async remindersOf(negotiationId: string, title: string, today: string): Promise<MailDraft[]> {
    const campaign = await currentCampaign({ connection: this.connection, events: this.events }, negotiationId);
    if (!campaign || campaign.kind !== 'agreement' || campaign.state !== 'notified') return [];
    const assessment = assessCampaign(campaign, today);
    if (assessment.status !== 'opposition window') return [];
    const opposed = new Set(assessment.oppositions.filter((o) => o.counted).map((o) => o.org));
    const drafts: MailDraft[] = [];
    for (const window of assessment.deadlines ?? []) {
      if (window.state !== 'open' || !window.deadline || !window.notifiedAt || !window.nominalDeadline || opposed.has(window.org)) continue;
      const daysLeft = daysBetween(today, window.deadline);
      // The most urgent reminder due today, if any.
      const due = [...REMINDER_DAYS_BEFORE].sort((a, b) => a - b).find((days) => daysLeft <= days);
      if (due === undefined || daysLeft < 0) continue;
      const party = campaign.parties.find((p) => p.id === window.org);
      if (!party) continue;
      const consequence = bindingActConfirmation(campaign, window.org, 'oppose', today)?.consequence ?? null;
      const content = oppositionReminderMail({
        negotiation: title,
        organisation: party.shortName,
        notifiedAt: window.notifiedAt,
        nominalDeadline: window.nominalDeadline,
        deadline: window.deadline,
        daysLeft,
        consequence,
        url: this.link(`/negotiations/${negotiationId}/signature`),
      });
      const contacts = await organisationContacts(this.connection, negotiationId, window.org, ['lead', 'signatory']);
      for (const email of new Set(contacts.map((c) => c.email))) {
        drafts.push({
          id: `opposition-reminder:${campaign.id}:${window.org}:${window.deadline}:J-${due}:${email}`,
          kind: 'opposition-reminder',
          negotiationId,
          to: email,
          content,
        });
      }
    }
    if (drafts.length > 0) this.logger.debug({ negotiationId, campaign: campaign.id, messages: drafts.length }, 'opposition reminders due');
    return drafts;
  }
}
