import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { screenshot, signIn } from '../helpers/browser.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { login } from '../helpers/auth.ts';
import { screensWithContent, type Screen } from '../helpers/screens.ts';
import { command, connect } from '../integration/realtime-client.ts';

const DESKTOP = { width: 1440, height: 900 };
const TABLET = { width: 768, height: 1024 };

/** Runs `check` with the page at 1440×900, then at 768×1024, and leaves it at 1440×900. */
async function atEachViewport(page: Page, check: (viewport: { width: number; height: number }) => Promise<void>): Promise<void> {
  for (const viewport of [DESKTOP, TABLET]) {
    await page.setViewportSize(viewport);
    await check(viewport);
  }
  await page.setViewportSize(DESKTOP);
}

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

/** Whether two boxes share a line: their heights overlap (a button taller than the words beside it still does). */
async function onOneLine(a: Locator, b: Locator): Promise<boolean> {
  const [boxA, boxB] = [await a.boundingBox(), await b.boundingBox()];
  return !!boxA && !!boxB && boxA.y < boxB.y + boxB.height && boxB.y < boxA.y + boxA.height;
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

  let secretariat: Page;
  /** The screens of the screenshots, with a convened session (its agenda opens on a free item with a text) and its mail. */
  let screens: Screen[];
  const pathOf = (name: string) => `${demo.server.url}${screens.find((screen) => screen.name === name)!.path}`;

  beforeAll(async () => {
    const viewport = DESKTOP;
    negotiator = await signIn(await demo.browser.newContext({ viewport, locale: 'fr-FR' }), demo.server.url, 'negociateur@axess.demo', '/');
    delegate = await signIn(await demo.browser.newContext({ viewport, locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', '/');
    secretariat = await signIn(await demo.browser.newContext({ viewport, locale: 'fr-FR' }), demo.server.url, 'secretariat@axess.demo', '/');
    screens = await screensWithContent(demo.server, demo.ids);
  });

  it('on a tablet the top bar never cuts « Se déconnecter », a link or the title across lines, in French and in English', async () => {
    const english = await signIn(await demo.browser.newContext({ viewport: TABLET, locale: 'en-GB' }), demo.server.url, 'delegue@cfdt.demo', '/');
    await english.evaluate(() => localStorage.setItem('locale', 'en'));
    for (const [page, signOut] of [[secretariat, 'Se déconnecter'], [english, 'Sign out']] as const) {
      await page.setViewportSize(TABLET);
      await page.goto(pathOf('home'));
      await page.getByRole('button', { name: signOut }).waitFor({ timeout: 15_000 });
      for (const item of [page.locator('.topbar .brand'), ...(await page.locator('.topnav > :not(.locales)').all())]) {
        expect(await lines(item), `${signOut}: ${await item.innerText()}`).toBe(1);
      }
      await page.setViewportSize(DESKTOP);
    }
    await english.context().close();
  });

  it('the mail page leaves the subject room on a tablet: « Convocation : Séance de travail – 17 décembre 2026 à 14:00 » on two lines at most', async () => {
    await atEachViewport(secretariat, async (viewport) => {
      await secretariat.goto(pathOf('outbox'));
      const subjects = secretariat.locator('table.outbox tbody th');
      await subjects.first().waitFor({ timeout: 15_000 });
      for (const subject of await subjects.all()) expect(await lines(subject), `${viewport.width}: ${await subject.innerText()}`).toBeLessThanOrEqual(2);
    });
  });

  it('the calendar shows each session’s title whole, however narrow the day', async () => {
    await atEachViewport(secretariat, async (viewport) => {
      await secretariat.goto(pathOf('sessions'));
      // The month of the sessions the demo and the screens convened (December 2026).
      const chips = secretariat.locator('.month-grid .chip.session');
      await chips.first().waitFor({ timeout: 15_000 });
      for (const chip of await chips.all()) {
        const cut = await chip.evaluate((element) => element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight);
        expect(cut, `${viewport.width}: ${await chip.textContent()}`).toBe(false);
      }
    });
  });

  it('the agenda’s first item, whose text is under its title, keeps its reorder arrows on its title’s line', async () => {
    await atEachViewport(secretariat, async (viewport) => {
      await secretariat.goto(pathOf('session'));
      const first = secretariat.getByTestId('agenda').locator('li').first();
      await first.waitFor({ timeout: 15_000 });
      expect(await onOneLine(first.locator('.item-label'), first.locator('.move button').last()), `${viewport.width}: « ${await first.locator('.item-label').innerText()} »`).toBe(true);
    });
  });

  it('the observers’ field and its hint read in the text’s weight, not its label’s bold', async () => {
    await secretariat.goto(pathOf('session'));
    const observers = secretariat.locator('label.observers input');
    await observers.waitFor({ timeout: 15_000 });
    expect(await observers.evaluate((input) => [getComputedStyle(input).fontWeight, getComputedStyle(input, '::placeholder').fontWeight])).toEqual(['400', '400']);
  });

  it('the secretariat’s invitation form says what to choose, « Choisir une organisation », rather than show an empty select', async () => {
    await secretariat.goto(pathOf('members-secretariat'));
    const select = secretariat.locator('#invite-org');
    await select.waitFor({ timeout: 15_000 });
    expect(await select.evaluate((element) => (element as HTMLSelectElement).selectedOptions[0]?.textContent?.trim() ?? '')).toBe('Choisir une organisation');
  });

  it('the whole-text view says « Chargement de l’article… » quietly, not an empty box, until an article’s text arrives', async () => {
    const page = await signIn(await demo.browser.newContext({ viewport: DESKTOP, locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', '/');
    // The articles' documents are held on their way from the server (a slow link), then let through.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.routeWebSocket(/\/yjs\/article:/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => void held.then(() => ws.send(message)));
    });
    await page.goto(`${demo.server.url}/negotiations/${demo.ids.negotiations.tempsDeTravail}/text?view=whole`);
    const first = page.getByTestId('whole-article').first();
    await first.getByTestId('article-editor').waitFor({ state: 'attached', timeout: 15_000 });
    await page.waitForTimeout(500);
    expect(await first.getByTestId('article-editor').isVisible()).toBe(false);
    expect(await first.getByText('Chargement de l’article…').isVisible()).toBe(true);
    release();
    await first.getByTestId('article-editor').filter({ hasText: /\S/ }).waitFor({ timeout: 15_000 });
    expect(await first.getByText('Chargement de l’article…').count()).toBe(0);
    await page.context().close();
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

  it('on a tablet the text comes first: the outline folds to one line above it, and the article’s text starts on the first screen', async () => {
    const n = demo.ids.negotiations.tempsDeTravail;
    await delegate.goto(`${demo.server.url}/negotiations/${n}/text?article=${demo.ids.articles.tempsDeTravail[3]}`);
    const outline = delegate.locator('details.outline-fold');
    const text = delegate.getByTestId('article-editor');
    await text.waitFor({ timeout: 15_000 });
    await atEachViewport(delegate, async (viewport) => {
      // The fold follows a media query: the page renders it after the resize, which a busy
      // machine makes the test outrun. Wait for it to settle (up to 5 s), then measure.
      await delegate
        .waitForFunction((wide) => (document.querySelector('details.outline-fold') as HTMLDetailsElement | null)?.open === wide, viewport.width >= 1440, { timeout: 5_000 })
        .catch(() => undefined);
      const open = await outline.evaluate((details) => (details as HTMLDetailsElement).open);
      const [outlineBox, textBox] = [await outline.boundingBox(), await text.boundingBox()];
      if (viewport.width >= 1440) {
        // On a laptop the outline stays open, beside the text.
        expect(open, 'outline open at 1440').toBe(true);
        expect(outlineBox!.x + outlineBox!.width, 'the outline left of the text at 1440').toBeLessThanOrEqual(textBox!.x);
        expect(await onOneLine(outline, text), 'the outline beside the text at 1440').toBe(true);
      } else {
        expect(open, 'outline folded at 768').toBe(false);
        expect(outlineBox!.height, 'the folded outline is one line').toBeLessThan(80);
        expect(textBox!.y, 'the text starts on the first screen at 768').toBeLessThan(viewport.height - 100);
      }
    });
  });

  it('the positions matrix scrolls in its own region, its first column (the organisations) staying in place', async () => {
    await delegate.goto(`${demo.server.url}/negotiations/${demo.ids.negotiations.tempsDeTravail}/positions`);
    const region = delegate.getByTestId('positions-scroll');
    const organisation = delegate.locator('[data-testid="positions-matrix"] tbody th[scope="row"]').first();
    await organisation.waitFor({ timeout: 15_000 });
    await atEachViewport(delegate, async (viewport) => {
      const page = await delegate.evaluate(() => ({ width: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(page.width, `${viewport.width}: the page no wider than the screen`).toBeLessThanOrEqual(page.inner);
      const scrolled = await region.evaluate((element) => {
        element.scrollLeft = element.scrollWidth;
        return element.scrollLeft;
      });
      if (viewport.width < 1440) expect(scrolled, `${viewport.width}: the matrix scrolls sideways in its region`).toBeGreaterThan(0);
      const [regionBox, organisationBox] = [await region.boundingBox(), await organisation.boundingBox()];
      expect(Math.abs(organisationBox!.x - regionBox!.x), `${viewport.width}: the organisations stay at the region's left`).toBeLessThan(3);
      await region.evaluate((element) => (element.scrollLeft = 0));
    });
  });

  it('a date typed in the browser’s own field is read back in words in the app’s language, whatever the browser’s language draws', async () => {
    // This browser speaks American English: its date fields read mm/dd/yyyy, even in the French app.
    await secretariat.goto(pathOf('sessions'));
    const field = secretariat.locator('input[type="datetime-local"]');
    await field.fill('2026-12-03T14:00');
    const said = secretariat.getByTestId('date-said');
    await expect.poll(() => said.innerText()).toBe('jeudi 3 décembre 2026 à 14:00 (heure de Paris)');
    await atEachViewport(secretariat, async (viewport) => {
      await screenshot(secretariat, `date-said-sessions-${viewport.width}`);
      // The words beside the field, within the form.
      const [form, words] = [await secretariat.locator('form', { has: field }).boundingBox(), await said.boundingBox()];
      expect(words!.x + words!.width, `${viewport.width}: the words within the form`).toBeLessThanOrEqual(form!.x + form!.width);
    });
    // Screen readers hear it as the field's description, not as part of its name.
    expect(await field.evaluate((input) => document.getElementById(input.getAttribute('aria-describedby')!)?.textContent)).toBe('jeudi 3 décembre 2026 à 14:00 (heure de Paris)');
    await secretariat.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => said.innerText()).toBe('Thursday, 3 December 2026 at 14:00 (Paris time)');
    await secretariat.getByRole('button', { name: 'FR', exact: true }).click();
    await field.fill('');
    await expect.poll(() => said.isVisible()).toBe(false);
    // The signature's deadline, a day: its words under the field, the button still level with the field.
    await secretariat.goto(pathOf('signature'));
    const deadline = secretariat.getByLabel('Date limite de signature');
    await deadline.fill('2027-01-05');
    await expect.poll(() => secretariat.getByTestId('date-said').innerText()).toBe('5 janvier 2027');
    await atEachViewport(secretariat, async (viewport) => {
      await screenshot(secretariat, `date-said-signature-${viewport.width}`);
      expect(await sideBySide(deadline, secretariat.getByRole('button', { name: 'Ouvrir à la signature' })), `${viewport.width}: the button beside the field`).toBe(true);
    });
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
