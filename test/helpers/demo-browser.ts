import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureClientBuilt, launchBrowser } from './browser.ts';
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
