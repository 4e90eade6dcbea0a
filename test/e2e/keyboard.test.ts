import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { screenshot, signIn } from '../helpers/browser.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { DEMO_PASSWORD } from '../helpers/auth.ts';
import { screensWithContent, type Screen } from '../helpers/screens.ts';

/** What has the focus: its accessible name's clues and whether it is the article's text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { editor: el?.dataset.testid === 'article-editor', text: (el?.textContent ?? '').trim(), tag: el?.tagName.toLowerCase() ?? '' };
  });

/** Presses Tab (Shift+Tab `back`) until the focus is where `wanted` says, as a keyboard user would. */
async function tabTo(page: Page, wanted: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string, back = false): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if (wanted(await focused(page))) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${what}`);
}

/**
 * Home of the text, then Shift+→ once per character, as a keyboard user selects a passage, until
 * the selection is the passage (a person sees the highlight and selects again if it is not).
 */
async function selectFromStart(page: Page, passage: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    // ProseMirror puts its last selection back 20 ms after the text takes the focus (when the
    // browser's has not moved): a person's next key comes later than that, so does the test's.
    // On a crowded machine that timer can fire later still, over the new selection: then the
    // selection is made again.
    await page.waitForTimeout(100 * attempt);
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < passage.length; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.waitForTimeout(50);
    const selected = (await page.evaluate(() => getSelection()?.toString() ?? '')).trim();
    if (selected === passage || attempt === 5) return;
  }
}

describe('a reader annotates and anchors an amendment with the keyboard alone', () => {
  const demo = useDemoBrowser();
  let page: Page;

  beforeAll(async () => {
    const path = `/negotiations/${demo.ids.negotiations.tempsDeTravail}/text?article=${demo.ids.articles.tempsDeTravail[1]}`;
    page = await signIn(await demo.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', path);
    await page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 15_000 });
    await page.getByTestId('article-editor').filter({ hasText: 'Le présent accord' }).waitFor({ timeout: 15_000 });
  });

  it('the read-only text takes the focus, Shift+arrows select a passage, which is annotated and anchors an amendment', async () => {
    const editor = page.getByTestId('article-editor');
    expect(await editor.getAttribute('aria-readonly')).toBe('true');
    const before = await editor.innerText();

    // From the top of the page, Tab reaches the text; the keys select its first three words.
    await page.keyboard.press('Tab');
    await tabTo(page, (f) => f.editor, 'the article text');
    await selectFromStart(page, 'Le présent accord');
    const passage = (await page.evaluate(() => getSelection()?.toString() ?? '')).trim();
    expect(passage).toBe('Le présent accord');
    // Typing in the reader's text changes nothing.
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.type('x');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    expect(await editor.innerText()).toBe(before);
    await selectFromStart(page, 'Le présent accord');

    // Annotate: the key the margin announces, pressed in the text; the comment field has the focus.
    const margin = page.getByTestId('annotation-margin');
    await margin.getByText('Ctrl+Alt+M annote la sélection').waitFor();
    expect(await margin.getByRole('button', { name: 'Annoter le passage sélectionné' }).getAttribute('aria-keyshortcuts')).toBe('Control+Alt+M');
    expect((await focused(page)).editor).toBe(true);
    await page.keyboard.press('Control+Alt+M');
    await margin.locator('blockquote', { hasText: 'Le présent accord' }).waitFor();
    expect((await focused(page)).tag).toBe('textarea');
    await page.keyboard.type('Préciser le champ des établissements.');
    await tabTo(page, (f) => f.tag === 'button' && f.text === 'Annoter', 'the submit button');
    await page.keyboard.press('Enter');
    await margin.getByText('Préciser le champ des établissements.').waitFor({ timeout: 10_000 });
    await screenshot(page, 'keyboard-annotation');

    // Anchor an amendment on the same passage: back to the text (Shift+Tab), select, then the form.
    await tabTo(page, (f) => f.editor, 'the article text again', true);
    await selectFromStart(page, 'Le présent accord');
    await tabTo(page, (f) => f.text === 'Rédiger un amendement', 'the new amendment button');
    await page.keyboard.press('Enter');
    expect((await focused(page)).tag).toBe('select');
    // A closed select picks the option whose label is typed.
    await page.keyboard.type('Remplacer');
    expect(await page.locator('#amendment-kind').inputValue()).toBe('replace-words');
    await tabTo(page, (f) => f.text === 'Ancrer sur le passage sélectionné', 'the anchor button');
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('amendment-panel');
    await panel.getByTestId('amendment-anchor').filter({ hasText: 'Le présent accord' }).waitFor();
    expect(await page.locator('#amendment-from').inputValue()).toBe('Le présent accord');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('amendment-to');
    await page.keyboard.type('Le présent accord national');
    await tabTo(page, (f) => f.tag === 'textarea', 'the justification');
    await page.keyboard.type('Lever toute ambiguïté sur le niveau de l’accord.');
    await tabTo(page, (f) => f.tag === 'button' && f.text === 'Déposer', 'the table button');
    await page.keyboard.press('Enter');
    await panel.locator('.amendment').filter({ hasText: 'Le présent accord national' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'keyboard-amendment');

    // The amendment key the panel announces opens the form already anchored on the passage selected.
    await panel.getByText('Ctrl+Alt+A rédige un amendement').waitFor();
    await tabTo(page, (f) => f.editor, 'the article text once more', true);
    await selectFromStart(page, 'Le présent accord');
    await page.keyboard.press('Control+Alt+A');
    await panel.getByTestId('amendment-anchor').filter({ hasText: 'Le présent accord' }).waitFor();
    expect((await focused(page)).tag).toBe('select');
    expect(await page.locator('#amendment-from').inputValue()).toBe('Le présent accord');
  });
});

/** Presses Tab from where the focus is until `target` has it, as a keyboard user would. */
async function tabUntil(page: Page, target: Locator, what: string): Promise<void> {
  await target.waitFor({ state: 'attached', timeout: 15_000 });
  for (let i = 0; i < 80; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${what}`);
}

/**
 * Enter on the focused file input opens the file chooser. Playwright starts intercepting choosers
 * when a listener is added, without waiting for the browser to confirm: on a crowded machine the
 * Enter can arrive first, the chooser then opens unseen (headless cancels it at once). So the
 * listener is added before, a round trip lets the interception settle, and a person who saw no
 * dialog presses Enter again (three times at most). A file input that Enter does not open still
 * fails.
 */
async function enterOpensFileChooser(page: Page): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const chooser = page.waitForEvent('filechooser', { timeout: 5_000 }).then(
      () => true,
      (error: unknown) => {
        if (attempt === 3) throw error;
        return false;
      },
    );
    await page.evaluate(() => document.activeElement?.tagName);
    await page.keyboard.press('Enter');
    if (await chooser) return;
  }
}

/** Tab to `target`, then Enter on it. */
async function tabAndEnter(page: Page, target: Locator, what: string): Promise<void> {
  await tabUntil(page, target, what);
  await page.keyboard.press('Enter');
}

/**
 * Every screen of client/lib/pages.ts, with the keyboard alone: from the top of the page, Tab
 * reaches its main action and Enter (or typing) does it. The text page is the walk above; the
 * projector is a wall display with no control; the invitation page needs a mailed link
 * (members.test.ts accepts one).
 */
describe('every screen’s main action is reached with Tab and done with Enter', () => {
  const demo = useDemoBrowser();
  let screens: Screen[];
  const signedIn = async (email: string) => signIn(await demo.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' }), demo.server.url, email, '/');
  const go = async (page: Page, name: string) => {
    const screen = screens.find((s) => s.name === name)!;
    await page.goto(`${demo.server.url}${screen.path}`);
    await screen.ready(page);
  };

  beforeAll(async () => {
    screens = await screensWithContent(demo.server, demo.ids);
  });

  it('sign-in, verifier and not-found pages, signed out', async () => {
    const page = await (await demo.browser.newContext({ locale: 'fr-FR' })).newPage();
    await go(page, 'login');
    await tabUntil(page, page.getByLabel('Adresse e-mail'), 'the e-mail field');
    await page.keyboard.type('delegue@cfdt.demo');
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/');
    await page.context().clearCookies();

    await go(page, 'verifier');
    await tabUntil(page, page.getByTestId('verifier-drop').locator('input[type="file"]'), 'the file to verify');
    await enterOpensFileChooser(page);

    await go(page, 'not-found');
    await tabAndEnter(page, page.locator('main a[href="/"]'), 'the way back home');
    await page.waitForURL((u) => u.pathname === '/login' || u.pathname === '/');
    await page.context().close();
  });

  it('home, negotiation, sessions, signature, positions and account pages, as a delegate', async () => {
    const page = await signedIn('delegue@fo.demo');
    await go(page, 'home');
    await tabAndEnter(page, page.locator('.negotiation-link', { hasText: 'temps de travail' }), 'the negotiation');
    await page.waitForURL((u) => u.pathname === `/negotiations/${demo.ids.negotiations.tempsDeTravail}`);

    await go(page, 'negotiation');
    await tabAndEnter(page, page.getByRole('link', { name: 'Ouvrir le texte' }), 'the link to the text');
    await page.waitForURL((u) => u.pathname.endsWith('/text'));

    await go(page, 'sessions');
    await tabAndEnter(page, page.locator('main').getByRole('link', { name: 'Séance de travail', exact: true }).first(), 'the convened session');
    await page.getByTestId('session-status').waitFor({ timeout: 15_000 });

    await go(page, 'signature-void');
    const reasons = page.locator('details', { has: page.locator('summary', { hasText: 'Le raisonnement, pas à pas' }) });
    await tabAndEnter(page, reasons.locator('summary'), 'the reasoning');
    expect(await reasons.evaluate((details) => (details as HTMLDetailsElement).open)).toBe(true);

    await go(page, 'positions');
    const matrix = page.getByTestId('positions-scroll');
    await tabUntil(page, matrix, 'the positions matrix');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => matrix.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);

    await go(page, 'account');
    await tabUntil(page, page.locator('#current-password'), 'the current password');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Tab');
    await page.keyboard.type('un nouveau mot de passe');
    await tabUntil(page, page.locator('#confirm-password'), 'the confirmation');
    await page.keyboard.type('un autre mot de passe');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Les deux saisies du nouveau mot de passe diffèrent.' }).waitFor();
    await page.context().close();
  });

  it('members, mail and session pages, as the secretariat', async () => {
    const page = await signedIn('secretariat@axess.demo');
    await go(page, 'members-secretariat');
    await tabAndEnter(page, page.getByRole('button', { name: 'Suspendre : Claire Marchand' }), 'a suspension');
    await page.getByLabel('Motif de la suspension').waitFor();

    await go(page, 'outbox');
    const reads: string[] = [];
    page.on('request', (request) => void (new URL(request.url()).pathname.endsWith('/outbox') && reads.push(request.url())));
    await tabAndEnter(page, page.getByRole('button', { name: 'Actualiser' }), 'the refresh button');
    await expect.poll(() => reads.length).toBeGreaterThan(0);

    await go(page, 'session');
    await tabAndEnter(page, page.getByRole('button', { name: 'Ouvrir la séance' }), 'the opening of the session');
    await page.locator('[data-testid="session-status"]', { hasText: 'En cours' }).waitFor({ timeout: 15_000 });
    await page.context().close();
  });
});
