import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { DemoIds } from '../helpers/seed.ts';
import { articlePageAs, useDemoBrowser } from '../helpers/demo-browser.ts';

/** The article's numbered lists: their first number, type and items' words (without the other writers' carets). */
const lists = (page: Page) =>
  page
    .getByTestId('article-editor')
    .evaluate((surface) =>
      [...surface.querySelectorAll('ol')].map((list) => ({
        start: list.getAttribute('start'),
        type: list.getAttribute('type'),
        items: [...list.querySelectorAll(':scope > li')].map((item) => {
          const words = item.cloneNode(true) as HTMLElement;
          for (const caret of words.querySelectorAll('.collab-caret')) caret.remove();
          return words.textContent?.trim() ?? '';
        }),
      })),
    );

/** A paste into the editor, as the browser delivers one: the clipboard's plain text and, if any, its HTML. */
const paste = (page: Page, text: string, html?: string) =>
  page.getByTestId('article-editor').evaluate(
    (surface, [plain, rich]) => {
      const data = new DataTransfer();
      data.setData('text/plain', plain!);
      if (rich) data.setData('text/html', rich);
      surface.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    },
    [text, html],
  );

/**
 * An article's numbered lists (client/src/editor/ordered-list.ts, Tiptap's OrderedList without
 * its Markdown): « 4. » typed at the start of a paragraph, the toolbar's button, a list pasted
 * from a word processor with its numbering in CSS, and, once the text is shown, a numbered list
 * pasted as plain text. Another writer sees each of them live.
 */
describe('a numbered list in an article', () => {
  const demo = useDemoBrowser();
  const contexts: BrowserContext[] = [];
  let path: string;

  const open = (email: string) => articlePageAs(demo, contexts, email, path);

  beforeAll(() => {
    const key = Object.keys(demo.ids.negotiations)[1] as keyof DemoIds['negotiations'];
    path = `/negotiations/${demo.ids.negotiations[key]}/text?article=${demo.ids.articles[key][2]}`;
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  it('typed, from the toolbar, pasted as HTML or as plain text: a list, seen by the other writer', async () => {
    const afterPaintArrived = (page: Page) =>
      expect.poll(() => page.evaluate(() => performance.getEntriesByType('resource').some((e) => /\/assets\/editing-after-paint-[^/]*\.js$/.test(e.name))), { timeout: 15_000 }).toBe(true);
    const negotiator = await open('negociateur@axess.demo');
    const delegate = await open('delegue@cfdt.demo');
    const surface = negotiator.getByTestId('article-editor');
    const before = (await lists(negotiator)).length;
    await surface.click();
    await negotiator.keyboard.press('Control+End');
    await negotiator.keyboard.press('Enter');
    // « 4. » at the start of a paragraph: a list numbered from 4.
    await negotiator.keyboard.type('4. Quatrième point');
    await negotiator.keyboard.press('Enter');
    await negotiator.keyboard.type('Cinquième point');
    await negotiator.keyboard.press('Enter');
    await negotiator.keyboard.press('Enter');
    // The toolbar's button makes a paragraph a list (of its own, a paragraph away from the other).
    await negotiator.keyboard.type('Entre les deux.');
    await negotiator.keyboard.press('Enter');
    await negotiator.keyboard.type('Par le bouton');
    await negotiator.getByTitle('Liste numérotée').click();
    await negotiator.keyboard.press('End');
    await negotiator.keyboard.press('Enter');
    await negotiator.keyboard.press('Enter');
    expect((await lists(negotiator)).slice(before)).toEqual([
      { start: '4', type: null, items: ['Quatrième point', 'Cinquième point'] },
      { start: null, type: null, items: ['Par le bouton'] },
    ]);

    // From a word processor: the numbering's type in CSS becomes the list's type.
    await paste(negotiator, 'Un\nDeux', '<ol style="list-style-type: upper-roman"><li><p>Un</p></li><li><p>Deux</p></li></ol>');
    await expect.poll(async () => (await lists(negotiator)).slice(before + 2)).toEqual([{ start: null, type: 'I', items: ['Un', 'Deux'] }]);

    // Plain text written as a numbered list, once the text's editing after paint has arrived (it has: the page is shown).
    await afterPaintArrived(negotiator);
    await negotiator.keyboard.press('Control+End');
    await negotiator.keyboard.press('Enter');
    await negotiator.keyboard.press('Enter');
    await paste(negotiator, '2. Alpha\n3. Bêta');
    await expect.poll(async () => (await lists(negotiator)).slice(before + 3)).toEqual([{ start: '2', type: null, items: ['Alpha', 'Bêta'] }]);

    await expect.poll(async () => (await lists(delegate)).slice(before), { timeout: 10_000 }).toEqual((await lists(negotiator)).slice(before));
  });
});
