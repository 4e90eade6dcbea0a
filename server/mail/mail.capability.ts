import path from 'node:path';
import type { AppContext, Capability } from '../app.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { MailDelivery } from './delivery.ts';
import { MailFeed } from './event-mail.ts';
import { OppositionReminders } from './opposition-reminders.ts';
import { outboxModel } from './outbox.model.ts';
import { fileTransport, smtpTransport } from './transport.ts';
import type { OutboxAnswer } from '../../shared/schemas/answers.ts';

/** The folder the messages are written to when no SMTP server is configured. */
export function outboxDir(dataDir: string): string {
  return path.resolve(dataDir, 'outbox');
}

const deliveries = new WeakMap<AppContext['db']['connection'], MailDelivery>();
const feeds = new WeakMap<AppContext['db']['connection'], MailFeed>();
const reminders = new WeakMap<AppContext['db']['connection'], OppositionReminders>();

/** The app's mail feed from events (tests wait on it). */
export function mailFeedOf(ctx: Pick<AppContext, 'db'>): MailFeed | undefined {
  return feeds.get(ctx.db.connection);
}

/** The app's opposition-deadline reminders (tests sweep them on a chosen day). */
export function oppositionRemindersOf(ctx: Pick<AppContext, 'db'>): OppositionReminders | undefined {
  return reminders.get(ctx.db.connection);
}

/** The app's mail delivery (tests wait on it; the outbox page says where mail goes). */
export function mailDeliveryOf(ctx: Pick<AppContext, 'db'>): MailDelivery | undefined {
  return deliveries.get(ctx.db.connection);
}

/**
 * The absolute address of a page of the workspace, for links in mails: PUBLIC_URL when set,
 * otherwise this server on localhost (the embedded demo).
 */
export function publicLink(ctx: Pick<AppContext, 'config' | 'httpServer'>, pathname: string): string {
  if (ctx.config.PUBLIC_URL) return new URL(pathname, ctx.config.PUBLIC_URL).toString();
  const address = ctx.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : ctx.config.PORT;
  return `http://localhost:${port}${pathname}`;
}

/**
 * Mail: the outbox (written by the use cases with what causes each message) and its
 * delivery, to SMTP_URL or, without it, as .eml files under DATA_DIR/outbox/.
 */
export const registerMail: Capability = async (ctx) => {
  const { connection } = ctx.db;
  await outboxModel(connection).createIndexes();
  const transport = ctx.config.SMTP_URL ? smtpTransport(ctx.config.SMTP_URL) : fileTransport(outboxDir(ctx.config.DATA_DIR));
  const logger = ctx.logger.child({ capability: 'mail' });
  const delivery = new MailDelivery(connection, transport, logger, { from: ctx.config.MAIL_FROM });
  deliveries.set(connection, delivery);
  // What was written before a stop is sent now.
  delivery.wake();
  ctx.onClose(() => delivery.close());
  logger.info({ transport: transport.kind }, 'mail delivery started');
  // The mail that events cause (convocations, campaign, notifications, acts in an organisation's name).
  const feed = new MailFeed({ connection, events: ctx.events, link: (pathname) => publicLink(ctx, pathname), logger });
  await feed.start();
  feeds.set(connection, feed);
  ctx.onClose(() => feed.stop());
  // Reminders before each organisation's opposition deadline, looked for every hour.
  const reminder = new OppositionReminders({ connection, events: ctx.events, link: (pathname) => publicLink(ctx, pathname), logger, clock: ctx.clock });
  reminder.start();
  reminders.set(connection, reminder);
  ctx.onClose(() => reminder.stop());

  // The secretariat sees what the workspace mailed for its negotiation and what failed: who,
  // what, when, how many attempts, the last error. Never a message's body (links are the
  // person's own).
  ctx.api.get('/negotiations/:negotiationId/outbox', requireActor('members:oversee'), async (_req, res) => {
    const actor = res.locals.actor as Actor;
    const messages = await outboxModel(connection)
      .find({ negotiationId: actor.negotiationId }, { text: 0, html: 0, ics: 0 })
      .sort({ createdAt: -1 })
      .limit(500)
      .lean();
    res.setHeader('Cache-Control', 'no-store');
    const answer: OutboxAnswer = {
      transport: transport.kind,
      messages: messages.map((m) => ({
        id: String(m._id),
        kind: m.kind,
        to: m.to,
        subject: m.subject,
        state: m.state,
        attempts: m.attempts,
        lastError: m.lastError ?? null,
        createdAt: m.createdAt.toISOString(),
        sentAt: m.sentAt?.toISOString() ?? null,
        nextAttemptAt: m.state === 'pending' ? m.nextAttemptAt.toISOString() : null,
      })),
    };
    res.json(answer);
  });
};
