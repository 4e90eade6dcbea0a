// test.expectEvents for command monitoring events (checked only with --check-events: these
// assertions are about what the driver sends; some still reveal server behaviour, such as a
// getMore that follows a batchSize the server honoured).
import type { CommandEvent, EntityMap } from './entities.ts';
import { AssertionFailure } from './expect-error.ts';
import { assertMatches, MatchError } from './matcher.ts';
import type { Doc } from './types.ts';

interface ExpectedEventsForClient {
  client: string;
  eventType?: string;
  events: Doc[];
  ignoreExtraEvents?: boolean;
}

function fail(message: string): never {
  throw new AssertionFailure(message);
}

function checkEvent(expected: Doc, actual: CommandEvent, entities: EntityMap, path: string): void {
  const keys = Object.keys(expected);
  if (keys.length !== 1) throw new Error(`${path}: an expected event needs exactly one type key`);
  const type = keys[0];
  if (type !== 'commandStartedEvent' && type !== 'commandSucceededEvent' && type !== 'commandFailedEvent') {
    throw new Error(`${path}: unsupported expected event ${type}`);
  }
  if (actual.type !== type) fail(`${path}: expected ${type}, observed ${actual.type} (${actual.event.commandName})`);
  const spec = (expected[type] ?? {}) as Doc;
  const event = actual.event;
  if (spec.commandName !== undefined && spec.commandName !== event.commandName) {
    fail(`${path}: expected command ${String(spec.commandName)}, observed ${event.commandName}`);
  }
  if (spec.databaseName !== undefined && spec.databaseName !== event.databaseName) {
    fail(`${path}: expected database ${String(spec.databaseName)}, observed ${event.databaseName}`);
  }
  if (spec.hasServiceId !== undefined && spec.hasServiceId !== (event.serviceId !== undefined)) {
    fail(`${path}: serviceId ${spec.hasServiceId ? 'missing' : 'present'}`);
  }
  if (spec.hasServerConnectionId !== undefined && spec.hasServerConnectionId !== (event.serverConnectionId != null)) {
    fail(`${path}: serverConnectionId ${spec.hasServerConnectionId ? 'missing' : 'present'}`);
  }
  try {
    if (spec.command !== undefined && actual.type === 'commandStartedEvent') {
      assertMatches(spec.command, actual.event.command, { entities });
    }
    if (spec.reply !== undefined && actual.type === 'commandSucceededEvent') {
      assertMatches(spec.reply, actual.event.reply, { entities });
    }
  } catch (error) {
    if (error instanceof MatchError) fail(`${path} (${event.commandName}): ${error.message}`);
    throw error;
  }
}

export function assertExpectedEvents(expectEvents: unknown[], entities: EntityMap): void {
  for (const raw of expectEvents as ExpectedEventsForClient[]) {
    const eventType = raw.eventType ?? 'command';
    if (eventType !== 'command') throw new Error(`expectEvents of type ${eventType} are not supported by this runner`);
    const observed = entities.client(raw.client).events;
    const expected = raw.events;
    const tooMany = !raw.ignoreExtraEvents && observed.length > expected.length;
    if (observed.length < expected.length || tooMany) {
      const names = observed.map((e) => `${e.type.replace('Event', '')}:${e.event.commandName}`);
      fail(`client ${raw.client}: expected ${expected.length} event(s), observed ${observed.length} [${names.join(', ')}]`);
    }
    expected.forEach((event, i) => checkEvent(event, observed[i], entities, `events of ${raw.client}[${i}]`));
  }
}
