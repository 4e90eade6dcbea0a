import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AnnotationView } from '../../shared/annotations/annotation.ts';
import type { NegotiationEvent } from '../../shared/events.ts';
import { versionModel } from '../../server/versions/version.model.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { collect, command, connect, join, quiet, until, type ClientSocket } from './realtime-client.ts';
import { connectClient, synced, type TestClient } from './yjs-helpers.ts';

const ACCOUNTS = {
  axess: 'negociateur@axess.demo',
  secretariat: 'secretariat@axess.demo',
  cfdt: 'delegue@cfdt.demo',
  cgt: 'delegue@cgt.demo',
  cgt2: 'signataire@cgt.test',
  fo: 'delegue@fo.demo',
  chair: 'president@cmp.demo',
} as const;
type Who = keyof typeof ACCOUNTS;

// What the CGT writes for itself: no trace of it may reach anyone else.
const SECRET = 'Ligne rouge CGT : pas en dessous de trente minutes';
const DELEGATION = 'Note de délégation CGT sur la pause';
const COLLEGE = 'Position commune des syndicats sur la pause';
const COMMITTEE_NOTE = 'Question au comité : la pause est-elle fractionnable ?';

describe('annotations', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  let articleId: string;
  const cookies = {} as Record<Who, string>;
  const sockets = {} as Record<Who, ClientSocket>;
  const seen = {} as Record<Who, NegotiationEvent[]>;
  let reader: TestClient;
  const created = {} as Record<'private' | 'delegation' | 'college' | 'committee', AnnotationView>;

  const send = <T>(who: Who, event: string, payload: Record<string, unknown>) => command<T>(sockets[who], event, { negotiationId, ...payload });
  async function ok(who: Who, event: string, payload: Record<string, unknown>): Promise<AnnotationView> {
    const ack = await send<AnnotationView>(who, event, payload);
    if (!ack.ok) throw new Error(`${event} by ${who}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }
  const get = (who: Who, path: string) => call(server, `/negotiations/${negotiationId}${path}`, { cookie: cookies[who] });
  const head = async () => (await server.app.context.events.since(negotiationId, 0)).length;

  function anchorOf(words: string) {
    const text = (reader.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const at = text.toString().indexOf(words);
    const position = (i: number) => Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, i))).toString('base64');
    return { start: position(at), end: position(at + words.length) };
  }

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    articleId = ids.articles.tempsDeTravail[3];
    const { addMember } = await import('../helpers/seed.ts');
    await addMember(server, { email: ACCOUNTS.cgt2, negotiationId, organisationId: ids.organisations.CGT, roles: ['delegate'] });
    for (const [who, email] of Object.entries(ACCOUNTS) as [Who, string][]) {
      cookies[who] = await login(server, email);
      sockets[who] = await connect(server, cookies[who]);
      seen[who] = collect(sockets[who]);
      await join(sockets[who], negotiationId, 0);
    }
    reader = connectClient(server.url, `article:${articleId}`, cookies.cgt);
    await synced(reader);
  });
  afterAll(async () => {
    reader?.destroy();
    for (const socket of Object.values(sockets)) socket.close();
    await server?.close();
  });

  it('a CGT delegate annotates with each visibility; each note reaches exactly its audience, live', async () => {
    created.private = await ok('cgt', 'annotation:create', { articleId, anchor: anchorOf('vingt minutes'), body: SECRET, visibility: 'private' });
    created.delegation = await ok('cgt', 'annotation:create', { articleId, anchor: anchorOf('six heures'), body: DELEGATION, visibility: 'delegation' });
    created.college = await ok('cgt', 'annotation:create', { articleId, anchor: anchorOf('pause'), body: COLLEGE, visibility: 'college' });
    created.committee = await ok('cgt', 'annotation:create', { articleId, anchor: anchorOf('consécutives'), body: COMMITTEE_NOTE, visibility: 'committee' });
    expect(created.private).toMatchObject({ quote: 'vingt minutes', visibility: 'private', resolved: false });
    expect(created.private.messages[0]).toMatchObject({ body: SECRET, author: { orgShortName: 'CGT' } });

    await until(() => seen.chair.some((e) => JSON.stringify(e).includes(COMMITTEE_NOTE)), 'the committee note at the chair');
    await until(() => seen.cfdt.some((e) => JSON.stringify(e).includes(COLLEGE)), 'the college note at the CFDT');
    await until(() => seen.cgt2.some((e) => JSON.stringify(e).includes(DELEGATION)), 'the delegation note at the other CGT member');
    await quiet(300);
    const received = (who: Who) => JSON.stringify(seen[who]);
    expect(received('cgt')).toContain(SECRET);
    for (const who of ['cgt2', 'cfdt', 'fo', 'axess', 'secretariat', 'chair'] as const) expect(received(who)).not.toContain(SECRET);
    for (const who of ['cfdt', 'fo', 'axess', 'secretariat', 'chair'] as const) expect(received(who)).not.toContain(DELEGATION);
    for (const who of ['axess', 'secretariat', 'chair'] as const) expect(received(who)).not.toContain(COLLEGE);
    expect(received('fo')).toContain(COLLEGE);
    for (const who of ['cfdt', 'axess', 'chair'] as const) expect(received(who)).toContain(COMMITTEE_NOTE);
  });

  it('the catch-up of a newly joined socket holds only what it may see', async () => {
    for (const who of ['cfdt', 'axess', 'chair', 'cgt2'] as const) {
      const socket = await connect(server, cookies[who]);
      const caught = JSON.stringify((await join(socket, negotiationId, 0)).events);
      socket.close();
      expect(caught).not.toContain(SECRET);
      expect(caught).toContain(COMMITTEE_NOTE);
      if (who !== 'cgt2') expect(caught).not.toContain(DELEGATION);
      else expect(caught).toContain(DELEGATION);
    }
  });

  it('REST list, single read and search filter by visibility: a private CGT note does not exist for the CFDT', async () => {
    const visibleTo = async (who: Who) => ((await (await get(who, '/annotations')).json()) as AnnotationView[]).map((a) => a.visibility).sort();
    expect(await visibleTo('cgt')).toEqual(['college', 'committee', 'delegation', 'private']);
    expect(await visibleTo('cgt2')).toEqual(['college', 'committee', 'delegation']);
    expect(await visibleTo('cfdt')).toEqual(['college', 'committee']);
    expect(await visibleTo('axess')).toEqual(['committee']);
    expect(await visibleTo('chair')).toEqual(['committee']);

    for (const who of ['cfdt', 'cgt2', 'axess', 'chair'] as const) {
      const single = await get(who, `/annotations/${created.private.id}`);
      expect(single.status).toBe(404);
      expect(await single.text()).not.toContain(SECRET);
      const found = await get(who, `/annotations?q=${encodeURIComponent('ligne rouge')}`);
      expect(await found.json()).toEqual([]);
      // Searching the quoted words finds only what they may see.
      const byQuote = (await (await get(who, `/annotations?q=${encodeURIComponent('vingt minutes')}`)).json()) as AnnotationView[];
      expect(byQuote).toEqual([]);
    }
    expect((await (await get('cgt', `/annotations/${created.private.id}`)).json()).messages[0].body).toBe(SECRET);
    const mine = (await (await get('cgt', `/annotations?q=${encodeURIComponent('LIGNE ROUGE')}`)).json()) as AnnotationView[];
    expect(mine.map((a) => a.id)).toEqual([created.private.id]);
    expect(((await (await get('cfdt', `/annotations?articleId=${articleId}`)).json()) as AnnotationView[]).length).toBe(2);
    expect((await get('cfdt', '/annotations?q=')).status).toBe(400);
  });

  it('replies and resolution keep the thread’s audience; outsiders can neither reply nor resolve', async () => {
    const before = await head();
    for (const [who, event, payload] of [
      ['cfdt', 'annotation:reply', { annotationId: created.private.id, body: 'Je réponds' }],
      ['cfdt', 'annotation:resolve', { annotationId: created.delegation.id }],
      ['axess', 'annotation:reply', { annotationId: created.college.id, body: 'x' }],
    ] as const) {
      expect(await send(who, event, payload)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    expect(await head()).toBe(before);

    const replied = await ok('cgt2', 'annotation:reply', { annotationId: created.delegation.id, body: 'D’accord, on tient la ligne.' });
    expect(replied.messages.map((m) => m.author.userId)).toHaveLength(2);
    const reply = (await server.app.context.events.since(negotiationId, before)).find((e) => e.type === 'annotation:replied')!;
    expect(reply.visibility).toEqual({ scope: 'delegation', org: ids.organisations.CGT });

    const resolved = await ok('fo', 'annotation:resolve', { annotationId: created.college.id });
    expect(resolved).toMatchObject({ resolved: true, resolvedBy: { name: 'Isabelle Moreau' } });
    expect(await send('fo', 'annotation:resolve', { annotationId: created.college.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const reopened = await ok('cfdt', 'annotation:reopen', { annotationId: created.college.id });
    expect(reopened.resolved).toBe(false);
    await quiet(200);
    expect(JSON.stringify(seen.axess)).not.toContain('on tient la ligne');
    expect(JSON.stringify(seen.cfdt)).not.toContain('on tient la ligne');
    expect(seen.axess.some((e) => e.type === 'annotation:resolved')).toBe(false);
  });

  it('refuses what a mandate does not allow and malformed commands, storing nothing', async () => {
    const observer = await addObserver();
    const before = await head();
    const anchor = anchorOf('six heures');
    const unknownPosition = Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ item: { client: 987654, clock: 3 } }))).toString('base64');
    const cases: [ClientSocket, unknown, string][] = [
      [observer, { negotiationId, articleId, anchor, body: 'x', visibility: 'committee' }, 'FORBIDDEN'],
      // The presidency sits in no college.
      [sockets.chair, { negotiationId, articleId, anchor, body: 'x', visibility: 'college' }, 'UNPROCESSABLE'],
      [sockets.cgt, { negotiationId, articleId: 'nope', anchor, body: 'x', visibility: 'committee' }, 'NOT_FOUND'],
      // An anchor on text this article's document does not hold.
      [sockets.cgt, { negotiationId, articleId, anchor: { start: unknownPosition, end: unknownPosition }, body: 'x', visibility: 'committee' }, 'BAD_REQUEST'],
      [sockets.cgt, { negotiationId, articleId, anchor, body: 'x', visibility: 'public' }, 'BAD_REQUEST'],
      [sockets.cgt, { negotiationId, articleId, anchor, body: '   ', visibility: 'private' }, 'BAD_REQUEST'],
      [sockets.cgt, { negotiationId, articleId, body: 'x', visibility: 'private' }, 'BAD_REQUEST'],
      [sockets.cgt, { negotiationId, articleId, anchor: { start: 'x' }, body: 'x', visibility: 'private' }, 'BAD_REQUEST'],
      [sockets.cgt, { negotiationId, articleId, anchor, body: 'x', visibility: 'private', pinned: true }, 'BAD_REQUEST'],
      [sockets.cgt, undefined, 'BAD_REQUEST'],
    ];
    for (const [socket, payload, code] of cases) {
      expect(await command(socket, 'annotation:create', payload), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code } });
    }
    expect(await send('cgt', 'annotation:reply', { annotationId: created.committee.id, body: '' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await send('cgt', 'annotation:resolve', { annotationId: created.committee.id, extra: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await head()).toBe(before);
    observer.close();
  });

  it('versions of the text, and what exports are built from, hold no annotation', async () => {
    const taken = await call(server, `/negotiations/${negotiationId}/versions`, { cookie: cookies.axess, body: { name: 'Après annotations' } });
    expect(taken.status).toBe(201);
    const { id } = (await taken.json()) as { id: string };
    const read = await (await call(server, `/negotiations/${negotiationId}/versions/${id}`, { cookie: cookies.cgt })).text();
    const stored = await versionModel(server.app.context.db.connection).findById(id).lean();
    const states = stored!.articles.map((a) => Buffer.from((a.state as unknown as { buffer: Uint8Array }).buffer ?? a.state).toString('utf8')).join('');
    for (const secret of [SECRET, DELEGATION, COLLEGE, COMMITTEE_NOTE]) {
      expect(read).not.toContain(secret);
      expect(states).not.toContain(secret);
      expect(reader.text()).not.toContain(secret);
    }
  });

  it('the exports of the version opened for signature (JSON, Akoma Ntoso) hold no annotation', async () => {
    const opened = await call(server, `/negotiations/${negotiationId}/signature/open`, {
      cookie: cookies.secretariat,
      body: { versionName: 'Texte soumis à signature', signatureDeadline: '2099-12-31' },
    });
    expect(opened.status).toBe(201);
    const { version } = (await opened.json()) as { version: { id: string } };
    for (const format of ['json', 'xml']) {
      const exported = await call(server, `/negotiations/${negotiationId}/versions/${version.id}/export.${format}`, { cookie: cookies.cfdt });
      expect(exported.status).toBe(200);
      const body = await exported.text();
      expect(body).toContain('vingt minutes');
      for (const secret of [SECRET, DELEGATION, COLLEGE, COMMITTEE_NOTE]) expect(body).not.toContain(secret);
    }
  });

  async function addObserver(): Promise<ClientSocket> {
    const { addMember } = await import('../helpers/seed.ts');
    await addMember(server, { email: 'observateur@cmp.test', negotiationId, organisationId: ids.organisations.CMP, roles: ['observer'] });
    const socket = await connect(server, await login(server, 'observateur@cmp.test'));
    await join(socket, negotiationId, 0);
    return socket;
  }
});
