import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { countApiReads, screenshot, signIn } from '../helpers/browser.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { addMember } from '../helpers/seed.ts';

/** How soon what one member does must show for another, without a reload. */
const LIVE_MS = 2_000;

describe('the position history is live: what one member declares shows in the box of another member of the same delegation', () => {
  const demo = useDemoBrowser();
  const options = { viewport: { width: 1440, height: 900 }, locale: 'fr-FR' };

  async function member(email: string, path: string): Promise<{ page: Page; reads: string[]; context: BrowserContext }> {
    const context = await demo.browser.newContext(options);
    const reads = countApiReads(context);
    return { page: await signIn(context, demo.server.url, email, path), reads, context };
  }

  it('the CGT lead declares « réservé » on an article: a second CGT delegate’s history shows it within 2 s, with the history read once', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const articleId = demo.ids.articles.tempsDeTravail[1];
    // The demo has one account per organisation: a second delegate of the CGT, at the same table.
    await addMember(demo.server, { email: 'deuxieme@cgt.demo', name: 'Karim Benali', negotiationId: id, organisationId: demo.ids.organisations.CGT, roles: ['delegate'] });
    const path = `/negotiations/${id}/text?article=${articleId}`;
    const lead = await member('delegue@cgt.demo', path);
    const colleague = await member('deuxieme@cgt.demo', path);
    const historyRead = () => colleague.reads.filter((p) => p === `/api/negotiations/${id}/positions`).length;
    const colleagueBox = colleague.page.getByTestId('position-box');
    await colleagueBox.getByText('Aucune position déclarée.').waitFor({ timeout: 15_000 });
    await colleague.page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 15_000 });
    expect(historyRead()).toBe(1);

    const leadBox = lead.page.getByTestId('position-box');
    await leadBox.getByTestId('position-stance').selectOption('réservé');
    await leadBox.getByTestId('position-statement').fill('La CGT réserve sa position sur la durée du travail.');
    await leadBox.getByTestId('position-declare').click();
    await leadBox.getByTestId('position-history').getByText('La CGT réserve sa position sur la durée du travail.').waitFor({ timeout: 15_000 });

    const entry = colleagueBox.getByTestId('position-history').locator('li').filter({ hasText: 'La CGT réserve sa position sur la durée du travail.' });
    await entry.waitFor({ timeout: LIVE_MS });
    expect(await entry.textContent()).toContain('Réservé');
    expect(historyRead()).toBe(1);
    await screenshot(colleague.page, 'live-position-history');
    await lead.context.close();
    await colleague.context.close();
  }, 120_000);
});
