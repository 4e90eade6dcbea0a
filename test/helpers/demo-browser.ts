import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { login } from './auth.ts';
import { ensureClientBuilt, launchBrowser, signIn } from './browser.ts';
import { seedDemo, type DemoIds } from './seed.ts';
import { startTestServer, type TestServer } from './server.ts';

/** What an e2e file works with: a workspace holding the seeded demo, and a headless Chromium. */
export interface DemoBrowser {
  readonly server: TestServer;
  readonly browser: Browser;
  readonly ids: DemoIds;
}

/**
 * The one way an e2e file sets up: call it first in the `describe`. Before the file's own
 * `beforeAll` it builds the client if it is stale, starts a server on a free port, seeds the demo
 * and launches Chromium; after the file's own `afterAll` (Vitest runs those hooks as a stack) it
 * closes the browser, then the server. Its getters throw when read before the setup ran (at
 * collection time), rather than hand a test an undefined server.
 * (Its own file, not browser.ts: benchmark scripts import browser.ts outside Vitest.)
 */
export function useDemoBrowser(): DemoBrowser {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let ids: DemoIds | undefined;
  beforeAll(async () => {
    ensureClientBuilt();
    server = await startTestServer();
    ids = await seedDemo(server);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useDemoBrowser: the ${name} exists once the file's beforeAll has run`);
    return value;
  };
  return {
    get server() {
      return ready(server, 'server');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    get ids() {
      return ready(ids, 'demo ids');
    },
  };
}

/**
 * A French page signed in as this account (the session cookie from the API) on a negotiation's
 * signature page, once its heading is shown; its context is added to `contexts` for the file to close.
 */
export async function signaturePageAs(demo: DemoBrowser, contexts: BrowserContext[], email: string, negotiationId: string): Promise<Page> {
  const cookie = await login(demo.server, email);
  const [name, value] = cookie.split('=');
  const context = await demo.browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'fr-FR' });
  await context.addCookies([{ name, value, url: demo.server.url }]);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${demo.server.url}/negotiations/${negotiationId}/signature`);
  await page.getByRole('heading', { name: 'Campagne de signature' }).waitFor();
  return page;
}

/**
 * A French page of 1400×950 signed in as this account on `path` (an article of the text page),
 * once the article's editor is connected and synced; its context is added to `contexts` for the
 * file to close.
 */
export async function articlePageAs(demo: DemoBrowser, contexts: BrowserContext[], email: string, path: string): Promise<Page> {
  const page = await signIn(await demo.browser.newContext({ viewport: { width: 1400, height: 950 }, locale: 'fr-FR' }), demo.server.url, email, path);
  contexts.push(page.context());
  await page.locator('.article-editor[data-synced="true"] [data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 15_000 });
  return page;
}
