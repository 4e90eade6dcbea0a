import { describe, expect, it } from 'vitest';
import type { DemoIds } from '../helpers/seed.ts';
import { signIn } from '../helpers/browser.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { LATER_FEATURES } from '../../client/src/lib/later-messages.ts';

/** What the text page fetches after its editor: the panels (with the Socket.IO client), the later words (with the rules only the later pages share: `later`) and the tables' editing. */
const AFTER_EDITOR = /\/(later|text-panels|editing-after-paint)-[^/]*\.js$/;
const isAfterEditor = (asset: string) => AFTER_EDITOR.test(asset);

describe('the text page: the editor first, then what is beside it, and never a message key', () => {
  const demo = useDemoBrowser();
  const key = () => Object.keys(demo.ids.negotiations)[1] as keyof DemoIds['negotiations'];

  it('the panels and the later words are asked for only once the article’s text has arrived, so they do not share the link with it', async () => {
    const storageState = await (await signIn(await demo.browser.newContext({ locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', '/')).context().storageState();
    const context = await demo.browser.newContext({ locale: 'fr-FR', storageState });
    // When the first frame showing the article's text was painted (page time).
    await context.addInitScript(() => {
      new MutationObserver((_records, observer) => {
        if (!document.querySelector('.article-editor[data-synced="true"]')) return;
        observer.disconnect();
        requestAnimationFrame(() => ((window as unknown as { textPainted: number }).textPainted = performance.now()));
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-synced'] });
    });
    const page = await context.newPage();
    // The scripts that arrive before the article's text: none brings prosemirror-tables (its cell
    // selection's plugin key names it), whose 13 kB brotli come with the tables' editing, after.
    let textHeld = true;
    const firstScripts: Promise<string>[] = [];
    page.on('response', (response) => {
      if (textHeld && /\/assets\/.*\.js$/.test(response.url())) firstScripts.push(response.text());
    });
    const asked: string[] = [];
    await context.route(/\/assets\/.*\.js$/, async (route) => {
      const asset = new URL(route.request().url()).pathname;
      if (isAfterEditor(asset)) asked.push(asset);
      await route.continue();
    });
    // The article's document is held on its way from the server (a slow link), then let through.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.routeWebSocket(/\/yjs\/article:/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => void held.then(() => ws.send(message)));
    });
    await page.goto(`${demo.server.url}/negotiations/${demo.ids.negotiations[key()]}/text?article=${demo.ids.articles[key()][1]}`);
    await page.getByTestId('article-editor').waitFor({ state: 'attached', timeout: 30_000 });
    // The editor exists, its text has not arrived: nothing of what goes beside it is asked for.
    await page.waitForTimeout(1_500);
    expect(await page.locator('.article-editor[data-synced="true"]').count()).toBe(0);
    expect(asked).toEqual([]);
    textHeld = false;
    const first = await Promise.all(firstScripts);
    expect(first.length).toBeGreaterThanOrEqual(3);
    expect(first.filter((code) => code.includes('selectingCells')).length).toBe(0);
    release();
    await page.locator('.article-editor[data-synced="true"]').waitFor({ timeout: 30_000 });
    for (const panel of ['[data-testid="amendment-panel"]', '.version-panel', '[data-testid="activity-feed"]']) await page.locator(panel).waitFor({ timeout: 30_000 });
    expect(asked.length).toBeGreaterThanOrEqual(3);
    expect(asked.filter((asset) => asset.includes('/editing-after-paint-')).length).toBe(1);
    // Nor in the turn the text arrives: once the frame that shows it is painted, so the page is usable first.
    const { textPainted, panelsAsked } = await page.evaluate((afterEditor) => ({
      textPainted: (window as unknown as { textPainted: number }).textPainted,
      panelsAsked: Math.min(...performance.getEntriesByType('resource').filter((e) => new RegExp(afterEditor).test(e.name)).map((e) => e.startTime)),
    }), AFTER_EDITOR.source);
    expect(panelsAsked).toBeGreaterThan(textPainted);
    await context.close();
  });

  it('the whole-text view shows and names everything in words from its first paint: no catalogue key, no missing message', async () => {
    const keys = [...new Set(LATER_FEATURES.flatMap((feature) => Object.keys(feature.fr)))];
    const storageState = await (await signIn(await demo.browser.newContext({ locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', '/')).context().storageState();
    const context = await demo.browser.newContext({ locale: 'fr-FR', storageState });
    // Every text, name or description the page ever shows or reads out that is a catalogue key, from the first paint on.
    await context.addInitScript((all: string[]) => {
      const keySet = new Set(all);
      const found: string[] = [];
      (window as unknown as { keysShown: string[] }).keysShown = found;
      const look = (node: Node) => {
        if (node.nodeType === Node.TEXT_NODE) {
          if (keySet.has(node.textContent?.trim() ?? '')) found.push(`text: ${node.textContent}`);
          return;
        }
        if (!(node instanceof Element)) return;
        for (const name of ['aria-label', 'aria-description', 'title', 'placeholder', 'alt']) {
          const value = node.getAttribute(name);
          if (value && keySet.has(value.trim())) found.push(`${node.tagName.toLowerCase()} ${name}: ${value}`);
        }
        for (const child of node.childNodes) look(child);
      };
      new MutationObserver((records) => {
        for (const record of records) {
          if (record.type === 'childList') record.addedNodes.forEach(look);
          else look(record.target);
        }
      }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    }, keys);
    const page = await context.newPage();
    const missing: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Message missing')) missing.push(message.text());
    });
    await page.goto(`${demo.server.url}/negotiations/${demo.ids.negotiations[key()]}/text?view=whole`);
    const margin = page.getByTestId('whole-margin').first();
    await margin.waitFor({ state: 'attached', timeout: 30_000 });
    expect(await margin.getAttribute('aria-label')).toBe('Annotations');
    await page.locator('[data-testid="activity-feed"]').waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { keysShown: string[] }).keysShown)).toEqual([]);
    expect(missing).toEqual([]);
    await context.close();
  });
});
