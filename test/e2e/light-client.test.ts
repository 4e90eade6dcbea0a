import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { DemoIds } from '../helpers/seed.ts';
import { signIn } from '../helpers/browser.ts';
import { DEMO_PASSWORD } from '../../server/seed/demo-content.ts';
import { CLIENT_DIST } from '../../server/app.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

const BUDGET_GZIP_BYTES = 120_000;

/** The scripts a page fetched, by their path under /assets. */
function recordScripts(page: Page): string[] {
  const scripts: string[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') scripts.push(new URL(response.url()).pathname);
  });
  return scripts;
}

const built = (asset: string) => path.join(CLIENT_DIST, asset);
const gzipBytes = (scripts: string[]) => scripts.reduce((sum, s) => sum + zlib.gzipSync(fs.readFileSync(built(s))).length, 0);
/** ProseMirror's own class names are in the editor stack's code and nowhere else (prosemirror-view's). */
const isEditorStack = (asset: string) => fs.readFileSync(built(asset), 'utf8').includes('ProseMirror-hideselection');
/** zod's object schema names itself in its code: the file carries zod's schemas. */
const carriesZod = (asset: string) => fs.readFileSync(built(asset), 'utf8').includes('ZodObject');

/** Content-Security-Policy violations, reported by the page itself. */
async function watchCsp(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}
const violations = (page: Page) => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

/**
 * Opens `url` with every script and the stylesheet held back until `release()` (a classic script
 * waits for the stylesheets above it): the API reads and WebSockets that start meanwhile, the
 * page's HTML started.
 */
async function openHeldBack(context: BrowserContext, url: string) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await context.route(/\/assets\//, async (route) => {
    await held;
    await route.continue();
  });
  const page = await context.newPage();
  const reads: string[] = [];
  const sockets: string[] = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/api/')) reads.push(pathname);
  });
  page.on('websocket', (socket) => sockets.push(new URL(socket.url()).pathname));
  await page.goto(url, { waitUntil: 'commit' });
  return { page, reads, sockets, release };
}

describe('a light client: pages load on demand, within budget, under a strict CSP', () => {
  const demo = useDemoBrowser();

  it('the sign-in and home pages download at most 120 kB of JavaScript gzipped, and none of the editor stack', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const signInScripts = recordScripts(page);
    await page.goto(`${demo.server.url}/login`);
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(signInScripts.length).toBeGreaterThan(0);
    expect(gzipBytes(signInScripts)).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    expect(signInScripts.filter(isEditorStack)).toEqual([]);

    const storageState = await (await signIn(await demo.browser.newContext({ locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', '/')).context().storageState();
    const home = await (await demo.browser.newContext({ locale: 'fr-FR', storageState })).newPage();
    const homeScripts = recordScripts(home);
    await home.goto(`${demo.server.url}/`);
    await home.locator('main a[href^="/negotiations/"]').first().waitFor();
    await home.waitForLoadState('networkidle');
    expect(gzipBytes(homeScripts)).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    expect(homeScripts.filter(isEditorStack)).toEqual([]);
    await context.close();
  });

  it('the text page is usable before its side panels, zod and the Socket.IO client have arrived: its HTML does not preload them, and they follow', async () => {
    const key = Object.keys(demo.ids.negotiations)[1] as keyof DemoIds['negotiations'];
    const text = `/negotiations/${demo.ids.negotiations[key]}/text?article=${demo.ids.articles[key][1]}`;
    const storageState = await (await signIn(await demo.browser.newContext({ locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', '/')).context().storageState();
    const context = await demo.browser.newContext({ locale: 'fr-FR', storageState });
    // The Socket.IO client and the amendment panel, known by their code (file names are hashes).
    const deferred = (asset: string) => {
      const code = fs.readFileSync(built(asset), 'utf8');
      return code.includes('engine.io') || code.includes('amendment-panel');
    };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const heldScripts: string[] = [];
    await context.route(/\/assets\/.*\.js$/, async (route) => {
      const asset = new URL(route.request().url()).pathname;
      if (deferred(asset)) {
        heldScripts.push(asset);
        await held;
      }
      await route.continue();
    });
    const page = await context.newPage();
    const html = await (await page.request.get(`${demo.server.url}${text}`)).text();
    const preloaded = [...html.matchAll(/<link rel="modulepreload"[^>]* href="([^"]+)"/g)].map(([, href]) => href);
    expect(preloaded.length).toBeGreaterThan(0);
    expect(preloaded.filter(deferred)).toEqual([]);
    // Nor zod: the editor needs shared/ rules, not the schemas declared beside them.
    const entry = /<script type="module"[^>]* src="([^"]+)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    expect([entry!, ...preloaded].filter(carriesZod)).toEqual([]);

    await page.goto(`${demo.server.url}${text}`);
    // The editor shows the article and takes the focus while the panels' code is held back.
    const editor = page.getByTestId('article-editor');
    await page.locator('.article-editor[data-synced="true"] [data-testid="connection"][data-state="connected"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => editor.textContent(), { timeout: 15_000 }).not.toEqual('');
    await editor.focus();
    expect(await editor.evaluate((element) => document.activeElement === element)).toBe(true);
    await expect.poll(() => heldScripts.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('amendment-panel').count()).toBe(0);

    release();
    for (const panel of ['[data-testid="amendment-panel"]', '.version-panel', '[data-testid="activity-feed"]']) await page.locator(panel).waitFor({ timeout: 30_000 });
    await context.close();
  });

  it("the text page's HTML starts the session, the negotiation and the article's live document before any script or stylesheet has arrived, and the app takes them over", async () => {
    const key = Object.keys(demo.ids.negotiations)[1] as keyof DemoIds['negotiations'];
    const negotiation = demo.ids.negotiations[key];
    const article = demo.ids.articles[key][1];
    const storageState = await (await signIn(await demo.browser.newContext({ locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', '/')).context().storageState();
    const context = await demo.browser.newContext({ locale: 'fr-FR', storageState });
    await watchCsp(context);
    const { page, reads, sockets, release } = await openHeldBack(context, `${demo.server.url}/negotiations/${negotiation}/text?article=${article}`);
    await expect.poll(() => [...reads].sort(), { timeout: 15_000 }).toEqual(['/api/me', `/api/negotiations/${negotiation}`].sort());
    await expect.poll(() => sockets, { timeout: 15_000 }).toContain(`/yjs/article:${article}`);

    release();
    const editor = page.getByTestId('article-editor');
    await page.locator('.article-editor[data-synced="true"] [data-testid="connection"][data-state="connected"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => editor.textContent(), { timeout: 15_000 }).not.toEqual('');
    // Taken over, not asked again: one session read, one negotiation read, one socket for the article.
    expect(reads.filter((read) => read === '/api/me' || read === `/api/negotiations/${negotiation}`)).toHaveLength(2);
    expect(sockets.filter((socket) => socket === `/yjs/article:${article}`)).toHaveLength(1);
    expect(await violations(page)).toEqual([]);
    await context.close();
  });

  it("with the article named, the outline's live document waits for the editor's code; with none named, it opens at once", async () => {
    const key = Object.keys(demo.ids.negotiations)[1] as keyof DemoIds['negotiations'];
    const negotiation = demo.ids.negotiations[key];
    const article = demo.ids.articles[key][1];
    const storageState = await (await signIn(await demo.browser.newContext({ locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', '/')).context().storageState();
    const open = async (query: string) => {
      const context = await demo.browser.newContext({ locale: 'fr-FR', storageState });
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      await context.route(/\/assets\/.*\.js$/, async (route) => {
        if (isEditorStack(new URL(route.request().url()).pathname)) await held;
        await route.continue();
      });
      const page = await context.newPage();
      const sockets: string[] = [];
      page.on('websocket', (socket) => sockets.push(new URL(socket.url()).pathname));
      await page.goto(`${demo.server.url}/negotiations/${negotiation}/text${query}`);
      return { context, page, sockets, release };
    };

    // Named: the page is up, its article's document synced, the editor's code held back. The
    // outline says it is loading, and names the article from the negotiation's read.
    const named = await open(`?article=${article}`);
    await named.page.locator('.outline-nav').getByText('Chargement du plan…').waitFor({ timeout: 30_000 });
    await expect.poll(() => named.sockets, { timeout: 15_000 }).toContain(`/yjs/article:${article}`);
    await expect(named.page.locator('.outline-current').textContent()).resolves.toMatch(/^Article /);
    await named.page.waitForTimeout(1_000);
    expect(named.sockets).not.toContain(`/yjs/agreement:${negotiation}`);
    named.release();
    await named.page.locator('.article-editor[data-synced="true"] [data-testid="connection"][data-state="connected"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => named.page.locator('.outline-link').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    expect(named.sockets.filter((socket) => socket === `/yjs/agreement:${negotiation}`)).toHaveLength(1);
    await named.context.close();

    // None named: the outline decides which article to show, so it syncs while the code is held.
    const first = await open('');
    await expect.poll(() => first.page.locator('.outline-link').count(), { timeout: 30_000 }).toBeGreaterThan(1);
    expect(first.sockets).toContain(`/yjs/agreement:${negotiation}`);
    first.release();
    await first.page.locator('.article-editor[data-synced="true"] [data-testid="connection"][data-state="connected"]').waitFor({ timeout: 30_000 });
    await first.context.close();
  });

  it("the home page's HTML starts the session and the list of negotiations before any script has arrived, and the list is read once", async () => {
    const storageState = await (await signIn(await demo.browser.newContext({ locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', '/')).context().storageState();
    const context = await demo.browser.newContext({ locale: 'fr-FR', storageState });
    await watchCsp(context);
    const { page, reads, release } = await openHeldBack(context, `${demo.server.url}/`);
    await expect.poll(() => [...reads].sort(), { timeout: 15_000 }).toEqual(['/api/me', '/api/negotiations']);
    release();
    await page.locator('main a[href^="/negotiations/"]').first().waitFor({ timeout: 30_000 });
    expect([...reads].sort()).toEqual(['/api/me', '/api/negotiations']);
    expect(await violations(page)).toEqual([]);
    await context.close();
  });

  it('signed out, the home page sends to the sign-in page; signing in at once shows the list, not the early read refused before', async () => {
    const context = await demo.browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const lists: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/negotiations') lists.push(response.status());
    });
    await page.goto(`${demo.server.url}/`);
    await page.getByLabel('Adresse e-mail').fill('delegue@cfdt.demo');
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('main a[href^="/negotiations/"]').first().waitFor({ timeout: 30_000 });
    // The early start's read was refused (signed out); the list shown is the one asked for since.
    expect(lists).toEqual([401, 200]);
    expect(await page.getByRole('alert').count()).toBe(0);
    await context.close();
  });

  it('the text page fetches the editor stack when opened; two people type with no CSP violation', async () => {
    const key = Object.keys(demo.ids.negotiations)[1] as keyof DemoIds['negotiations'];
    const text = `/negotiations/${demo.ids.negotiations[key]}/text?article=${demo.ids.articles[key][1]}`;
    const people: Page[] = [];
    const scripts: string[][] = [];
    for (const email of ['negociateur@axess.demo', 'secretariat@axess.demo']) {
      const context = await demo.browser.newContext({ locale: 'fr-FR' });
      await watchCsp(context);
      const page = await signIn(context, demo.server.url, email, `/negotiations/${demo.ids.negotiations[key]}`);
      scripts.push(recordScripts(page));
      // A client-side navigation: the text page's code comes now, not with the negotiation's home.
      await page.getByTestId('open-text').click();
      await page.waitForURL((u) => u.pathname.endsWith('/text'));
      // Its title takes the focus once the page has arrived, as on any navigation (keyboard and screen readers).
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName), { timeout: 15_000 }).toBe('H1');
      await page.goto(`${demo.server.url}${text}`);
      people.push(page);
    }
    for (const page of people) {
      await page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor();
      await page.getByTestId('article-editor').click();
    }
    await people[0].keyboard.type(' Premier ajout.');
    await people[1].keyboard.type(' Second ajout.');
    for (const page of people) {
      await page.getByTestId('article-editor').getByText('Premier ajout.', { exact: false }).waitFor();
      await page.getByTestId('article-editor').getByText('Second ajout.', { exact: false }).waitFor();
    }
    expect(scripts[0].some(isEditorStack)).toBe(true);
    // Tiptap's base styles come from the stylesheet, not an inline <style> element.
    expect(await people[0].locator('style').count()).toBe(0);
    for (const page of people) expect(await violations(page)).toEqual([]);
  });
});
