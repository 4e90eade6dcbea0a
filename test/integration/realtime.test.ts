import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { Visibility } from '../../shared/visibility.ts';
import { content } from '../helpers/events.ts';
import { SYSTEM } from '../../server/events/event-log.ts';
import { liveAccessOf } from '../../server/auth/live-access.ts';
import { membershipModel } from '../../server/negotiations/membership.model.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { addMember, addNegotiation, seedDemo, type DemoIds } from '../helpers/seed.ts';
import { collect, command, connect, join, joinInto, quiet, until, type ClientSocket } from './realtime-client.ts';

describe('the negotiation event channel', () => {
  let server: TestServer;
  let ids: DemoIds;
  const cookies: Record<string, string> = {};
  const open: ClientSocket[] = [];

  async function as(email: string): Promise<ClientSocket> {
    const socket = await connect(server, cookies[email]);
    open.push(socket);
    return socket;
  }

  /** Events of any type: the channel carries whatever the log stores. */
  function record(negotiationId: string, drafts: { type: string; payload: unknown; visibility?: Visibility }[]): Promise<NegotiationEvent[]> {
    return server.app.context.events.record(negotiationId, SYSTEM, drafts.map((d) => content(d.type, d.payload, d.visibility)));
  }

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    for (const email of ['delegue@cgt.demo', 'delegue@cfdt.demo', 'negociateur@axess.demo', 'president@cmp.demo']) {
      cookies[email] = await login(server, email);
    }
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  afterAll(() => server?.close());

  it('refuses a handshake without a session', async () => {
    await expect(connect(server)).rejects.toMatchObject({ message: 'UNAUTHENTICATED' });
    await expect(connect(server, 'nego_sid=' + 'x'.repeat(43))).rejects.toMatchObject({ message: 'UNAUTHENTICATED' });
  });

  it('refuses to join a negotiation the user is no member of', async () => {
    const stranger = await addNegotiation(server, 'Accord d’entreprise', ids.organisations.CGT);
    const socket = await as('delegue@cgt.demo');
    const ack = await command(socket, 'negotiation:join', { negotiationId: stranger, sinceSeq: 0 });
    expect(ack).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } });
    const unknown = await command(socket, 'negotiation:join', { negotiationId: 'f'.repeat(24), sinceSeq: 0 });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it.each([
    ['no payload', undefined],
    ['an operator as negotiation id', { negotiationId: { $gt: '' }, sinceSeq: 0 }],
    ['a negative seq', { negotiationId: 'a'.repeat(24), sinceSeq: -5 }],
    ['a seq as text', { negotiationId: 'a'.repeat(24), sinceSeq: '12' }],
  ])('answers a malformed join (%s) with BAD_REQUEST', async (_name, payload) => {
    const socket = await as('delegue@cgt.demo');
    const ack = await command(socket, 'negotiation:join', payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    if (!ack.ok) expect(ack.error.message.length).toBeGreaterThan(0);
  });

  it('answers a join with the events after the given seq, and the caller’s mandate', async () => {
    const negotiationId = ids.negotiations.cppni;
    const stored = await record(negotiationId, [
      { type: 'test:one', payload: { n: 1 } },
      { type: 'test:two', payload: { n: 2 } },
      { type: 'test:three', payload: { n: 3 } },
    ]);
    const socket = await as('delegue@cgt.demo');
    const sut = await join(socket, negotiationId, stored[0].seq);
    expect(sut.events.map((e) => e.type)).toEqual(['test:two', 'test:three']);
    expect(sut.lastSeq).toBe(stored[2].seq);
    expect(sut.more).toBe(false);
    expect(sut.organisation).toMatchObject({ id: ids.organisations.CGT, shortName: 'CGT', college: 'union' });
    expect(sut.roles).toEqual(['delegate', 'signatory', 'lead']);

    const live = collect(socket);
    await record(negotiationId, [{ type: 'test:four', payload: {} }]);
    await until(() => live.length === 1, 'the live event');
    expect(live[0]).toMatchObject({ type: 'test:four', seq: stored[2].seq + 1, negotiationId });
  });

  it('a client that drops while 1,000 events are emitted rejoins with its last seq and has all of them once, in order', async () => {
    const negotiationId = ids.negotiations.tempsDeTravail;
    const base = (await server.app.context.events.since(negotiationId, 0)).at(-1)?.seq ?? 0;
    const TOTAL = 1000;

    // A companion that stays connected throughout sees the same 1,000 live.
    const companion = await as('delegue@cfdt.demo');
    const companionSeen = collect(companion);
    await join(companion, negotiationId, base);

    const seen: NegotiationEvent[] = [];
    let socket = await as('delegue@cgt.demo');
    socket.on('negotiation:event', (e) => seen.push(e));
    await joinInto(socket, negotiationId, base, seen);

    let produced = 0;
    const producer = (async () => {
      for (let batch = 0; batch < TOTAL / 10; batch++) {
        const drafts = Array.from({ length: 10 }, (_, i) => ({ type: 'test:burst', payload: { n: batch * 10 + i } }));
        await record(negotiationId, drafts);
        produced += 10;
      }
    })();

    await until(() => seen.length >= 150, 'the first live events');
    socket.close();
    const lastSeen = seen.at(-1)!.seq;
    const beforeDrop = seen.length;
    // Reconnect while the burst is still going on: the catch-up and live events overlap.
    await until(() => produced >= 500, 'half of the burst');
    socket = await as('delegue@cgt.demo');
    socket.on('negotiation:event', (e) => seen.push(e));
    const rejoined = await joinInto(socket, negotiationId, lastSeen, seen);
    await producer;

    const expected = Array.from({ length: TOTAL }, (_, i) => base + i + 1);
    await until(() => seen.length >= TOTAL && companionSeen.length >= TOTAL, 'all 1,000 events');
    await quiet();
    expect(beforeDrop).toBeLessThan(TOTAL);
    expect(rejoined.events.length).toBeGreaterThan(0);
    expect(seen.map((e) => e.seq)).toEqual(expected);
    expect(seen.map((e) => (e.payload as unknown as { n: number }).n)).toEqual(expected.map((_, i) => i));
    expect(companionSeen.map((e) => e.seq)).toEqual(expected);
  });

  it('a delegation’s event never reaches another organisation, neither live nor in the catch-up', async () => {
    const negotiationId = ids.negotiations.cppni;
    const cgt = await as('delegue@cgt.demo');
    const cfdt = await as('delegue@cfdt.demo');
    const axess = await as('negociateur@axess.demo');
    const chair = await as('president@cmp.demo');
    const received = { cgt: collect(cgt), cfdt: collect(cfdt), axess: collect(axess), chair: collect(chair) };
    const head = (await server.app.context.events.since(negotiationId, 0)).at(-1)?.seq ?? 0;
    for (const socket of [cgt, cfdt, axess, chair]) await join(socket, negotiationId, head);

    const cgtUser = ids.users['delegue@cgt.demo'];
    await record(negotiationId, [
      { type: 'annotation:created', payload: { note: 'delegation' }, visibility: { scope: 'delegation', org: ids.organisations.CGT } },
      { type: 'annotation:created', payload: { note: 'college' }, visibility: { scope: 'college', college: 'union' } },
      { type: 'annotation:created', payload: { note: 'private' }, visibility: { scope: 'private', user: cgtUser } },
      { type: 'annotation:created', payload: { note: 'committee' } },
    ]);
    await until(() => received.cgt.length === 4, 'the CGT delegation’s events');
    await until(() => received.cfdt.length >= 2 && received.axess.length >= 1 && received.chair.length >= 1, 'the others’');
    await quiet();
    const notes = (events: NegotiationEvent[]) => events.map((e) => (e.payload as unknown as { note: string }).note);
    expect(notes(received.cgt)).toEqual(['delegation', 'college', 'private', 'committee']);
    expect(notes(received.cfdt)).toEqual(['college', 'committee']);
    expect(notes(received.axess)).toEqual(['committee']);
    expect(notes(received.chair)).toEqual(['committee']);

    // Catching up from the same point gives each the same view, no more.
    const cfdtAgain = await as('delegue@cfdt.demo');
    const catchUp = await join(cfdtAgain, negotiationId, head);
    expect(notes(catchUp.events)).toEqual(['college', 'committee']);
    expect(catchUp.lastSeq).toBe(head + 4);
    const axessAgain = await join(await as('negociateur@axess.demo'), negotiationId, 0);
    expect(axessAgain.events.some((e) => e.visibility.scope !== 'committee')).toBe(false);
  });

  it('stops pushing to a socket that left the negotiation', async () => {
    const negotiationId = ids.negotiations.cppni;
    const socket = await as('delegue@cgt.demo');
    const received = collect(socket);
    const { lastSeq } = await join(socket, negotiationId, 0);
    expect(await command(socket, 'negotiation:leave', { negotiationId })).toEqual({ ok: true, data: null });
    await record(negotiationId, [{ type: 'test:after-leave', payload: {} }]);
    await quiet();
    expect(received).toEqual([]);
    expect(lastSeq).toBeGreaterThan(0);
  });

  it('a joined socket stops hearing the negotiation once its session ends or its mandate is revoked', async () => {
    const negotiationId = ids.negotiations.cppni;
    const ctx = server.app.context;
    // The periodic check of live access, run now: it catches what no signal said (a write by another tool).
    const sweep = () => liveAccessOf(ctx.db.connection)!.sweep();

    const signedOutCookie = await login(server, 'delegue@fo.demo');
    const signedOut = await connect(server, signedOutCookie);
    open.push(signedOut);
    const { membershipId } = await addMember(server, {
      email: 'revoked@sud.test',
      negotiationId,
      organisationId: ids.organisations.SUD,
      roles: ['delegate'],
    });
    const revoked = await connect(server, await login(server, 'revoked@sud.test'));
    open.push(revoked);
    const heard = { signedOut: collect(signedOut), revoked: collect(revoked) };
    await join(signedOut, negotiationId, 0);
    const { lastSeq } = await join(revoked, negotiationId, 0);

    // Signing out disconnects the socket at once (server/auth/live-access.ts); the sweep catches the rest.
    const disconnected = new Promise((resolve) => signedOut.once('disconnect', resolve));
    expect((await call(server, '/auth/logout', { method: 'POST', cookie: signedOutCookie })).status).toBe(204);
    const told = new Promise<{ negotiationId: string }>((resolve) => revoked.once('negotiation:access-ended' as never, resolve as never));
    await membershipModel(ctx.db.connection).updateOne({ _id: membershipId }, { $set: { revokedAt: new Date() } });
    await sweep();
    await disconnected;
    expect(await told).toEqual({ negotiationId });

    await record(negotiationId, [{ type: 'test:after-sweep', payload: {} }]);
    await quiet();
    expect(heard.signedOut).toEqual([]);
    expect(heard.revoked).toEqual([]);
    expect(revoked.connected).toBe(true);
    expect(ctx.channel.followers().some((f) => f.viewer.orgId === ids.organisations.SUD)).toBe(false);
    expect(lastSeq).toBeGreaterThan(0);
  });
});
