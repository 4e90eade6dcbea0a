import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { DemoIds } from '../helpers/seed.ts';
import { articlePageAs, useDemoBrowser } from '../helpers/demo-browser.ts';

/** The cells' words in the article's first table, row by row (without the other writers' carets). */
const cells = (page: Page) =>
  page
    .getByTestId('article-editor')
    .locator('table')
    .first()
    .evaluate((table) =>
      [...table.querySelectorAll('tr')].map((row) =>
        [...row.querySelectorAll('th, td')].map((cell) => {
          const words = cell.cloneNode(true) as HTMLElement;
          for (const caret of words.querySelectorAll('.collab-caret')) caret.remove();
          return words.textContent?.trim() ?? '';
        }),
      ),
    );

/**
 * An article's tables: their node types are in the editor's schema from its first state, their
 * editing (prosemirror-tables) comes once the text is shown. Inserted, filled with Tab from cell
 * to cell, seen live by another browser, and shown and edited again on the next visit.
 */
describe('a table in an article', () => {
  const demo = useDemoBrowser();
  const contexts: BrowserContext[] = [];
  let path: string;

  const open = (email: string) => articlePageAs(demo, contexts, email, path);
  /** Once the tables' editing has arrived (asked for after the text is painted). */
  const tablesEditable = (page: Page) => page.waitForResponse(/\/assets\/editing-after-paint-[^/]*\.js$/, { timeout: 15_000 }).catch(() => undefined);

  beforeAll(() => {
    const key = Object.keys(demo.ids.negotiations)[1] as keyof DemoIds['negotiations'];
    path = `/negotiations/${demo.ids.negotiations[key]}/text?article=${demo.ids.articles[key][2]}`;
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  it('the negotiator inserts one and fills it with Tab, the delegate sees it, and it is there to edit on the next visit', async () => {
    const negotiator = await open('negociateur@axess.demo');
    const delegate = await open('delegue@cfdt.demo');
    const surface = negotiator.getByTestId('article-editor');
    await surface.click();
    await negotiator.keyboard.press('Control+End');
    await negotiator.keyboard.press('Enter');
    await negotiator.getByTitle('Insérer un tableau').click();
    await surface.locator('table').waitFor();
    // The caret is in the first header cell; Tab goes from cell to cell, and past the last one adds a row.
    for (const word of ['Catégorie', 'Heures', 'Taux']) {
      await negotiator.keyboard.type(word);
      await negotiator.keyboard.press('Tab');
    }
    await negotiator.keyboard.type('Cadres');
    for (let i = 0; i < 6; i++) await negotiator.keyboard.press('Tab');
    await negotiator.keyboard.type('Ajoutée');
    expect(await cells(negotiator)).toEqual([
      ['Catégorie', 'Heures', 'Taux'],
      ['Cadres', '', ''],
      ['', '', ''],
      ['Ajoutée', '', ''],
    ]);
    expect(await surface.locator('table th').count()).toBe(3);

    await delegate.getByTestId('article-editor').locator('td', { hasText: 'Ajoutée' }).waitFor({ timeout: 10_000 });
    expect(await cells(delegate)).toEqual(await cells(negotiator));

    // The next visit: the table is drawn from the live document, then edited again with Tab.
    const loaded = tablesEditable(negotiator);
    await negotiator.reload();
    await negotiator.locator('.article-editor[data-synced="true"]').waitFor({ timeout: 15_000 });
    expect(await cells(negotiator)).toEqual([
      ['Catégorie', 'Heures', 'Taux'],
      ['Cadres', '', ''],
      ['', '', ''],
      ['Ajoutée', '', ''],
    ]);
    await loaded;
    await surface.locator('td', { hasText: 'Cadres' }).click();
    await negotiator.keyboard.press('End');
    await negotiator.keyboard.press('Tab');
    await negotiator.keyboard.type('35');
    await delegate.getByTestId('article-editor').locator('td', { hasText: '35' }).waitFor({ timeout: 10_000 });
    expect((await cells(delegate))[1]).toEqual(['Cadres', '35', '']);
  });
});
