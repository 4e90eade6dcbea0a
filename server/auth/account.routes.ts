import type { Connection } from 'mongoose';
import { ChangeEmailBodySchema, ChangePasswordBodySchema, type AuthUser } from '../../shared/identity.ts';
import type { AppContext } from '../app.ts';
import { requireUser } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { accountChangedMail } from '../mail/templates.ts';
import { clientAddress } from './client-address.ts';
import { liveAccessOf } from './live-access.ts';
import { hashPassword } from './password.ts';
import { sessionModel } from './session.model.ts';
import { sessionIdOf } from './session.service.ts';
import { confirmPassword } from './step-up.ts';
import { userModel } from './user.model.ts';

/**
 * The person's own account: a new password, a new email. Each asks for the current password
 * (throttled with every password of the account), ends every other session of the person —
 * HTTP, Socket.IO and Yjs at once — and is mailed to them (to the old address too for a new
 * email), so that a change they did not make does not go unnoticed.
 */
export function registerAccountRoutes(ctx: AppContext, connection: Connection): void {
  const endOtherSessions = async (user: AuthUser, keep: string | null) => {
    await sessionModel(connection).deleteMany({ userId: user.id, _id: { $ne: keep } });
    liveAccessOf(connection)?.ended({ kind: 'sessions-ended', userId: user.id, except: keep });
  };

  ctx.api.post('/me/password', requireUser, async (req, res) => {
    const parsed = ChangePasswordBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Le nouveau mot de passe doit compter au moins 12 caractères.');
    const user = res.locals.user as AuthUser;
    await confirmPassword(connection, user, parsed.data.currentPassword, clientAddress(req), 'Mot de passe actuel incorrect : rien n’a été changé.');
    const now = ctx.clock.now();
    await userModel(connection).updateOne({ _id: user.id }, { $set: { passwordHash: await hashPassword(parsed.data.newPassword), passwordChangedAt: now } });
    await endOtherSessions(user, sessionIdOf(req.headers.cookie));
    await enqueueMail(connection, [{ id: `password-changed:${user.id}:${now.getTime()}`, kind: 'password-changed', negotiationId: null, to: user.email, content: accountChangedMail({ name: user.name, what: 'password', at: now }) }], now);
    ctx.logger.info({ userId: user.id }, 'password changed by its owner');
    res.status(204).end();
  });

  ctx.api.post('/me/email', requireUser, async (req, res) => {
    const parsed = ChangeEmailBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Indiquez votre mot de passe et une adresse e-mail valide.');
    const user = res.locals.user as AuthUser;
    await confirmPassword(connection, user, parsed.data.password, clientAddress(req), 'Mot de passe incorrect : rien n’a été changé.');
    const email = parsed.data.email;
    if (email === user.email) throw new AppError('CONFLICT', 'C’est déjà votre adresse.');
    if (await userModel(connection).exists({ email })) throw new AppError('CONFLICT', 'Cette adresse est déjà celle d’un autre compte.');
    const now = ctx.clock.now();
    await userModel(connection).updateOne({ _id: user.id }, { $set: { email } });
    await endOtherSessions(user, sessionIdOf(req.headers.cookie));
    const content = accountChangedMail({ name: user.name, what: 'email', newEmail: email, at: now });
    await enqueueMail(
      connection,
      [user.email, email].map((to) => ({ id: `email-changed:${user.id}:${now.getTime()}:${to}`, kind: 'email-changed', negotiationId: null, to, content })),
      now,
    );
    ctx.logger.info({ userId: user.id }, 'email changed by its owner');
    res.status(204).end();
  });
}
