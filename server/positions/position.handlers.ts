import { z } from 'zod';
import type { Capability } from '../app.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { onCommand } from '../access/socket-command.ts';
import { tabledAmendments } from '../amendments/amendment.service.ts';
import { AppError } from '../common/app-error.ts';
import type { NegotiationEvent } from '../../shared/events.ts';
import { positionMatrix, toPosition } from '../../shared/positions/position.fold.ts';
import { articlesInOrder, declarePosition, listPositions, speakingOrganisations } from './position.service.ts';

export const PositionQuerySchema = z.object({
  org: z.string().regex(/^[a-f0-9]{24}$/).optional(),
  item: z.string().min(1).max(200).optional(),
});

/** The positions ledger: `position:declare` over Socket.IO; the ledger and its matrix over HTTP. */
export const registerPositions: Capability = (ctx) => {
  const { connection } = ctx.db;
  const logger = ctx.logger.child({ capability: 'positions' });

  ctx.io.on('connection', (socket) => {
    onCommand(
      socket,
      { connection, logger },
      'position:declare',
      (actor, input) => declarePosition(ctx, actor, input),
      (declared) => toPosition(declared as NegotiationEvent<'position:declared'>),
    );
  });

  const actorOf = (locals: Record<string, unknown>) => locals.actor as Actor;

  ctx.api.get('/negotiations/:negotiationId/positions', requireActor('negotiation:read'), async (req, res) => {
    const query = PositionQuerySchema.safeParse(req.query);
    if (!query.success) throw new AppError('BAD_REQUEST', 'Filtre de positions invalide.');
    res.json({ positions: await listPositions(connection, actorOf(res.locals).negotiationId, query.data) });
  });

  ctx.api.get('/negotiations/:negotiationId/positions/matrix', requireActor('negotiation:read'), async (_req, res) => {
    const { negotiationId } = actorOf(res.locals);
    const [organisations, articles, positions, amendments] = await Promise.all([
      speakingOrganisations(connection, negotiationId),
      articlesInOrder(connection, negotiationId),
      listPositions(connection, negotiationId),
      tabledAmendments(connection, negotiationId),
    ]);
    const names = new Map(amendments.map((a) => [a.id, { number: a.number, org: a.org.shortName }]));
    res.json(positionMatrix(organisations, articles, positions, names));
  });
};
