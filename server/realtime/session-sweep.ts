import type { Connection } from 'mongoose';
import type { Server as SocketServer } from 'socket.io';
import type { AuthUser } from '../../shared/identity.ts';
import { loadActor } from '../access/access.service.ts';
import { hashToken, readSessionToken } from '../auth/session.service.ts';
import { sessionModel } from '../auth/session.model.ts';
import type { Logger } from '../logger.ts';
import type { NegotiationChannel } from './channel.ts';

/** How often joined sockets are re-checked. */
export const SWEEP_EVERY_MS = 30_000;

/**
 * Commands re-check the session and the mandate at every call, but pushes flow without a
 * command: a socket that joined, then whose session ended (sign-out, password reset, expiry)
 * or whose mandate was revoked, must stop hearing the negotiation. This sweep re-checks
 * every joined socket: an ended session disconnects it, a lost mandate unsubscribes it.
 * The session is only read, never touched: an open tab must not keep a session alive.
 */
export async function sweepFollowers(
  io: SocketServer,
  channel: NegotiationChannel,
  connection: Connection,
  logger: Logger,
  now: Date = new Date(),
): Promise<void> {
  const sessions = sessionModel(connection);
  const sessionAlive = new Map<string, boolean>();
  for (const { sinkId, negotiationId } of channel.followers()) {
    const socket = io.of('/').sockets.get(sinkId);
    if (!socket) {
      channel.leaveAll(sinkId);
      continue;
    }
    let alive = sessionAlive.get(sinkId);
    if (alive === undefined) {
      const token = readSessionToken(socket.handshake.headers.cookie);
      const session = token ? await sessions.findById(hashToken(token)).lean() : null;
      alive = !!session && session.expiresAt.getTime() > now.getTime();
      sessionAlive.set(sinkId, alive);
      if (!alive) {
        logger.info({ socket: sinkId, userId: (socket.data.user as AuthUser | undefined)?.id }, 'session ended: socket disconnected');
        socket.disconnect(true);
        channel.leaveAll(sinkId);
      }
    }
    if (!alive) continue;
    const user = socket.data.user as AuthUser | undefined;
    if (!user || !(await loadActor(connection, user, negotiationId))) {
      logger.info({ socket: sinkId, negotiationId, userId: user?.id }, 'mandate ended: socket unsubscribed');
      channel.leave(sinkId, negotiationId);
    }
  }
}
