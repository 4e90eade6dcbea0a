import type { Connection } from 'mongoose';
import type { Socket } from 'socket.io';
import { COMMANDS, splitCommandId, type CommandInput, type CommandName, type CommandResult } from '../../shared/commands.ts';
import type { Ack } from '../../shared/errors.ts';
import { AppError, toAppError } from '../common/app-error.ts';
import type { Logger } from '../logger.ts';
import type { AppSocket } from '../realtime/sockets.ts';
import { authenticateSession, sessionIdOf } from '../auth/session.service.ts';
import { assertCan, loadActor, type Actor } from './access.service.ts';
import { CommandReplies, type Replay } from './command-replies.ts';

/** A socket's session id: its handshake's cookie never changes, so it is hashed once. */
const sessionIds = new WeakMap<AppSocket, string | null>();
function socketSession(socket: AppSocket): string | null {
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

/** One app's replies kept for retried commands (in its database, shared by every process), found from its database connection. */
const repliesOf = new WeakMap<Connection, CommandReplies>();
function commandReplies(connection: Connection): CommandReplies {
  let replies = repliesOf.get(connection);
  if (!replies) repliesOf.set(connection, (replies = new CommandReplies(connection)));
  return replies;
}

/**
 * Registers a Socket.IO command of the catalogue (shared/commands.ts): parse with its schema,
 * then authorise its action, on EVERY call (the session and the actor are loaded afresh: a
 * revoked mandate or an ended session stops working at the next command, not at
 * reconnection), then the use case, then the ack. The compiler holds the handler to the
 * catalogue: its input is the parsed payload, its result what the ack carries. A command sent
 * again with the same `commandId` is answered with its first reply, not applied twice.
 */
export function onCommand<K extends CommandName>(
  socket: AppSocket,
  deps: { connection: Connection; logger: Logger },
  name: K,
  handler: (actor: Actor, input: CommandInput<K>) => Promise<CommandResult<K>> | CommandResult<K>,
  /** The reply from the first event the command recorded, for a retry whose first attempt died before replying (CommandReplies). */
  replay?: Replay<CommandResult<K>>,
): void {
  const { connection, logger } = deps;
  const { schema, action } = COMMANDS[name];
  // The typed maps describe well-behaved clients; the listener reads what actually arrives.
  (socket as unknown as Socket).on(name as string, async (...args: unknown[]) => {
    const ack = args.at(-1);
    const reply = typeof ack === 'function' ? (ack as (a: Ack<CommandResult<K>>) => void) : () => undefined;
    let commandId: string | null = null;
    try {
      const split = splitCommandId(args.length > 1 ? args[0] : undefined);
      if (split.commandId === undefined) throw new AppError('BAD_REQUEST', 'Identifiant de commande invalide.');
      commandId = split.commandId;
      const parsed = schema.safeParse(split.payload);
      if (!parsed.success) throw new AppError('BAD_REQUEST', 'Commande mal formée.');
      // The session is checked again: signing out or a password reset ends what an open socket may do.
      const user = socket.data.user ? await authenticateSession(connection, socketSession(socket)) : null;
      if (!user) throw new AppError('UNAUTHENTICATED', 'Votre session a pris fin. Veuillez vous reconnecter.');
      socket.data.user = user;
      const actor = await loadActor(connection, user, parsed.data.negotiationId);
      if (!actor) throw new AppError('FORBIDDEN', 'Vous ne participez pas à cette négociation.');
      assertCan(actor, action);
      const input = parsed.data as CommandInput<K>;
      reply({ ok: true, data: await commandReplies(connection).once(user.id, name, commandId, async () => handler(actor, input), replay) });
    } catch (err) {
      const appError = toAppError(err);
      if (appError.code === 'INTERNAL') logger.error({ err, event: name, commandId }, 'socket command failed');
      reply({ ok: false, error: appError.toAckError() });
    }
  });
}
