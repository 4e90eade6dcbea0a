import type { Capability } from '../app.ts';
import { AppError } from '../common/app-error.ts';
import { assertCanFor, can, requireActor, requireUser, type Actor } from '../access/access.service.ts';
import { articleModel } from './article.model.ts';
import { membershipModel } from './membership.model.ts';
import { negotiationModel } from './negotiation.model.ts';
import { organisationModel } from './organisation.model.ts';
import { describeNegotiation, listMyNegotiations } from './negotiation.service.ts';
import { liveAccessOf } from '../auth/live-access.ts';
import { httpCommand } from '../http/http-command.ts';
import { publicLink } from '../mail/mail.capability.ts';
import {
  askPasswordReset,
  cancelInvitation,
  changeRoles,
  invite,
  listMembers,
  membersView,
  revokeMember,
  setSuspension,
  type MembersDeps,
} from './members.service.ts';

/** Negotiations, their parties and outline, and the secretariat's members screen. */
export const registerNegotiations: Capability = async (ctx) => {
  const { connection } = ctx.db;
  await Promise.all(
    [organisationModel, negotiationModel, membershipModel, articleModel].map((model) => model(connection).createIndexes()),
  );

  const { api } = ctx;
  const actorOf = (locals: Record<string, unknown>) => locals.actor as Actor;

  api.get('/negotiations', requireUser, async (_req, res) => {
    res.json(await listMyNegotiations(connection, res.locals.user));
  });

  api.get('/negotiations/:negotiationId', requireActor('negotiation:read'), async (_req, res) => {
    const detail = await describeNegotiation(connection, actorOf(res.locals));
    if (!detail) throw new AppError('NOT_FOUND', 'Négociation introuvable.');
    res.json(detail);
  });

  // A delegation's own members: its members see them, the secretariat sees every delegation.
  api.get(
    '/negotiations/:negotiationId/organisations/:organisationId/members',
    requireActor('negotiation:read'),
    async (req, res) => {
      const actor = actorOf(res.locals);
      const organisationId = String(req.params.organisationId);
      if (!can(actor, 'members:oversee')) assertCanFor(actor, 'delegation:read', organisationId);
      res.json(await listMembers(connection, actor.negotiationId, organisationId));
    },
  );

  const deps: MembersDeps = { connection, events: ctx.events, clock: ctx.clock, link: (pathname) => publicLink(ctx, pathname) };
  // A changed mandate is checked again at once on every open connection of that person (server/auth/live-access.ts).
  const mandateChanged = (change: { userId: string }, actor: Actor) =>
    liveAccessOf(connection)?.ended({ kind: 'mandate-changed', userId: change.userId, negotiationId: actor.negotiationId });
  const membersLog = (actor: Actor, what: string, extra: Record<string, unknown>) =>
    ctx.logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, org: actor.org.id, ...extra }, what);

  api.get('/negotiations/:negotiationId/members', requireActor('negotiation:read'), async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await membersView(connection, actorOf(res.locals), ctx.clock.now()));
  });

  // The link goes by mail to the person invited: the answer never carries it.
  httpCommand(api, 'member:invite', { invalid: 'Invitation mal formée : e-mail, organisation et rôles.' }, async (actor, input) => {
    const sent = await invite(deps, actor, input);
    membersLog(actor, 'member invited', { invitation: sent.id, organisationId: input.organisationId, roles: input.roles });
    return sent;
  });

  httpCommand(api, 'invitation:cancel', { invalid: 'Requête mal formée.' }, (actor, _input, { invitationId }) => cancelInvitation(deps, actor, invitationId));

  httpCommand(api, 'member:set-roles', { invalid: 'Indiquez au moins un rôle.' }, async (actor, { roles }, { membershipId }) => {
    const changed = await changeRoles(deps, actor, membershipId, roles);
    mandateChanged(changed, actor);
    membersLog(actor, 'roles changed', { membership: changed.membershipId, roles: changed.roles });
  });

  httpCommand(api, 'member:revoke', { invalid: 'Requête mal formée.' }, async (actor, _input, { membershipId }) => {
    const revoked = await revokeMember(deps, actor, membershipId);
    mandateChanged(revoked, actor);
    membersLog(actor, 'mandate revoked', { membership: revoked.membershipId });
  });

  // The secretariat suspends a mandate for the committee (a reason, announced to the organisation), and lifts it.
  httpCommand(api, 'member:suspend', { invalid: 'Indiquez le motif de la suspension (5 caractères au moins).' }, async (actor, { reason }, { membershipId }) => {
    const suspended = await setSuspension(deps, actor, membershipId, reason);
    mandateChanged(suspended, actor);
    ctx.logger.warn({ negotiationId: actor.negotiationId, actor: actor.user.id, membership: suspended.membershipId, reason: suspended.reason }, 'mandate suspended');
  });

  httpCommand(api, 'member:reinstate', { invalid: 'Requête mal formée.' }, async (actor, _input, { membershipId }) => {
    const lifted = await setSuspension(deps, actor, membershipId, null);
    mandateChanged(lifted, actor);
    membersLog(actor, 'mandate suspension lifted', { membership: lifted.membershipId });
  });

  // The member's own lead asks; the link goes to the member by mail.
  httpCommand(api, 'member:password-reset', { invalid: 'Requête mal formée.' }, async (actor, _input, { membershipId }) => {
    await askPasswordReset(deps, actor, membershipId);
    membersLog(actor, 'password reset asked for a member', { membership: membershipId });
    return { sent: true } as const;
  });
};
