import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, signIn } from '../helpers/browser.ts';
import type { DemoIds } from '../helpers/seed.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

describe('co-drafting an article in two browsers', () => {
  const demo = useDemoBrowser();
  let negotiator: Page;
  let delegate: Page;
  let path: string;

  beforeAll(async () => {
    const key = Object.keys(demo.ids.negotiations)[1] as keyof DemoIds['negotiations'];
    path = `/negotiations/${demo.ids.negotiations[key]}/text?article=${demo.ids.articles[key][1]}`;
    const options = { viewport: { width: 1400, height: 950 }, locale: 'fr-FR' };
    negotiator = await signIn(await demo.browser.newContext(options), demo.server.url, 'negociateur@axess.demo', path);
    delegate = await signIn(await demo.browser.newContext(options), demo.server.url, 'delegue@cfdt.demo', path);
  });

  it('the negotiator types, the delegate sees it live and cannot type', async () => {
    const writerSurface = negotiator.getByTestId('article-editor');
    const readerSurface = delegate.getByTestId('article-editor');
    await writerSurface.waitFor();
    await readerSurface.waitFor();
    await negotiator.locator('[data-testid="connection"][data-state="connected"]').first().waitFor();
    await delegate.locator('[data-testid="connection"][data-state="connected"]').first().waitFor();
    await delegate.getByTestId('read-only-note').waitFor();
    // The reader's surface takes the focus and a caret (to select with the keyboard), but says it is read-only.
    expect(await readerSurface.getAttribute('aria-readonly')).toBe('true');
    expect(await writerSurface.getAttribute('aria-readonly')).toBe('false');

    // Both see each other in the presence list.
    await negotiator.getByTestId('peer').filter({ hasText: 'Nadia Benali' }).first().waitFor();
    await delegate.getByTestId('peer').filter({ hasText: 'Claire Marchand' }).first().waitFor();

    await writerSurface.click();
    await negotiator.keyboard.press('Control+End');
    await negotiator.keyboard.press('Enter');
    await negotiator.keyboard.type('Les heures de délégation sont « majorées » de 10 %.');
    await delegate.getByText('Les heures de délégation sont « majorées » de 10 %.').waitFor({ timeout: 10_000 });
    await screenshot(negotiator, 'co-drafting-negotiator');
    await screenshot(delegate, 'co-drafting-delegate');

    const before = await readerSurface.innerText();
    await readerSurface.click();
    await delegate.keyboard.type('Tentative du délégué');
    await new Promise((r) => setTimeout(r, 500));
    expect(await readerSurface.innerText()).toBe(before);
    expect(await writerSurface.innerText()).not.toContain('Tentative du délégué');
  });

  it('the negotiator saves a version and compares it with the live text', async () => {
    await negotiator.getByLabel('Nom de la version').fill('Séance du jour');
    await negotiator.getByRole('button', { name: 'Enregistrer une version' }).click();
    await negotiator.getByTestId('version-list').getByText('Séance du jour').waitFor();
    const surface = negotiator.getByTestId('article-editor');
    await surface.click();
    await negotiator.keyboard.press('Control+End');
    await negotiator.keyboard.type(' Ajout postérieur.');
    await new Promise((r) => setTimeout(r, 400));
    await negotiator.getByRole('button', { name: 'Comparer' }).click();
    const view = negotiator.getByTestId('version-view');
    await view.locator('ins', { hasText: 'Ajout postérieur.' }).waitFor();
    await screenshot(negotiator, 'co-drafting-compare');
  });
});
