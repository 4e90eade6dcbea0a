import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const MAIL_STATES = ['pending', 'sent', 'failed'] as const;
export type MailState = (typeof MAIL_STATES)[number];

/**
 * A message waiting to go, or gone. Written with the event or the act that causes it, under
 * an id derived from that cause, so that writing it twice stores it once; delivered
 * afterwards by `MailDelivery`, which claims it under a lease (one sender at a time, whichever
 * process it runs in), retries with backoff and records every failure.
 *
 * A message carrying a one-time link (`secret`) keeps its body only until it is delivered:
 * the link then lives in the person's mailbox, never in the database in clear.
 */
const outboxSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    negotiationId: { type: String, default: null },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, default: null },
    html: { type: String, default: null },
    /** A calendar invitation (`METHOD:REQUEST`) or its cancellation (`METHOD:CANCEL`). */
    ics: { type: { method: { type: String, required: true }, content: { type: String, required: true } }, default: null, _id: false },
    secret: { type: Boolean, default: false },
    state: { type: String, enum: MAIL_STATES, required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    /** Until when the sender that claimed it has it; another may take it after. */
    leaseUntil: { type: Date, default: null },
    leaseOwner: { type: String, default: null },
    lastError: { type: String, default: null },
    messageId: { type: String, default: null },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'outbox' },
);
outboxSchema.index({ state: 1, nextAttemptAt: 1 });
outboxSchema.index({ negotiationId: 1, createdAt: -1 });
outboxSchema.index({ to: 1, createdAt: -1 });

export type OutboxDoc = InferSchemaType<typeof outboxSchema>;

export function outboxModel(connection: Connection): Model<OutboxDoc> {
  return (connection.models.Outbox as Model<OutboxDoc>) ?? connection.model<OutboxDoc>('Outbox', outboxSchema);
}
