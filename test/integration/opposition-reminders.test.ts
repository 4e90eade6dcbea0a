import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oppositionRemindersOf } from '../../server/mail/mail.capability.ts';
import { parisDate } from '../../shared/sessions/paris-time.ts';
import type { CampaignView } from '../../shared/signature/campaign.ts';
import { addDays } from '../../shared/validity/calendar.ts';
import { deadlineInDays } from '../../shared/validity/deadline.ts';
import { frenchDate } from '../../shared/validity/format.ts';
import { call, DEMO_PASSWORD, login } from '../helpers/auth.ts';
import { mailTo, outbox } from '../helpers/mailbox.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** Noon in Paris on a civil date: the instant a sweep runs « that day ». */
const noonOn = (date: string) => new Date(`${date}T10:00:00Z`);

/**
 * Opposition-deadline reminders: the organisations that may still oppose — representative,
 * non-signatory, notified, window open, no opposition counted — are reminded before their
 * own deadline (15 days from their own notification, CPC 641–642), once per reminder.
 */
describe('opposition-deadline reminders', () => {
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

  const post = async (email: string, path: string, body: unknown) => {
    const response = await call(server, `/negotiations/${negotiationId}/signature${path}`, { cookie: await login(server, email), body });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as CampaignView;
  };
  const reminders = async () => (await outbox(server)).filter((m) => m.subject.startsWith('Délai d’opposition'));

  it('reminds each organisation that may still oppose, a working week ahead and on the eve, once each; not those that signed or opposed, not after the deadline', async () => {
    const sweep = (date: string) => oppositionRemindersOf(server.app.context)!.sweep(noonOn(date));
    const opened = await post('secretariat@axess.demo', '/open', { signatureDeadline: '2099-06-30' });
    await post('delegue@cfdt.demo', '/sign', { password: DEMO_PASSWORD, versionHash: opened.version.hash });
    for (const org of [ids.organisations.CGT, ids.organisations.FO, ids.organisations.SUD]) {
      await post('secretariat@axess.demo', '/notifications', { org });
    }
    const notifiedAt = parisDate(new Date());
    const { deadline } = deadlineInDays(notifiedAt, 15);
    await post('delegue@cgt.demo', '/oppositions', { password: DEMO_PASSWORD, text: 'La CGT s’oppose à cet accord, motifs joints.' });

    // Nothing is due while more than five days are left.
    expect(await sweep(addDays(deadline, -6))).toBe(0);

    // Five days ahead: FO and SUD (open windows, no opposition), not the CGT (opposed), not
    // the CFDT (signed), not the employer side.
    expect(await sweep(addDays(deadline, -5))).toBe(2);
    const [fo] = await mailTo(server, 'delegue@fo.demo', { subject: /^Délai d’opposition de FO/ });
    expect(fo.subject).toBe(`Délai d’opposition de FO : jusqu’au ${frenchDate(deadline)} – Accord relatif au temps de travail dans la CCUE`);
    expect(fo.text).toContain(`a été notifié à FO le ${frenchDate(notifiedAt)}`);
    expect(fo.text).toMatch(/Il reste 5 jours\./);
    // The validity engine's consequence: CGT 35,18 % + FO 14,69 % = 49,87 %, no majority.
    expect(fo.text).toMatch(/Si FO formait opposition aujourd’hui : votre opposition porte le total à 49,87/);
    expect(fo.text).toMatch(/\/negotiations\/[a-f0-9]{24}\/signature/);
    await mailTo(server, 'delegue@sud.demo', { subject: /^Délai d’opposition de SUD/ });
    expect((await reminders()).map((m) => m.to).sort()).toEqual(['delegue@fo.demo', 'delegue@sud.demo']);

    // The same day again (another process, the next hour): nothing new.
    await sweep(addDays(deadline, -5));
    await sweep(addDays(deadline, -4));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await reminders()).toHaveLength(2);

    // SUD opposes; on the eve only FO, which may still oppose, is reminded, and its opposition would now void the text.
    await post('delegue@sud.demo', '/oppositions', { password: DEMO_PASSWORD, text: 'SUD s’oppose à cet accord, motifs joints.' });
    expect(await sweep(addDays(deadline, -1))).toBe(1);
    const [, eve] = await mailTo(server, 'delegue@fo.demo', { count: 2, subject: /^Délai d’opposition de FO/ });
    expect(eve.text).toMatch(/Il reste un jour : demain est le dernier jour\./);
    expect(eve.text).toMatch(/votre opposition porte le total à 61,50\s%\s: l’accord sera réputé non écrit/u);
    expect((await reminders()).filter((m) => m.to === 'delegue@sud.demo')).toHaveLength(1);

    // After the deadline, nothing.
    expect(await sweep(addDays(deadline, 1))).toBe(0);
    expect(await reminders()).toHaveLength(3);
  });
});
