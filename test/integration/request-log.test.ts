import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, sessionCookieOf, DEMO_PASSWORD } from '../helpers/auth.ts';
import { startLoggedServer, type LoggedServer } from '../helpers/logged-server.ts';

interface RequestLine {
  msg: string;
  level: number;
  req: { method: string; url: string };
  res: { statusCode: number };
  responseTime: number;
}

describe('request logs', () => {
  let server: LoggedServer;

  beforeAll(async () => {
    server = await startLoggedServer();
  });
  afterAll(() => server?.stop());

  function requestLines(): RequestLine[] {
    return server.logs
      .split('\n')
      .filter((line) => line.includes('"request completed"') || line.includes('"request errored"'))
      .map((line) => JSON.parse(line));
  }

  it('one line per request with method, path, status and time; link tokens, cookies and probes left out', async () => {
    const signIn = await call(server, '/auth/login', { body: { email: 'delegue@cfdt.demo', password: DEMO_PASSWORD } });
    const cookie = sessionCookieOf(signIn)!;
    await call(server, '/me', { cookie });
    await call(server, '/invitations/s3cretInvitationToken0000?token=another-secret', {});
    await call(server, '/health');
    await call(server, '/ready');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const lines = requestLines();
    expect(lines.map((l) => `${l.req.method} ${l.req.url} ${l.res.statusCode}`)).toEqual([
      'POST /api/auth/login 200',
      'GET /api/me 200',
      'GET /api/invitations/[redacted]?token=%5Bredacted%5D 404',
    ]);
    expect(lines.every((l) => typeof l.responseTime === 'number')).toBe(true);
    // A client error is a warning, so that an operator can filter on it.
    expect(lines[2].level).toBe(40);
    expect(server.logs).not.toContain('s3cretInvitationToken0000');
    expect(server.logs).not.toContain('another-secret');
    expect(server.logs).not.toContain(cookie.split('=')[1]);
  });
});
