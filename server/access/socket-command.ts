import type { Connection } from 'mongoose';
import type { Socket } from 'socket.io';
import { z } from 'zod';
import type { Action } from '../../shared/access.ts';
import type { Ack } from '../../shared/errors.ts';
import { AppError, toAppError } from '../common/app-error.ts';
import type { Logger } from '../logger.ts';
import { authenticateSession, sessionIdOf } from '../auth/session.service.ts';
import { assertCan, loadActor, type Actor } from './access.service.ts';

type CommandPayload = { negotiationId: string };

/** A socket's session id: its handshake's cookie never changes, so it is hashed once. */
const sessionIds = new WeakMap<Socket, string | null>();
function socketSession(socket: Socket): string | null {
  let id = sessionIds.get(socket);
  if (id === undefined) sessionIds.set(socket, (id = sessionIdOf(socket.handshake.headers.cookie)));
  return id;
}

/**
 * A command no capability listens to is answered at once with UNKNOWN_COMMAND (a client of
 * another version, a typo, a probe): its ack would otherwise wait for the client's own
 * timeout, and count as a command in flight until then. For every connection.
 */
export function answerUnknownCommands(socket: Socket): void {
  socket.use(([event, ...args], next) => {
    if (socket.listenerCount(event) > 0) return next();
    const ack = args.at(-1);
    const message = `Commande inconnue : « ${String(event).slice(0, 100)} ».`;
    if (typeof ack === 'function') (ack as (a: Ack<never>) => void)({ ok: false, error: { code: 'UNKNOWN_COMMAND', message } });
  });
}

/**
 * Registers a Socket.IO command that is parsed, then authorised, on EVERY call: the session
 * and the actor are loaded afresh (a revoked mandate or an ended session stops working at
 * the next command, not at reconnection).
 * The acknowledgement, always the last argument, gets the one Ack shape.
 */
export function onCommand<S extends z.ZodType<CommandPayload>, T>(
  socket: Socket,
  options: { connection: Connection; logger: Logger; event: string; action: Action; schema: S },
  handler: (actor: Actor, payload: z.infer<S>) => Promise<T> | T,
): void {
  const { connection, logger, event, action, schema } = options;
  socket.on(event, async (...args: unknown[]) => {
    const ack = args.at(-1);
    const reply = typeof ack === 'function' ? (ack as (a: Ack<T>) => void) : () => undefined;
    try {
      const parsed = schema.safeParse(args.length > 1 ? args[0] : undefined);
      if (!parsed.success) throw new AppError('BAD_REQUEST', 'Commande mal formée.');
      // The session is checked again: signing out or a password reset ends what an open socket may do.
      const user = socket.data.user ? await authenticateSession(connection, socketSession(socket)) : null;
      if (!user) throw new AppError('UNAUTHENTICATED', 'Votre session a pris fin. Veuillez vous reconnecter.');
      socket.data.user = user;
      const actor = await loadActor(connection, user, parsed.data.negotiationId);
      if (!actor) throw new AppError('FORBIDDEN', 'Vous ne participez pas à cette négociation.');
      assertCan(actor, action);
      reply({ ok: true, data: await handler(actor, parsed.data) });
    } catch (err) {
      const appError = toAppError(err);
      if (appError.code === 'INTERNAL') logger.error({ err, event }, 'socket command failed');
      reply({ ok: false, error: appError.toAckError() });
    }
  });
}
