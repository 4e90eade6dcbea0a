import type { Connection } from 'mongoose';
import { renderMail, type MailContent } from './message.ts';
import { outboxModel } from './outbox.model.ts';

/** What a use case hands to the outbox: one message to one person. */
export interface MailDraft {
  /**
   * Derived from what causes the message and who gets it (`invitation:<id>`,
   * `event:<negotiation>:<seq>:<email>`): a draft written twice is stored once.
   */
  id: string;
  kind: string;
  negotiationId: string | null;
  to: string;
  content: MailContent;
  ics?: { method: 'REQUEST' | 'CANCEL'; content: string };
  /** Carries a one-time link: its body is dropped once delivered. */
  secret?: boolean;
}

const DUPLICATE_KEY = 11000;

type Wake = () => void;
const wakers = new WeakMap<Connection, Wake>();

/** The delivery of this connection's outbox registers here, to be woken when mail is written. */
export function onMailWritten(connection: Connection, wake: Wake): () => void {
  wakers.set(connection, wake);
  return () => {
    if (wakers.get(connection) === wake) wakers.delete(connection);
  };
}

/**
 * Writes messages to the outbox. It never sends and never waits for a mail server: the
 * command that causes a message is answered whatever the mail server does; delivery follows.
 */
export async function enqueueMail(connection: Connection, drafts: readonly MailDraft[], now = new Date()): Promise<void> {
  if (drafts.length === 0) return;
  const docs = drafts.map((draft) => {
    const rendered = renderMail(draft.content);
    return {
      _id: draft.id,
      kind: draft.kind,
      negotiationId: draft.negotiationId,
      to: draft.to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      ics: draft.ics ?? null,
      secret: draft.secret ?? false,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      leaseUntil: null,
      lastError: null,
      messageId: null,
      createdAt: now,
      sentAt: null,
    };
  });
  try {
    await outboxModel(connection).insertMany(docs, { ordered: false });
  } catch (err) {
    const e = err as { code?: number; writeErrors?: { code?: number; err?: { code?: number } }[] };
    const onlyDuplicates =
      e.code === DUPLICATE_KEY || (e.writeErrors?.length && e.writeErrors.every((w) => (w.code ?? w.err?.code) === DUPLICATE_KEY));
    if (!onlyDuplicates) throw err;
  }
  wakers.get(connection)?.();
}
