import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Visibility } from '../../shared/events.ts';
import { content } from '../helpers/events.ts';
import { canSee } from '../../shared/visibility.ts';
import { accessCacheOf } from '../../server/access/access-cache.ts';
import { CATCH_UP_LIMIT } from '../../server/realtime/channel.ts';
import { SYSTEM, type RecordDraft } from '../../server/events/event-log.ts';
import { login } from '../helpers/auth.ts';
import { DEMO_ACCOUNTS } from '../helpers/participants.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connect, join, type ClientSocket } from './realtime-client.ts';

/** The database operations the server runs while `fn` does, by collection. */
async function operationsDuring(fn: () => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  mongoose.set('debug', (collection: string) => {
    counts[collection] = (counts[collection] ?? 0) + 1;
  });
  try {
    await fn();
  } finally {
    mongoose.set('debug', false);
  }
  return counts;
}

describe('joining a negotiation', () => {
  let server: TestServer;
  let ids: DemoIds;
  const cookies: Record<string, string> = {};
  const open: ClientSocket[] = [];

  async function socketOf(who: keyof typeof DEMO_ACCOUNTS): Promise<ClientSocket> {
    const socket = await connect(server, cookies[who]);
    open.push(socket);
    return socket;
  }

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    for (const who of ['cfdt', 'cgt', 'fo', 'sud', 'chair'] as const) cookies[who] = await login(server, DEMO_ACCOUNTS[who]);
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  afterAll(() => server?.close());

  it('a catch-up comes in pages of at most 500 events the joiner may see; what others keep to themselves is skipped, not sent', async () => {
    const negotiationId = ids.negotiations.cppni;
    const cfdt = await socketOf('cfdt');
    const { lastSeq: base } = await join(cfdt, negotiationId, 0);
    const cfdtUserId = ids.users[DEMO_ACCOUNTS.cfdt];
    const scopes: Visibility[] = [
      { scope: 'delegation', org: ids.organisations.CGT },
      { scope: 'committee' },
      { scope: 'private', user: cfdtUserId },
      { scope: 'college', college: 'union' },
      { scope: 'college', college: 'employer' },
    ];
    const drafts: RecordDraft[] = Array.from({ length: 1500 }, (_, i) => content('test:noted', { i }, scopes[i % scopes.length]));
    const stored = await server.app.context.events.record(negotiationId, SYSTEM, drafts);
    const viewer = { userId: cfdtUserId, orgId: ids.organisations.CFDT, college: 'union' as const };
    const visible = stored.filter((e) => canSee(viewer, e.visibility)).map((e) => e.seq);

    const first = await join(cfdt, negotiationId, base);
    expect(first.events).toHaveLength(CATCH_UP_LIMIT);
    expect(first.more).toBe(true);
    expect(first.lastSeq).toBe(first.events.at(-1)!.seq);
    const second = await join(cfdt, negotiationId, first.lastSeq);
    expect(second.more).toBe(false);
    expect(second.lastSeq).toBe(stored.at(-1)!.seq);
    expect([...first.events, ...second.events].map((e) => e.seq)).toEqual(visible);
    expect(visible).toHaveLength(900);

    // Each sees what canSee lets them see, no more: the CGT its delegation's, the union side's
    // and the committee's; the presidency (neutral) the committee's only.
    for (const [who, expected] of [['cgt', ['committee', 'delegation:CGT', 'college:union']], ['chair', ['committee']]] as const) {
      const socket = await socketOf(who);
      const page1 = await join(socket, negotiationId, base);
      const page2 = page1.more ? await join(socket, negotiationId, page1.lastSeq) : { events: [] };
      const seen = [...page1.events, ...page2.events];
      const label = (v: Visibility) => (v.scope === 'delegation' ? `delegation:${v.org === ids.organisations.CGT ? 'CGT' : v.org}` : v.scope === 'college' ? `college:${v.college}` : v.scope);
      expect(new Set(seen.map((e) => label(e.visibility)))).toEqual(new Set(expected));
      expect(seen).toHaveLength(expected.length * 300);
    }
  });

  it('a crowd joining at once reads each person’s mandate and catch-up once, not once per socket', async () => {
    const negotiationId = ids.negotiations.tempsDeTravail;
    const people = ['cfdt', 'cgt', 'fo', 'sud'] as const;
    const crowd = await Promise.all(Array.from({ length: 120 }, (_, i) => socketOf(people[i % people.length])));
    // Cold: nobody's mandate is known yet (a restart).
    accessCacheOf(server.app.context.db.connection)?.mandates.forget();
    const answers: Awaited<ReturnType<typeof join>>[] = [];
    const operations = await operationsDuring(async () => {
      answers.push(...(await Promise.all(crowd.map((socket) => join(socket, negotiationId, 0)))));
    });
    const head = (await server.app.context.events.since(negotiationId, 0)).at(-1)!.seq;
    for (const answer of answers) expect(answer.lastSeq).toBe(head);
    // One membership read per person, and one read of the log's head and one page per person.
    expect(operations.memberships ?? 0).toBeLessThanOrEqual(people.length);
    expect(operations.events ?? 0).toBeLessThanOrEqual(2 * people.length);
  });
});
