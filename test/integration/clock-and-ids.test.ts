import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoteView } from '../../shared/votes/vote.ts';
import { fixedClock } from '../../server/events/clock.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { participants } from '../helpers/participants.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';

describe('use cases take the time and the ids the app is given', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  const people = participants(['secretariat'] as const);
  const clock = fixedClock('2026-03-02T08:30:00.000Z');
  let counter = 0;
  const idSource = { newId: () => `fixed${String(++counter).padStart(19, '0')}` };

  beforeAll(async () => {
    server = await startTestServer({}, { clock, ids: idSource });
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.cppni;
    await people.signIn(server, negotiationId);
  });
  afterAll(async () => {
    people.disconnect();
    await server?.close();
  });

  it('a vote opened under a fixed clock is stamped with its time and takes the id source’s next id', async () => {
    clock.set('2026-03-02T09:15:00.000Z');
    const before = counter;
    const vote = await people.ok<VoteView>('secretariat', 'vote:open', { item: { kind: 'text' }, rule: 'consensus', title: 'À l’heure dite' });
    expect(vote.id).toBe(`fixed${String(before + 1).padStart(19, '0')}`);
    expect(vote.openedAt).toBe('2026-03-02T09:15:00.000Z');
    const events = await server.app.context.events.since(negotiationId, 0);
    expect(events.at(-1)).toMatchObject({ type: 'vote:opened', at: '2026-03-02T09:15:00.000Z' });
  });
});
