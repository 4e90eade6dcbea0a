import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { readMail, type ReceivedMail } from '../helpers/mailbox.ts';

/** A real SMTP server in this process: what it receives is parsed as a mail client would. */
class Inbox {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | null = null;

  async start(port = 0): Promise<number> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          void readMail(Buffer.concat(chunks)).then((mail) => this.received.push(mail));
          callback();
        });
      },
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    return (server.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async waitFor(to: string, timeoutMs = 20_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((m) => m.to === to);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('mail through a real SMTP server', () => {
  const inbox = new Inbox();
  let port: number;
  let server: TestServer;
  let ids: DemoIds;
  let lead: string;

  beforeAll(async () => {
    port = await inbox.start();
    server = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Espace de négociation <noreply@negociation.test>', PUBLIC_URL: 'https://negociation.example' });
    ids = await seedDemo(server);
    lead = await login(server, 'delegue@cgt.demo');
  });
  afterAll(async () => {
    await server?.close();
    await inbox.stop();
  });

  const invite = (email: string) =>
    call(server, `/negotiations/${ids.negotiations.tempsDeTravail}/invitations`, {
      cookie: lead,
      body: { email, organisationId: ids.organisations.CGT, roles: ['delegate'] },
    });

  it('an invitation arrives: French first, a plain-text part and an HTML part, the link on PUBLIC_URL', async () => {
    expect((await invite('smtp@cgt.test')).status).toBe(201);
    const mail = await inbox.waitFor('smtp@cgt.test');
    expect(mail.parsed.from?.text).toContain('noreply@negociation.test');
    expect(mail.subject).toBe('Invitation à la négociation « Accord relatif au temps de travail dans la CCUE »');
    expect(mail.text).toMatch(/^Bonjour,/);
    expect(mail.text.indexOf('vous invite')).toBeLessThan(mail.text.indexOf('invites you'));
    expect(mail.text).toMatch(/https:\/\/negociation\.example\/invitations\/[A-Za-z0-9_-]{43}/);
    expect(mail.html).toMatch(/<a href="https:\/\/negociation\.example\/invitations\//);
  });

  it('an SMTP outage delays mail and loses none: the command is answered at once, the failure is shown to the secretariat, the mail arrives when the server is back', async () => {
    await inbox.stop();
    const started = Date.now();
    expect((await invite('pendant-la-panne@cgt.test')).status).toBe(201);
    expect(Date.now() - started).toBeLessThan(3_000);
    const secretariat = await login(server, 'secretariat@axess.demo');
    const failed = async () => {
      const view = await (await call(server, `/negotiations/${ids.negotiations.tempsDeTravail}/outbox`, { cookie: secretariat })).json();
      return view.messages.find((m: { to: string }) => m.to === 'pendant-la-panne@cgt.test');
    };
    const deadline = Date.now() + 10_000;
    let seen = await failed();
    while ((!seen || seen.attempts === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await failed();
    }
    expect(seen).toMatchObject({ state: 'pending', subject: expect.stringContaining('Invitation') });
    expect(seen.attempts).toBeGreaterThanOrEqual(1);
    expect(seen.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(JSON.stringify(seen)).not.toMatch(/invitations\//);
    // A delegate may not look at the outbox.
    expect((await call(server, `/negotiations/${ids.negotiations.tempsDeTravail}/outbox`, { cookie: lead })).status).toBe(403);

    await inbox.start(port);
    const mail = await inbox.waitFor('pendant-la-panne@cgt.test', 30_000);
    expect(mail.link).toMatch(/^\/invitations\//);
    const after = await failed();
    expect(after).toMatchObject({ state: 'sent', lastError: null });
  }, 60_000);
});
