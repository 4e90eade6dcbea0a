import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { screenshot } from '../helpers/browser.ts';
import { DEMO_PASSWORD } from '../helpers/auth.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

/** Waits until the locator is visible (Playwright's own `expect` is not part of playwright-core). */
const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });

describe('signing in as a demo delegate, in a browser', () => {
  const demo = useDemoBrowser();
  let page: Page;

  beforeAll(async () => {
    page = await demo.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  });

  it('a wrong password is told plainly, and the form stays usable', async () => {
    await page.goto(`${demo.server.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Adresse e-mail').fill('delegue@cfdt.demo');
    await page.getByLabel('Mot de passe').fill('pas-le-bon-mot-de-passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const alert = page.getByRole('alert');
    await visible(alert);
    expect((await alert.textContent())?.trim()).toBe('Adresse e-mail ou mot de passe incorrect.');
    await screenshot(page, 'login-error');
  });

  it('the delegate signs in, sees their negotiations, opens one and sees the parties and their weights', async () => {
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByLabel('Mot de passe').press('Enter');
    await page.getByRole('heading', { name: 'Mes négociations' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('link', { name: 'Avenant n° 1 à l’accord CPPNI' }).waitFor();
    await screenshot(page, 'negotiations');

    await page.getByRole('link', { name: 'Accord relatif au temps de travail dans la CCUE' }).click();
    await page.getByRole('heading', { name: 'Accord relatif au temps de travail dans la CCUE' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/negotiations\/[a-f0-9]{24}$/);

    const parties = page.getByRole('region', { name: 'Parties à la négociation' });
    await visible(parties.getByText('38,50 %', { exact: true }));
    await visible(parties.getByText('35,18 %', { exact: true }));
    await visible(parties.getByText(/22 décembre 2017/));
    await visible(page.getByText(/Délégué, Signataire, Responsable de délégation\s+pour CFDT/));
    await visible(page.getByText('Entre crochets').first());
    // The CFDT's lead governs the CFDT delegation.
    await visible(page.getByRole('link', { name: 'Gérer les membres' }));
    await screenshot(page, 'negotiation-home');
  });

  it('signing out returns to the sign-in page and ends the session', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(/\/login/);
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/me')).status);
    expect(me).toBe(401);
  });
});
