import type { Server as SocketServer, Socket } from 'socket.io';
import type { EventDraft, NegotiationEvent } from '../../shared/events.ts';
import { JoinPayloadSchema, LeavePayloadSchema, type JoinResult, type Viewer } from '../../shared/realtime.ts';
import type { AppContext, Capability } from '../app.ts';
import type { Actor } from '../access/access.service.ts';
import { onCommand } from '../access/socket-command.ts';
import { negotiationRooms } from '../negotiations/negotiation.routes.ts';
import { NegotiationChannel, type Broadcast } from './channel.ts';
import { SWEEP_EVERY_MS, sweepFollowers } from './session-sweep.ts';

export function viewerOf(actor: Actor): Viewer {
  return { userId: actor.user.id, orgId: actor.org.id, college: actor.org.college };
}

const channels = new WeakMap<SocketServer, NegotiationChannel>();

/** The app's channel, or null when the realtime capability is not wired (some tests). */
export function channelOf(ctx: Pick<AppContext, 'io'>): NegotiationChannel | null {
  return channels.get(ctx.io) ?? null;
}

/**
 * Broadcasts stored events to the negotiation's sockets, each filtered by visibility.
 * Call it only once `ctx.events.append` has resolved: the append is the commit point,
 * and nothing reaches a client that the log does not hold.
 */
export function publish(ctx: Pick<AppContext, 'io'>, negotiationId: string, events: readonly NegotiationEvent[]): void {
  channelOf(ctx)?.publish(negotiationId, events);
}

/** Appends events to the negotiation's log, then broadcasts them: what most use cases do. */
export async function recordEvents(
  ctx: Pick<AppContext, 'io' | 'events'>,
  negotiationId: string,
  drafts: EventDraft[],
): Promise<NegotiationEvent[]> {
  const stored = await ctx.events.append(negotiationId, drafts);
  publish(ctx, negotiationId, stored);
  return stored;
}

/**
 * The negotiation's event channel: `negotiation:join` (catch-up from a seq, then live
 * events), `negotiation:leave`. The handshake gate (a valid session) is installed by
 * registerAuth; every command loads the actor's mandate afresh.
 */
export const registerRealtime: Capability = (ctx) => {
  // Each socket is in the room named by its id: one broadcast to those rooms encodes the event once.
  const broadcast: Broadcast = (sinks, event) => {
    if (sinks.length === 1) sinks[0].emit('negotiation:event', event);
    else ctx.io.to(sinks.map((sink) => sink.id)).emit('negotiation:event', event);
  };
  const channel = new NegotiationChannel(ctx.events, ctx.logger.child({ capability: 'realtime' }), broadcast);
  channels.set(ctx.io, channel);
  const { connection } = ctx.db;
  const logger = ctx.logger;

  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepFollowers(ctx.io, channel, connection, logger)
      .catch((err: unknown) => logger.warn({ err }, 'realtime sweep failed'))
      .finally(() => (sweeping = false));
  }, SWEEP_EVERY_MS);
  sweep.unref();
  ctx.onClose(() => clearInterval(sweep));

  ctx.io.on('connection', (socket: Socket) => {
    socket.on('disconnect', () => channel.leaveAll(socket.id));

    onCommand(
      socket,
      { connection, logger, event: 'negotiation:join', action: 'negotiation:read', schema: JoinPayloadSchema },
      async (actor, payload): Promise<JoinResult> => {
        const { negotiationId, sinceSeq } = payload;
        // The room per negotiation, side, delegation and user, for other capabilities' ephemeral broadcasts.
        await socket.join(negotiationRooms(actor));
        const { result, release } = channel.join(socket, viewerOf(actor), negotiationId, sinceSeq);
        const answer: JoinResult = { ...(await result), organisation: actor.org, roles: actor.roles };
        // The ack is sent in this same turn of the event loop, right after we return;
        // live events wait for the next turn, so the catch-up always arrives first.
        setImmediate(release);
        logger.debug(
          { negotiationId, userId: actor.user.id, org: actor.org.id, sinceSeq, caughtUp: answer.events.length },
          'negotiation joined',
        );
        return answer;
      },
    );

    onCommand(
      socket,
      { connection, logger, event: 'negotiation:leave', action: 'negotiation:read', schema: LeavePayloadSchema },
      async (_actor, { negotiationId }) => {
        channel.leave(socket.id, negotiationId);
        for (const room of [...socket.rooms]) if (room.startsWith(`negotiation:${negotiationId}`)) await socket.leave(room);
        return null;
      },
    );
  });
};
