import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MembersView, SentInvitation } from '../../shared/identity.ts';
import type { CampaignView } from '../../shared/signature/campaign.ts';
import type { SessionView } from '../../shared/sessions/session.ts';
import type { StructureEntry } from '../../shared/structure.ts';
import type { VersionSummary } from '../../shared/text-diff.ts';
import type { Assessment } from '../../shared/validity/scenario.ts';
import type { VoteView } from '../../shared/votes/vote.ts';
import { fixedClock } from '../../server/events/clock.ts';
import { oppositionRemindersOf } from '../../server/mail/mail.capability.ts';
import { DEMO_PASSWORD, call, login } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { textEditModel } from '../../server/versions/text-edits.ts';
import { appendParagraph, connectClient, synced, waitFor } from './yjs-helpers.ts';
import { participants } from '../helpers/participants.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';

describe('use cases take the time and the ids the app is given', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  const people = participants(['secretariat', 'cfdt'] as const);
  const clock = fixedClock('2026-03-02T08:30:00.000Z');
  let counter = 0;
  // 24 hex digits: versions are stored under ObjectId keys, so the fixed ids must read as ObjectIds.
  const fixedId = (n: number) => `c10c${String(n).padStart(20, '0')}`;
  const idSource = { newId: () => fixedId(++counter) };

  beforeAll(async () => {
    server = await startTestServer({}, { clock, ids: idSource });
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.cppni;
    await people.signIn(server, negotiationId);
  });
  afterAll(async () => {
    people.disconnect();
    await server?.close();
  });

  const json = async <T>(response: Response, status = 200): Promise<T> => {
    const body = await response.text();
    expect(response.status, body).toBe(status);
    return JSON.parse(body) as T;
  };
  const versionsOf = (id: string) => call(server, `/negotiations/${id}/versions`, { cookie: people.cookies.cfdt }).then((r) => json<VersionSummary[]>(r));

  it('a vote opened under a fixed clock is stamped with its time and takes the id source’s next id', async () => {
    clock.set('2026-03-02T09:15:00.000Z');
    const before = counter;
    const vote = await people.ok<VoteView>('secretariat', 'vote:open', { item: { kind: 'text' }, rule: 'consensus', title: 'À l’heure dite' });
    expect(vote.id).toBe(fixedId(before + 1));
    expect(vote.openedAt).toBe('2026-03-02T09:15:00.000Z');
    const events = await server.app.context.events.since(negotiationId, 0);
    expect(events.at(-1)).toMatchObject({ type: 'vote:opened', at: '2026-03-02T09:15:00.000Z' });
  });

  it('an article added to the outline takes the id source’s next id, and its event the clock’s time', async () => {
    clock.set('2026-03-03T10:45:00.000Z');
    const before = counter;
    const negotiator = await login(server, 'negociateur@axess.demo');
    const added = await json<StructureEntry>(await call(server, `/negotiations/${negotiationId}/articles`, { cookie: negotiator, body: { title: 'Article ajouté à l’heure dite' } }), 201);
    expect(added.id).toBe(fixedId(before + 1));
    const events = await server.app.context.events.since(negotiationId, 0);
    expect(events.at(-1)).toMatchObject({ type: 'article:added', payload: { articleId: added.id }, at: '2026-03-03T10:45:00.000Z' });
  });

  it('who wrote what in an article is dated by the clock', async () => {
    clock.set('2026-03-04T16:20:00.000Z');
    const docName = `article:${ids.articles.tempsDeTravail[0]}`;
    const writer = connectClient(server.url, docName, await login(server, 'negociateur@axess.demo'));
    try {
      await synced(writer);
      appendParagraph(writer.doc, 'Ligne écrite à l’heure dite');
      const edits = textEditModel(server.app.context.db.connection);
      // Written once per window (5 s).
      await waitFor(async () => (await edits.countDocuments({ docName })) > 0, 10_000, 'the edit recorded');
      const [record] = await edits.find({ docName }).lean();
      expect({ from: record.from.toISOString(), to: record.to.toISOString() }).toEqual({ from: '2026-03-04T16:20:00.000Z', to: '2026-03-04T16:20:00.000Z' });
    } finally {
      writer.destroy();
    }
  });

  it('a session convened and closed under a fixed clock: its id and its closing version’s id are the given ones, every date is the clock’s', async () => {
    clock.set('2026-03-05T13:00:00.000Z');
    const before = counter;
    const convened = await people.ok<SessionView>('secretariat', 'session:convene', {
      title: 'Séance à l’heure dite',
      startsAt: '2026-03-12T14:00',
      place: 'Paris',
      agenda: [{ kind: 'free', title: 'Déclarations liminaires' }],
    });
    expect(convened.id).toBe(fixedId(before + 1));
    expect(convened.convenedAt).toBe('2026-03-05T13:00:00.000Z');

    clock.set('2026-03-12T13:02:00.000Z');
    expect((await people.ok<SessionView>('secretariat', 'session:open', { sessionId: convened.id })).openedAt).toBe('2026-03-12T13:02:00.000Z');
    clock.set('2026-03-12T16:45:00.000Z');
    const closed = await people.ok<SessionView>('secretariat', 'session:close', { sessionId: convened.id });
    expect(closed).toMatchObject({ status: 'closed', closedAt: '2026-03-12T16:45:00.000Z', versionId: fixedId(before + 2) });
    expect(closed.minutes.draftedAt).toBe('2026-03-12T16:45:00.000Z');
    // The version is stored under that id, taken at the clock's time, and its event says so.
    expect((await versionsOf(negotiationId)).find((v) => v.id === closed.versionId)).toMatchObject({ kind: 'session', createdAt: '2026-03-12T16:45:00.000Z' });
    const events = await server.app.context.events.since(negotiationId, 0);
    expect(events.find((e) => e.type === 'version:created' && (e.payload as { versionId: string }).versionId === closed.versionId)).toMatchObject({ at: '2026-03-12T16:45:00.000Z' });
  });

  const org = (shortName: string) => ids.organisations[shortName];
  /** A signature command on the live negotiation (the one its campaign is opened on). */
  const signature = (path: string, cookie: string, body: unknown = {}) => call(server, `/negotiations/${ids.negotiations.tempsDeTravail}/signature${path}`, { cookie, body });

  it('a signature campaign under a fixed clock: given ids, the clock’s dates, and the opposition deadline counted from the clock’s day (CPC 641–642)', async () => {
    const live = ids.negotiations.tempsDeTravail;

    clock.set('2026-03-02T09:15:00.000Z');
    const before = counter;
    const opened = await json<CampaignView>(await signature('/open', people.cookies.secretariat, { signatureDeadline: '2026-04-30' }), 201);
    // The campaign takes its id, then the version frozen for it takes the next one.
    expect([opened.id, opened.version.id]).toEqual([fixedId(before + 1), fixedId(before + 2)]);
    expect(opened).toMatchObject({ openedAt: '2026-03-02', version: { createdAt: '2026-03-02T09:15:00.000Z' } });
    expect((await versionsOf(live)).find((v) => v.id === opened.version.id)).toMatchObject({ kind: 'signature', createdAt: '2026-03-02T09:15:00.000Z' });

    clock.set('2026-03-03T10:00:00.000Z');
    const signed = await json<CampaignView>(await signature('/sign', people.cookies.cfdt, { password: DEMO_PASSWORD }));
    expect(signed.signatures.find((s) => s.org === org('CFDT'))).toMatchObject({ signedAt: '2026-03-03T10:00:00.000Z', date: '2026-03-03' });

    // Notified on Friday 27 March 2026 (the clock's day, no date given): fifteen days end on
    // Saturday 11 April, so the last day to oppose moves to Monday 13 April.
    clock.set('2026-03-27T09:00:00.000Z');
    const notified = await json<CampaignView>(await signature('/notifications', people.cookies.secretariat, { org: org('CGT') }));
    expect(notified.notifications.find((n) => n.org === org('CGT'))).toMatchObject({ at: '2026-03-27' });
    const validity = await json<Assessment>(await call(server, `/negotiations/${live}/validity`, { cookie: people.cookies.cfdt }));
    expect(validity.asOf).toBe('2026-03-27');
    expect(validity.deadlines.find((d) => d.org === org('CGT'))).toMatchObject({ notifiedAt: '2026-03-27', nominalDeadline: '2026-04-11', deadline: '2026-04-13', state: 'open' });

    // The hourly reminder sweep looks at the clock's day: five days before the CGT's deadline, its people are reminded.
    const reminders = oppositionRemindersOf(server.app.context)!;
    clock.set('2026-04-07T10:00:00.000Z');
    expect(await reminders.sweep()).toBe(0);
    clock.set('2026-04-08T10:00:00.000Z');
    expect(await reminders.sweep()).toBeGreaterThan(0);
  });

  it('an invitation sent under a fixed clock expires seven days after the clock’s time, and is pending until then by the clock', async () => {
    clock.set('2026-03-06T10:00:00.000Z');
    const invitations = `/negotiations/${negotiationId}/invitations`;
    const body = { email: 'a-l-heure-dite@cfdt.test', organisationId: ids.organisations.CFDT, roles: ['delegate'] };
    const sent = await json<SentInvitation>(await call(server, invitations, { cookie: people.cookies.cfdt, body }), 201);
    expect(sent.expiresAt).toBe('2026-03-13T10:00:00.000Z');
    const pending = async () =>
      (await json<MembersView>(await call(server, `/negotiations/${negotiationId}/members`, { cookie: people.cookies.cfdt }))).invitations.map((i) => i.email);
    clock.set('2026-03-13T09:59:00.000Z');
    expect(await pending()).toContain('a-l-heure-dite@cfdt.test');
    clock.set('2026-03-13T10:01:00.000Z');
    expect(await pending()).not.toContain('a-l-heure-dite@cfdt.test');
  });

  it('an opposition is dated by the Paris clock: at 23:59 in Paris on its last day it counts, at midnight it is late though UTC still reads the last day', async () => {
    // The CGT (above) and FO were notified on Friday 27 March 2026, in winter time: their last day
    // is Monday 13 April (15 days end on Saturday 11, CPC 642), in summer time since 29 March, so
    // Paris is UTC+2. 21:59 UTC is 23:59 in Paris on the 13th; 22:00 UTC is 00:00 on the 14th.
    clock.set('2026-04-13T08:00:00.000Z');
    await json(await signature('/notifications', await login(server, 'secretariat@axess.demo'), { org: org('FO'), at: '2026-03-27' }));
    const oppose = async (email: string) =>
      json<CampaignView>(await signature('/oppositions', await login(server, email), { password: DEMO_PASSWORD, text: 'Opposition motivée, déposée au dernier moment.' }));

    clock.set('2026-04-13T21:59:00.000Z');
    const cgt = await oppose('delegue@cgt.demo');
    expect(cgt.oppositions.find((o) => o.org === org('CGT'))).toMatchObject({ at: '2026-04-13', counted: true, ground: 'counted' });

    clock.set('2026-04-13T22:00:00.000Z');
    const fo = await oppose('delegue@fo.demo');
    expect(fo.oppositions.find((o) => o.org === org('FO'))).toMatchObject({ at: '2026-04-14', counted: false, ground: 'late' });
    const validity = await json<Assessment>(await call(server, `/negotiations/${ids.negotiations.tempsDeTravail}/validity`, { cookie: await login(server, 'delegue@cfdt.demo') }));
    expect(validity.oppositionWeight).toBe(35.18);
  });
});
