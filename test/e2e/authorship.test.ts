import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, signIn } from '../helpers/browser.ts';
import { addMember } from '../helpers/seed.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

const connected = (page: Page) => page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 20_000 });

/** The writer types a new paragraph at the end of the article. */
async function write(page: Page, sentence: string): Promise<void> {
  await page.getByTestId('article-editor').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(sentence);
}

describe('« qui a écrit quoi »: the text coloured by its authors’ organisations, from the server’s record', () => {
  const demo = useDemoBrowser();

  beforeAll(async () => {
    // A CFDT member holding the pen beside AXESS's negotiator: two organisations write the same article.
    await addMember(demo.server, { email: 'plume@cfdt.demo', name: 'Inès Moreau', negotiationId: demo.ids.negotiations.tempsDeTravail, organisationId: demo.ids.organisations.CFDT, roles: ['negotiator'] });
  });

  it('AXESS and CFDT write; a reader switches it on and sees each sentence in its organisation’s colour, the writer named on hover', async () => {
    const path = `/negotiations/${demo.ids.negotiations.tempsDeTravail}/text?article=${demo.ids.articles.tempsDeTravail[3]}`;
    const options = { viewport: { width: 1440, height: 900 }, locale: 'fr-FR' };
    const axess = await signIn(await demo.browser.newContext(options), demo.server.url, 'negociateur@axess.demo', path);
    const cfdt = await signIn(await demo.browser.newContext(options), demo.server.url, 'plume@cfdt.demo', path);
    const reader = await signIn(await demo.browser.newContext(options), demo.server.url, 'delegue@cgt.demo', path);
    for (const page of [axess, cfdt, reader]) await connected(page);

    await write(axess, 'Phrase écrite par l’AXESS.');
    await cfdt.getByTestId('article-editor').filter({ hasText: 'Phrase écrite par l’AXESS.' }).waitFor({ timeout: 15_000 });
    await write(cfdt, 'Phrase écrite par la CFDT.');
    const text = reader.getByTestId('article-editor');
    await text.filter({ hasText: 'Phrase écrite par la CFDT.' }).waitFor({ timeout: 15_000 });
    // Off by default: nothing coloured.
    expect(await text.locator('.written-by').count()).toBe(0);

    await reader.getByTestId('authorship-toggle').click();
    const byAxess = text.locator('.written-by[data-org="AXESS"]');
    const byCfdt = text.locator('.written-by[data-org="CFDT"]');
    await byAxess.first().waitFor({ timeout: 15_000 });
    await byCfdt.first().waitFor({ timeout: 15_000 });
    expect((await byAxess.allInnerTexts()).join('')).toBe('Phrase écrite par l’AXESS.');
    expect((await byCfdt.allInnerTexts()).join('')).toBe('Phrase écrite par la CFDT.');
    expect(await byAxess.first().getAttribute('title')).toBe('Claire Marchand · AXESS');
    expect(await byCfdt.first().getAttribute('title')).toBe('Inès Moreau · CFDT');
    // Each in its organisation's colour among the negotiation's parties, as the presence list shows it.
    const parties = await reader.locator('.authorship-org').allInnerTexts();
    expect(parties.map((p) => p.trim())).toEqual(['AXESS', 'CFDT']);
    const colourOf = (locator: typeof byAxess) => locator.first().evaluate((el) => getComputedStyle(el).borderBottomColor);
    const [axessColour, cfdtColour] = [await colourOf(byAxess), await colourOf(byCfdt)];
    expect(axessColour).not.toBe(cfdtColour);
    const swatch = (org: string) => reader.locator('.authorship-org', { hasText: org }).locator('.swatch').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await swatch('AXESS')).toBe(axessColour);
    expect(await swatch('CFDT')).toBe(cfdtColour);
    // The seeded text is no one's.
    expect((await text.innerText()).startsWith((await byAxess.first().innerText()))).toBe(false);
    await screenshot(reader, 'authorship-1440');

    // Switched off: the colours go.
    await reader.getByTestId('authorship-toggle').click();
    await expect.poll(() => text.locator('.written-by').count()).toBe(0);
  });
});
