import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position, PositionMatrix } from '../../shared/positions/position.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { collect, command, connect, join, until, type ClientSocket } from './realtime-client.ts';

const ACCOUNTS = {
  cgt: 'delegue@cgt.demo',
  cfdt: 'delegue@cfdt.demo',
  axess: 'negociateur@axess.demo',
  secretariat: 'secretariat@axess.demo',
  chair: 'president@cmp.demo',
} as const;
type Who = keyof typeof ACCOUNTS;

describe('the positions ledger', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  let article: string;
  const cookies = {} as Record<Who, string>;
  const sockets = {} as Record<Who, ClientSocket>;

  const declare = (who: Who, payload: Record<string, unknown>) =>
    command<Position>(sockets[who], 'position:declare', { negotiationId, ...payload });
  const head = async () => (await server.app.context.events.since(negotiationId, 0)).length;

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    article = ids.articles.tempsDeTravail[1];
    for (const [who, email] of Object.entries(ACCOUNTS) as [Who, string][]) {
      cookies[who] = await login(server, email);
      sockets[who] = await connect(server, cookies[who]);
    }
  });
  afterAll(async () => {
    for (const socket of Object.values(sockets)) socket.close();
    await server?.close();
  });

  it('records each declaration as an event, broadcast to the committee, in the organisation’s name', async () => {
    const watcher = collect(sockets.chair);
    await join(sockets.chair, negotiationId, await head());
    const ack = await declare('cgt', {
      stance: 'défavorable',
      statement: 'La CGT refuse toute annualisation du temps de travail.',
      item: { kind: 'article', id: article },
      sessionId: 'seance-1',
    });
    expect(ack).toMatchObject({
      ok: true,
      data: {
        org: ids.organisations.CGT,
        orgShortName: 'CGT',
        declaredBy: { name: 'Thomas Lefèvre' },
        stance: 'défavorable',
        item: { kind: 'article', id: article },
        sessionId: 'seance-1',
        liminary: false,
      },
    });
    await until(() => watcher.length === 1, 'the broadcast');
    expect(watcher[0]).toMatchObject({ type: 'position:declared', org: ids.organisations.CGT, visibility: { scope: 'committee' } });
  });

  it('keeps the history and shows the latest stance per organisation and item in the matrix', async () => {
    const tabled = await command<{ id: string; number: number }>(sockets.cgt, 'amendment:table', {
      negotiationId,
      articleId: article,
      content: { kind: 'delete-article' },
      justification: 'Article inutile.',
    });
    if (!tabled.ok) throw new Error(`amendment not tabled: ${tabled.error.message}`);
    const amendment = tabled.data.id;
    await declare('cgt', { stance: 'réservé', item: { kind: 'article', id: article }, statement: 'Après la suspension de séance.' });
    await declare('cfdt', { stance: 'signera', item: { kind: 'text' }, statement: 'Déclaration liminaire.', liminary: true });
    expect(await declare('axess', { stance: 'favorable', item: { kind: 'amendment', id: amendment } })).toMatchObject({ ok: true });
    await declare('cgt', { stance: "s'opposera", item: { kind: 'text' } });

    const ledger = await call(server, `/negotiations/${negotiationId}/positions?org=${ids.organisations.CGT}`, { cookie: cookies.cfdt });
    expect(ledger.status).toBe(200);
    const { positions } = (await ledger.json()) as { positions: Position[] };
    expect(positions.map((p) => p.stance)).toEqual(['défavorable', 'réservé', 's’opposera']);

    const onArticle = (await (
      await call(server, `/negotiations/${negotiationId}/positions?item=article:${article}`, { cookie: cookies.cfdt })
    ).json()) as { positions: Position[] };
    expect(onArticle.positions.map((p) => p.stance)).toEqual(['défavorable', 'réservé']);

    const response = await call(server, `/negotiations/${negotiationId}/positions/matrix`, { cookie: cookies.chair });
    const matrix = (await response.json()) as PositionMatrix;
    expect(matrix.organisations.map((o) => o.shortName)).toEqual(['AXESS', 'CFDT', 'CGT', 'FO', 'SUD', 'CFE-CGC', 'CFTC']);
    const keys = matrix.items.map((i) => i.key);
    expect(keys.slice(0, ids.articles.tempsDeTravail.length)).toEqual(ids.articles.tempsDeTravail.map((a) => `article:${a}`));
    expect(keys.slice(-2)).toEqual(['text', `amendment:${amendment}`]);
    expect(matrix.items.at(-1)?.label).toBe(`Amendement n° ${tabled.data.number} (CGT)`);
    expect(matrix.items.find((i) => i.key === `article:${article}`)?.label).toMatch(/^Article \S+ – ./);
    expect(matrix.cells[ids.organisations.CGT][`article:${article}`].stance).toBe('réservé');
    expect(matrix.cells[ids.organisations.CGT].text.stance).toBe('s’opposera');
    expect(matrix.cells[ids.organisations.CFDT].text).toMatchObject({ stance: 'signera', liminary: true });
    expect(matrix.cells[ids.organisations.FO]).toBeUndefined();
  });

  it('refuses declarations from those who hold no such mandate, and stores nothing', async () => {
    const before = await head();
    expect(await declare('secretariat', { stance: 'favorable', item: { kind: 'text' } })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await declare('chair', { stance: 'favorable', item: { kind: 'text' } })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await head()).toBe(before);
  });

  it.each([
    ['an unknown stance', { stance: 'peut-être', item: { kind: 'text' } }],
    ['no item', { stance: 'favorable' }],
    ['a question as item', { stance: 'favorable', item: { kind: 'question', text: 'x' } }],
    ['another organisation named in the payload', { stance: 'favorable', item: { kind: 'text' }, org: 'cfdt' }],
    ['a statement that is not text', { stance: 'favorable', item: { kind: 'text' }, statement: { $where: '1' } }],
  ])('answers a malformed declaration (%s) with BAD_REQUEST and stores nothing', async (_name, payload) => {
    const before = await head();
    expect(await declare('cgt', payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await head()).toBe(before);
  });

  it('refuses a position on an amendment that does not exist or that another delegation still holds as a draft', async () => {
    const draft = await command<{ id: string }>(sockets.cgt, 'amendment:draft', {
      negotiationId,
      articleId: article,
      content: { kind: 'delete-article' },
      justification: 'Brouillon.',
    });
    if (!draft.ok) throw new Error(draft.error.message);
    const before = await head();
    for (const id of ['amdt-7', draft.data.id]) {
      expect(await declare('cfdt', { stance: 'favorable', item: { kind: 'amendment', id } })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    expect(await head()).toBe(before);
  });

  it('refuses a position on an article of another negotiation', async () => {
    const foreign = ids.articles.cppni[0];
    expect(await declare('cgt', { stance: 'favorable', item: { kind: 'article', id: foreign } })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('answers the ledger only to members', async () => {
    expect((await call(server, `/negotiations/${negotiationId}/positions`)).status).toBe(401);
  });
});
