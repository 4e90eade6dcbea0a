import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { MembersView } from '../../shared/identity.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { expectMail } from '../helpers/mailbox.ts';
import { collect, connect, join, quiet, until, type ClientSocket } from './realtime-client.ts';

const NEW_PASSWORD = 'un-mot-de-passe-solide';
const GOVERNANCE = ['invitation:sent', 'invitation:cancelled', 'invitation:accepted'];

describe('invitations and joins are events for the organisation’s governance only', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  const cookies: Record<string, string> = {};
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    for (const email of ['secretariat@axess.demo', 'delegue@cgt.demo', 'delegue@cfdt.demo', 'negociateur@axess.demo']) cookies[email] = await login(server, email);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  async function listening(email: string): Promise<NegotiationEvent[]> {
    const socket = await connect(server, cookies[email]);
    sockets.push(socket);
    const received = collect(socket);
    await join(socket, negotiationId);
    return received;
  }
  async function caughtUp(email: string): Promise<NegotiationEvent[]> {
    const socket = await connect(server, cookies[email]);
    sockets.push(socket);
    return (await join(socket, negotiationId, 0)).events;
  }
  async function inviteAs(email: string, invitee: string, organisation: string, roles: string[]): Promise<{ id: string; link: string }> {
    const { mail, result } = await expectMail(server, invitee, async () => {
      const response = await call(server, `/negotiations/${negotiationId}/invitations`, {
        cookie: cookies[email],
        body: { email: invitee, organisationId: ids.organisations[organisation], roles },
      });
      if (response.status !== 201) throw new Error(`invitation refused: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    });
    return { id: result.id, link: mail.link! };
  }

  it('the CGT lead and the secretariat hear every step with what the members list shows; another organisation’s sockets hear none of it, live or in their catch-up', async () => {
    const cgtLead = await listening('delegue@cgt.demo');
    const secretariat = await listening('secretariat@axess.demo');
    const cfdtLead = await listening('delegue@cfdt.demo');
    const employerLead = await listening('negociateur@axess.demo');

    const first = await inviteAs('delegue@cgt.demo', 'premier@cgt.test', 'CGT', ['delegate']);
    const cancel = await call(server, `/negotiations/${negotiationId}/invitations/${first.id}`, { method: 'DELETE', cookie: cookies['delegue@cgt.demo'] });
    expect(cancel.status).toBeLessThan(300);
    const second = await inviteAs('delegue@cgt.demo', 'second@cgt.test', 'CGT', ['delegate', 'signatory']);
    const accepted = await call(server, `/invitations/${second.link.split('/').at(-1)}/accept`, { body: { name: 'Second Délégué', password: NEW_PASSWORD } });
    expect(accepted.status).toBe(200);
    // The secretariat convenes CFE-CGC: its governance hears the invitation, the committee that it was convened.
    await inviteAs('secretariat@axess.demo', 'responsable@cfecgc.test', 'CFE-CGC', ['lead']);

    const list = (await (await call(server, `/negotiations/${negotiationId}/members`, { cookie: cookies['secretariat@axess.demo'] })).json()) as MembersView;
    const newcomer = list.members.find((m) => m.user.email === 'second@cgt.test')!;
    expect(newcomer).toBeDefined();

    const steps = (events: NegotiationEvent[]) => events.filter((e) => GOVERNANCE.includes(e.type) || e.type === 'member:joined');
    await until(() => steps(cgtLead).length === 5 && steps(secretariat).length === 6, 'the governance events');
    for (const events of [cgtLead, secretariat]) {
      const [sent, cancelled, sentAgain, joined, acceptedEvent] = steps(events);
      expect(sent).toMatchObject({ type: 'invitation:sent', payload: { invitationId: first.id, email: 'premier@cgt.test', organisationId: ids.organisations.CGT, roles: ['delegate'] } });
      expect(cancelled).toMatchObject({ type: 'invitation:cancelled', payload: { invitationId: first.id, organisationId: ids.organisations.CGT } });
      expect(sentAgain).toMatchObject({ type: 'invitation:sent', payload: { invitationId: second.id, email: 'second@cgt.test' } });
      // member:joined is the CGT's and the secretariat's (membership); the accepted invitation, its governance's.
      expect(joined).toMatchObject({ type: 'member:joined', payload: { membershipId: newcomer.id, name: 'Second Délégué' }, visibility: { scope: 'membership' } });
      expect(acceptedEvent).toMatchObject({ type: 'invitation:accepted', payload: { invitationId: second.id, member: newcomer }, visibility: { scope: 'governance' } });
    }
    expect(steps(secretariat).at(-1)).toMatchObject({ type: 'invitation:sent', payload: { email: 'responsable@cfecgc.test', organisationId: ids.organisations['CFE-CGC'] } });
    expect(steps(cgtLead).some((e) => JSON.stringify(e).includes('cfecgc.test'))).toBe(false);

    await until(() => cfdtLead.some((e) => e.type === 'member:lead-invited'), 'the committee hearing that CFE-CGC was convened');
    await quiet(300);
    const catchUps = { cfdt: await caughtUp('delegue@cfdt.demo'), axessLead: await caughtUp('negociateur@axess.demo') };
    for (const events of [cfdtLead, employerLead, catchUps.cfdt, catchUps.axessLead]) {
      expect(events.filter((e) => GOVERNANCE.includes(e.type)).map((e) => e.type)).toEqual([]);
      expect(events.filter((e) => e.type === 'member:joined' && e.payload.organisationId === ids.organisations.CGT)).toEqual([]);
      expect(JSON.stringify(events)).not.toMatch(/@cgt\.test|@cfecgc\.test/);
    }
    // The catch-up of the governance carries them as the live stream did.
    const secretariatCatchUp = await caughtUp('secretariat@axess.demo');
    expect(steps(secretariatCatchUp).map((e) => e.seq)).toEqual(steps(secretariat).map((e) => e.seq));
  }, 60_000);
});
