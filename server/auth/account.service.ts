import type { Connection } from 'mongoose';
import type { AuthUser } from '../../shared/identity.ts';
import { AppError } from '../common/app-error.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { accountChangedMail } from '../mail/templates.ts';
import { liveAccessOf } from './live-access.ts';
import { hashPassword } from './password.ts';
import { sessionModel } from './session.model.ts';
import { userModel } from './user.model.ts';

/**
 * The person's own account: a new password, a new email. The caller has had the current
 * password typed again (step-up); each change ends every other session of the person — HTTP,
 * Socket.IO and Yjs at once — and is mailed to them (to the old address too for a new email),
 * so that a change they did not make does not go unnoticed.
 */
export interface AccountChange {
  connection: Connection;
  user: AuthUser;
  /** The session the change was made from: the only one kept. */
  keep: string | null;
  now: Date;
}

async function endOtherSessions({ connection, user, keep }: AccountChange): Promise<void> {
  await sessionModel(connection).deleteMany({ userId: user.id, _id: { $ne: keep } });
  liveAccessOf(connection)?.ended({ kind: 'sessions-ended', userId: user.id, except: keep });
}

export async function changeOwnPassword(change: AccountChange, newPassword: string): Promise<void> {
  const { connection, user, now } = change;
  await userModel(connection).updateOne({ _id: user.id }, { $set: { passwordHash: await hashPassword(newPassword), passwordChangedAt: now } });
  await endOtherSessions(change);
  const content = accountChangedMail({ name: user.name, what: 'password', at: now });
  await enqueueMail(connection, [{ id: `password-changed:${user.id}:${now.getTime()}`, kind: 'password-changed', negotiationId: null, to: user.email, content }], now);
}

export async function changeOwnEmail(change: AccountChange, email: string): Promise<void> {
  const { connection, user, now } = change;
  if (email === user.email) throw new AppError('CONFLICT', 'C’est déjà votre adresse.');
  if (await userModel(connection).exists({ email })) throw new AppError('CONFLICT', 'Cette adresse est déjà celle d’un autre compte.');
  await userModel(connection).updateOne({ _id: user.id }, { $set: { email } });
  await endOtherSessions(change);
  const content = accountChangedMail({ name: user.name, what: 'email', newEmail: email, at: now });
  await enqueueMail(
    connection,
    [user.email, email].map((to) => ({ id: `email-changed:${user.id}:${now.getTime()}:${to}`, kind: 'email-changed', negotiationId: null, to, content })),
    now,
  );
}
