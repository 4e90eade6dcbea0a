import type { Page } from 'playwright-core';
import type { SessionView } from '../../shared/sessions/session.ts';
import type { TestServer } from './server.ts';
import type { DemoIds } from './seed.ts';
import { login } from './auth.ts';
import { command, connect } from '../integration/realtime-client.ts';

/** A screen to look at: who looks at it, where, and what says it is ready. */
export interface Screen {
  name: string;
  email: string | null;
  path: string;
  ready: (page: Page) => Promise<unknown>;
}

/**
 * Every screen of the app, with content on it: a convened session (agenda), positions on the
 * whole text and on an article (the matrix has its columns filled), and the demo's 2023 CPPNI
 * campaign (the validity gauge and its reasons). The readiness checks are language-neutral
 * (test ids, structure), so the same list serves the French and the English passes.
 */
export async function screensWithContent(server: TestServer, ids: DemoIds): Promise<Screen[]> {
  const negotiationId = ids.negotiations.tempsDeTravail;
  const socket = await connect(server, await login(server, 'secretariat@axess.demo'));
  const ack = await command<SessionView>(socket, 'session:convene', {
    negotiationId,
    title: 'Séance de travail',
    startsAt: '2026-12-17T14:00',
    place: 'Paris, salle du conseil',
    agenda: [
      { kind: 'free', title: 'Déclarations liminaires', text: 'Chaque délégation s’exprime.' },
      { kind: 'article', articleId: ids.articles.tempsDeTravail[1] },
    ],
  });
  socket.close();
  if (!ack.ok) throw new Error(ack.error.message);
  for (const email of ['delegue@cfdt.demo', 'delegue@cgt.demo', 'negociateur@axess.demo']) {
    const delegate = await connect(server, await login(server, email));
    for (const item of [{ kind: 'text' }, { kind: 'article', id: ids.articles.tempsDeTravail[2] }]) {
      const declared = await command(delegate, 'position:declare', { negotiationId, stance: 'réservé', statement: 'À revoir.', item });
      if (!declared.ok) throw new Error(declared.error.message);
    }
    delegate.close();
  }
  const n = `/negotiations/${negotiationId}`;
  const heading = (page: Page) => page.locator('main h1').first().waitFor();
  const connected = (page: Page) => page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 15_000 });
  return [
    { name: 'login', email: null, path: '/login', ready: (p) => p.locator('input[type="email"]').waitFor() },
    { name: 'verifier', email: null, path: '/verifier', ready: heading },
    { name: 'not-found', email: null, path: '/nowhere', ready: heading },
    { name: 'home', email: 'delegue@cfdt.demo', path: '/', ready: (p) => p.locator('.negotiation-link').first().waitFor() },
    { name: 'negotiation', email: 'delegue@cfdt.demo', path: n, ready: (p) => p.locator('.party-list li').first().waitFor() },
    { name: 'members', email: 'delegue@cfdt.demo', path: `${n}/members`, ready: (p) => p.locator('table.members tbody tr').first().waitFor() },
    // The secretariat's members page shows every delegation and the first-lead invitation form.
    { name: 'members-secretariat', email: 'secretariat@axess.demo', path: `${n}/members`, ready: (p) => p.locator('table.members tbody tr').first().waitFor() },
    { name: 'account', email: 'delegue@cfdt.demo', path: '/compte', ready: (p) => p.locator('input[type="password"]').first().waitFor() },
    { name: 'outbox', email: 'secretariat@axess.demo', path: `${n}/outbox`, ready: heading },
    { name: 'text-reader', email: 'delegue@cfdt.demo', path: `${n}/text?article=${ids.articles.tempsDeTravail[1]}`, ready: connected },
    { name: 'text-writer', email: 'negociateur@axess.demo', path: `${n}/text?article=${ids.articles.tempsDeTravail[1]}`, ready: connected },
    { name: 'sessions', email: 'secretariat@axess.demo', path: `${n}/sessions`, ready: heading },
    { name: 'session', email: 'secretariat@axess.demo', path: `${n}/sessions/${ack.data.id}`, ready: (p) => p.getByTestId('session-status').waitFor() },
    { name: 'projector', email: 'delegue@cfdt.demo', path: `${n}/projector`, ready: (p) => p.getByTestId('projector').locator('p, section').first().waitFor() },
    { name: 'signature', email: 'delegue@cfdt.demo', path: `${n}/signature`, ready: heading },
    // The demo's 2023 CPPNI campaign: its validity verdict and the reasoning behind it.
    { name: 'signature-void', email: 'delegue@cfdt.demo', path: `/negotiations/${ids.negotiations.cppni}/signature`, ready: (p) => p.getByTestId('validity-status').waitFor() },
    { name: 'positions', email: 'delegue@cfdt.demo', path: `${n}/positions`, ready: (p) => p.locator('[data-testid="positions-matrix"], [data-testid="positions-empty"]').first().waitFor() },
  ];
}

/** The title of the vote closedArticleVote closes. */
export const CLOSED_VOTE_TITLE = 'Accord de principe sur l’article';

/**
 * A closed vote on the third article of the working-time draft, by double majority: AXESS
 * and the CFDT for, the CGT against (the vote panel then shows a result, named ballots and
 * the reasons of the result).
 */
export async function closedArticleVote(server: TestServer, ids: DemoIds): Promise<{ negotiationId: string; articleId: string; voteId: string }> {
  const negotiationId = ids.negotiations.tempsDeTravail;
  const articleId = ids.articles.tempsDeTravail[2]!;
  const chair = await connect(server, await login(server, 'secretariat@axess.demo'));
  const opened = await command<{ id: string }>(chair, 'vote:open', { negotiationId, item: { kind: 'article', id: articleId }, rule: 'double-majority', title: CLOSED_VOTE_TITLE });
  if (!opened.ok) throw new Error(opened.error.message);
  for (const [email, choice] of [['negociateur@axess.demo', 'pour'], ['delegue@cfdt.demo', 'pour'], ['delegue@cgt.demo', 'contre']] as const) {
    const voter = await connect(server, await login(server, email));
    const cast = await command(voter, 'vote:cast', { negotiationId, voteId: opened.data.id, choice });
    voter.close();
    if (!cast.ok) throw new Error(cast.error.message);
  }
  const closed = await command(chair, 'vote:close', { negotiationId, voteId: opened.data.id });
  chair.close();
  if (!closed.ok) throw new Error(closed.error.message);
  return { negotiationId, articleId, voteId: opened.data.id };
}
