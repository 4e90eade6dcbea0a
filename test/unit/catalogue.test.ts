import type { Model } from 'mongoose';
import type { Socket as ClientSocket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { COMMANDS, COMMAND_NAMES, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/commands.ts';
import { EVENT_TYPES, EVENTS, eventTypesOf, streamOf, type NegotiationEvent } from '../../shared/events.ts';
import { HTTP_COMMANDS, commandPath } from '../../shared/http-commands.ts';
import { onCommand } from '../../server/access/socket-command.ts';
import type { EventLog } from '../../server/events/event-log.ts';
import type { EventDoc } from '../../server/events/event.model.ts';
import { SYSTEM } from '../../server/events/event-log.ts';
import { httpCommand } from '../../server/http/http-command.ts';
import type { AppServer, AppSocket } from '../../server/realtime/sockets.ts';

describe('the event catalogue', () => {
  it('names every event entity:verb, in the past tense', () => {
    for (const type of EVENT_TYPES) expect(type).toMatch(/^[a-z]+:([a-z-]*-)?([a-z]+ed|cast|sent|withdrawn)$/);
  });

  it('puts every event in exactly one stream, and knows nothing else', () => {
    expect(eventTypesOf('vote')).toEqual(['vote:opened', 'ballot:cast', 'vote:closed']);
    expect(EVENT_TYPES.every((type) => streamOf(type) === EVENTS[type].stream)).toBe(true);
    expect(streamOf('test:unknown')).toBeUndefined();
  });
});

describe('the command catalogues', () => {
  it('names every socket command entity:verb, and parses a payload that names its negotiation', () => {
    for (const name of COMMAND_NAMES) {
      expect(name).toMatch(/^[a-z]+:[a-z-]+$/);
      expect(COMMANDS[name].schema.safeParse({}).success).toBe(false);
    }
  });

  it('puts every REST command under its negotiation and fills its path parameters', () => {
    for (const spec of Object.values(HTTP_COMMANDS)) expect(spec.path.startsWith('/negotiations/:negotiationId')).toBe(true);
    expect(commandPath('article:set-status', { negotiationId: 'n1', articleId: 'a/1' })).toBe('/negotiations/n1/articles/a%2F1/status');
  });
});

/**
 * Compile-time checks (never run): `tsc` fails if a payload or an ack stops matching the
 * catalogue in either direction, because each `@ts-expect-error` below then has no error to expect.
 */
export function catalogueTypeChecks(client: ClientSocket<ServerToClientEvents, ClientToServerEvents>, io: AppServer, socket: AppSocket, log: EventLog, events: Model<EventDoc>): void {
  const negotiationId = 'a'.repeat(24);
  const deps = { connection: null as never, logger: null as never };

  // Client → server: the payload is the command's.
  // @ts-expect-error a ballot's choice is one of the vote choices
  client.emit('vote:cast', { negotiationId, voteId: 'v1', choice: 'maybe' }, () => undefined);
  // Client → server: the ack carries the command's result.
  client.emit('vote:cast', { negotiationId, voteId: 'v1', choice: 'pour' }, (ack) => {
    // @ts-expect-error a vote's title is a string, not a number
    if (ack.ok) ack.data.title.toFixed();
  });

  // Server, receiving a command: the handler's input is the parsed payload…
  onCommand(socket, deps, 'position:declare', (_actor, input) => {
    // @ts-expect-error a position's statement is a string
    input.statement.toFixed();
    return null as never;
  });
  // …and its result is what the ack carries.
  // @ts-expect-error vote:open answers with the vote, not with a position
  onCommand(socket, deps, 'vote:open', async () => ({ stance: 'favorable' }));
  // The same for a REST command.
  // @ts-expect-error version:create answers with the version summary
  httpCommand(null as never, 'version:create', { invalid: '' }, async () => ({ ok: true }));

  // Server → client: only catalogued events, each with its own payload.
  // @ts-expect-error ballot:cast carries the ballot, not a stance
  void log.record(negotiationId, SYSTEM, [{ type: 'ballot:cast', payload: { voteId: 'v1', stance: 'favorable' } }]);
  // @ts-expect-error an event type the catalogue does not know
  void log.record(negotiationId, SYSTEM, [{ type: 'vote:forgotten', payload: {} }]);
  // @ts-expect-error the pushed event is a catalogued one
  io.emit('negotiation:event', { type: 'vote:opened', payload: {} });
  client.on('negotiation:event', (event: NegotiationEvent) => {
    // @ts-expect-error once narrowed to vote:closed, the payload is the tally's, without a stance
    if (event.type === 'vote:closed') void event.payload.stance;
  });

  // A read of the log names catalogued event types only.
  void events.exists({ negotiationId, type: 'vote:opened' });
  // @ts-expect-error an event type the catalogue does not know, in a query
  void events.findOne({ negotiationId, type: 'session:convend' });
  // @ts-expect-error nor in a list of them
  void events.find({ negotiationId, type: { $in: ['vote:opened', 'vote:forgotten'] } });
}
