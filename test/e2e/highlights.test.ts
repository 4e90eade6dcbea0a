import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, selectWords, signIn } from '../helpers/browser.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

describe('a passage covered by several annotations and an amendment, in headless Chromium', () => {
  const demo = useDemoBrowser();
  let cgt: Page;

  beforeAll(async () => {
    const path = `/negotiations/${demo.ids.negotiations.tempsDeTravail}/text?article=${demo.ids.articles.tempsDeTravail[3]}`;
    cgt = await signIn(await demo.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' }), demo.server.url, 'delegue@cgt.demo', path);
  });

  async function annotate(words: string, body: string, visibility: string): Promise<void> {
    await selectWords(cgt, words);
    await cgt.getByRole('button', { name: 'Annoter le passage sélectionné' }).click();
    await cgt.getByLabel('Commentaire').fill(body);
    await cgt.getByLabel('Visible par').selectOption(visibility);
    await cgt.getByRole('button', { name: 'Annoter', exact: true }).click();
    await cgt.getByTestId('annotation-thread').filter({ hasText: body }).waitFor();
  }

  it('names every annotation layer and the amendment on the passage, in its tooltip and its description, and stacks their underlines', async () => {
    await cgt.getByTestId('article-editor').waitFor();
    await cgt.locator('[data-testid="connection"][data-state="connected"]').first().waitFor();
    await cgt.getByText('vingt minutes consécutives').first().waitFor();

    await annotate('vingt minutes', 'Trop court pour un repas', 'delegation');
    await annotate('vingt minutes', 'Question à la commission', 'committee');
    await selectWords(cgt, 'vingt minutes');
    await cgt.getByRole('button', { name: 'Rédiger un amendement' }).click();
    await cgt.getByRole('button', { name: 'Ancrer sur le passage sélectionné' }).click();
    await cgt.getByLabel('Nouveaux mots').fill('trente minutes');
    await cgt.getByLabel('Exposé des motifs').fill('Vingt minutes ne permettent pas de prendre un repas.');
    await cgt.getByRole('button', { name: 'Déposer', exact: true }).click();
    await cgt.getByTestId('amendment').filter({ hasText: 'trente minutes' }).waitFor();

    // The three cover the same words: one highlight names all three.
    const passage = cgt.locator('.anchor-amendment.anchor-annotation', { hasText: 'vingt minutes' });
    await passage.waitFor({ timeout: 10_000 });
    const title = (await passage.getAttribute('title')) ?? '';
    const names = title.split('\n');
    expect(names).toHaveLength(3);
    expect(names).toContainEqual(expect.stringMatching(/^Amendement n° \d+ \(CGT\)$/));
    expect(names).toContainEqual(expect.stringMatching(/^Annotation CGT, visible par la délégation : « Trop court pour un repas »/));
    expect(names).toContainEqual(expect.stringMatching(/^Annotation CGT, visible par toute la commission : « Question à la commission »/));
    // What a screen reader says of the passage: the same names (a mark may not be named, it is described).
    const description = await passage.evaluate((element) => element.getAttribute('aria-description'));
    expect(description).toBe(names.join(' ; '));
    // A visible cue: one underline per layer, stacked.
    expect(await passage.getAttribute('data-layers')).toBe('3');
    const shadows = await passage.evaluate((element) => getComputedStyle(element).boxShadow);
    expect(shadows.split(/,(?![^(]*\))/)).toHaveLength(3);
    // Not by colour alone: the amendment's passage is also dashed; an annotation's alone is not.
    const dashes = (locator: typeof passage) => locator.evaluate((element) => getComputedStyle(element).textDecorationStyle + ' ' + getComputedStyle(element).textDecorationLine);
    expect(await dashes(passage)).toBe('dashed underline');
    await screenshot(cgt, 'highlights-stacked');

    // Words covered by one annotation only name that one.
    await annotate('six heures', 'Pause plus tôt', 'college');
    const single = cgt.locator('.anchor-annotation', { hasText: 'six heures' });
    expect(await single.getAttribute('title')).toBe('Annotation CGT, visible par le collège : « Pause plus tôt »');
    expect(await single.getAttribute('data-layers')).toBe('1');
    expect(await dashes(single)).not.toContain('dashed');
  });
});
