import type { Connection } from 'mongoose';
import { AcceptInvitationBodySchema } from '../../shared/identity.ts';
import type { AppContext } from '../app.ts';
import { AppError } from '../common/app-error.ts';
import { useLink, viewLink } from './invitation.service.ts';
import { clientAddress } from './client-address.ts';
import { liveAccessOf } from './live-access.ts';
import { destroySession, hashToken, readSessionToken, sessionCookie } from './session.service.ts';
import { throttlesOf } from './step-up.ts';

/** The invitee's side of a one-time link (the secretariat's side is in negotiations/members). */
export function registerInvitationRoutes(ctx: AppContext, connection: Connection): void {
  ctx.api.get('/invitations/:token', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await viewLink(connection, String(req.params.token), ctx.clock.now()));
  });

  ctx.api.post('/invitations/:token/accept', async (req, res) => {
    const parsed = AcceptInvitationBodySchema.safeParse(req.body);
    if (!parsed.success) {
      throw new AppError('BAD_REQUEST', 'Le mot de passe doit compter au moins 12 caractères.');
    }
    const used = await useLink(connection, ctx.events, String(req.params.token), parsed.data, { throttle: throttlesOf(connection).password, address: clientAddress(req) }, ctx.clock.now());
    if (used.passwordChanged) liveAccessOf(connection)?.ended({ kind: 'sessions-ended', userId: used.user.id, except: hashToken(used.token) });
    // The browser may hold someone else's session (the secretariat trying the link): it ends here.
    const previous = readSessionToken(req.headers.cookie);
    if (previous) {
      await destroySession(connection, previous);
      liveAccessOf(connection)?.ended({ kind: 'session-ended', sessionId: hashToken(previous) });
    }
    res.setHeader('Set-Cookie', sessionCookie(used.token, req.secure));
    ctx.logger.info({ userId: used.user.id, negotiationId: used.negotiationId }, 'one-time link used');
    res.json({ user: used.user, negotiationId: used.negotiationId });
  });
}
