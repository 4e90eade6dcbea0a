import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchBrowser, screenshot } from '../helpers/browser.ts';

describe('the API reference page /api/docs, in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows every section of the routes, a route’s body schema and the Socket.IO section, under the strict CSP', async () => {
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    await page.goto(`${server.url}/api/docs`);
    for (const tag of ['Exploitation', 'Compte', 'Négociations', 'Membres', 'Texte', 'Signature', 'Séances']) {
      await page.locator('.opblock-tag', { hasText: tag }).first().waitFor();
    }
    await expect(page.getByRole('heading', { name: 'Temps réel (Socket.IO)' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('td code', { hasText: 'amendment:table' }).first().isVisible()).resolves.toBe(true);

    // A command opened: its path, its required action and its body's fields.
    await page.locator('.opblock-summary-path', { hasText: '/api/negotiations/{negotiationId}/signature/sign' }).first().click();
    await page.locator('.opblock-body').getByText('signature:sign').first().waitFor();
    await page.locator('.opblock-body .body-param, .opblock-body .model-example').getByText('versionHash').first().waitFor();
    await screenshot(page, 'api-docs');
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    expect(failed).toEqual([]);
  });
});
