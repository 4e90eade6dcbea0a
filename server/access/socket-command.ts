import type { Connection } from 'mongoose';
import type { Socket } from 'socket.io';
import { COMMANDS, splitCommandId, type CommandInput, type CommandName, type CommandResult } from '../../shared/commands.ts';
import type { Ack } from '../../shared/errors.ts';
import { AppError, toAppError } from '../common/app-error.ts';
import type { InProcessCommand } from '../db/connection.ts';
import type { Logger } from '../logger.ts';
import type { AppSocket } from '../realtime/sockets.ts';
import { authenticateSession, sessionIdOf } from '../auth/session.service.ts';
import { assertCan, loadActor, type Actor } from './access.service.ts';
import type { NegotiationEvent } from '../../shared/events.ts';
import { CommandReplies, replyLost } from './command-replies.ts';

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

/** At the app's start: its replies are kept through the embedded engine of its process when it has one (`command`). */
export function keepCommandReplies(connection: Connection, command: InProcessCommand | undefined): void {
  repliesOf.set(connection, new CommandReplies(connection, { command }));
}

/**
 * How a command answers a retry whose first attempt recorded it but died before replying
 * (CommandReplies): from the first event it recorded, for the actor and input of the retry.
 */
export type CommandReplay<K extends CommandName> = (event: NegotiationEvent, actor: Actor, input: CommandInput<K>) => Promise<CommandResult<K>> | CommandResult<K>;

/**
 * The replay of the commands on one thing (an amendment, a session…): the thing the recorded
 * event names in `field` of its payload, as it stands, read by `read`. The reply a client
 * gets is the thing after its command, as a first reply would have been (or later, when
 * others changed it since). An event that names no such thing was not the command's own record
 * (a session's close records the version it takes first): refused as before, never applied twice.
 */
export function answerWithRecorded<R>(field: string, read: (actor: Actor, id: string) => Promise<R>) {
  return (event: NegotiationEvent, actor: Actor): Promise<R> => {
    const id = (event.payload as Record<string, unknown>)[field];
    return typeof id === 'string' ? read(actor, id) : Promise.reject(replyLost());
  };
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
  replay?: CommandReplay<K>,
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
      reply({ ok: true, data: await commandReplies(connection).once(user.id, name, commandId, async () => handler(actor, input), replay && ((event) => replay(event, actor, input))) });
    } catch (err) {
      const appError = toAppError(err);
      if (appError.code === 'INTERNAL') logger.error({ err, event: name, commandId }, 'socket command failed');
      reply({ ok: false, error: appError.toAckError() });
    }
  });
}
