import type { Capability } from '../app.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { answerWithRecorded, onCommand } from '../access/socket-command.ts';
import { voteCheckpointModel, voteModel } from './vote.model.ts';
import { castBallot, closeVote, getVote, listVotes, openVote } from './vote.service.ts';

/** Indicative votes: `vote:open`, `vote:cast`, `vote:close` over Socket.IO; the read model over HTTP. */
export const registerVotes: Capability = async (ctx) => {
  const { connection } = ctx.db;
  await Promise.all([voteModel(connection).createIndexes(), voteCheckpointModel(connection).createIndexes()]);
  const logger = ctx.logger.child({ capability: 'votes' });

  ctx.io.on('connection', (socket) => {
    const deps = { connection, logger };
    const current = answerWithRecorded('voteId', (actor, id) => getVote(ctx, actor.negotiationId, id));
    onCommand(socket, deps, 'vote:open', (actor, input) => openVote(ctx, actor, input), current);
    onCommand(socket, deps, 'vote:cast', (actor, input) => castBallot(ctx, actor, input), current);
    onCommand(socket, deps, 'vote:close', (actor, input) => closeVote(ctx, actor, input), current);
  });

  const actorOf = (locals: Record<string, unknown>) => locals.actor as Actor;

  ctx.api.get('/negotiations/:negotiationId/votes', requireActor('negotiation:read'), async (_req, res) => {
    res.json(await listVotes(ctx, actorOf(res.locals).negotiationId));
  });

  ctx.api.get('/negotiations/:negotiationId/votes/:voteId', requireActor('negotiation:read'), async (req, res) => {
    res.json(await getVote(ctx, actorOf(res.locals).negotiationId, String(req.params.voteId)));
  });
};
