import type { Request } from 'express';
import { LoginBodySchema } from '../../shared/identity.ts';
import type { Capability } from '../app.ts';
import { AppError } from '../common/app-error.ts';
import { enableAccessCache } from '../access/access-cache.ts';
import { bindAccessConnection, checkOrigin, requireUser, socketAuthMiddleware } from '../access/access.service.ts';
import { describeMe, RateLimited, signIn } from './auth.service.ts';
import { registerInvitationRoutes } from './invitation.routes.ts';
import { invitationModel } from './invitation.model.ts';
import { loginAttemptModel } from './login-attempt.model.ts';
import { LoginThrottle } from './rate-limit.service.ts';
import { sessionModel } from './session.model.ts';
import { clearedSessionCookie, destroySession, readSessionToken, sessionCookie } from './session.service.ts';
import { userModel } from './user.model.ts';

/** Secure cookies when the request came over HTTPS (directly or through a trusted proxy). */
export function isHttps(req: Request): boolean {
  return req.secure;
}

/**
 * Sign-in, sign-out, who am I, one-time links; and the gates every later capability
 * relies on: the CSRF origin check on the API and the Socket.IO handshake.
 */
export const registerAuth: Capability = async (ctx) => {
  const { connection } = ctx.db;
  await Promise.all(
    [userModel, sessionModel, loginAttemptModel, invitationModel].map((model) => model(connection).createIndexes()),
  );
  bindAccessConnection(ctx.app, connection);
  // Exact where the database reports its writes (the embedded engine); absent otherwise.
  ctx.onClose(enableAccessCache(connection, ctx.db.watch));
  ctx.api.use(checkOrigin);
  ctx.io.use(socketAuthMiddleware(connection));
  const throttle = new LoginThrottle(connection);

  ctx.api.post('/auth/login', async (req, res) => {
    const parsed = LoginBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Indiquez une adresse e-mail et un mot de passe.');
    let signedIn;
    try {
      signedIn = await signIn(connection, throttle, parsed.data, req.ip ?? 'unknown');
    } catch (err) {
      if (err instanceof RateLimited) res.setHeader('Retry-After', String(err.retryAfter));
      throw err;
    }
    // Rotation: whatever session this browser had is ended, the new one replaces it.
    const previous = readSessionToken(req.headers.cookie);
    if (previous) await destroySession(connection, previous);
    res.setHeader('Set-Cookie', sessionCookie(signedIn.token, isHttps(req)));
    ctx.logger.info({ userId: signedIn.user.id }, 'signed in');
    res.json({ user: signedIn.user });
  });

  ctx.api.post('/auth/logout', async (req, res) => {
    const token = readSessionToken(req.headers.cookie);
    if (token) await destroySession(connection, token);
    res.setHeader('Set-Cookie', clearedSessionCookie(isHttps(req)));
    res.status(204).end();
  });

  ctx.api.get('/me', requireUser, async (_req, res) => {
    res.json(await describeMe(connection, res.locals.user));
  });

  registerInvitationRoutes(ctx, connection);
};
