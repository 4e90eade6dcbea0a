import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { MembersView } from '../../shared/identity.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { addMember, seedDemo, type DemoIds } from '../helpers/seed.ts';
import { collect, connect, join, quiet, until, type ClientSocket } from './realtime-client.ts';

describe('a socket sees with the roles its mandate has now, not those it joined with', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  async function listening(cookie: string): Promise<NegotiationEvent[]> {
    const socket = await connect(server, cookie);
    sockets.push(socket);
    const received = collect(socket);
    await join(socket, negotiationId);
    return received;
  }
  async function invite(cookie: string, email: string): Promise<void> {
    const response = await call(server, `/negotiations/${negotiationId}/invitations`, { cookie, body: { email, organisationId: ids.organisations.CGT, roles: ['delegate'] } });
    expect(response.status).toBe(201);
  }
  async function setRoles(cookie: string, membershipId: string, roles: string[]): Promise<void> {
    const response = await call(server, `/negotiations/${negotiationId}/members/${membershipId}`, { method: 'PATCH', cookie, body: { roles } });
    expect(response.status).toBe(204);
  }
  /** The addresses of the invitations a socket heard of (the governance scope: the lead and the secretariat). */
  const invitationsHeard = (events: NegotiationEvent[]) => events.flatMap((e) => (e.type === 'invitation:sent' ? [e.payload.email] : []));

  it('the CGT hands its lead to a second delegate: the new lead hears the CGT’s invitations from then on, the former lead no more, neither joining again', async () => {
    const second = await addMember(server, { email: 'deuxieme@cgt.test', name: 'Karim Benali', negotiationId, organisationId: ids.organisations.CGT, roles: ['delegate'] });
    const cookies = { lead: await login(server, 'delegue@cgt.demo'), second: await login(server, 'deuxieme@cgt.test') };
    const lead = await listening(cookies.lead);
    const colleague = await listening(cookies.second);

    // A delegate without the lead role hears no invitation (they carry a person's address).
    await invite(cookies.lead, 'avant@cgt.test');
    await until(() => invitationsHeard(lead).includes('avant@cgt.test'), 'the lead hearing its invitation');
    await quiet(300);
    expect(invitationsHeard(colleague)).toEqual([]);

    // Made lead: the same socket hears the next invitation.
    await setRoles(cookies.lead, second.membershipId, ['delegate', 'lead']);
    await until(() => colleague.some((e) => e.type === 'member:roles-changed'), 'the colleague hearing of its new roles');
    await invite(cookies.lead, 'pendant@cgt.test');
    await until(() => invitationsHeard(colleague).includes('pendant@cgt.test'), 'the new lead hearing the invitation, without joining again');

    // The new lead takes the lead role from the former one: that socket hears of it, then no more invitation.
    const members = (await (await call(server, `/negotiations/${negotiationId}/members`, { cookie: cookies.second })).json()) as MembersView;
    const former = members.members.find((m) => m.user.email === 'delegue@cgt.demo')!;
    await setRoles(cookies.second, former.id, ['delegate', 'signatory']);
    await until(() => lead.some((e) => e.type === 'member:roles-changed' && e.payload.membershipId === former.id), 'the former lead hearing of its new roles');
    await invite(cookies.second, 'apres@cgt.test');
    await until(() => invitationsHeard(colleague).includes('apres@cgt.test'), 'the new lead hearing its invitation');
    await quiet(300);
    expect(invitationsHeard(lead)).toEqual(['avant@cgt.test', 'pendant@cgt.test']);
    expect(JSON.stringify(lead)).not.toContain('apres@cgt.test');
  }, 60_000);
});
