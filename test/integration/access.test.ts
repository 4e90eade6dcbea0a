import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { ACTIONS, ROLES, type Role } from '../../shared/access.ts';
import { can, loadActor } from '../../server/access/access.service.ts';
import { membershipModel } from '../../server/negotiations/membership.model.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { EXPECTED_MATRIX } from '../helpers/auth-matrix.ts';
import { addMember, addNegotiation, seedDemo, type DemoIds } from '../helpers/seed.ts';

/** The organisation a person with this one role sits for. */
const ORG_OF_ROLE: Record<Role, string> = {
  negotiator: 'AXESS',
  delegate: 'CGT',
  signatory: 'FO',
  secretariat: 'AXESS',
  chair: 'CMP',
  observer: 'CMP',
  lead: 'SUD',
};

describe('access control', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  const cookies = {} as Record<Role, string>;
  const users = {} as Record<Role, { id: string; name: string; email: string }>;

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    for (const role of ROLES) {
      const email = `only-${role}@matrix.test`;
      const { userId } = await addMember(server, {
        email,
        negotiationId,
        organisationId: ids.organisations[ORG_OF_ROLE[role]],
        roles: [role],
      });
      users[role] = { id: userId, name: email, email };
      cookies[role] = await login(server, email);
    }
  });
  afterAll(() => server?.close());

  describe('the permission matrix, decided by the access module on real mandates', () => {
    const cells = ACTIONS.flatMap((action) => ROLES.map((role) => ({ role, action, allowed: EXPECTED_MATRIX[action][role] })));
    it.each(cells)('$role → $action: allowed = $allowed', async ({ role, action, allowed }) => {
      const actor = await loadActor(server.app.context.db.connection, users[role], negotiationId);
      expect(actor?.roles).toEqual([role]);
      expect(can(actor!, action)).toBe(allowed);
    });

    it.each(ROLES)('over HTTP, %s may read the negotiation (negotiation:read)', async (role) => {
      expect((await call(server, `/negotiations/${negotiationId}`, { cookie: cookies[role] })).status).toBe(200);
    });

    it.each(ROLES.map((role) => ({ role, allowed: EXPECTED_MATRIX['members:oversee'][role] || EXPECTED_MATRIX['delegation:manage'][role] })))(
      'over HTTP, $role sees the members screen (members:oversee or delegation:manage): $allowed',
      async ({ role, allowed }) => {
        const response = await call(server, `/negotiations/${negotiationId}/members`, { cookie: cookies[role] });
        expect(response.status).toBe(allowed ? 200 : 403);
        if (!allowed) expect((await response.json()).error.code).toBe('FORBIDDEN');
      },
    );
  });

  describe('unauthenticated requests', () => {
    it.each([
      ['GET', '/me'],
      ['GET', '/negotiations'],
      ['GET', '/negotiations/000000000000000000000000'],
      ['GET', '/negotiations/000000000000000000000000/members'],
      ['POST', '/negotiations/000000000000000000000000/invitations'],
      ['DELETE', '/negotiations/000000000000000000000000/members/000000000000000000000000'],
    ])('%s %s is 401', async (method, path) => {
      const response = await call(server, path, { method, body: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('strangers and revoked mandates', () => {
    it('a member of another negotiation gets 403 on this one, and does not see it listed', async () => {
      const otherId = await addNegotiation(server, 'Accord d’entreprise sans rapport', ids.organisations.CGT);
      await addMember(server, { email: 'stranger@other.test', negotiationId: otherId, organisationId: ids.organisations.CGT, roles: ['delegate', 'secretariat'] });
      const cookie = await login(server, 'stranger@other.test');
      expect((await call(server, `/negotiations/${negotiationId}`, { cookie })).status).toBe(403);
      expect((await call(server, `/negotiations/${negotiationId}/members`, { cookie })).status).toBe(403);
      const list = await (await call(server, '/negotiations', { cookie })).json();
      expect(list.map((n: { id: string }) => n.id)).toEqual([otherId]);
    });

    it('a malformed or unknown negotiation id is 403, never a server error', async () => {
      const cookie = cookies.delegate;
      expect((await call(server, '/negotiations/not-an-id', { cookie })).status).toBe(403);
      expect((await call(server, '/negotiations/0123456789abcdef01234567', { cookie })).status).toBe(403);
    });

    it('a revoked mandate stops working at the next request', async () => {
      const { membershipId } = await addMember(server, { email: 'soon-revoked@cgt.test', negotiationId, organisationId: ids.organisations.CGT, roles: ['delegate'] });
      const cookie = await login(server, 'soon-revoked@cgt.test');
      expect((await call(server, `/negotiations/${negotiationId}`, { cookie })).status).toBe(200);
      await membershipModel(server.app.context.db.connection).updateOne({ _id: membershipId }, { $set: { revokedAt: new Date() } });
      expect((await call(server, `/negotiations/${negotiationId}`, { cookie })).status).toBe(403);
    });
  });

  describe('acting for one’s own organisation only', () => {
    it('a CFDT delegate sees the CFDT delegation but not the CGT one', async () => {
      const cookie = await login(server, 'delegue@cfdt.demo');
      const own = await call(server, `/negotiations/${negotiationId}/organisations/${ids.organisations.CFDT}/members`, { cookie });
      expect(own.status).toBe(200);
      expect((await own.json()).map((m: { user: { email: string } }) => m.user.email)).toEqual(['delegue@cfdt.demo']);
      const other = await call(server, `/negotiations/${negotiationId}/organisations/${ids.organisations.CGT}/members`, { cookie });
      expect(other.status).toBe(403);
    });

    it('the secretariat sees any delegation', async () => {
      const cookie = await login(server, 'secretariat@axess.demo');
      const response = await call(server, `/negotiations/${negotiationId}/organisations/${ids.organisations.CGT}/members`, { cookie });
      expect(response.status).toBe(200);
    });

    it('a delegate who is not their delegation’s lead cannot invite people, even into their own organisation', async () => {
      const response = await call(server, `/negotiations/${negotiationId}/invitations`, {
        cookie: cookies.delegate,
        body: { email: 'friend@cgt.test', organisationId: ids.organisations.CGT, roles: ['delegate'] },
      });
      expect(response.status).toBe(403);
    });
  });

  describe('cross-site requests (CSRF)', () => {
    it('a state-changing request from a foreign Origin is refused with 403', async () => {
      const response = await call(server, '/auth/login', {
        body: { email: 'delegue@cfdt.demo', password: 'demo-negociation' },
        origin: 'https://evil.example',
      });
      expect(response.status).toBe(403);
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it('a revocation forged from a foreign Origin does not happen', async () => {
      const lead = await login(server, 'delegue@sud.demo');
      const view = await (await call(server, `/negotiations/${negotiationId}/members`, { cookie: lead })).json();
      const target = view.members.find((m: { user: { email: string } }) => m.user.email === 'only-lead@matrix.test');
      const forged = await call(server, `/negotiations/${negotiationId}/members/${target.id}`, {
        method: 'DELETE',
        cookie: lead,
        origin: 'http://attacker.test',
      });
      expect(forged.status).toBe(403);
      const after = await (await call(server, `/negotiations/${negotiationId}/members`, { cookie: lead })).json();
      expect(after.members.some((m: { id: string }) => m.id === target.id)).toBe(true);
    });

    it('the opaque origin "null" and a cross-site fetch are refused too', async () => {
      const body = { email: 'delegue@cfdt.demo', password: 'demo-negociation' };
      expect((await call(server, '/auth/login', { body, origin: 'null' })).status).toBe(403);
      expect((await call(server, '/auth/login', { body, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    });

    it('the same origin (the Host header’s) is accepted', async () => {
      const response = await call(server, '/auth/login', {
        body: { email: 'delegue@cfdt.demo', password: 'demo-negociation' },
        origin: server.url,
      });
      expect(response.status).toBe(200);
    });

    it('reading with a foreign Origin is harmless and allowed (GET)', async () => {
      const cookie = await login(server, 'delegue@cfdt.demo');
      expect((await call(server, '/me', { cookie, origin: 'https://evil.example' })).status).toBe(200);
    });
  });

  describe('Socket.IO', () => {
    const sockets: Socket[] = [];
    afterAll(() => sockets.forEach((s) => s.close()));

    function open(headers: Record<string, string>): Socket {
      const socket = connectSocket(server.url, { transports: ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true });
      sockets.push(socket);
      return socket;
    }
    function outcome(socket: Socket): Promise<{ connected: boolean; code?: string }> {
      return new Promise((resolve) => {
        socket.once('connect', () => resolve({ connected: true }));
        socket.once('connect_error', (err: Error & { data?: { code: string } }) => resolve({ connected: false, code: err.data?.code ?? err.message }));
      });
    }
    const command = (socket: Socket, event: string, payload: unknown) =>
      socket.timeout(5000).emitWithAck(event, payload) as Promise<{ ok: boolean; error?: { code: string } }>;

    it('a handshake without a session cookie is refused', async () => {
      expect(await outcome(open({}))).toEqual({ connected: false, code: 'UNAUTHENTICATED' });
    });

    it('a handshake with a forged session cookie is refused', async () => {
      expect(await outcome(open({ cookie: `nego_sid=${'B'.repeat(43)}` }))).toEqual({ connected: false, code: 'UNAUTHENTICATED' });
    });

    it('a handshake from a foreign origin is refused, even with a valid session', async () => {
      expect(await outcome(open({ cookie: cookies.delegate, origin: 'https://evil.example' }))).toEqual({ connected: false, code: 'FORBIDDEN' });
    });

    it('with a session the socket connects; commands on a negotiation I am not in are refused', async () => {
      const socket = open({ cookie: cookies.delegate });
      expect(await outcome(socket)).toEqual({ connected: true });
      const joined = await command(socket, 'negotiation:join', { negotiationId, sinceSeq: 0 });
      expect(joined.ok).toBe(true);
      const refused = await command(socket, 'negotiation:join', { negotiationId: ids.negotiations.cppni, sinceSeq: 0 });
      expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });

    it('signing out disconnects an already open socket at once: no event of the negotiation reaches it afterwards', async () => {
      await addMember(server, { email: 'socket-logout@sud.test', negotiationId, organisationId: ids.organisations.SUD, roles: ['delegate'] });
      const cookie = await login(server, 'socket-logout@sud.test');
      const socket = open({ cookie });
      expect(await outcome(socket)).toEqual({ connected: true });
      expect((await command(socket, 'negotiation:join', { negotiationId, sinceSeq: 0 })).ok).toBe(true);
      const sinkId = socket.id;
      // A witness following the same negotiation, to know when an event was delivered.
      const witness = open({ cookie: cookies.delegate });
      expect(await outcome(witness)).toEqual({ connected: true });
      expect((await command(witness, 'negotiation:join', { negotiationId, sinceSeq: 0 })).ok).toBe(true);
      const afterSignOut: unknown[] = [];
      socket.on('negotiation:event', (event: unknown) => afterSignOut.push(event));
      const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));

      expect((await call(server, '/auth/logout', { method: 'POST', cookie })).status).toBe(204);
      expect(await disconnected).toBe('io server disconnect');
      const delivered = new Promise<{ type: string }>((resolve) => witness.once('negotiation:event', resolve));
      const declared = await command(witness, 'position:declare', { negotiationId, stance: 'réservé', statement: 'Après la déconnexion', item: { kind: 'text' } });
      expect(declared.ok).toBe(true);
      expect((await delivered).type).toBe('position:declared');
      expect(afterSignOut).toEqual([]);
      expect(socket.connected).toBe(false);
      expect(server.app.context.channel.followers().some((f) => f.sinkId === sinkId)).toBe(false);
      // And the ended session opens nothing new.
      expect(await outcome(open({ cookie }))).toEqual({ connected: false, code: 'UNAUTHENTICATED' });
    });

    it('a mandate revoked while connected is refused at the next command', async () => {
      const { membershipId } = await addMember(server, { email: 'socket-revoked@fo.test', negotiationId, organisationId: ids.organisations.FO, roles: ['delegate'] });
      const socket = open({ cookie: await login(server, 'socket-revoked@fo.test') });
      expect(await outcome(socket)).toEqual({ connected: true });
      expect((await command(socket, 'negotiation:join', { negotiationId, sinceSeq: 0 })).ok).toBe(true);
      await membershipModel(server.app.context.db.connection).updateOne({ _id: membershipId }, { $set: { revokedAt: new Date() } });
      expect(await command(socket, 'negotiation:join', { negotiationId, sinceSeq: 0 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });
  });
});
