import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { signIn } from '../helpers/browser.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { login } from '../helpers/auth.ts';
import { command, connect } from '../integration/realtime-client.ts';

/** The lines a piece of text is laid out on: the distinct tops of its rectangles. */
function lines(locator: Locator, upTo?: string): Promise<number> {
  return locator.evaluate((element, end) => {
    const text = element.textContent ?? '';
    const range = document.createRange();
    range.selectNodeContents(element);
    if (end) {
      // From the start of the element's text to the end of `end` in it.
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      let offset = text.indexOf(end) + end.length;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const length = node.textContent?.length ?? 0;
        if (offset <= length) {
          range.setEnd(node, offset);
          break;
        }
        offset -= length;
      }
    }
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  }, upTo);
}

/** Whether two elements sit on one line: their vertical centres within a few pixels. */
async function sideBySide(a: Locator, b: Locator): Promise<boolean> {
  const [boxA, boxB] = [await a.boundingBox(), await b.boundingBox()];
  return !!boxA && !!boxB && Math.abs(boxA.y + boxA.height / 2 - (boxB.y + boxB.height / 2)) < 6;
}

/** What the screens looked at in headless Chromium showed cut, split or out of order, at 1440×900 and 768×1024. */
describe('screens read whole and in order', () => {
  const demo = useDemoBrowser();
  let negotiator: Page;
  let delegate: Page;

  beforeAll(async () => {
    const viewport = { width: 1440, height: 900 };
    negotiator = await signIn(await demo.browser.newContext({ viewport, locale: 'fr-FR' }), demo.server.url, 'negociateur@axess.demo', '/');
    delegate = await signIn(await demo.browser.newContext({ viewport, locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', '/');
  });

  it('the signature page lists the parties in the negotiation’s order (CFE-CGC before CFTC)', async () => {
    await delegate.goto(`${demo.server.url}/negotiations/${demo.ids.negotiations.cppni}/signature`);
    const names = delegate.locator('.signature-list .party-name abbr');
    await names.first().waitFor({ timeout: 15_000 });
    expect(await names.allInnerTexts()).toEqual(['AXESS', 'CFDT', 'CGT', 'FO', 'SUD', 'CFE-CGC', 'CFTC']);
  });

  it('the text page keeps the status’s label beside its select, and each numbering choice beside its radio', async () => {
    const n = demo.ids.negotiations.tempsDeTravail;
    for (const viewport of [{ width: 1440, height: 900 }, { width: 768, height: 1024 }]) {
      await negotiator.setViewportSize(viewport);
      await negotiator.goto(`${demo.server.url}/negotiations/${n}/text?article=${demo.ids.articles.tempsDeTravail[1]}`);
      const status = negotiator.locator('#article-status');
      await status.waitFor({ timeout: 15_000 });
      expect(await sideBySide(negotiator.locator('label[for="article-status"]'), status), `${viewport.width}: « Statut »`).toBe(true);
      // On a tablet the outline, where articles are added, is folded.
      await negotiator.locator('details.outline-fold').evaluate((details) => ((details as HTMLDetailsElement).open = true));
      const choices = negotiator.locator('.add-article .numbering label');
      await choices.first().waitFor();
      for (const choice of await choices.all()) {
        // The radio's middle against the middle of the first line of its words.
        const offset = await choice.evaluate((label) => {
          const radio = label.querySelector('input')!.getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(label);
          const words = [...range.getClientRects()].filter((r) => r.width > 0 && r.left >= radio.right);
          return words.length === 0 ? Infinity : Math.abs(radio.top + radio.height / 2 - (words[0]!.top + words[0]!.height / 2));
        });
        expect(offset, `${viewport.width}: ${await choice.innerText()}`).toBeLessThan(6);
      }
    }
    await negotiator.setViewportSize({ width: 1440, height: 900 });
  });

  it('a closed vote’s named ballots keep each party’s name and weight on one line in the side column', async () => {
    const negotiationId = demo.ids.negotiations.tempsDeTravail;
    const articleId = demo.ids.articles.tempsDeTravail[2]!;
    const chair = await connect(demo.server, await login(demo.server, 'secretariat@axess.demo'));
    const opened = await command<{ id: string }>(chair, 'vote:open', { negotiationId, item: { kind: 'article', id: articleId }, rule: 'double-majority', title: 'Principe' });
    if (!opened.ok) throw new Error(opened.error.message);
    const closed = await command(chair, 'vote:close', { negotiationId, voteId: opened.data.id });
    chair.close();
    if (!closed.ok) throw new Error(closed.error.message);
    for (const viewport of [{ width: 1440, height: 900 }, { width: 768, height: 1024 }]) {
      await delegate.setViewportSize(viewport);
      await delegate.goto(`${demo.server.url}/negotiations/${negotiationId}/text?article=${articleId}`);
      const rows = delegate.locator('[data-testid="vote"][data-status="closed"] table.named tbody tr');
      await rows.first().waitFor({ timeout: 15_000 });
      for (const row of await rows.all()) {
        const party = await row.locator('th').innerText();
        expect(await lines(row.locator('th')), `${viewport.width}: ${party}`).toBe(1);
        expect(await lines(row.locator('td').last()), `${viewport.width}: ${party}'s weight`).toBe(1);
      }
    }
    await delegate.setViewportSize({ width: 1440, height: 900 });
  });

  it('the positions matrix never leaves an article’s dash alone on its line (« Article 2 / – / Définition »)', async () => {
    const cfdt = await connect(demo.server, await login(demo.server, 'delegue@cfdt.demo'));
    const declared = await command(cfdt, 'position:declare', { negotiationId: demo.ids.negotiations.tempsDeTravail, stance: 'réservé', statement: 'À revoir.', item: { kind: 'article', id: demo.ids.articles.tempsDeTravail[2] } });
    cfdt.close();
    if (!declared.ok) throw new Error(declared.error.message);
    await delegate.goto(`${demo.server.url}/negotiations/${demo.ids.negotiations.tempsDeTravail}/positions`);
    const headers = delegate.locator('[data-testid="positions-matrix"] thead th', { hasText: '–' });
    await headers.first().waitFor({ timeout: 15_000 });
    for (const viewport of [{ width: 1440, height: 900 }, { width: 768, height: 1024 }]) {
      await delegate.setViewportSize(viewport);
      for (const header of await headers.all()) {
        const text = await header.innerText();
        expect(await lines(header, '–'), `${viewport.width}: ${text.replace(/\s+/g, ' ')}`).toBe(1);
      }
    }
    await delegate.setViewportSize({ width: 1440, height: 900 });
  });
});
