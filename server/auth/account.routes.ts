import type { Connection } from 'mongoose';
import { ChangeEmailBodySchema, ChangePasswordBodySchema, type AuthUser } from '../../shared/identity.ts';
import type { AppContext } from '../app.ts';
import { requireUser } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { changeOwnEmail, changeOwnPassword } from './account.service.ts';
import { clientAddress } from './client-address.ts';
import { sessionIdOf } from './session.service.ts';
import { confirmPassword } from './step-up.ts';

/**
 * The person's own account (server/auth/account.service.ts): parse, have the current password
 * typed again (throttled with every password of the account), change, reply.
 */
export function registerAccountRoutes(ctx: AppContext, connection: Connection): void {
  ctx.api.post('/me/password', requireUser, async (req, res) => {
    const parsed = ChangePasswordBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Le nouveau mot de passe doit compter au moins 12 caractères.');
    const user = res.locals.user as AuthUser;
    await confirmPassword(connection, user, parsed.data.currentPassword, clientAddress(req), 'Mot de passe actuel incorrect : rien n’a été changé.');
    await changeOwnPassword({ connection, user, keep: sessionIdOf(req.headers.cookie), now: ctx.clock.now() }, parsed.data.newPassword);
    ctx.logger.info({ userId: user.id }, 'password changed by its owner');
    res.status(204).end();
  });

  ctx.api.post('/me/email', requireUser, async (req, res) => {
    const parsed = ChangeEmailBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Indiquez votre mot de passe et une adresse e-mail valide.');
    const user = res.locals.user as AuthUser;
    await confirmPassword(connection, user, parsed.data.password, clientAddress(req), 'Mot de passe incorrect : rien n’a été changé.');
    await changeOwnEmail({ connection, user, keep: sessionIdOf(req.headers.cookie), now: ctx.clock.now() }, parsed.data.email);
    ctx.logger.info({ userId: user.id }, 'email changed by its owner');
    res.status(204).end();
  });
}
