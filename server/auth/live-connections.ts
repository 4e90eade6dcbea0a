import type { Connection } from 'mongoose';
import type { Socket } from 'socket.io';
import type { AuthUser } from '../../shared/identity.ts';
import { loadActor } from '../access/access.service.ts';
import type { Logger } from '../logger.ts';
import type { LiveConnection } from './live-access.ts';
import { sessionIdOf } from './session.service.ts';

/** What a Socket.IO socket follows, as the negotiation channel knows it. */
export interface FollowedChannel {
  followers(): { sinkId: string; negotiationId: string }[];
  leave(sinkId: string, negotiationId: string): void;
}

/**
 * A Socket.IO socket as the live-access registry sees it: its session ending disconnects it
 * (the client is told `session:ended` first, so it can send the person to the sign-in
 * page); a mandate that no longer holds stops the negotiation's stream at once
 * (`negotiation:access-ended`), the socket staying open for the others.
 */
export function liveSocket(socket: Socket, channel: FollowedChannel, connection: Connection, logger: Logger): LiveConnection {
  const user = socket.data.user as AuthUser;
  return {
    userId: user.id,
    sessionId: sessionIdOf(socket.handshake.headers.cookie),
    negotiations: () => channel.followers().filter((f) => f.sinkId === socket.id).map((f) => f.negotiationId),
    end() {
      socket.emit('session:ended', { reason: 'Votre session a pris fin. Veuillez vous reconnecter.' });
      socket.disconnect(true);
    },
    recheck(negotiationId) {
      void loadActor(connection, user, negotiationId)
        .then((actor) => {
          if (actor) return;
          channel.leave(socket.id, negotiationId);
          socket.emit('negotiation:access-ended', { negotiationId });
        })
        .catch((err: unknown) => logger.error({ err, negotiationId }, 'socket mandate re-check failed'));
    },
  };
}

/** A Yjs connection, as its server exposes it to the registry. */
export interface YjsPeer {
  readonly userId: string;
  readonly negotiationId: string;
  /** Closes it: its session is over. */
  closeForEndedSession(): void;
  /** Asks its rights again now, from the database (closes it, or carries on with its new rights). */
  recheckNow(): void;
}

export function liveYjsConnection(peer: YjsPeer, cookie: string | undefined): LiveConnection {
  return {
    userId: peer.userId,
    sessionId: sessionIdOf(cookie),
    negotiations: () => [peer.negotiationId],
    end: () => peer.closeForEndedSession(),
    recheck: () => peer.recheckNow(),
  };
}
