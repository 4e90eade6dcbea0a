import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, DEMO_PASSWORD, login } from '../helpers/auth.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { mailTo } from '../helpers/mailbox.ts';
import { participants } from '../helpers/participants.ts';
import type { CampaignView } from '../../shared/signature/campaign.ts';
import type { SessionView } from '../../shared/sessions/session.ts';
import { MailFeed } from '../../server/mail/event-mail.ts';
import type { EventLog } from '../../server/events/event-log.ts';

/** What each event mails, to whom, as it lands in the outbox (.eml files read by mailparser). */
describe('mail caused by events', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  const table = participants(['secretariat', 'cgt', 'cfdt'] as const);

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

  it('a session called off is mailed to every member with the calendar’s cancellation (METHOD:CANCEL, same UID, later SEQUENCE); only the secretariat cancels, only before it opens', async () => {
    const session = await table.ok<SessionView>('secretariat', 'session:convene', {
      title: 'Séance de négociation n° 10',
      startsAt: '2099-04-02T09:30',
      place: 'Paris, salle Ambroise-Croizat',
    });
    const [convocation] = await mailTo(server, 'delegue@fo.demo', { subject: /^Convocation : Séance de négociation n° 10/ });
    const calendarOf = (mail: typeof convocation) => {
      const part = mail.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
      expect(part).toBeDefined();
      const calendar = new ICAL.Component(ICAL.parse(part!.content.toString('utf8')));
      return { method: calendar.getFirstPropertyValue('method'), event: calendar.getFirstSubcomponent('vevent')! };
    };
    const request = calendarOf(convocation);
    expect(request.method).toBe('REQUEST');

    expect(await table.send('cgt', 'session:cancel', { sessionId: session.id, reason: 'La CGT ne peut pas venir.' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await table.send('secretariat', 'session:cancel', { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const cancelled = await table.ok<SessionView>('secretariat', 'session:cancel', { sessionId: session.id, reason: 'Salle indisponible ; une nouvelle date sera proposée.' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancellationReason: 'Salle indisponible ; une nouvelle date sera proposée.' });
    expect(await table.send('secretariat', 'session:cancel', { sessionId: session.id, reason: 'Une seconde fois.' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await table.send('secretariat', 'session:open', { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    for (const email of ['delegue@fo.demo', 'delegue@cgt.demo', 'president@cmp.demo', 'secretariat@axess.demo']) {
      const [mail] = await mailTo(server, email, { subject: /^Séance annulée : Séance de négociation n° 10/ });
      expect(mail.text).toMatch(/La séance « Séance de négociation n° 10 » de la négociation « Accord relatif au temps de travail dans la CCUE », prévue le 2 avril 2099 à 09:30, est annulée\./);
      expect(mail.text).toMatch(/Motif : Salle indisponible ; une nouvelle date sera proposée\./);
      const cancel = calendarOf(mail);
      expect(cancel.method).toBe('CANCEL');
      expect(cancel.event.getFirstPropertyValue('uid')).toBe(request.event.getFirstPropertyValue('uid'));
      expect(Number(cancel.event.getFirstPropertyValue('sequence'))).toBeGreaterThan(Number(request.event.getFirstPropertyValue('sequence')));
      expect(cancel.event.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(cancel.event.getFirstPropertyValue('organizer')).toBe(request.event.getFirstPropertyValue('organizer'));
    }

    // An open session is not called off: it is closed.
    const held = await table.ok<SessionView>('secretariat', 'session:convene', { title: 'Séance tenue', startsAt: '2099-05-02T09:30', place: 'Paris' });
    await table.ok('secretariat', 'session:open', { sessionId: held.id });
    expect(await table.send('secretariat', 'session:cancel', { sessionId: held.id, reason: 'Trop tard pour annuler.' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await table.ok('secretariat', 'session:close', { sessionId: held.id });
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

  it('follows the events this process records without reading them back from the log, and still mails them; an event that mails nobody makes no link', async () => {
    // A feed of its own over the app's log, counting what it reads of the log and the links it makes.
    const log = server.app.context.events;
    let reads = 0;
    let links = 0;
    const counted = {
      onRecorded: (listener: Parameters<EventLog['onRecorded']>[0]) => log.onRecorded(listener),
      since: (...args: Parameters<EventLog['since']>) => (reads++, log.since(...args)),
    } as unknown as EventLog;
    const feed = new MailFeed({ connection: server.app.context.db.connection, events: counted, link: (p) => (links++, `http://localhost${p}`), logger: server.app.context.logger });
    try {
      // Its first run reads from the stored checkpoint; from then on, what was handed over is enough.
      await table.ok('cfdt', 'position:declare', { stance: 'favorable', statement: 'Première déclaration', item: { kind: 'text' } });
      await feed.idle();
      reads = 0;
      links = 0;
      for (let i = 0; i < 40; i++) await table.ok('cfdt', 'position:declare', { stance: 'réservé', statement: `Déclaration ${i}`, item: { kind: 'text' } });
      // The workspace's own link asks the HTTP server for its address (a system call): not for an event that mails nobody.
      await feed.idle();
      expect(links).toBe(0);
      await table.ok('secretariat', 'session:convene', {
        title: 'Séance de négociation n° 11',
        startsAt: '2099-05-07T10:00',
        place: 'Paris, salle Ambroise-Croizat',
      });
      await feed.idle();
      expect(reads).toBe(0);
      const convocations = await mailTo(server, 'delegue@cfdt.demo', { subject: /^Convocation : Séance de négociation n° 11/ });
      expect(convocations).toHaveLength(1);
    } finally {
      feed.stop();
    }
  });
});
