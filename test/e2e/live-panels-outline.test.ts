import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { countApiReads, screenshot, signIn } from '../helpers/browser.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

/** How soon what one member does must show for another, without a reload. */
const LIVE_MS = 2_000;

describe('the outline is live: an article added or renumbered shows for another member, nothing read again', () => {
  const demo = useDemoBrowser();
  const options = { viewport: { width: 1440, height: 900 }, locale: 'fr-FR' };

  async function member(email: string, path: string): Promise<{ page: Page; reads: string[]; context: BrowserContext }> {
    const context = await demo.browser.newContext(options);
    const reads = countApiReads(context);
    return { page: await signIn(context, demo.server.url, email, path), reads, context };
  }

  it('the negotiator adds « Article 4 bis » and renumbers: the delegate’s outline shows each within 2 s, with no API read after it', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const path = `/negotiations/${id}/text?article=${demo.ids.articles.tempsDeTravail[4]}`;
    const pen = await member('negociateur@axess.demo', path);
    const delegate = await member('delegue@cgt.demo', path);
    const outline = (page: Page, text: string) => page.locator('.outline-link').filter({ hasText: text });
    await outline(delegate.page, 'Article 4 – Temps d’habillage').waitFor({ timeout: 15_000 });
    await pen.page.locator('#new-article').waitFor({ timeout: 15_000 });
    // The panels beside the editor load once; from here on the delegate's page reads nothing.
    await delegate.page.getByTestId('vote-panel').waitFor({ timeout: 15_000 });
    await delegate.page.waitForTimeout(1_000);
    const readsBefore = delegate.reads.length;

    await pen.page.locator('#new-article').fill('Pause méridienne');
    await pen.page.locator('#new-article-place').selectOption({ label: 'Article 4 – Temps d’habillage et de déshabillage' });
    await pen.page.getByRole('button', { name: 'Ajouter un article' }).click();
    await pen.page.getByTestId('structure-notice').filter({ hasText: 'Article 4 bis ajouté.' }).waitFor({ timeout: 15_000 });
    await outline(delegate.page, 'Article 4 bis – Pause méridienne').waitFor({ timeout: LIVE_MS });

    await pen.page.getByRole('button', { name: 'Renuméroter' }).click();
    await pen.page.getByTestId('renumber-preview').getByRole('button', { name: 'Confirmer la renumérotation' }).click();
    await pen.page.getByTestId('structure-notice').filter({ hasText: 'renuméroté' }).waitFor({ timeout: 15_000 });
    await outline(delegate.page, 'Article 5 – Pause méridienne').waitFor({ timeout: LIVE_MS });
    await screenshot(delegate.page, 'live-outline');

    expect(delegate.reads.slice(readsBefore)).toEqual([]);
    await pen.context.close();
    await delegate.context.close();
  }, 120_000);
});
