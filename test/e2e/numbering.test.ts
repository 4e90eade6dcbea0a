import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, signIn } from '../helpers/browser.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

describe('numbering a new article by its place, renumbering after a preview, and undoing', () => {
  const demo = useDemoBrowser();
  let pen: Page;

  beforeAll(async () => {
    const path = `/negotiations/${demo.ids.negotiations.tempsDeTravail}/text?article=${demo.ids.articles.tempsDeTravail[4]}`;
    pen = await signIn(await demo.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' }), demo.server.url, 'negociateur@axess.demo', path);
  });

  const outlineLink = (text: string) => pen.locator('.outline-link').filter({ hasText: text });

  it('an article placed after Article 4 is « 4 bis » (or 5 if chosen); the renumbering is previewed, confirmed, then undone', async () => {
    await pen.locator('#new-article').waitFor();
    // At the end, the next number: 14 after 13.
    await expect.poll(() => pen.locator('.numbering').innerText()).toContain('Article 14 (à la suite)');

    await pen.locator('#new-article').fill('Pause méridienne');
    await pen.locator('#new-article-place').selectOption({ label: 'Article 4 – Temps d’habillage et de déshabillage' });
    await expect.poll(() => pen.locator('.numbering').innerText()).toContain('Article 4 bis (inséré)');
    expect(await pen.locator('input[name="numbering"][value="bis"]').isChecked()).toBe(true);
    await screenshot(pen, 'numbering-new-article');
    await pen.getByRole('button', { name: 'Ajouter un article' }).click();
    await pen.getByTestId('structure-notice').filter({ hasText: 'Article 4 bis ajouté.' }).waitFor();
    await outlineLink('Article 4 bis – Pause méridienne').waitFor();

    // Renumbering: nothing changes before the preview is confirmed.
    await pen.getByRole('button', { name: 'Renuméroter' }).click();
    const preview = pen.getByTestId('renumber-preview');
    await preview.waitFor();
    expect(await preview.innerText()).toContain('Article 4 bis → Article 5');
    expect(await preview.innerText()).toContain('Article 13 → Article 15');
    await screenshot(pen, 'numbering-renumber-preview');
    expect(await outlineLink('Article 4 bis – Pause méridienne').count()).toBe(1);
    await preview.getByRole('button', { name: 'Confirmer la renumérotation' }).click();
    await pen.getByTestId('structure-notice').filter({ hasText: 'renuméroté' }).waitFor();
    await outlineLink('Article 5 – Pause méridienne').waitFor();
    await screenshot(pen, 'numbering-renumbered');

    // Undo: the numbers come back, with no « ex- » left behind.
    await pen.getByTestId('structure-notice').getByRole('button', { name: 'Annuler' }).click();
    await pen.getByTestId('structure-notice').filter({ hasText: 'Renumérotation annulée.' }).waitFor();
    await outlineLink('Article 4 bis – Pause méridienne').waitFor();
    expect(await outlineLink('Pause méridienne').innerText()).not.toContain('ex-');
  });

  it('the renumbering preview is a modal dialog: Esc closes it without renumbering and the focus goes back to « Renuméroter »', async () => {
    const outline = await pen.locator('.outline-link').allInnerTexts();
    const renumber = pen.getByRole('button', { name: 'Renuméroter' });
    await renumber.focus();
    await pen.keyboard.press('Enter');
    const dialog = pen.getByRole('dialog', { name: 'Aperçu de la renumérotation' });
    await dialog.waitFor();
    // Modal: the focus is inside the dialog, the page behind cannot be reached.
    expect(await dialog.evaluate((el) => el.contains(document.activeElement) && (el as HTMLDialogElement).open)).toBe(true);
    await pen.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await renumber.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await pen.locator('.outline-link').allInnerTexts()).toEqual(outline);
  });
});
