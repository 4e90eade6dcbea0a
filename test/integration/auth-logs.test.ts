import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, sessionCookieOf, DEMO_PASSWORD } from '../helpers/auth.ts';
import { startLoggedServer, type LoggedServer } from '../helpers/logged-server.ts';

describe('what the server logs', () => {
  let server: LoggedServer;

  beforeAll(async () => {
    server = await startLoggedServer();
  });
  afterAll(() => server?.stop());

  it('never contains a password, a session token or a cookie, even at trace level', async () => {
    // The first start on an empty database seeded the demo: its accounts work.
    const ok = await call(server, '/auth/login', { body: { email: 'delegue@cfdt.demo', password: DEMO_PASSWORD } });
    expect(ok.status).toBe(200);
    const cookie = sessionCookieOf(ok)!;
    const token = cookie.split('=')[1];
    await call(server, '/auth/login', { body: { email: 'delegue@cfdt.demo', password: 'a-wrong-secret-123' } });
    await call(server, '/me', { cookie });
    await call(server, '/negotiations', { cookie });
    await call(server, '/auth/logout', { method: 'POST', cookie });
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(server.logs).toContain('signed in');
    expect(server.logs).not.toContain(DEMO_PASSWORD);
    expect(server.logs).not.toContain('a-wrong-secret-123');
    expect(server.logs).not.toContain(token);
    expect(server.logs).not.toMatch(/nego_sid=/);
    expect(server.logs).not.toMatch(/\$argon2id\$/);
  });
});
