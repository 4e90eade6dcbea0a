import type { JoinResult } from '../../shared/channel.ts';
import type { Capability } from '../app.ts';
import { viewerOf } from '../access/access.service.ts';
import { onCommand } from '../access/socket-command.ts';
import { liveAccessOf } from '../auth/live-access.ts';
import { liveSocket } from '../auth/live-connections.ts';

/**
 * The negotiation's event channel: `negotiation:join` (catch-up from a seq, then live
 * events), `negotiation:leave`. The handshake gate (a valid session) is installed by
 * registerAuth; every command loads the actor's mandate afresh. The events themselves are
 * recorded by the use cases through `ctx.events`, which hands them to `ctx.channel`.
 */
export const registerRealtime: Capability = (ctx) => {
  const { channel } = ctx;
  const { connection } = ctx.db;
  const logger = ctx.logger;

  const live = liveAccessOf(connection);
  ctx.io.on('connection', (socket) => {
    // A sign-out, a new password, a revocation or an expiry closes this socket at once, and a
    // silent one is re-checked every 30 s (server/auth/live-access.ts).
    const untrack = live?.track(liveSocket(socket, channel, connection, logger));
    socket.on('disconnect', () => {
      channel.leaveAll(socket.id);
      untrack?.();
    });

    onCommand(socket, { connection, logger }, 'negotiation:join', async (actor, payload): Promise<JoinResult> => {
      const { negotiationId, sinceSeq } = payload;
      const { result, release } = channel.join(socket, viewerOf(actor), negotiationId, sinceSeq);
      const answer: JoinResult = { ...(await result), userId: actor.user.id, organisation: actor.org, roles: actor.roles };
      // The ack is sent in this same turn of the event loop, right after we return;
      // live events wait for the next turn, so the catch-up always arrives first.
      setImmediate(release);
      logger.debug(
        { negotiationId, userId: actor.user.id, org: actor.org.id, sinceSeq, caughtUp: answer.events.length },
        'negotiation joined',
      );
      return answer;
    });

    onCommand(socket, { connection, logger }, 'negotiation:leave', (_actor, { negotiationId }) => {
      channel.leave(socket.id, negotiationId);
      return null;
    });
  });
};
