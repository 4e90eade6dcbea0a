import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitationModel } from '../../server/auth/invitation.model.ts';
import { hashToken } from '../../server/auth/session.service.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login, sessionCookieOf, DEMO_PASSWORD } from '../helpers/auth.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { SYSTEM } from '../../server/events/event-log.ts';
import { eventModel } from '../../server/events/event.model.ts';
import { collect, connect, join, until } from './realtime-client.ts';

const NEW_PASSWORD = 'un-mot-de-passe-solide';

describe('invitations, revocations and password resets', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  let secretariat: string;

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    secretariat = await login(server, 'secretariat@axess.demo');
  });
  afterAll(() => server?.close());

  const invite = (email: string, organisation: string, roles: string[]) =>
    call(server, `/negotiations/${negotiationId}/invitations`, {
      cookie: secretariat,
      body: { email, organisationId: ids.organisations[organisation], roles },
    });
  const tokenOf = (path: string) => path.split('/').at(-1)!;
  const members = async () => (await (await call(server, `/negotiations/${negotiationId}/members`, { cookie: secretariat })).json());

  it('the invitee follows the link, sets a password and lands in the negotiation with the roles given', async () => {
    const issued = await invite('nouvelle@cgt.test', 'CGT', ['delegate', 'signatory']);
    expect(issued.status).toBe(201);
    const link = await issued.json();
    expect(link.path).toMatch(/^\/invitations\/[A-Za-z0-9_-]{43}$/);

    const view = await call(server, `/invitations/${tokenOf(link.path)}`);
    expect(view.status).toBe(200);
    expect(await view.json()).toMatchObject({
      kind: 'invitation',
      email: 'nouvelle@cgt.test',
      negotiation: { id: negotiationId },
      organisation: { shortName: 'CGT' },
      roles: ['delegate', 'signatory'],
      existingUser: false,
    });

    const accepted = await call(server, `/invitations/${tokenOf(link.path)}/accept`, { body: { name: 'Léa Nouvelle', password: NEW_PASSWORD } });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ user: { name: 'Léa Nouvelle', email: 'nouvelle@cgt.test' }, negotiationId });
    const cookie = sessionCookieOf(accepted)!;
    const me = await (await call(server, '/me', { cookie })).json();
    expect(me.memberships).toEqual([
      expect.objectContaining({ negotiationId, organisation: expect.objectContaining({ shortName: 'CGT' }), roles: ['delegate', 'signatory'] }),
    ]);
    expect(await login(server, 'nouvelle@cgt.test', NEW_PASSWORD)).toMatch(/^nego_sid=/);
    const log = await server.app.context.events.since(negotiationId, 0);
    expect(log.find((e) => e.type === 'member:joined')).toMatchObject({
      actor: me.user.id,
      org: ids.organisations.CGT,
      payload: { name: 'Léa Nouvelle', roles: ['delegate', 'signatory'] },
    });
  });

  it('a link used once answers 410 the second time, to look at or to use', async () => {
    const link = await (await invite('twice@fo.test', 'FO', ['delegate'])).json();
    const token = tokenOf(link.path);
    expect((await call(server, `/invitations/${token}/accept`, { body: { name: 'Une fois', password: NEW_PASSWORD } })).status).toBe(200);
    const again = await call(server, `/invitations/${token}/accept`, { body: { name: 'Deux fois', password: NEW_PASSWORD } });
    expect(again.status).toBe(410);
    expect((await again.json()).error.code).toBe('GONE');
    expect((await call(server, `/invitations/${token}`)).status).toBe(410);
  });

  it('two simultaneous uses of one link: one succeeds, the other is 410', async () => {
    const link = await (await invite('race@sud.test', 'SUD', ['delegate'])).json();
    const use = () => call(server, `/invitations/${tokenOf(link.path)}/accept`, { body: { name: 'Course', password: NEW_PASSWORD } });
    const statuses = (await Promise.all([use(), use()])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 410]);
  });

  it('using a link in a browser signed in as someone else ends that other session', async () => {
    const other = await login(server, 'negociateur@axess.demo');
    const link = await (await invite('same-browser@cgt.test', 'CGT', ['delegate'])).json();
    const used = await call(server, `/invitations/${tokenOf(link.path)}/accept`, { cookie: other, body: { name: 'Même navigateur', password: NEW_PASSWORD } });
    expect(used.status).toBe(200);
    expect((await call(server, '/me', { cookie: other })).status).toBe(401);
    expect((await (await call(server, '/me', { cookie: sessionCookieOf(used)! })).json()).user.email).toBe('same-browser@cgt.test');
  });

  it('an expired link answers 410', async () => {
    const link = await (await invite('late@cfdt.test', 'CFDT', ['delegate'])).json();
    const token = tokenOf(link.path);
    await invitationModel(server.app.context.db.connection).updateOne({ _id: hashToken(token) }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await call(server, `/invitations/${token}`)).status).toBe(410);
    expect((await call(server, `/invitations/${token}/accept`, { body: { name: 'En retard', password: NEW_PASSWORD } })).status).toBe(410);
  });

  it('an unknown link answers 404', async () => {
    expect((await call(server, `/invitations/${'x'.repeat(43)}`)).status).toBe(404);
    expect((await call(server, '/invitations/short')).status).toBe(404);
  });

  it('a too short password is refused with 400 and does not use up the link', async () => {
    const link = await (await invite('short@cgt.test', 'CGT', ['observer'])).json();
    const token = tokenOf(link.path);
    expect((await call(server, `/invitations/${token}/accept`, { body: { name: 'Court', password: 'court' } })).status).toBe(400);
    expect((await call(server, `/invitations/${token}`)).status).toBe(200);
  });

  it('a person who already has an account proves it with their password to join another negotiation', async () => {
    const otherId = ids.negotiations.cppni;
    // The CGT delegate's mandate in the CPPNI avenant is revoked, then they are invited back.
    const view = await (await call(server, `/negotiations/${otherId}/members`, { cookie: secretariat })).json();
    const cgt = view.members.find((m: { user: { email: string } }) => m.user.email === 'delegue@cgt.demo');
    expect((await call(server, `/negotiations/${otherId}/members/${cgt.id}`, { method: 'DELETE', cookie: secretariat })).status).toBe(204);
    const link = await (
      await call(server, `/negotiations/${otherId}/invitations`, {
        cookie: secretariat,
        body: { email: 'delegue@cgt.demo', organisationId: ids.organisations.CGT, roles: ['observer'] },
      })
    ).json();
    const token = tokenOf(link.path);
    expect((await (await call(server, `/invitations/${token}`)).json()).existingUser).toBe(true);
    expect((await call(server, `/invitations/${token}/accept`, { body: { password: 'not-their-password' } })).status).toBe(401);
    expect((await call(server, `/invitations/${token}/accept`, { body: { password: DEMO_PASSWORD } })).status).toBe(200);
    const cookie = await login(server, 'delegue@cgt.demo');
    const detail = await (await call(server, `/negotiations/${otherId}`, { cookie })).json();
    expect(detail.myRoles).toEqual(['observer']);
  });

  it('inviting someone already at the table is a conflict; an organisation not at the table is refused', async () => {
    expect((await invite('delegue@fo.demo', 'FO', ['delegate'])).status).toBe(409);
    const response = await call(server, `/negotiations/${negotiationId}/invitations`, {
      cookie: secretariat,
      body: { email: 'x@y.test', organisationId: 'f'.repeat(24), roles: ['delegate'] },
    });
    expect(response.status).toBe(422);
    expect((await invite('bad@roles.test', 'CGT', ['admin'])).status).toBe(400);
  });

  it('a cancelled invitation can no longer be used', async () => {
    const link = await (await invite('cancelled@cgt.test', 'CGT', ['delegate'])).json();
    const pending = (await members()).invitations.map((i: { id: string }) => i.id);
    expect(pending).toContain(link.id);
    expect((await call(server, `/negotiations/${negotiationId}/invitations/${link.id}`, { method: 'DELETE', cookie: secretariat })).status).toBe(204);
    expect((await call(server, `/invitations/${tokenOf(link.path)}`)).status).toBe(410);
  });

  it('the secretariat revokes a delegate: their access to the negotiation ends at once', async () => {
    const delegate = await login(server, 'delegue@cftc.demo');
    const target = (await members()).members.find((m: { user: { email: string } }) => m.user.email === 'delegue@cftc.demo');
    expect((await call(server, `/negotiations/${negotiationId}/members/${target.id}`, { method: 'DELETE', cookie: secretariat })).status).toBe(204);
    expect((await call(server, `/negotiations/${negotiationId}`, { cookie: delegate })).status).toBe(403);
    expect((await members()).members.some((m: { id: string }) => m.id === target.id)).toBe(false);
    const log = await server.app.context.events.since(negotiationId, 0);
    expect(log.find((e) => e.type === 'member:revoked')).toMatchObject({ payload: { membershipId: target.id }, org: ids.organisations.AXESS });
    // Still a member of the other negotiation.
    expect((await call(server, `/negotiations/${ids.negotiations.cppni}`, { cookie: delegate })).status).toBe(200);
  });

  it('a change of mandate is pushed live to the delegation concerned, and never reaches another organisation', async () => {
    const cgt = await connect(server, await login(server, 'delegue@cgt.demo'));
    const cfdt = await connect(server, await login(server, 'delegue@cfdt.demo'));
    try {
      const heard = { cgt: collect(cgt), cfdt: collect(cfdt) };
      const head = (await server.app.context.events.since(negotiationId, 0)).at(-1)?.seq ?? 0;
      await join(cgt, negotiationId, head);
      await join(cfdt, negotiationId, head);

      const link = await (await invite('live@cgt.test', 'CGT', ['delegate'])).json();
      expect((await call(server, `/invitations/${tokenOf(link.path)}/accept`, { body: { name: 'Jeanne Directe', password: NEW_PASSWORD } })).status).toBe(200);
      const member = (await members()).members.find((m: { user: { email: string } }) => m.user.email === 'live@cgt.test');
      expect((await call(server, `/negotiations/${negotiationId}/members/${member.id}`, { method: 'PATCH', cookie: secretariat, body: { roles: ['observer'] } })).status).toBe(204);
      expect((await call(server, `/negotiations/${negotiationId}/members/${member.id}`, { method: 'DELETE', cookie: secretariat })).status).toBe(204);
      // A committee event after them: once the CFDT hears it, it would have heard the others.
      await server.app.context.events.record(negotiationId, SYSTEM, [{ type: 'test:sentinel', payload: {} }]);

      const types = (events: { type: string }[]) => events.map((e) => e.type);
      await until(() => heard.cgt.length === 4 && heard.cfdt.length === 1, 'the live events');
      expect(types(heard.cgt)).toEqual(['member:joined', 'member:roles-changed', 'member:revoked', 'test:sentinel']);
      expect(heard.cgt[0]).toMatchObject({ payload: { name: 'Jeanne Directe', organisationId: ids.organisations.CGT } });
      expect(types(heard.cfdt)).toEqual(['test:sentinel']);
      const cfdtAgain = await connect(server, await login(server, 'delegue@cfdt.demo'));
      try {
        expect(types((await join(cfdtAgain, negotiationId, head)).events)).toEqual(['test:sentinel']);
      } finally {
        cfdtAgain.close();
      }
    } finally {
      cgt.close();
      cfdt.close();
    }
  });

  it('a change of mandate stored by an earlier version for the whole committee is still shown only to its delegation', async () => {
    const head = (await server.app.context.events.since(negotiationId, 0)).at(-1)?.seq ?? 0;
    const legacy = { userId: ids.users['delegue@cgt.demo'], organisationId: ids.organisations.CGT, roles: ['delegate'], name: 'Ancien mandat' };
    // As earlier versions stored it, straight into the log (the store's next append finds the seq taken and moves on).
    await eventModel(server.app.context.db.connection).create({
      negotiationId,
      seq: head + 1,
      type: 'member:roles-changed',
      payload: legacy,
      actor: ids.users['secretariat@axess.demo'],
      org: ids.organisations.AXESS,
      visibility: { scope: 'committee' },
      at: new Date(),
    });
    await server.app.context.events.record(negotiationId, SYSTEM, [{ type: 'test:sentinel', payload: {} }]);
    const seen = async (email: string) => {
      const socket = await connect(server, await login(server, email));
      try {
        return (await join(socket, negotiationId, head)).events.map((e: { type: string }) => e.type);
      } finally {
        socket.close();
      }
    };
    expect(await seen('delegue@cgt.demo')).toEqual(['member:roles-changed', 'test:sentinel']);
    expect(await seen('delegue@cfdt.demo')).toEqual(['test:sentinel']);
  });

  it('the secretariat cannot revoke its own mandate', async () => {
    const self = (await members()).members.find((m: { user: { email: string } }) => m.user.email === 'secretariat@axess.demo');
    expect((await call(server, `/negotiations/${negotiationId}/members/${self.id}`, { method: 'DELETE', cookie: secretariat })).status).toBe(409);
  });

  it('the secretariat changes a member’s roles', async () => {
    const target = (await members()).members.find((m: { user: { email: string } }) => m.user.email === 'delegue@sud.demo');
    const patched = await call(server, `/negotiations/${negotiationId}/members/${target.id}`, { method: 'PATCH', cookie: secretariat, body: { roles: ['delegate'] } });
    expect(patched.status).toBe(204);
    const cookie = await login(server, 'delegue@sud.demo');
    expect((await (await call(server, `/negotiations/${negotiationId}`, { cookie })).json()).myRoles).toEqual(['delegate']);
  });

  it('a password-reset link sets a new password and signs the person out everywhere else', async () => {
    const before = await login(server, 'delegue@fo.demo');
    const target = (await members()).members.find((m: { user: { email: string } }) => m.user.email === 'delegue@fo.demo');
    const issued = await call(server, `/negotiations/${negotiationId}/members/${target.id}/password-reset`, { method: 'POST', cookie: secretariat });
    expect(issued.status).toBe(201);
    const token = tokenOf((await issued.json()).path);
    expect((await (await call(server, `/invitations/${token}`)).json()).kind).toBe('password-reset');
    expect((await call(server, `/invitations/${token}/accept`, { body: { password: NEW_PASSWORD } })).status).toBe(200);
    expect((await call(server, '/me', { cookie: before })).status).toBe(401);
    expect((await call(server, '/auth/login', { body: { email: 'delegue@fo.demo', password: DEMO_PASSWORD } })).status).toBe(401);
    expect(await login(server, 'delegue@fo.demo', NEW_PASSWORD)).toMatch(/^nego_sid=/);
    expect((await call(server, `/invitations/${token}/accept`, { body: { password: NEW_PASSWORD } })).status).toBe(410);
  });
});
