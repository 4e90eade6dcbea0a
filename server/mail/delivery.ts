import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Logger } from '../logger.ts';
import { onMailWritten } from './outbox.ts';
import { outboxModel, type OutboxDoc } from './outbox.model.ts';
import type { MailTransport } from './transport.ts';

/** How long a sender keeps a message it claimed before another sender may take it. */
const LEASE_MS = 2 * 60 * 1000;
/** Messages not yet due are looked for again at least this often (other processes write too). */
const POLL_MS = 30_000;

export interface DeliveryOptions {
  from: string;
  /** After this many failed attempts a message is given up (`failed`), for the secretariat to see. */
  maxAttempts?: number;
  /** The wait before attempt n+1 (n ≥ 1): exponential, with jitter, capped. */
  backoffMs?: (attempts: number) => number;
}

/** 2 s, 4 s, 8 s … capped at one hour, ±20 %: twelve attempts span about a day and a half. */
export function defaultBackoff(attempts: number): number {
  const base = Math.min(2_000 * 2 ** (attempts - 1), 60 * 60 * 1000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Sends what the outbox holds. Each message is claimed under a lease before it is sent
 * (an atomic find-and-modify: two senders, in this process or another, never both take it),
 * then marked sent, or put back with its error and the time of its next attempt. A message
 * that failed `maxAttempts` times stays in the outbox as `failed`, error included.
 *
 * Sending happens here only, never in the command that wrote the message: a mail server
 * that is down delays mail, it never fails or slows a command, and loses nothing.
 */
export class MailDelivery {
  private readonly owner = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly unsubscribe: () => void;

  private readonly connection: Connection;
  private readonly transport: MailTransport;
  private readonly logger: Logger;
  private readonly options: Required<DeliveryOptions>;

  constructor(connection: Connection, transport: MailTransport, logger: Logger, options: DeliveryOptions) {
    this.connection = connection;
    this.transport = transport;
    this.logger = logger;
    this.options = { maxAttempts: 12, backoffMs: defaultBackoff, ...options };
    this.unsubscribe = onMailWritten(connection, () => this.wake());
  }

  get transportKind(): MailTransport['kind'] {
    return this.transport.kind;
  }

  /** Looks for due messages now (and again after the current round if one is running). */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((err: unknown) => this.logger.error({ err }, 'mail delivery round failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Resolves once no round is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private get model() {
    return outboxModel(this.connection);
  }

  private async round(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const now = new Date();
      const claimed = await this.model
        .findOneAndUpdate(
          { state: 'pending', nextAttemptAt: { $lte: now }, $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }] },
          { $set: { leaseUntil: new Date(now.getTime() + LEASE_MS), leaseOwner: this.owner } },
          { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
        )
        .lean();
      if (!claimed) break;
      await this.deliver(claimed);
    }
    this.schedule();
  }

  private async deliver(message: OutboxDoc): Promise<void> {
    const attempts = message.attempts + 1;
    try {
      const { messageId } = await this.transport.send({
        from: this.options.from,
        to: message.to,
        subject: message.subject,
        text: message.text ?? '',
        html: message.html ?? '',
        ics: (message.ics as { method: 'REQUEST' | 'CANCEL'; content: string } | null) ?? null,
      });
      await this.model.updateOne(
        { _id: message._id },
        {
          $set: {
            state: 'sent',
            attempts,
            sentAt: new Date(),
            messageId,
            leaseUntil: null,
            lastError: null,
            // The link is in the person's mailbox now; the database keeps no copy of it.
            ...(message.secret ? { text: null, html: null } : {}),
          },
        },
      );
      this.logger.info({ mail: message._id, kind: message.kind, attempts }, 'mail sent');
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const gaveUp = attempts >= this.options.maxAttempts;
      const next = new Date(Date.now() + this.options.backoffMs(attempts));
      await this.model.updateOne(
        { _id: message._id },
        { $set: { state: gaveUp ? 'failed' : 'pending', attempts, nextAttemptAt: next, leaseUntil: null, lastError: error.slice(0, 500) } },
      );
      this.logger.warn({ mail: message._id, kind: message.kind, attempts, gaveUp, err: error }, 'mail not delivered');
    }
  }

  /** The next round: when the earliest pending message is due, and at least every POLL_MS. */
  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    void this.model
      .findOne({ state: 'pending' }, { nextAttemptAt: 1, leaseUntil: 1 })
      .sort({ nextAttemptAt: 1 })
      .lean()
      .then((next) => {
        if (this.closed) return;
        const due = next ? Math.max(next.nextAttemptAt.getTime(), next.leaseUntil?.getTime() ?? 0) : Infinity;
        const wait = Math.max(0, Math.min(due - Date.now(), POLL_MS));
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => this.wake(), wait);
        this.timer.unref();
      })
      .catch((err: unknown) => this.logger.error({ err }, 'mail delivery could not schedule'));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    await this.idle();
    this.transport.close();
  }
}
