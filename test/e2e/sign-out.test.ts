import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn } from '../helpers/browser.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

/** The names of the browser's stores of the live texts (y-indexeddb). */
const textStores = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('negociation:')));

describe('signing out clears the browser’s copies of the texts (a shared computer keeps no delegation’s drafts)', () => {
  const demo = useDemoBrowser();

  it('with changes not yet sent, sign-out warns first (cancel keeps everything), then clears the stores', async () => {
    const context = await demo.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' });
    const path = `/negotiations/${demo.ids.negotiations.tempsDeTravail}/text?article=${demo.ids.articles.tempsDeTravail[2]}`;
    const writer = await signIn(context, demo.server.url, 'negociateur@axess.demo', path);
    await writer.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 20_000 });
    const text = writer.getByTestId('article-editor');

    // The text's server becomes unreachable (the rest of the app is not): the edit waits in the browser.
    await writer.routeWebSocket(/\/yjs\/article:/, (ws) => ws.close({ code: 1001 }));
    await context.setOffline(true);
    await writer.locator('[data-testid="connection"][data-state="offline"]').first().waitFor({ timeout: 10_000 });
    await text.click();
    await writer.keyboard.press('Control+End');
    await writer.keyboard.press('Enter');
    await writer.keyboard.type('Brouillon de la délégation, jamais envoyé.');
    await context.setOffline(false);
    await writer.locator('.text-head [data-testid="pending-changes"]').waitFor({ timeout: 10_000 });
    expect((await textStores(writer)).length).toBeGreaterThan(0);

    // First the warning: cancelled, nothing happens.
    let warning: string | null = null;
    writer.once('dialog', (dialog) => {
      warning = dialog.message();
      void dialog.dismiss();
    });
    await writer.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect.poll(() => warning, { timeout: 10_000 }).toMatch(/^\d+ modifications? du texte n’(a|ont) pas encore été envoyées? au serveur/);
    expect(new URL(writer.url()).pathname).toBe(path.split('?')[0]);
    expect((await textStores(writer)).length).toBeGreaterThan(0);

    // Confirmed: signed out, and the stores are gone.
    writer.once('dialog', (dialog) => void dialog.accept());
    await writer.getByRole('button', { name: 'Se déconnecter' }).click();
    await writer.waitForURL((u) => u.pathname === '/login');
    await expect.poll(() => textStores(writer), { timeout: 10_000 }).toEqual([]);
    await context.close();
  });

  it('with everything sent, sign-out asks nothing and clears the stores', async () => {
    const context = await demo.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' });
    const path = `/negotiations/${demo.ids.negotiations.tempsDeTravail}/text?article=${demo.ids.articles.tempsDeTravail[1]}`;
    const writer = await signIn(context, demo.server.url, 'negociateur@axess.demo', path);
    await writer.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 20_000 });
    await expect.poll(() => textStores(writer), { timeout: 10_000 }).not.toEqual([]);
    let asked = false;
    writer.on('dialog', (dialog) => {
      asked = true;
      void dialog.dismiss();
    });
    await writer.getByRole('button', { name: 'Se déconnecter' }).click();
    await writer.waitForURL((u) => u.pathname === '/login');
    await expect.poll(() => textStores(writer), { timeout: 10_000 }).toEqual([]);
    expect(asked).toBe(false);
    await context.close();
  });
});
