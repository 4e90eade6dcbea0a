import { afterAll, beforeAll } from 'vitest';
import { participants, type Participants, type Seat } from './participants.ts';
import { seedDemo, type DemoIds } from './seed.ts';
import { startTestServer, type TestServer } from './server.ts';

/** A workspace holding the seeded demo, and demo people seated at one of its negotiations. */
export interface DemoTable<Who extends Seat> extends Participants<Who> {
  readonly server: TestServer;
  readonly ids: DemoIds;
  /** The negotiation the people sit at; their commands are about it. */
  readonly negotiationId: string;
  /** How many events that negotiation's log holds (to join from, or to check nothing was appended). */
  head(): Promise<number>;
}

export interface DemoTableOptions {
  /** Which demo negotiation: the live draft (default) or the 2023 CPPNI avenant. */
  negotiation?: keyof DemoIds['negotiations'];
  /** A fixed clock and id source for the use cases (see startTestServer). */
  sources?: Parameters<typeof startTestServer>[1];
}

/**
 * The one way an integration file sits demo people at a table: call it first in the `describe`.
 * Before the file's own `beforeAll` it starts a server on a free port, seeds the demo, signs
 * `seats` in (in that order) and connects their sockets; after the file's own `afterAll` it
 * disconnects them and closes the server. `cookies`, `sockets`, `send` and `ok` may be taken
 * apart up front; `server`, `ids` and `negotiationId` are getters that throw when read before
 * the setup ran.
 */
export function useDemoTable<Who extends Seat>(seats: readonly Who[], options: DemoTableOptions = {}): DemoTable<Who> {
  const people = participants(seats);
  let server: TestServer | undefined;
  let ids: DemoIds | undefined;
  beforeAll(async () => {
    server = await startTestServer({}, options.sources);
    ids = await seedDemo(server);
    await people.signIn(server, ids.negotiations[options.negotiation ?? 'tempsDeTravail']);
  });
  afterAll(async () => {
    people.disconnect();
    await server?.close();
  });
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useDemoTable: the ${name} exists once the file's beforeAll has run`);
    return value;
  };
  const negotiationId = () => ready(ids, 'demo ids').negotiations[options.negotiation ?? 'tempsDeTravail'];
  return {
    ...people,
    get server() {
      return ready(server, 'server');
    },
    get ids() {
      return ready(ids, 'demo ids');
    },
    get negotiationId() {
      return negotiationId();
    },
    async head() {
      return (await ready(server, 'server').app.context.events.since(negotiationId(), 0)).length;
    },
  };
}
