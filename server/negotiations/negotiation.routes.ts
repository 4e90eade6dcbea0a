import { InviteBodySchema, RolesBodySchema } from '../../shared/identity.ts';
import type { Capability } from '../app.ts';
import { AppError } from '../common/app-error.ts';
import { assertCanFor, can, requireActor, requireUser, type Actor } from '../access/access.service.ts';
import { articleModel } from './article.model.ts';
import { membershipModel } from './membership.model.ts';
import { negotiationModel } from './negotiation.model.ts';
import { organisationModel } from './organisation.model.ts';
import { describeNegotiation, listMyNegotiations } from './negotiation.service.ts';
import {
  cancelInvitation,
  changeRoles,
  invite,
  issuePasswordReset,
  listMembers,
  membersView,
  revokeMember,
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
      if (!can(actor, 'members:manage')) assertCanFor(actor, 'delegation:read', organisationId);
      res.json(await listMembers(connection, actor.negotiationId, organisationId));
    },
  );

  api.get('/negotiations/:negotiationId/members', requireActor('members:manage'), async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await membersView(connection, actorOf(res.locals).negotiationId));
  });

  api.post('/negotiations/:negotiationId/invitations', requireActor('members:manage'), async (req, res) => {
    const parsed = InviteBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Invitation mal formée : e-mail, organisation et rôles.');
    const actor = actorOf(res.locals);
    const link = await invite(connection, actor, parsed.data);
    ctx.logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, invitation: link.id }, 'member invited');
    res.status(201).json(link);
  });

  api.delete('/negotiations/:negotiationId/invitations/:invitationId', requireActor('members:manage'), async (req, res) => {
    await cancelInvitation(connection, actorOf(res.locals), String(req.params.invitationId));
    res.status(204).end();
  });

  api.patch('/negotiations/:negotiationId/members/:membershipId', requireActor('members:manage'), async (req, res) => {
    const parsed = RolesBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Indiquez au moins un rôle.');
    const actor = actorOf(res.locals);
    await changeRoles(connection, ctx.events, actor, String(req.params.membershipId), parsed.data.roles);
    res.status(204).end();
  });

  api.delete('/negotiations/:negotiationId/members/:membershipId', requireActor('members:manage'), async (req, res) => {
    const actor = actorOf(res.locals);
    await revokeMember(connection, ctx.events, actor, String(req.params.membershipId));
    ctx.logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, membership: req.params.membershipId }, 'mandate revoked');
    res.status(204).end();
  });

  api.post(
    '/negotiations/:negotiationId/members/:membershipId/password-reset',
    requireActor('members:manage'),
    async (req, res) => {
      res.status(201).json(await issuePasswordReset(connection, actorOf(res.locals), String(req.params.membershipId)));
    },
  );
};
