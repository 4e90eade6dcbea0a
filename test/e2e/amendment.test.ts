import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, selectWords, signIn } from '../helpers/browser.ts';
import { login } from '../helpers/auth.ts';
import { command, connect } from '../integration/realtime-client.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

describe('an amendment from tabling to the live text, in headless Chromium', () => {
  const demo = useDemoBrowser();
  let cgt: Page;
  let axess: Page;
  let secretariatPage: Page;
  let negotiationId: string;

  beforeAll(async () => {
    negotiationId = demo.ids.negotiations.tempsDeTravail;
    const path = `/negotiations/${negotiationId}/text?article=${demo.ids.articles.tempsDeTravail[3]}`;
    const options = { viewport: { width: 1600, height: 1000 }, locale: 'fr-FR' };
    cgt = await signIn(await demo.browser.newContext(options), demo.server.url, 'delegue@cgt.demo', path);
    axess = await signIn(await demo.browser.newContext(options), demo.server.url, 'negociateur@axess.demo', path);
    secretariatPage = await signIn(await demo.browser.newContext(options), demo.server.url, 'secretariat@axess.demo', path);
  });

  it('a CGT delegate tables, the AXESS negotiator sees it live and merges it, the text changes for everyone', async () => {
    for (const page of [cgt, axess]) {
      await page.getByTestId('article-editor').waitFor();
      await page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor();
      await page.getByText('vingt minutes consécutives').first().waitFor();
    }

    // The CGT delegate writes the amendment on the selected words and sees its formula.
    await selectWords(cgt, 'vingt minutes');
    await cgt.getByRole('button', { name: 'Rédiger un amendement' }).click();
    await cgt.getByRole('button', { name: 'Ancrer sur le passage sélectionné' }).click();
    await cgt.getByTestId('amendment-anchor').getByText('vingt minutes').waitFor();
    expect(await cgt.getByLabel('Mots à remplacer').inputValue()).toBe('vingt minutes');
    await cgt.getByLabel('Nouveaux mots').fill('trente minutes');
    await cgt.getByLabel('Exposé des motifs').fill('Vingt minutes ne permettent pas de prendre un repas.');
    const preview = (await cgt.getByTestId('formula-preview').innerText()).replace(/\u00a0/g, ' ');
    expect(preview).toBe('À l’article 3, les mots « vingt minutes » sont remplacés par les mots « trente minutes ».');
    await screenshot(cgt, 'amendment-1-cgt-writes');
    await cgt.getByRole('button', { name: 'Déposer', exact: true }).click();

    // The negotiator sees it arrive, with its formula, without reloading.
    const seen = axess.getByTestId('amendment').filter({ hasText: 'trente minutes' });
    await seen.waitFor({ timeout: 10_000 });
    expect(await seen.getAttribute('data-status')).toBe('tabled');
    await axess.getByTestId('activity-feed').getByText('CGT a déposé un amendement').waitFor();
    await screenshot(axess, 'amendment-2-negotiator-sees-it');

    // The committee decides: the secretariat puts it under discussion, then adopts it.
    const decided = secretariatPage.getByTestId('amendment').filter({ hasText: 'trente minutes' });
    await decided.getByRole('button', { name: 'Mettre en discussion' }).click();
    await decided.and(secretariatPage.locator('[data-status="under discussion"]')).waitFor();
    await screenshot(secretariatPage, 'amendment-2b-secretariat');
    await decided.getByRole('button', { name: 'Adopter' }).click();
    await decided.and(secretariatPage.locator('[data-status="adopted"]')).waitFor();

    // The pen-holder merges it: the live text changes in both browsers.
    await seen.getByRole('button', { name: 'Voir les différences' }).click();
    await seen.getByTestId('amendment-diffs').locator('ins', { hasText: 'trente' }).first().waitFor();
    const merge = seen.getByRole('button', { name: 'Intégrer au texte' });
    await merge.waitFor({ timeout: 10_000 });
    await screenshot(axess, 'amendment-3-adopted');
    await merge.click();
    for (const page of [axess, cgt]) {
      await page.getByTestId('article-editor').getByText('trente minutes consécutives').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('article-editor').innerText()).not.toContain('vingt minutes');
    }
    await cgt.getByTestId('amendment').filter({ hasText: 'trente minutes' }).and(cgt.locator('[data-status="merged"]')).waitFor();
    // The merge took a version of kind merge (the version panel lists versions when it loads).
    await axess.reload();
    await axess.getByTestId('version-list').getByText('Amendement CGT intégré – article 3').waitFor();
    await screenshot(cgt, 'amendment-4-merged-cgt');
    await screenshot(axess, 'amendment-4-merged-negotiator');
  });

  it('a CGT private note is highlighted for its author and never shown to the negotiator', async () => {
    await selectWords(cgt, 'six heures');
    await cgt.getByRole('button', { name: 'Annoter le passage sélectionné' }).click();
    await cgt.getByLabel('Commentaire').fill('Note privée : demander sept heures');
    await cgt.getByLabel('Visible par').selectOption('private');
    await cgt.getByRole('button', { name: 'Annoter', exact: true }).click();
    await cgt.getByTestId('annotation-thread').filter({ hasText: 'Note privée' }).waitFor();
    await cgt.locator('.anchor-annotation', { hasText: 'six heures' }).waitFor();

    await selectWords(cgt, 'surveillance des personnes accompagnées');
    await cgt.getByRole('button', { name: 'Annoter le passage sélectionné' }).click();
    await cgt.getByLabel('Commentaire').fill('Question à la commission : quid des nuits ?');
    await cgt.getByLabel('Visible par').selectOption('committee');
    await cgt.getByRole('button', { name: 'Annoter', exact: true }).click();

    await axess.getByTestId('annotation-thread').filter({ hasText: 'quid des nuits' }).waitFor({ timeout: 10_000 });
    await axess.locator('.anchor-annotation', { hasText: 'surveillance des personnes accompagnées' }).waitFor();
    expect(await axess.content()).not.toContain('Note privée');
    expect(await axess.locator('.anchor-annotation', { hasText: 'six heures' }).count()).toBe(0);
    await screenshot(cgt, 'annotation-cgt');
    await screenshot(axess, 'annotation-negotiator');
  });

  it('competing amendments and an outdated one are flagged live', async () => {
    const article = demo.ids.articles.tempsDeTravail[3];
    for (const [email, to] of [
      ['delegue@fo.demo', 'cinq heures'],
      ['delegue@cfdt.demo', 'cinq heures et demie'],
    ] as const) {
      const socket = await connect(demo.server, await login(demo.server, email));
      const ack = await command(socket, 'amendment:table', {
        negotiationId,
        articleId: article,
        content: { kind: 'replace-words', from: 'six heures', to },
        justification: 'Une pause plus tôt dans la journée.',
      });
      socket.close();
      expect(ack).toMatchObject({ ok: true });
    }
    const fo = cgt.getByTestId('amendment').filter({ hasText: '« cinq heures »' });
    await fo.getByTestId('amendment-competing').getByText('CFDT').waitFor({ timeout: 10_000 });
    await cgt.getByTestId('amendment').filter({ hasText: 'cinq heures et demie' }).getByTestId('amendment-competing').getByText('FO').waitFor();

    // The pen-holder rewrites the targeted words: both amendments are flagged outdated, in every browser.
    const surface = axess.getByTestId('article-editor');
    await selectWords(axess, 'six heures');
    await surface.press('Delete');
    await axess.keyboard.type('six heures trente');
    await fo.getByTestId('amendment-outdated').waitFor({ timeout: 10_000 });
    await axess.getByTestId('amendment').filter({ hasText: '« cinq heures »' }).getByTestId('amendment-outdated').waitFor({ timeout: 10_000 });
    // The CGT's note on the deleted words says its passage is gone.
    await cgt.getByTestId('annotation-thread').filter({ hasText: 'Note privée' }).getByTestId('annotation-detached').waitFor({ timeout: 10_000 });
    await screenshot(cgt, 'amendment-5-competing-outdated');
  });
});
