import type { Request } from 'express';
import { ForgotPasswordBodySchema, LoginBodySchema } from '../../shared/identity.ts';
import type { Capability } from '../app.ts';
import { AppError } from '../common/app-error.ts';
import { enableAccessCache } from '../access/access-cache.ts';
import { clusterWriteFeed } from '../cluster/cluster-access.ts';
import { bindAccessConnection, checkOrigin, requireUser, socketAuthMiddleware } from '../access/access.service.ts';
import { publicLink } from '../mail/mail.capability.ts';
import { askOwnPasswordReset } from '../negotiations/members.service.ts';
import { registerAccountRoutes } from './account.routes.ts';
import { describeMe, signIn } from './auth.service.ts';
import { clientAddress } from './client-address.ts';
import { registerInvitationRoutes } from './invitation.routes.ts';
import { invitationModel } from './invitation.model.ts';
import { createLiveAccess } from './live-access.ts';
import { sessionModel } from './session.model.ts';
import { clearedSessionCookie, destroySession, hashToken, readSessionToken, sessionCookie } from './session.service.ts';
import { createThrottles } from './step-up.ts';
import { Throttle } from './throttle.ts';
import { userModel } from './user.model.ts';

/** Secure cookies when the request came over HTTPS (directly or through a trusted proxy). */
export function isHttps(req: Request): boolean {
  return req.secure;
}

/**
 * Sign-in, sign-out, who am I, « mot de passe oublié », one-time links; and the gates every
 * later capability relies on: the CSRF origin check on the API, the Socket.IO handshake, the
 * throttles, and the registry that closes a person's connections when their access ends.
 */
export const registerAuth: Capability = async (ctx) => {
  const { connection } = ctx.db;
  await Promise.all([userModel, sessionModel, invitationModel].map((model) => model(connection).createIndexes()));
  await Throttle.createIndexes(connection);
  bindAccessConnection(ctx.app, connection);
  // Exact where the database reports its writes (the embedded engine); with several
  // processes on a MongoDB, fed by their writes over Redis; absent with a lone MongoDB.
  const clusterFeed = !ctx.db.watch && ctx.cluster ? clusterWriteFeed(connection, ctx.cluster) : null;
  ctx.onClose(
    clusterFeed ? enableAccessCache(connection, clusterFeed.watch, undefined, clusterFeed.usable) : enableAccessCache(connection, ctx.db.watch, ctx.db.catchUp),
  );
  ctx.api.use(checkOrigin);
  ctx.io.use(socketAuthMiddleware(connection));
  const throttles = createThrottles(connection);
  const live = createLiveAccess(connection, ctx.logger.child({ capability: 'live-access' }));
  ctx.onClose(() => live.stop());

  ctx.api.post('/auth/login', async (req, res) => {
    const parsed = LoginBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Indiquez une adresse e-mail et un mot de passe.');
    const signedIn = await signIn(connection, throttles.password, parsed.data, clientAddress(req));
    // Rotation: whatever session this browser had is ended, the new one replaces it.
    const previous = readSessionToken(req.headers.cookie);
    if (previous) {
      await destroySession(connection, previous);
      live.ended({ kind: 'session-ended', sessionId: hashToken(previous) });
    }
    res.setHeader('Set-Cookie', sessionCookie(signedIn.token, isHttps(req)));
    ctx.logger.info({ userId: signedIn.user.id }, 'signed in');
    res.json({ user: signedIn.user });
  });

  ctx.api.post('/auth/logout', async (req, res) => {
    const token = readSessionToken(req.headers.cookie);
    if (token) {
      await destroySession(connection, token);
      // The tabs and editors opened with this session stop now, not at their next message.
      live.ended({ kind: 'session-ended', sessionId: hashToken(token) });
    }
    res.setHeader('Set-Cookie', clearedSessionCookie(isHttps(req)));
    res.status(204).end();
  });

  // « Mot de passe oublié »: the link goes to the account's own address. The answer is the
  // same whether the address has an account or not, so nobody learns who has one.
  ctx.api.post('/auth/password-reset', async (req, res) => {
    const parsed = ForgotPasswordBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Indiquez une adresse e-mail valide.');
    const { email } = parsed.data;
    await throttles.reset.consume(email, clientAddress(req), 'Trop de demandes de réinitialisation. Réessayez plus tard.');
    const userId = await askOwnPasswordReset({ connection, events: ctx.events, clock: ctx.clock, link: (pathname) => publicLink(ctx, pathname) }, email);
    if (userId) ctx.logger.info({ userId }, 'password reset asked by the person');
    res.status(202).json({ sent: true });
  });

  ctx.api.get('/me', requireUser, async (_req, res) => {
    res.json(await describeMe(connection, res.locals.user));
  });

  registerInvitationRoutes(ctx, connection);
  registerAccountRoutes(ctx, connection);
};
