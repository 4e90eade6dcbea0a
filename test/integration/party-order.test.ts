import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NegotiationDetail } from '../../shared/identity.ts';
import type { CurrentItemView, MinutesView, SessionView } from '../../shared/sessions/session.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call } from '../helpers/auth.ts';
import { participants } from '../helpers/participants.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';

describe('one order of the parties', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  const people = participants(['secretariat', 'cgt'] as const);
  const { cookies, ok } = people;
  const get = async <T>(url: string): Promise<T> => {
    const res = await call(server, url, { cookie: cookies.cgt });
    expect(res.status, url).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    await people.signIn(server, negotiationId);
  });
  afterAll(async () => {
    people.disconnect();
    await server?.close();
  });

  it('the attendance form, the projector and the minutes list the parties in the negotiation’s order (CFE-CGC before CFTC)', async () => {
    // The order the negotiation shows its parties in, and the attendance form with them.
    const negotiation = await get<NegotiationDetail>(`/negotiations/${negotiationId}`);
    const order = negotiation.organisations.map((o) => o.shortName);
    expect(order).toEqual(['AXESS', 'CFDT', 'CGT', 'FO', 'SUD', 'CFE-CGC', 'CFTC', 'CMP']);

    const { id: sessionId } = await ok<SessionView>('secretariat', 'session:convene', {
      title: 'Séance ordonnée',
      startsAt: '2026-12-18T09:30',
      place: 'Paris',
      agenda: [{ kind: 'free', title: 'Questions diverses' }],
    });
    await ok('secretariat', 'session:record-attendance', { sessionId, entries: [{ org: ids.organisations.CFTC, status: 'excused' }] });
    await ok('secretariat', 'session:open', { sessionId });
    const projector = await get<CurrentItemView>(`/negotiations/${negotiationId}/sessions/${sessionId}/current`);
    expect(projector.attendance.map((l) => l.shortName)).toEqual(order);

    await ok('secretariat', 'session:close', { sessionId });
    const minutes = await get<MinutesView>(`/negotiations/${negotiationId}/sessions/${sessionId}/minutes`);
    const rows = minutes.text.split('\n').flatMap((line) => /^\| ([A-Z][A-Za-z-]*)(?: \(présidence\))? \| /.exec(line)?.slice(1) ?? []);
    expect(rows.filter((name) => name !== 'Organisation')).toEqual(order);
  });
});
