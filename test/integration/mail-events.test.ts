import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, DEMO_PASSWORD, login } from '../helpers/auth.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { mailTo } from '../helpers/mailbox.ts';
import { participants } from '../helpers/participants.ts';
import type { CampaignView } from '../../shared/signature/campaign.ts';

/** What each event mails, to whom, as it lands in the outbox (.eml files read by mailparser). */
describe('mail caused by events', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  const table = participants(['secretariat'] as const);

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    await table.signIn(server, negotiationId);
  });
  afterAll(async () => {
    table.disconnect();
    await server?.close();
  });

  const post = async (email: string, path: string, body: unknown) => {
    const response = await call(server, `/negotiations/${negotiationId}/signature${path}`, { cookie: await login(server, email), body });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as CampaignView;
  };

  it('a convocation reaches every member with its calendar invitation (METHOD:REQUEST)', async () => {
    await table.ok('secretariat', 'session:convene', {
      title: 'Séance de négociation n° 9',
      startsAt: '2099-03-12T14:00',
      place: 'Paris, salle Ambroise-Croizat',
      agenda: [{ kind: 'free', title: 'Temps de travail des cadres' }],
    });
    for (const email of ['delegue@cgt.demo', 'president@cmp.demo', 'secretariat@axess.demo']) {
      const [mail] = await mailTo(server, email, { subject: /^Convocation : Séance de négociation n° 9/ });
      expect(mail.text).toMatch(/Vous êtes convoqué\(e\) à la séance « Séance de négociation n° 9 »/);
      expect(mail.text).toMatch(/Ordre du jour : 1\. Temps de travail des cadres/);
      const calendar = mail.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
      expect(calendar).toBeDefined();
      const ics = calendar!.content.toString('utf8');
      expect(ics).toMatch(/METHOD:REQUEST/);
      expect(ics).toMatch(/ORGANIZER:mailto:/);
      expect(ics).toMatch(/DTSTART;TZID=Europe\/Paris:20990312T140000/);
    }
  });

  it('a campaign’s opening, a notification, a signature and an opposition are mailed to whom they concern', async () => {
    const opened = await post('secretariat@axess.demo', '/open', { signatureDeadline: '2099-06-30' });
    await mailTo(server, 'delegue@fo.demo', { subject: /^Ouverture à la signature/ });

    await post('delegue@cfdt.demo', '/sign', { password: DEMO_PASSWORD, versionHash: opened.version.hash });
    // Every signatory and lead of the CFDT is told someone signed in its name.
    const [signed] = await mailTo(server, 'delegue@cfdt.demo', { subject: /^Nadia Benali a signé au nom de CFDT$/ });
    expect(signed.text).toContain(opened.version.hash);
    expect(signed.text).toMatch(/prévenez sans attendre son responsable/);

    await post('secretariat@axess.demo', '/notifications', { org: ids.organisations.CGT });
    const [notified] = await mailTo(server, 'delegue@cgt.demo', { subject: /^Notification de l’accord à CGT/ });
    expect(notified.text).toMatch(/15 jours/);

    await post('delegue@cgt.demo', '/oppositions', { password: DEMO_PASSWORD, text: 'La CGT s’oppose à cet accord, motifs joints.' });
    const [opposed] = await mailTo(server, 'delegue@cgt.demo', { subject: /^Thomas Lefèvre a formé opposition au nom de CGT$/ });
    expect(opposed.text).toMatch(/a formé opposition à « Accord relatif au temps de travail dans la CCUE » au nom de CGT/);
    // Another organisation hears nothing of the CGT's act.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await mailTo(server, 'delegue@fo.demo', { count: 0 })).some((m) => /opposition au nom de CGT/.test(m.subject))).toBe(false);
  });
});
