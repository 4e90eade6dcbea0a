import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { countApiReads, screenshot, selectWords, signIn } from '../helpers/browser.ts';
import { login } from '../helpers/auth.ts';
import { command, connect } from '../integration/realtime-client.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

/** How soon what one member does must show for another, without a reload. */
const LIVE_MS = 2_000;

describe('the amendments panel is live: kept by its events and the live text, never read again', () => {
  const demo = useDemoBrowser();
  const options = { viewport: { width: 1600, height: 1000 }, locale: 'fr-FR' };

  /** A signed-in page on the article, and the API reads it makes (method GET, path), from the sign-in on. */
  async function member(email: string, path: string): Promise<{ page: Page; reads: string[]; context: BrowserContext }> {
    const context = await demo.browser.newContext(options);
    const reads = countApiReads(context);
    const page = await signIn(context, demo.server.url, email, path);
    await page.getByTestId('article-editor').waitFor();
    await page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor();
    await page.getByText('vingt minutes consécutives').first().waitFor();
    return { page, reads, context };
  }

  async function secretariat(name: 'amendment:discuss' | 'amendment:adopt', amendmentId: string): Promise<void> {
    const socket = await connect(demo.server, await login(demo.server, 'secretariat@axess.demo'));
    const ack = await command(socket, name, { negotiationId: demo.ids.negotiations.tempsDeTravail, amendmentId });
    socket.close();
    expect(ack).toMatchObject({ ok: true });
  }

  it('tabled, decided, merged, withdrawn and outdated show for the other member within 2 s, and the list is read once', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const path = `/negotiations/${id}/text?article=${demo.ids.articles.tempsDeTravail[3]}`;
    const listPath = `/api/negotiations/${id}/amendments`;
    const cgt = await member('delegue@cgt.demo', path);
    const axess = await member('negociateur@axess.demo', path);
    const listReads = (who: { reads: string[] }) => who.reads.filter((p) => p === listPath).length;
    const detailReads = (who: { reads: string[] }) => who.reads.filter((p) => p.startsWith(`${listPath}/`)).length;
    for (const who of [cgt, axess]) {
      await who.page.locator('#amendments-title').waitFor();
      await expect.poll(() => listReads(who), { timeout: 15_000 }).toBe(1);
    }

    // Tabled by the CGT in its browser: the negotiator sees it, numbered, within 2 s.
    await selectWords(cgt.page, 'vingt minutes');
    await cgt.page.getByRole('button', { name: 'Rédiger un amendement' }).click();
    await cgt.page.getByRole('button', { name: 'Ancrer sur le passage sélectionné' }).click();
    await cgt.page.getByLabel('Nouveaux mots').fill('trente minutes');
    await cgt.page.getByLabel('Exposé des motifs').fill('Vingt minutes ne permettent pas de prendre un repas.');
    await cgt.page.getByRole('button', { name: 'Déposer', exact: true }).click();
    const mine = cgt.page.getByTestId('amendment').filter({ hasText: 'trente minutes' });
    await mine.and(cgt.page.locator('[data-status="tabled"]')).waitFor({ timeout: 10_000 });
    const seen = axess.page.getByTestId('amendment').filter({ hasText: 'trente minutes' });
    await seen.and(axess.page.locator('[data-status="tabled"]')).waitFor({ timeout: LIVE_MS });
    expect((await seen.innerText()).replace(/\u00a0/g, ' ')).toContain('n° 1 · CGT');
    const amendmentId = (await seen.getAttribute('data-amendment-id')) ?? '';
    expect(amendmentId).not.toBe('');

    // Put under discussion and adopted by the secretariat: both see it, the negotiator is offered the merge.
    await secretariat('amendment:discuss', amendmentId);
    await seen.and(axess.page.locator('[data-status="under discussion"]')).waitFor({ timeout: LIVE_MS });
    await secretariat('amendment:adopt', amendmentId);
    await seen.and(axess.page.locator('[data-status="adopted"]')).waitFor({ timeout: LIVE_MS });
    await mine.and(cgt.page.locator('[data-status="adopted"]')).waitFor({ timeout: LIVE_MS });
    // The diffs follow the live text without asking the server.
    await seen.getByRole('button', { name: 'Voir les différences' }).click();
    await seen.getByTestId('amendment-diffs').locator('ins', { hasText: 'trente' }).first().waitFor({ timeout: LIVE_MS });

    // Merged by the pen-holder: the CGT sees it merged within 2 s.
    await seen.getByRole('button', { name: 'Intégrer au texte' }).click();
    await seen.and(axess.page.locator('[data-status="merged"]')).waitFor({ timeout: 10_000 });
    await mine.and(cgt.page.locator('[data-status="merged"]')).waitFor({ timeout: LIVE_MS });
    await cgt.page.getByTestId('article-editor').getByText('trente minutes consécutives').waitFor({ timeout: LIVE_MS });

    // A second amendment, on words the pen-holder then rewrites: outdated for the CGT within 2 s.
    await selectWords(cgt.page, 'six heures');
    await cgt.page.getByRole('button', { name: 'Rédiger un amendement' }).click();
    await cgt.page.getByRole('button', { name: 'Ancrer sur le passage sélectionné' }).click();
    await cgt.page.getByLabel('Nouveaux mots').fill('cinq heures');
    await cgt.page.getByLabel('Exposé des motifs').fill('Une pause plus tôt dans la journée.');
    await cgt.page.getByRole('button', { name: 'Déposer', exact: true }).click();
    const second = cgt.page.getByTestId('amendment').filter({ hasText: '« cinq heures »' });
    await second.and(cgt.page.locator('[data-status="tabled"]')).waitFor({ timeout: 10_000 });
    const secondSeen = axess.page.getByTestId('amendment').filter({ hasText: '« cinq heures »' });
    await secondSeen.waitFor({ timeout: LIVE_MS });
    expect((await secondSeen.innerText()).replace(/\u00a0/g, ' ')).toContain('n° 2 · CGT');
    expect(await second.getByTestId('amendment-outdated').count()).toBe(0);
    await selectWords(axess.page, 'six heures');
    await axess.page.getByTestId('article-editor').press('Delete');
    await axess.page.keyboard.type('six heures trente');
    await second.getByTestId('amendment-outdated').waitFor({ timeout: LIVE_MS });
    await secondSeen.getByTestId('amendment-outdated').waitFor({ timeout: LIVE_MS });

    // Withdrawn by the CGT: the negotiator sees it withdrawn within 2 s.
    await second.getByRole('button', { name: 'Retirer' }).click();
    await secondSeen.and(axess.page.locator('[data-status="withdrawn"]')).waitFor({ timeout: LIVE_MS });
    await screenshot(axess.page, 'live-amendments-negotiator');
    await screenshot(cgt.page, 'live-amendments-cgt');

    // Through all of it, neither browser read the list again nor asked for the diffs.
    expect(listReads(cgt)).toBe(1);
    expect(listReads(axess)).toBe(1);
    expect(detailReads(axess)).toBe(0);
    await cgt.context.close();
    await axess.context.close();
  });
});
