import { InviteBodySchema, RolesBodySchema, SuspendBodySchema } from '../../shared/identity.ts';
import type { Capability } from '../app.ts';
import { AppError } from '../common/app-error.ts';
import { assertCanFor, can, requireActor, requireUser, type Actor } from '../access/access.service.ts';
import { articleModel } from './article.model.ts';
import { membershipModel } from './membership.model.ts';
import { negotiationModel } from './negotiation.model.ts';
import { organisationModel } from './organisation.model.ts';
import { describeNegotiation, listMyNegotiations } from './negotiation.service.ts';
import { liveAccessOf } from '../auth/live-access.ts';
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

  const deps: MembersDeps = { connection, events: ctx.events, link: (pathname) => publicLink(ctx, pathname) };
  // A changed mandate is checked again at once on every open connection of that person (server/auth/live-access.ts).
  const mandateChanged = (change: { userId: string }, actor: Actor) =>
    liveAccessOf(connection)?.ended({ kind: 'mandate-changed', userId: change.userId, negotiationId: actor.negotiationId });
  const membersLog = (actor: Actor, what: string, extra: Record<string, unknown>) =>
    ctx.logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, org: actor.org.id, ...extra }, what);

  api.get('/negotiations/:negotiationId/members', requireActor('negotiation:read'), async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await membersView(connection, actorOf(res.locals)));
  });

  // The link goes by mail to the person invited: the answer never carries it.
  api.post('/negotiations/:negotiationId/invitations', requireActor('negotiation:read'), async (req, res) => {
    const parsed = InviteBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Invitation mal formée : e-mail, organisation et rôles.');
    const actor = actorOf(res.locals);
    const sent = await invite(deps, actor, parsed.data);
    membersLog(actor, 'member invited', { invitation: sent.id, organisationId: parsed.data.organisationId, roles: parsed.data.roles });
    res.status(201).json(sent);
  });

  api.delete('/negotiations/:negotiationId/invitations/:invitationId', requireActor('negotiation:read'), async (req, res) => {
    await cancelInvitation(connection, actorOf(res.locals), String(req.params.invitationId));
    res.status(204).end();
  });

  api.patch('/negotiations/:negotiationId/members/:membershipId', requireActor('negotiation:read'), async (req, res) => {
    const parsed = RolesBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Indiquez au moins un rôle.');
    const actor = actorOf(res.locals);
    const changed = await changeRoles(deps, actor, String(req.params.membershipId), parsed.data.roles);
    mandateChanged(changed, actor);
    membersLog(actor, 'roles changed', { membership: changed.membershipId, roles: changed.roles });
    res.status(204).end();
  });

  api.delete('/negotiations/:negotiationId/members/:membershipId', requireActor('delegation:manage'), async (req, res) => {
    const actor = actorOf(res.locals);
    const revoked = await revokeMember(deps, actor, String(req.params.membershipId));
    mandateChanged(revoked, actor);
    membersLog(actor, 'mandate revoked', { membership: revoked.membershipId });
    res.status(204).end();
  });

  // The secretariat suspends a mandate for the committee (a reason, announced to the organisation), and lifts it.
  api.post('/negotiations/:negotiationId/members/:membershipId/suspension', requireActor('members:oversee'), async (req, res) => {
    const parsed = SuspendBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Indiquez le motif de la suspension (5 caractères au moins).');
    const actor = actorOf(res.locals);
    const suspended = await setSuspension(deps, actor, String(req.params.membershipId), parsed.data.reason);
    mandateChanged(suspended, actor);
    ctx.logger.warn({ negotiationId: actor.negotiationId, actor: actor.user.id, membership: suspended.membershipId, reason: suspended.reason }, 'mandate suspended');
    res.status(204).end();
  });

  api.delete('/negotiations/:negotiationId/members/:membershipId/suspension', requireActor('members:oversee'), async (req, res) => {
    const actor = actorOf(res.locals);
    const lifted = await setSuspension(deps, actor, String(req.params.membershipId), null);
    mandateChanged(lifted, actor);
    membersLog(actor, 'mandate suspension lifted', { membership: lifted.membershipId });
    res.status(204).end();
  });

  // The member's own lead asks; the link goes to the member by mail.
  api.post('/negotiations/:negotiationId/members/:membershipId/password-reset', requireActor('delegation:manage'), async (req, res) => {
    const actor = actorOf(res.locals);
    await askPasswordReset(deps, actor, String(req.params.membershipId));
    membersLog(actor, 'password reset asked for a member', { membership: req.params.membershipId });
    res.status(202).json({ sent: true });
  });
};
