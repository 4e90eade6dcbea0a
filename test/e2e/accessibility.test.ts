import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import type { SessionView } from '../../shared/sessions/session.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensureClientBuilt, launchBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { login } from '../helpers/auth.ts';
import { command, connect } from '../integration/realtime-client.ts';

/** A screen to check: who looks at it, where, and what says it is ready. */
interface Screen {
  name: string;
  email: string | null;
  path: string;
  ready: (page: Page) => Promise<unknown>;
}

const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'tablet', width: 768, height: 1024 },
] as const;

/**
 * axe-core over every screen (the account, members and outbox pages included), in headless
 * Chromium, under the app's own content-security policy: @axe-core/playwright evaluates its
 * bundled copy of axe through the DevTools protocol (no script tag, no CDN), which the page's
 * `script-src 'self'` does not block.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 2).join(' ').trim()}`));
}

/** The outermost elements that stick out of the viewport on the right (the page would scroll sideways). */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return [];
    const out: string[] = [];
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      if (el.getBoundingClientRect().right <= window.innerWidth + 1) continue;
      if (el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 1) continue;
      out.push(`${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).trim().split(/\s+/).join('.')}` : ''} (${Math.round(el.getBoundingClientRect().right)}px)`);
    }
    return out.length > 0 ? out.slice(0, 3) : [`${document.documentElement.scrollWidth}px`];
  });
}

describe('every screen passes axe-core with no serious or critical violation', () => {
  let server: TestServer;
  let browser: Browser;
  let ids: DemoIds;
  let screens: Screen[];

  beforeAll(async () => {
    ensureClientBuilt();
    server = await startTestServer();
    ids = await seedDemo(server);
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
    // Positions on the whole text and on an article, so that the matrix has its columns filled.
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
    screens = [
      { name: 'login', email: null, path: '/login', ready: (p) => p.getByLabel('Adresse e-mail').waitFor() },
      { name: 'verifier', email: null, path: '/verifier', ready: heading },
      { name: 'not-found', email: null, path: '/nowhere', ready: heading },
      { name: 'home', email: 'delegue@cfdt.demo', path: '/', ready: (p) => p.locator('.negotiation-link').first().waitFor() },
      { name: 'negotiation', email: 'delegue@cfdt.demo', path: n, ready: (p) => p.locator('.party-list li').first().waitFor() },
      { name: 'members', email: 'delegue@cfdt.demo', path: `${n}/members`, ready: (p) => p.locator('table.members tbody tr').first().waitFor() },
      // The secretariat's members page shows every delegation and the first-lead invitation form.
      { name: 'members-secretariat', email: 'secretariat@axess.demo', path: `${n}/members`, ready: (p) => p.locator('table.members tbody tr').first().waitFor() },
      { name: 'account', email: 'delegue@cfdt.demo', path: '/compte', ready: (p) => p.getByLabel('Mot de passe actuel').first().waitFor() },
      { name: 'outbox', email: 'secretariat@axess.demo', path: `${n}/outbox`, ready: heading },
      { name: 'text-reader', email: 'delegue@cfdt.demo', path: `${n}/text?article=${ids.articles.tempsDeTravail[1]}`, ready: connected },
      { name: 'text-writer', email: 'negociateur@axess.demo', path: `${n}/text?article=${ids.articles.tempsDeTravail[1]}`, ready: connected },
      { name: 'sessions', email: 'secretariat@axess.demo', path: `${n}/sessions`, ready: heading },
      { name: 'session', email: 'secretariat@axess.demo', path: `${n}/sessions/${ack.data.id}`, ready: (p) => p.getByTestId('session-status').waitFor() },
      { name: 'projector', email: 'delegue@cfdt.demo', path: `${n}/projector`, ready: (p) => p.getByText('Aucune séance en cours.').waitFor() },
      { name: 'signature', email: 'delegue@cfdt.demo', path: `${n}/signature`, ready: heading },
      { name: 'positions', email: 'delegue@cfdt.demo', path: `${n}/positions`, ready: (p) => p.locator('[data-testid="positions-matrix"], [data-testid="positions-empty"]').first().waitFor() },
    ];
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width}×${viewport.height}`, { timeout: 420_000 }, async () => {
      const pages = new Map<string | null, Page>();
      const found: string[] = [];
      for (const screen of screens) {
        let page = pages.get(screen.email);
        if (!page) {
          const context = await browser.newContext({ viewport, locale: 'fr-FR' });
          page = screen.email ? await signIn(context, server.url, screen.email, '/') : await context.newPage();
          pages.set(screen.email, page);
        }
        await page.goto(`${server.url}${screen.path}`);
        await screen.ready(page);
        // Live panels fill in after the first paint.
        await page.waitForTimeout(300);
        found.push(...(await seriousViolations(page)).map((v) => `${screen.name}: ${v}`));
        // Nothing wider than the screen: wide content (the positions matrix) scrolls in its own region.
        found.push(...(await overflowing(page)).map((v) => `${screen.name}: wider than the screen: ${v}`));
        await screenshot(page, `a11y-${viewport.name}-${screen.name}`);
      }
      for (const page of pages.values()) await page.context().close();
      console.log(found.join('\n'));
      expect(found).toEqual([]);
    });
  }
});
