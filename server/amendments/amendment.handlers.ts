import { z } from 'zod';
import { AMENDMENT_STATUSES } from '../../shared/amendments/lifecycle.ts';
import type { Capability } from '../app.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { answerWithRecorded, onCommand } from '../access/socket-command.ts';
import { AppError } from '../common/app-error.ts';
import { draftAmendment, getAmendment, getAmendmentView, listAmendments, mergeAmendment, moveAmendment, tableAmendment } from './amendment.service.ts';

export const AmendmentListQuerySchema = z.object({
  articleId: z.string().trim().min(1).max(100).optional(),
  status: z.enum(AMENDMENT_STATUSES).optional(),
});

/**
 * Amendments: `amendment:draft|table|discuss|adopt|reject|withdraw|merge` over Socket.IO
 * (broadcast as `amendment:drafted`, `amendment:tabled`…), the list and one amendment with
 * its diffs over HTTP, each filtered by what the reader may see.
 */
export const registerAmendments: Capability = (ctx) => {
  const { connection } = ctx.db;
  const logger = ctx.logger.child({ capability: 'amendments' });
  const context = { ...ctx, logger };

  ctx.io.on('connection', (socket) => {
    const deps = { connection, logger };
    const current = answerWithRecorded('amendmentId', (actor, id) => getAmendmentView(context, actor, id));
    onCommand(socket, deps, 'amendment:draft', (actor, input) => draftAmendment(context, actor, input), current);
    onCommand(socket, deps, 'amendment:table', (actor, input) => tableAmendment(context, actor, input), current);
    onCommand(socket, deps, 'amendment:discuss', (actor, input) => moveAmendment(context, actor, 'discuss', input), current);
    onCommand(socket, deps, 'amendment:adopt', (actor, input) => moveAmendment(context, actor, 'adopt', input), current);
    onCommand(socket, deps, 'amendment:reject', (actor, input) => moveAmendment(context, actor, 'reject', input), current);
    onCommand(socket, deps, 'amendment:withdraw', (actor, input) => moveAmendment(context, actor, 'withdraw', input), current);
    onCommand(socket, deps, 'amendment:merge', (actor, input) => mergeAmendment(context, actor, input), current);
  });

  const actorOf = (locals: Record<string, unknown>) => locals.actor as Actor;

  ctx.api.get('/negotiations/:negotiationId/amendments', requireActor('negotiation:read'), async (req, res) => {
    const query = AmendmentListQuerySchema.safeParse(req.query);
    if (!query.success) throw new AppError('BAD_REQUEST', 'Filtre d’amendements invalide.');
    res.json(await listAmendments(context, actorOf(res.locals), query.data));
  });

  ctx.api.get('/negotiations/:negotiationId/amendments/:amendmentId', requireActor('negotiation:read'), async (req, res) => {
    res.json(await getAmendment(context, actorOf(res.locals), String(req.params.amendmentId)));
  });
};
