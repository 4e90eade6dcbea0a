import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';

describe('negotiations as their members see them', () => {
  let server: TestServer;
  let ids: DemoIds;
  let cookie: string;

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    cookie = await login(server, 'delegue@cfdt.demo');
  });
  afterAll(() => server?.close());

  it('lists my negotiations: the 2023 avenant, then the live working-time draft', async () => {
    const response = await call(server, '/negotiations', { cookie });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      { id: ids.negotiations.cppni, title: 'Avenant n° 1 à l’accord CPPNI', level: 'branch', status: 'void' },
      { id: ids.negotiations.tempsDeTravail, title: 'Accord relatif au temps de travail dans la CCUE', level: 'branch', status: 'in negotiation' },
    ]);
  });

  it('the avenant shows the parties with the weights of the arrêté of 22 December 2017', async () => {
    const detail = await (await call(server, `/negotiations/${ids.negotiations.cppni}`, { cookie })).json();
    const weights = Object.fromEntries(detail.organisations.map((o: { shortName: string; weight: number }) => [o.shortName, o.weight]));
    expect(weights).toEqual({ AXESS: 100, CFDT: 38.5, CGT: 35.18, FO: 14.69, SUD: 11.63, CFTC: 0, 'CFE-CGC': 0, CMP: 0 });
    const representative = detail.organisations.filter((o: { representative: boolean }) => o.representative).map((o: { shortName: string }) => o.shortName);
    expect(representative).toEqual(['AXESS', 'CFDT', 'CGT', 'FO', 'SUD']);
    const unionTotal = detail.organisations
      .filter((o: { college: string; representative: boolean }) => o.college === 'union' && o.representative)
      .reduce((sum: number, o: { weight: number }) => sum + o.weight, 0);
    expect(unionTotal).toBeCloseTo(100, 2);
    expect(detail.weightsSource).toMatchObject({ date: '2017-12-22' });
    expect(detail.weightsSource.arrete).toMatch(/22 décembre 2017/);
    expect(detail.organisations.find((o: { shortName: string }) => o.shortName === 'CMP').college).toBe('neutral');
  });

  it('the detail carries my roles and my organisation, and the outline in order', async () => {
    const detail = await (await call(server, `/negotiations/${ids.negotiations.cppni}`, { cookie })).json();
    expect(detail.myRoles).toEqual(['delegate', 'signatory', 'lead']);
    expect(detail.myOrganisation).toBe(ids.organisations.CFDT);
    expect(detail.articles.map((a: { number: string }) => a.number)).toEqual(['Préambule', '1', '2', '3', '4', '5', '6']);
    expect(detail.articles[0]).toMatchObject({ id: ids.articles.cppni[0], kind: 'preamble', title: 'Préambule' });
  });

  it('the working-time draft has 10–15 articles in 3 titres, some bracketed', async () => {
    const detail = await (await call(server, `/negotiations/${ids.negotiations.tempsDeTravail}`, { cookie })).json();
    const articles = detail.articles.filter((a: { kind: string }) => a.kind === 'article');
    expect(articles.length).toBeGreaterThanOrEqual(10);
    expect(articles.length).toBeLessThanOrEqual(15);
    expect(new Set(articles.map((a: { titre: string }) => a.titre)).size).toBe(3);
    expect(articles.filter((a: { status: string }) => a.status === 'bracketed').length).toBeGreaterThan(0);
    expect(detail.phaseDeadlines.length).toBeGreaterThan(0);
  });

  it('the chair sits for the presidency, on neither side', async () => {
    const chair = await login(server, 'president@cmp.demo');
    const detail = await (await call(server, `/negotiations/${ids.negotiations.tempsDeTravail}`, { cookie: chair })).json();
    expect(detail.myRoles).toEqual(['chair', 'lead']);
    expect(detail.organisations.find((o: { id: string }) => o.id === detail.myOrganisation)).toMatchObject({ shortName: 'CMP', college: 'neutral', weight: 0, representative: false });
  });
});
