import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, DEMO_PASSWORD, login } from '../helpers/auth.ts';
import { linkMailedTo } from '../helpers/mailbox.ts';
import { addMember, addNegotiation, seedDemo, type DemoIds } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const codeOf = async (response: Response) => ((await response.json()) as { error?: { code?: string } }).error?.code;

/**
 * Issue 14 item 4 beyond sign-in and signing (auth.test.ts, signature.test.ts): opposing,
 * accepting an invitation as an existing user, asking a reset and uploading files to verify
 * are each throttled, and a refused attempt says when to try again.
 */
describe('every password typed and every anonymous request that costs is throttled', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('opposing: five wrong passwords, then 429 with Retry-After even with the right one; no opposition recorded', async () => {
    const post = async (email: string, path: string, body: unknown) =>
      call(server, `/negotiations/${negotiationId}/signature${path}`, { cookie: await login(server, email), body });
    const opened = await (await post('secretariat@axess.demo', '/open', { signatureDeadline: '2099-06-30' })).json();
    expect((await post('delegue@cfdt.demo', '/sign', { password: DEMO_PASSWORD, versionHash: opened.version.hash })).status).toBe(200);
    expect((await post('secretariat@axess.demo', '/notifications', { org: ids.organisations.CGT })).status).toBe(200);
    const cookie = await login(server, 'delegue@cgt.demo');
    const oppose = (password: string) =>
      call(server, `/negotiations/${negotiationId}/signature/oppositions`, { cookie, body: { password, text: 'La CGT s’oppose à cet accord, motifs joints.' } });
    for (let i = 0; i < 5; i++) {
      const refused = await oppose(`faux-${i}`);
      expect(refused.status).toBe(401);
      expect(await codeOf(refused)).toBe('INVALID_CREDENTIALS');
    }
    const throttled = await oppose(DEMO_PASSWORD);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await codeOf(throttled)).toBe('RATE_LIMITED');
    const campaign = (await (await call(server, `/negotiations/${negotiationId}/signature`, { cookie })).json()).campaign;
    expect(campaign.oppositions).toEqual([]);
  });

  it('accepting an invitation with an existing account: five wrong passwords, then 429, and the link is not used up', async () => {
    const elsewhere = await addNegotiation(server, 'Autre négociation', ids.organisations.CFDT);
    await addMember(server, { email: 'deja-inscrite@cfdt.test', name: 'Déjà Inscrite', negotiationId: elsewhere, organisationId: ids.organisations.CFDT, roles: ['delegate'] });
    const invited = await call(server, `/negotiations/${negotiationId}/invitations`, {
      cookie: await login(server, 'delegue@cfdt.demo'),
      body: { email: 'deja-inscrite@cfdt.test', organisationId: ids.organisations.CFDT, roles: ['delegate'] },
    });
    expect(invited.status).toBe(201);
    const token = (await linkMailedTo(server, 'deja-inscrite@cfdt.test')).split('/').at(-1)!;
    const accept = (password: string) => call(server, `/invitations/${token}/accept`, { body: { password } });
    for (let i = 0; i < 5; i++) expect((await accept(`mauvais-mot-de-passe-${i}`)).status).toBe(401);
    const throttled = await accept(DEMO_PASSWORD);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    // The link still works once the wait is over.
    await server.app.context.db.connection.db!.collection('throttles').deleteMany({});
    expect((await accept(DEMO_PASSWORD)).status).toBeLessThan(300);
  });

  it('« mot de passe oublié »: three requests an hour for one address, then 429 with Retry-After', async () => {
    const ask = (email: string) => call(server, '/auth/password-reset', { body: { email } });
    for (let i = 0; i < 3; i++) expect((await ask('delegue@sud.demo')).status).toBe(202);
    const throttled = await ask('delegue@sud.demo');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await codeOf(throttled)).toBe('RATE_LIMITED');
  });

  it('verification uploads: sixty per ten minutes from one address, then 429 with Retry-After', async () => {
    await server.app.context.db.connection.db!.collection('throttles').deleteMany({});
    const upload = () => fetch(`${server.url}/api/verify`, { method: 'POST', body: 'pas un accord signé' });
    for (let i = 0; i < 60; i++) {
      const answer = await upload();
      expect(answer.status).toBe(200);
      await answer.arrayBuffer();
    }
    const throttled = await upload();
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
