import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { addMember, seedDemo, type DemoIds } from '../helpers/seed.ts';
import { expectMail } from '../helpers/mailbox.ts';
import { connect, join } from './realtime-client.ts';
import { membershipModel } from '../../server/negotiations/membership.model.ts';
import { sessionModel } from '../../server/auth/session.model.ts';
import { liveAccessOf } from '../../server/auth/live-access.ts';
import { sessionIdOf } from '../../server/auth/session.service.ts';

/** A Yjs WebSocket that connects, then never sends a byte: only the server can notice its access ended. */
async function silentYjs(server: TestServer, docName: string, cookie: string): Promise<{ closed: Promise<{ code: number; at: number }>; ws: WebSocket }> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/${encodeURIComponent(docName)}`, { headers: { cookie } });
  const closed = new Promise<{ code: number; at: number }>((resolve) => ws.once('close', (code) => resolve({ code, at: Date.now() })));
  // The server's first message (sync step 1): the connection is fully set up.
  const first = new Promise((resolve, reject) => {
    ws.once('message', resolve);
    ws.once('error', reject);
  });
  await first;
  return { closed, ws };
}

/** Resolves with what happened first: the close, or nothing within `ms`. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))]);

describe('access ends when it ends: open connections close at once, silent or not', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  let article: string;
  let cgtLead: string;

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    article = `article:${ids.articles.tempsDeTravail[1]}`;
    cgtLead = await login(server, 'delegue@cgt.demo');
  });
  afterAll(() => server?.close());

  const person = async (email: string, roles: ('delegate' | 'signatory')[] = ['delegate']) => {
    const member = await addMember(server, { email, negotiationId, organisationId: ids.organisations.CGT, roles });
    return { ...member, cookie: await login(server, email) };
  };

  it('a revocation by the organisation’s lead closes a silent Yjs socket within 1 s (4403)', async () => {
    const revoked = await person('revoked-yjs@cgt.test');
    const { closed } = await silentYjs(server, article, revoked.cookie);
    const started = Date.now();
    expect((await call(server, `/negotiations/${negotiationId}/members/${revoked.membershipId}`, { method: 'DELETE', cookie: cgtLead })).status).toBe(204);
    const sut = await within(closed, 1_000);
    expect(sut).not.toBeNull();
    expect(sut!.code).toBe(4403);
    expect(sut!.at - started).toBeLessThan(1_000);
  });

  it('signing out closes a silent Yjs socket of that session within 1 s (4401), and the person’s other sessions stay open', async () => {
    const member = await person('signout-yjs@cgt.test');
    const otherSession = await login(server, 'signout-yjs@cgt.test');
    const { closed } = await silentYjs(server, article, member.cookie);
    const other = await silentYjs(server, article, otherSession);
    const started = Date.now();
    expect((await call(server, '/auth/logout', { method: 'POST', cookie: member.cookie })).status).toBe(204);
    const sut = await within(closed, 1_000);
    expect(sut?.code).toBe(4401);
    expect(sut!.at - started).toBeLessThan(1_000);
    expect(await within(other.closed, 300)).toBeNull();
    other.ws.close();
  });

  it('a suspension by the secretariat stops the Socket.IO stream of that negotiation at once', async () => {
    const member = await person('suspended-socket@cgt.test');
    const socket = await connect(server, member.cookie);
    try {
      await join(socket, negotiationId);
      const ended = new Promise<{ negotiationId: string }>((resolve) => socket.once('negotiation:access-ended' as never, resolve as never));
      const secretariat = await login(server, 'secretariat@axess.demo');
      const started = Date.now();
      const suspended = await call(server, `/negotiations/${negotiationId}/members/${member.membershipId}/suspension`, { cookie: secretariat, body: { reason: 'Test de suspension immédiate' } });
      expect(suspended.status).toBe(204);
      expect(await within(ended, 1_000)).toEqual({ negotiationId });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(server.app.context.channel.followers().some((f) => f.sinkId === socket.id)).toBe(false);
    } finally {
      socket.close();
    }
  });

  it('signing out disconnects the session’s Socket.IO sockets, telling them why', async () => {
    const member = await person('signout-socket@cgt.test');
    const socket = await connect(server, member.cookie);
    await join(socket, negotiationId);
    const told = new Promise((resolve) => socket.once('session:ended' as never, resolve as never));
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await call(server, '/auth/logout', { method: 'POST', cookie: member.cookie });
    expect(await within(told, 1_000)).not.toBeNull();
    expect(await within(gone, 1_000)).toBe('io server disconnect');
  });

  it('a new password (reset link) closes the person’s other sessions’ Yjs sockets', async () => {
    const member = await person('reset-yjs@cgt.test');
    const { closed } = await silentYjs(server, article, member.cookie);
    const { mail } = await expectMail(server, 'reset-yjs@cgt.test', async () => {
      const asked = await call(server, `/negotiations/${negotiationId}/members/${member.membershipId}/password-reset`, { method: 'POST', cookie: cgtLead });
      expect(asked.status).toBe(202);
    });
    const token = mail.link!.split('/').at(-1);
    expect((await call(server, `/invitations/${token}/accept`, { body: { password: 'un-nouveau-mot-de-passe' } })).status).toBe(200);
    expect((await within(closed, 1_000))?.code).toBe(4401);
  });

  it('a session that expires closes its silent Yjs socket when it expires, without any message', async () => {
    const member = await person('expiring-yjs@cgt.test');
    const sessionId = sessionIdOf(member.cookie)!;
    await sessionModel(server.app.context.db.connection).updateOne({ _id: sessionId }, { $set: { expiresAt: new Date(Date.now() + 700) } });
    const { closed } = await silentYjs(server, article, member.cookie);
    expect((await within(closed, 2_000))?.code).toBe(4401);
  });

  it('what no signal reports (a mandate ended in the database by another tool) is caught by the periodic re-check', async () => {
    const member = await person('mongosh-yjs@cgt.test');
    const { closed } = await silentYjs(server, article, member.cookie);
    await membershipModel(server.app.context.db.connection).updateOne({ _id: member.membershipId }, { $set: { revokedAt: new Date() } });
    expect(await within(closed, 300)).toBeNull();
    // The sweep runs every 30 s by itself; here it is run at once.
    await liveAccessOf(server.app.context.db.connection)!.sweep();
    expect((await within(closed, 1_000))?.code).toBe(4403);
  });

  it('a silent connection is re-checked at least every 30 s', async () => {
    const { SWEEP_EVERY_MS } = await import('../../server/auth/live-access.ts');
    expect(SWEEP_EVERY_MS).toBeLessThanOrEqual(30_000);
  });
});

describe('a change of password or email is the person’s own, ends their other sessions and is mailed to them', () => {
  let server: TestServer;
  let ids: DemoIds;

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
  });
  afterAll(() => server?.close());

  it('a new password: the current one is asked, every other session (HTTP, Socket.IO, Yjs) ends at once, this one stays, and a mail says so', async () => {
    await addMember(server, { email: 'change@sud.test', negotiationId: ids.negotiations.tempsDeTravail, organisationId: ids.organisations.SUD, roles: ['delegate'] });
    const here = await login(server, 'change@sud.test');
    const elsewhere = await login(server, 'change@sud.test');
    const { closed } = await silentYjs(server, `article:${ids.articles.tempsDeTravail[0]}`, elsewhere);
    const socket = await connect(server, elsewhere);
    await join(socket, ids.negotiations.tempsDeTravail);
    const told = new Promise((resolve) => socket.once('session:ended' as never, resolve as never));
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const mine = await connect(server, here);
    await join(mine, ids.negotiations.tempsDeTravail);
    expect((await call(server, '/me/password', { cookie: here, body: { currentPassword: 'pas-le-bon', newPassword: 'un-tout-nouveau-mot' } })).status).toBe(401);
    const { mail } = await expectMail(server, 'change@sud.test', async () => {
      expect((await call(server, '/me/password', { cookie: here, body: { currentPassword: 'demo-negociation', newPassword: 'un-tout-nouveau-mot' } })).status).toBe(204);
    });
    expect(mail.subject).toBe('Votre mot de passe a été changé');
    expect((await within(closed, 1_000))?.code).toBe(4401);
    expect(await within(told, 1_000)).not.toBeNull();
    expect(await within(gone, 1_000)).toBe('io server disconnect');
    // The socket of the session that made the change stays.
    expect(mine.connected).toBe(true);
    mine.close();
    expect((await call(server, '/me', { cookie: elsewhere })).status).toBe(401);
    expect((await call(server, '/me', { cookie: here })).status).toBe(200);
    expect(await login(server, 'change@sud.test', 'un-tout-nouveau-mot')).toMatch(/^nego_sid=/);
  });

  it('a new email: mailed to the old address and the new one; another account’s address is refused', async () => {
    await addMember(server, { email: 'moving@sud.test', negotiationId: ids.negotiations.tempsDeTravail, organisationId: ids.organisations.SUD, roles: ['delegate'] });
    const cookie = await login(server, 'moving@sud.test');
    expect((await call(server, '/me/email', { cookie, body: { password: 'demo-negociation', email: 'delegue@cgt.demo' } })).status).toBe(409);
    const { mail } = await expectMail(server, 'moving@sud.test', async () => {
      expect((await call(server, '/me/email', { cookie, body: { password: 'demo-negociation', email: 'moved@sud.test' } })).status).toBe(204);
    });
    expect(mail.text).toMatch(/remplacée par moved@sud\.test/);
    expect(await login(server, 'moved@sud.test')).toMatch(/^nego_sid=/);
  });
});
