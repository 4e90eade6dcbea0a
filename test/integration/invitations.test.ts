import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitationModel } from '../../server/auth/invitation.model.ts';
import { hashToken } from '../../server/auth/session.service.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login, sessionCookieOf, DEMO_PASSWORD } from '../helpers/auth.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { SYSTEM } from '../../server/events/event-log.ts';
import { content } from '../helpers/events.ts';
import { eventModel } from '../../server/events/event.model.ts';
import { collect, connect, join, until } from './realtime-client.ts';
import { expectMail } from '../helpers/mailbox.ts';

const NEW_PASSWORD = 'un-mot-de-passe-solide';

/** Each organisation's lead in the demo: they invite, grant roles and revoke for it. */
const LEADS: Record<string, string> = {
  AXESS: 'negociateur@axess.demo',
  CFDT: 'delegue@cfdt.demo',
  CGT: 'delegue@cgt.demo',
  FO: 'delegue@fo.demo',
  SUD: 'delegue@sud.demo',
  CFTC: 'delegue@cftc.demo',
  CMP: 'president@cmp.demo',
};

describe('invitations, revocations and password resets, by each organisation’s lead', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  let secretariat: string;
  const leads: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    secretariat = await login(server, 'secretariat@axess.demo');
    for (const [org, email] of Object.entries(LEADS)) leads[org] = await login(server, email);
  });
  afterAll(() => server?.close());

  /** The organisation's lead invites; the link arrives by mail to the invitee, and only there. */
  const inviteBy = async (organisation: string, email: string, roles: string[], into = negotiationId) => {
    const { mail, result } = await expectMail(server, email, async () => {
      const response = await call(server, `/negotiations/${into}/invitations`, {
        cookie: leads[organisation],
        body: { email, organisationId: ids.organisations[organisation], roles },
      });
      if (response.status !== 201) throw new Error(`invitation refused: ${response.status} ${await response.text()}`);
      return response.json();
    });
    expect(JSON.stringify(result)).not.toMatch(/invitations\//);
    return { link: mail.link!, sent: result as { id: string; email: string }, mail };
  };
  const invite = (email: string, organisation: string, roles: string[]) =>
    call(server, `/negotiations/${negotiationId}/invitations`, {
      cookie: leads[organisation],
      body: { email, organisationId: ids.organisations[organisation], roles },
    });
  const tokenOf = (path: string) => path.split('/').at(-1)!;
  const members = async (cookie = secretariat) => (await (await call(server, `/negotiations/${negotiationId}/members`, { cookie })).json());

  it('the invitee gets the link by mail, sets a password and lands in the negotiation with the roles given', async () => {
    const { link: path, mail } = await inviteBy('CGT', 'nouvelle@cgt.test', ['delegate', 'signatory']);
    const link = { path };
    expect(link.path).toMatch(/^\/invitations\/[A-Za-z0-9_-]{43}$/);
    expect(mail.subject).toContain('Invitation');
    expect(mail.text).toMatch(/vous invite à siéger pour CGT/);
    expect(mail.text.indexOf('Bonjour')).toBeLessThan(mail.text.indexOf('Hello'));
    expect(mail.html).toContain(link.path);

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
    const link = { path: (await inviteBy('FO', 'twice@fo.test', ['delegate'])).link };
    const token = tokenOf(link.path);
    expect((await call(server, `/invitations/${token}/accept`, { body: { name: 'Une fois', password: NEW_PASSWORD } })).status).toBe(200);
    const again = await call(server, `/invitations/${token}/accept`, { body: { name: 'Deux fois', password: NEW_PASSWORD } });
    expect(again.status).toBe(410);
    expect((await again.json()).error.code).toBe('GONE');
    expect((await call(server, `/invitations/${token}`)).status).toBe(410);
  });

  it('two simultaneous uses of one link: one succeeds, the other is 410', async () => {
    const link = { path: (await inviteBy('SUD', 'race@sud.test', ['delegate'])).link };
    const use = () => call(server, `/invitations/${tokenOf(link.path)}/accept`, { body: { name: 'Course', password: NEW_PASSWORD } });
    const statuses = (await Promise.all([use(), use()])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 410]);
  });

  it('using a link in a browser signed in as someone else ends that other session', async () => {
    const other = await login(server, 'negociateur@axess.demo');
    const link = { path: (await inviteBy('CGT', 'same-browser@cgt.test', ['delegate'])).link };
    const used = await call(server, `/invitations/${tokenOf(link.path)}/accept`, { cookie: other, body: { name: 'Même navigateur', password: NEW_PASSWORD } });
    expect(used.status).toBe(200);
    expect((await call(server, '/me', { cookie: other })).status).toBe(401);
    expect((await (await call(server, '/me', { cookie: sessionCookieOf(used)! })).json()).user.email).toBe('same-browser@cgt.test');
  });

  it('an expired link answers 410', async () => {
    const link = { path: (await inviteBy('CFDT', 'late@cfdt.test', ['delegate'])).link };
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
    const link = { path: (await inviteBy('CGT', 'short@cgt.test', ['observer'])).link };
    const token = tokenOf(link.path);
    expect((await call(server, `/invitations/${token}/accept`, { body: { name: 'Court', password: 'court' } })).status).toBe(400);
    expect((await call(server, `/invitations/${token}`)).status).toBe(200);
  });

  it('a person who already has an account proves it with their password to join another negotiation', async () => {
    // Léa, who joined the working-time draft above, is invited by the CGT's lead into the CPPNI avenant too.
    const otherId = ids.negotiations.cppni;
    const { link: path } = await inviteBy('CGT', 'nouvelle@cgt.test', ['observer'], otherId);
    const token = tokenOf(path);
    expect((await (await call(server, `/invitations/${token}`)).json()).existingUser).toBe(true);
    expect((await call(server, `/invitations/${token}/accept`, { body: { password: 'not-their-password' } })).status).toBe(401);
    expect((await call(server, `/invitations/${token}/accept`, { body: { password: NEW_PASSWORD } })).status).toBe(200);
    const cookie = await login(server, 'nouvelle@cgt.test', NEW_PASSWORD);
    const detail = await (await call(server, `/negotiations/${otherId}`, { cookie })).json();
    expect(detail.myRoles).toEqual(['observer']);
  });

  it('inviting someone already at the table is a conflict; an organisation not at the table is refused', async () => {
    expect((await invite('delegue@fo.demo', 'FO', ['delegate'])).status).toBe(409);
    const response = await call(server, `/negotiations/${negotiationId}/invitations`, {
      cookie: leads.FO,
      body: { email: 'x@y.test', organisationId: 'f'.repeat(24), roles: ['delegate'] },
    });
    expect(response.status).toBe(422);
    expect((await invite('bad@roles.test', 'CGT', ['admin'])).status).toBe(400);
  });

  it('a cancelled invitation can no longer be used', async () => {
    const { link: path, sent } = await inviteBy('CGT', 'cancelled@cgt.test', ['delegate']);
    const link = { path, id: sent.id };
    const pending = (await members(leads.CGT)).invitations.map((i: { id: string }) => i.id);
    expect(pending).toContain(link.id);
    // Another organisation's lead, or the secretariat, cannot cancel it: it is the CGT's.
    expect((await call(server, `/negotiations/${negotiationId}/invitations/${link.id}`, { method: 'DELETE', cookie: leads.FO })).status).toBe(403);
    expect((await call(server, `/negotiations/${negotiationId}/invitations/${link.id}`, { method: 'DELETE', cookie: secretariat })).status).toBe(403);
    expect((await call(server, `/negotiations/${negotiationId}/invitations/${link.id}`, { method: 'DELETE', cookie: leads.CGT })).status).toBe(204);
    expect((await call(server, `/invitations/${tokenOf(link.path)}`)).status).toBe(410);
  });

  it('an organisation’s lead revokes one of its delegates: their access to the negotiation ends at once', async () => {
    await inviteBy('CFTC', 'second@cftc.test', ['delegate']).then(({ link }) =>
      call(server, `/invitations/${tokenOf(link)}/accept`, { body: { name: 'Second CFTC', password: NEW_PASSWORD } }),
    );
    const delegate = await login(server, 'second@cftc.test', NEW_PASSWORD);
    const target = (await members()).members.find((m: { user: { email: string } }) => m.user.email === 'second@cftc.test');
    expect((await call(server, `/negotiations/${negotiationId}/members/${target.id}`, { method: 'DELETE', cookie: secretariat })).status).toBe(403);
    expect((await call(server, `/negotiations/${negotiationId}/members/${target.id}`, { method: 'DELETE', cookie: leads.CFTC })).status).toBe(204);
    expect((await call(server, `/negotiations/${negotiationId}`, { cookie: delegate })).status).toBe(403);
    expect((await members()).members.some((m: { id: string }) => m.id === target.id)).toBe(false);
    const log = await server.app.context.events.since(negotiationId, 0);
    expect(log.find((e) => e.type === 'member:revoked')).toMatchObject({ payload: { membershipId: target.id }, org: ids.organisations.CFTC });
  });

  it('a change of mandate is pushed live to the delegation concerned, and never reaches another organisation', async () => {
    const cgt = await connect(server, await login(server, 'delegue@cgt.demo'));
    const cfdt = await connect(server, await login(server, 'delegue@cfdt.demo'));
    try {
      const heard = { cgt: collect(cgt), cfdt: collect(cfdt) };
      const head = (await server.app.context.events.since(negotiationId, 0)).at(-1)?.seq ?? 0;
      await join(cgt, negotiationId, head);
      await join(cfdt, negotiationId, head);

      const { link } = await inviteBy('CGT', 'live@cgt.test', ['delegate']);
      expect((await call(server, `/invitations/${tokenOf(link)}/accept`, { body: { name: 'Jeanne Directe', password: NEW_PASSWORD } })).status).toBe(200);
      const member = (await members()).members.find((m: { user: { email: string } }) => m.user.email === 'live@cgt.test');
      expect((await call(server, `/negotiations/${negotiationId}/members/${member.id}`, { method: 'PATCH', cookie: leads.CGT, body: { roles: ['observer'] } })).status).toBe(204);
      expect((await call(server, `/negotiations/${negotiationId}/members/${member.id}`, { method: 'DELETE', cookie: leads.CGT })).status).toBe(204);
      // A committee event after them: once the CFDT hears it, it would have heard the others.
      await server.app.context.events.record(negotiationId, SYSTEM, [content('test:sentinel')]);

      const types = (events: { type: string }[]) => events.map((e) => e.type);
      // The CGT's lead also governs it: it hears the invitation sent and accepted.
      await until(() => heard.cgt.length === 6 && heard.cfdt.length === 1, 'the live events');
      expect(types(heard.cgt)).toEqual(['invitation:sent', 'member:joined', 'invitation:accepted', 'member:roles-changed', 'member:revoked', 'test:sentinel']);
      expect(heard.cgt[1]).toMatchObject({ payload: { name: 'Jeanne Directe', organisationId: ids.organisations.CGT, membershipId: member.id } });
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
    await server.app.context.events.record(negotiationId, SYSTEM, [content('test:sentinel')]);
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

  it('a lead cannot revoke their own mandate nor drop their own lead role', async () => {
    const self = (await members(leads.SUD)).members.find((m: { user: { email: string } }) => m.user.email === 'delegue@sud.demo');
    expect((await call(server, `/negotiations/${negotiationId}/members/${self.id}`, { method: 'DELETE', cookie: leads.SUD })).status).toBe(409);
    expect((await call(server, `/negotiations/${negotiationId}/members/${self.id}`, { method: 'PATCH', cookie: leads.SUD, body: { roles: ['delegate'] } })).status).toBe(409);
  });

  it('an organisation’s lead changes a member’s roles', async () => {
    const { link } = await inviteBy('SUD', 'roles@sud.test', ['delegate']);
    expect((await call(server, `/invitations/${tokenOf(link)}/accept`, { body: { name: 'Rôles SUD', password: NEW_PASSWORD } })).status).toBe(200);
    const target = (await members(leads.SUD)).members.find((m: { user: { email: string } }) => m.user.email === 'roles@sud.test');
    const patched = await call(server, `/negotiations/${negotiationId}/members/${target.id}`, { method: 'PATCH', cookie: leads.SUD, body: { roles: ['delegate', 'signatory'] } });
    expect(patched.status).toBe(204);
    const cookie = await login(server, 'roles@sud.test', NEW_PASSWORD);
    expect((await (await call(server, `/negotiations/${negotiationId}`, { cookie })).json()).myRoles).toEqual(['delegate', 'signatory']);
  });

  it('a password reset asked by the member’s lead is mailed to the member: the new password signs them out everywhere else', async () => {
    const before = await login(server, 'delegue@fo.demo');
    const target = (await members(leads.FO)).members.find((m: { user: { email: string } }) => m.user.email === 'delegue@fo.demo');
    const { mail, result } = await expectMail(server, 'delegue@fo.demo', async () => {
      const asked = await call(server, `/negotiations/${negotiationId}/members/${target.id}/password-reset`, { method: 'POST', cookie: leads.FO });
      expect(asked.status).toBe(202);
      return asked.json();
    });
    expect(result).toEqual({ sent: true });
    expect(mail.subject).toBe('Choisir un nouveau mot de passe');
    const token = tokenOf(mail.link!);
    expect((await (await call(server, `/invitations/${token}`)).json()).kind).toBe('password-reset');
    expect((await call(server, `/invitations/${token}/accept`, { body: { password: NEW_PASSWORD } })).status).toBe(200);
    expect((await call(server, '/me', { cookie: before })).status).toBe(401);
    expect((await call(server, '/auth/login', { body: { email: 'delegue@fo.demo', password: DEMO_PASSWORD } })).status).toBe(401);
    expect(await login(server, 'delegue@fo.demo', NEW_PASSWORD)).toMatch(/^nego_sid=/);
    expect((await call(server, `/invitations/${token}/accept`, { body: { password: NEW_PASSWORD } })).status).toBe(410);
  });

  it('« mot de passe oublié »: the person asks, the link goes to their address; an unknown address gets the same answer and no mail', async () => {
    const { mail, result } = await expectMail(server, 'delegue@sud.demo', async () => {
      const asked = await call(server, '/auth/password-reset', { body: { email: 'Delegue@SUD.demo' } });
      expect(asked.status).toBe(202);
      return asked.json();
    });
    expect(result).toEqual({ sent: true });
    expect(mail.text).toMatch(/mot de passe oublié/);
    const view = await (await call(server, `/invitations/${tokenOf(mail.link!)}`)).json();
    expect(view).toMatchObject({ kind: 'password-reset', email: 'delegue@sud.demo', negotiation: null });
    const unknown = await call(server, '/auth/password-reset', { body: { email: 'personne@nulle-part.test' } });
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toEqual({ sent: true });
  });
});
