import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { addMember, addNegotiation, seedDemo, type DemoIds } from '../helpers/seed.ts';
import { expectMail, mailTo, outbox } from '../helpers/mailbox.ts';
import { connect, join } from './realtime-client.ts';

type MemberRow = { id: string; user: { email: string }; organisation: { shortName: string }; roles: string[]; suspension: unknown };

/**
 * The attacks of issue 14, replayed: no party obtains a credential, a link, a role or a
 * signature in another organisation's name.
 */
describe('each organisation governs its own people', () => {
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

  const members = async (cookie: string, id = negotiationId): Promise<MemberRow[]> =>
    (await (await call(server, `/negotiations/${id}/members`, { cookie })).json()).members;
  const memberId = async (email: string, cookie = secretariat, id = negotiationId) => (await members(cookie, id)).find((m) => m.user.email === email)!.id;
  const mailsTo = async (email: string) => (await outbox(server)).filter((m) => m.to === email);

  it('the secretariat cannot get a password-reset link for the CGT signatory: refused, nothing returned, nothing mailed', async () => {
    const target = await memberId('delegue@cgt.demo');
    const before = (await mailsTo('delegue@cgt.demo')).length;
    const asked = await call(server, `/negotiations/${negotiationId}/members/${target}/password-reset`, { method: 'POST', cookie: secretariat });
    expect(asked.status).toBe(403);
    expect(await asked.text()).not.toMatch(/invitations\//);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await mailsTo('delegue@cgt.demo')).length).toBe(before);
  });

  it('the secretariat cannot invite anyone into the CFDT delegation, as signatory or as a second lead', async () => {
    for (const roles of [['signatory'], ['delegate', 'signatory'], ['lead']]) {
      const response = await call(server, `/negotiations/${negotiationId}/invitations`, {
        cookie: secretariat,
        body: { email: 'shadow@axess.demo', organisationId: ids.organisations.CFDT, roles },
      });
      expect([403, 409]).toContain(response.status);
      expect(await response.text()).not.toMatch(/invitations\//);
    }
    expect(await mailsTo('shadow@axess.demo')).toEqual([]);
  });

  it('the secretariat grants no role in another organisation, and cannot revoke there either', async () => {
    const target = await memberId('delegue@cfdt.demo');
    const patched = await call(server, `/negotiations/${negotiationId}/members/${target}`, { method: 'PATCH', cookie: secretariat, body: { roles: ['delegate'] } });
    expect(patched.status).toBe(403);
    expect((await call(server, `/negotiations/${negotiationId}/members/${target}`, { method: 'DELETE', cookie: secretariat })).status).toBe(403);
    expect((await members(secretariat)).find((m) => m.id === target)!.roles).toEqual(['delegate', 'signatory', 'lead']);
  });

  it('a lead governs their own organisation only: no invitation, role or reset in another one', async () => {
    const cfdtLead = await login(server, 'delegue@cfdt.demo');
    const intoCgt = await call(server, `/negotiations/${negotiationId}/invitations`, {
      cookie: cfdtLead,
      body: { email: 'mole@cfdt.test', organisationId: ids.organisations.CGT, roles: ['signatory'] },
    });
    expect(intoCgt.status).toBe(403);
    const cgtSignatory = await memberId('delegue@cgt.demo');
    expect((await call(server, `/negotiations/${negotiationId}/members/${cgtSignatory}`, { method: 'PATCH', cookie: cfdtLead, body: { roles: ['observer'] } })).status).toBe(403);
    expect((await call(server, `/negotiations/${negotiationId}/members/${cgtSignatory}/password-reset`, { method: 'POST', cookie: cfdtLead })).status).toBe(403);
    // The lead's own view shows their delegation only.
    expect(new Set((await members(cfdtLead)).map((m) => m.organisation.shortName))).toEqual(new Set(['CFDT']));
  });

  it('a union lead cannot give its people the pen, the secretariat or the chair', async () => {
    const cgtLead = await login(server, 'delegue@cgt.demo');
    for (const role of ['negotiator', 'secretariat', 'chair']) {
      const response = await call(server, `/negotiations/${negotiationId}/invitations`, {
        cookie: cgtLead,
        body: { email: `power-${role}@cgt.test`, organisationId: ids.organisations.CGT, roles: [role] },
      });
      expect(response.status).toBe(403);
    }
  });

  it('only the organisation makes its signatory: the CFDT lead invites one, and the link reaches that person only', async () => {
    const cfdtLead = await login(server, 'delegue@cfdt.demo');
    const { mail, result } = await expectMail(server, 'nouveau-signataire@cfdt.test', async () => {
      const response = await call(server, `/negotiations/${negotiationId}/invitations`, {
        cookie: cfdtLead,
        body: { email: 'nouveau-signataire@cfdt.test', organisationId: ids.organisations.CFDT, roles: ['signatory'] },
      });
      expect(response.status).toBe(201);
      return response.json();
    });
    expect(Object.keys(result).sort()).toEqual(['email', 'expiresAt', 'id']);
    expect(mail.link).toMatch(/^\/invitations\/[A-Za-z0-9_-]{43}$/);
    expect(mail.to).toBe('nouveau-signataire@cfdt.test');
  });

  it('a reset in another negotiation reaches the person only: whoever asked gets no link, and cannot sign in as them', async () => {
    // A stranger runs another negotiation where the CGT delegate also sits; they lead the CGT there.
    const otherId = await addNegotiation(server, 'Accord d’entreprise voisin', ids.organisations.CGT);
    await addMember(server, { email: 'stranger@voisin.test', negotiationId: otherId, organisationId: ids.organisations.CGT, roles: ['lead', 'secretariat'] });
    const { membershipId } = await (async () => {
      const { membershipModel } = await import('../../server/negotiations/membership.model.ts');
      const doc = await membershipModel(server.app.context.db.connection).create({
        userId: ids.users['delegue@cgt.demo'],
        negotiationId: otherId,
        organisationId: ids.organisations.CGT,
        roles: ['delegate'],
        createdAt: new Date(),
      });
      return { membershipId: String(doc._id) };
    })();
    const stranger = await login(server, 'stranger@voisin.test');
    const { mail, result } = await expectMail(server, 'delegue@cgt.demo', async () => {
      const asked = await call(server, `/negotiations/${otherId}/members/${membershipId}/password-reset`, { method: 'POST', cookie: stranger });
      expect(asked.status).toBe(202);
      return asked.text();
    });
    expect(result).not.toMatch(/invitations\//);
    expect(mail.link).toBeTruthy();
    // Nothing in the stranger's reach carries the link: not the answer, not the members screen.
    expect(JSON.stringify(await (await call(server, `/negotiations/${otherId}/members`, { cookie: stranger })).json())).not.toMatch(/invitations\//);
  });

  it('the secretariat invites the first lead of an organisation that has nobody at the table, once', async () => {
    const otherId = await addNegotiation(server, 'Négociation à convoquer', ids.organisations.AXESS);
    await addMember(server, { email: 'secretariat@convoque.test', negotiationId: otherId, organisationId: ids.organisations.AXESS, roles: ['secretariat'] });
    const { negotiationModel } = await import('../../server/negotiations/negotiation.model.ts');
    await negotiationModel(server.app.context.db.connection).updateOne(
      { _id: otherId },
      { $push: { parties: { organisationId: ids.organisations.FO, weight: 0, representative: false, source: null } } },
    );
    const convener = await login(server, 'secretariat@convoque.test');
    const first = (email: string) =>
      call(server, `/negotiations/${otherId}/invitations`, { cookie: convener, body: { email, organisationId: ids.organisations.FO, roles: ['lead'] } });
    const { mail } = await expectMail(server, 'responsable@fo.test', async () => expect((await first('responsable@fo.test')).status).toBe(201));
    expect(mail.text).toMatch(/responsable de délégation/);
    // A second "first lead" while the first invitation is pending: refused.
    expect((await first('autre@fo.test')).status).toBe(409);

    // The committee hears of it — another organisation's delegate, on a real socket — without the invitee's address.
    await negotiationModel(server.app.context.db.connection).updateOne(
      { _id: otherId },
      { $push: { parties: { organisationId: ids.organisations.CGT, weight: 0, representative: false, source: null } } },
    );
    await addMember(server, { email: 'delegue@cgt.convoque.test', negotiationId: otherId, organisationId: ids.organisations.CGT, roles: ['delegate'] });
    const socket = await connect(server, await login(server, 'delegue@cgt.convoque.test'));
    try {
      const announced = (await join(socket, otherId)).events.filter((e) => e.type === 'member:lead-invited');
      expect(announced).toHaveLength(1);
      expect(announced[0]).toMatchObject({ payload: { organisationId: ids.organisations.FO, organisation: 'FO' }, visibility: { scope: 'committee' } });
      expect(JSON.stringify(announced[0])).not.toMatch(/responsable@fo\.test/);
    } finally {
      socket.close();
    }
  });

  it('the secretariat suspends a mandate with a reason: access stops, the organisation is told, nothing is granted; then lifts it', async () => {
    const sudDelegate = await addMember(server, { email: 'suspendu@sud.test', negotiationId, organisationId: ids.organisations.SUD, roles: ['delegate'] });
    const cookie = await login(server, 'suspendu@sud.test');
    expect((await call(server, `/negotiations/${negotiationId}`, { cookie })).status).toBe(200);

    const withoutReason = await call(server, `/negotiations/${negotiationId}/members/${sudDelegate.membershipId}/suspension`, { cookie: secretariat, body: {} });
    expect(withoutReason.status).toBe(400);
    const { mail } = await expectMail(server, 'delegue@sud.demo', async () => {
      const suspended = await call(server, `/negotiations/${negotiationId}/members/${sudDelegate.membershipId}/suspension`, {
        cookie: secretariat,
        body: { reason: 'Propos injurieux en séance du 12 mars' },
      });
      expect(suspended.status).toBe(204);
    });
    expect(mail.subject).toMatch(/Mandat suspendu/);
    expect(mail.text).toContain('Propos injurieux en séance du 12 mars');
    expect((await mailTo(server, 'suspendu@sud.test', { subject: /Mandat suspendu/ })).length).toBe(1);
    expect((await call(server, `/negotiations/${negotiationId}`, { cookie })).status).toBe(403);
    const row = (await members(secretariat)).find((m) => m.id === sudDelegate.membershipId)!;
    expect(row).toMatchObject({ roles: ['delegate'], suspension: { reason: 'Propos injurieux en séance du 12 mars', by: ids.users['secretariat@axess.demo'] } });
    const log = await server.app.context.events.since(negotiationId, 0);
    expect(log.find((e) => e.type === 'member:suspended')).toMatchObject({ visibility: { scope: 'membership', org: ids.organisations.SUD }, payload: { reason: 'Propos injurieux en séance du 12 mars' } });
    // A lead cannot suspend (it revokes, in its own organisation): suspension is the secretariat's.
    const sudLead = await login(server, 'delegue@sud.demo');
    expect((await call(server, `/negotiations/${negotiationId}/members/${sudDelegate.membershipId}/suspension`, { method: 'DELETE', cookie: sudLead })).status).toBe(403);

    expect((await call(server, `/negotiations/${negotiationId}/members/${sudDelegate.membershipId}/suspension`, { method: 'DELETE', cookie: secretariat })).status).toBe(204);
    expect((await call(server, `/negotiations/${negotiationId}`, { cookie })).status).toBe(200);
  });
});
