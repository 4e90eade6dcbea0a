import { beforeAll, describe, expect, it } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { screenshot, signIn } from '../helpers/browser.ts';
import { screensWithContent, type Screen } from '../helpers/screens.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'tablet', width: 768, height: 1024 },
] as const;

/**
 * axe-core over every screen (the account, members and outbox pages included), in headless
 * Chromium, under the app's own content-security policy: @axe-core/playwright evaluates its
 * bundled copy of axe through the DevTools protocol (no script tag, no CDN), which the page's
 * `script-src 'self'` does not block.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 2).join(' ').trim()}`));
}

/** The outermost elements that stick out of the viewport on the right (the page would scroll sideways). */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return [];
    const out: string[] = [];
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      if (el.getBoundingClientRect().right <= window.innerWidth + 1) continue;
      if (el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 1) continue;
      out.push(`${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).trim().split(/\s+/).join('.')}` : ''} (${Math.round(el.getBoundingClientRect().right)}px)`);
    }
    return out.length > 0 ? out.slice(0, 3) : [`${document.documentElement.scrollWidth}px`];
  });
}

describe('every screen passes axe-core with no serious or critical violation', () => {
  const demo = useDemoBrowser();
  let screens: Screen[];

  beforeAll(async () => {
    screens = await screensWithContent(demo.server, demo.ids);
  });

  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width}×${viewport.height}`, { timeout: 420_000 }, async () => {
      const pages = new Map<string | null, Page>();
      const found: string[] = [];
      for (const screen of screens) {
        let page = pages.get(screen.email);
        if (!page) {
          const context = await demo.browser.newContext({ viewport, locale: 'fr-FR' });
          page = screen.email ? await signIn(context, demo.server.url, screen.email, '/') : await context.newPage();
          pages.set(screen.email, page);
        }
        await page.goto(`${demo.server.url}${screen.path}`);
        await screen.ready(page);
        // Live panels fill in after the first paint.
        await page.waitForTimeout(300);
        found.push(...(await seriousViolations(page)).map((v) => `${screen.name}: ${v}`));
        // Nothing wider than the screen: wide content (the positions matrix) scrolls in its own region.
        found.push(...(await overflowing(page)).map((v) => `${screen.name}: wider than the screen: ${v}`));
        await screenshot(page, `a11y-${viewport.name}-${screen.name}`);
      }
      for (const page of pages.values()) await page.context().close();
      console.log(found.join('\n'));
      expect(found).toEqual([]);
    });
  }
});
