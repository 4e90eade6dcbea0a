import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { countApiReads, screenshot, selectWords, signIn } from '../helpers/browser.ts';
import { DEMO_PASSWORD } from '../helpers/auth.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { addMember } from '../helpers/seed.ts';

/** How soon what one member does must show for another, without a reload. */
const LIVE_MS = 2_000;

describe('every panel is live: what one member does shows for another without a reload', () => {
  const demo = useDemoBrowser();
  const options = { viewport: { width: 1500, height: 1000 }, locale: 'fr-FR' };

  /** A signed-in page, and the API reads it makes (method and path), from the sign-in on. */
  async function member(email: string, path: string): Promise<{ page: Page; reads: string[]; context: BrowserContext }> {
    const context = await demo.browser.newContext(options);
    const reads = countApiReads(context);
    return { page: await signIn(context, demo.server.url, email, path), reads, context };
  }

  it('a version the negotiator saves appears in a delegate’s version list and comparison lists, which are not read again', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const path = `/negotiations/${id}/text`;
    const negotiator = await member('negociateur@axess.demo', path);
    const delegate = await member('delegue@cfdt.demo', path);
    const versionsRead = () => delegate.reads.filter((p) => p === `/api/negotiations/${id}/versions`).length;
    await delegate.page.locator('#versions-title').waitFor({ timeout: 15_000 });
    expect(versionsRead()).toBe(1);

    await negotiator.page.getByLabel('Nom de la version').fill('Relevé des échanges du matin');
    await negotiator.page.getByRole('button', { name: 'Enregistrer une version' }).click();
    await negotiator.page.getByTestId('version-list').getByText('Relevé des échanges du matin').waitFor({ timeout: 15_000 });

    await delegate.page.getByTestId('version-list').getByText('Relevé des échanges du matin').waitFor({ timeout: LIVE_MS });
    // The comparison's two version lists are the same list: the new version may be compared at once.
    for (const select of ['#compare-from', '#compare-to']) {
      await delegate.page.locator(`${select} option`).filter({ hasText: 'Relevé des échanges du matin' }).waitFor({ state: 'attached', timeout: LIVE_MS });
    }
    expect(versionsRead()).toBe(1);
    await screenshot(delegate.page, 'live-version-list');
    await negotiator.context.close();
    await delegate.context.close();
  });

  it('a stance a delegate declares fills its cell in another member’s positions matrix, which is not read again', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const watcher = await member('negociateur@axess.demo', `/negotiations/${id}/positions`);
    const matrixRead = () => watcher.reads.filter((p) => p === `/api/negotiations/${id}/positions/matrix`).length;
    await watcher.page.getByTestId('positions-empty').waitFor({ timeout: 15_000 });
    expect(matrixRead()).toBe(1);

    const articleId = demo.ids.articles.tempsDeTravail[2];
    const delegate = await member('delegue@cgt.demo', `/negotiations/${id}/text?article=${articleId}`);
    const box = delegate.page.getByTestId('position-box');
    await box.getByTestId('position-stance').selectOption('réservé');
    await box.getByTestId('position-statement').fill('La CGT réserve sa position sur les astreintes.');
    await box.getByTestId('position-declare').click();
    await box.getByTestId('position-history').getByText('La CGT réserve sa position sur les astreintes.').waitFor({ timeout: 15_000 });

    const cell = watcher.page.getByTestId(`cell-CGT-article:${articleId}`);
    await cell.filter({ hasText: 'Réservé' }).waitFor({ timeout: LIVE_MS });
    expect(await cell.getAttribute('title')).toContain('La CGT réserve sa position sur les astreintes.');
    expect(matrixRead()).toBe(1);
    await screenshot(watcher.page, 'live-positions-matrix');
    await watcher.context.close();
    await delegate.context.close();
  });

  it('a position one CGT member declares shows in a second CGT member’s history box, which is not read again', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const articleId = demo.ids.articles.tempsDeTravail[1];
    // The demo has one account per organisation: a second delegate of the CGT, at the same table.
    await addMember(demo.server, { email: 'deuxieme@cgt.demo', name: 'Karim Benali', negotiationId: id, organisationId: demo.ids.organisations.CGT, roles: ['delegate'] });
    const path = `/negotiations/${id}/text?article=${articleId}`;
    const lead = await member('delegue@cgt.demo', path);
    const colleague = await member('deuxieme@cgt.demo', path);
    const historyRead = () => colleague.reads.filter((p) => p === `/api/negotiations/${id}/positions`).length;
    const colleagueBox = colleague.page.getByTestId('position-box');
    await colleagueBox.getByText('Aucune position déclarée.').waitFor({ timeout: 15_000 });
    await colleague.page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 15_000 });
    expect(historyRead()).toBe(1);

    const leadBox = lead.page.getByTestId('position-box');
    await leadBox.getByTestId('position-stance').selectOption('réservé');
    await leadBox.getByTestId('position-statement').fill('La CGT réserve sa position sur la durée du travail.');
    await leadBox.getByTestId('position-declare').click();
    await leadBox.getByTestId('position-history').getByText('La CGT réserve sa position sur la durée du travail.').waitFor({ timeout: 15_000 });

    const entry = colleagueBox.getByTestId('position-history').locator('li').filter({ hasText: 'La CGT réserve sa position sur la durée du travail.' });
    await entry.waitFor({ timeout: LIVE_MS });
    expect(await entry.textContent()).toContain('Réservé');
    expect(historyRead()).toBe(1);
    await screenshot(colleague.page, 'live-position-history');
    await lead.context.close();
    await colleague.context.close();
  }, 120_000);

  it('a vote the secretariat opens, and a ballot a delegate casts, show for the others at once; the vote list is not read again', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const path = `/negotiations/${id}/text`;
    const secretariat = await member('secretariat@axess.demo', path);
    const delegate = await member('delegue@cfdt.demo', path);
    const votesRead = (m: { reads: string[] }) => m.reads.filter((p) => p === `/api/negotiations/${id}/votes`).length;
    await secretariat.page.getByTestId('vote-panel').waitFor({ timeout: 15_000 });
    await delegate.page.getByTestId('vote-panel').waitFor({ timeout: 15_000 });
    const before = { secretariat: votesRead(secretariat), delegate: votesRead(delegate) };
    expect(before.delegate).toBe(1);

    await secretariat.page.getByTestId('vote-question').fill('Vote en direct sur l’article');
    await secretariat.page.getByTestId('vote-rule').selectOption('double-majority');
    await secretariat.page.getByTestId('vote-open').click();
    await secretariat.page.getByTestId('vote').filter({ hasText: 'Vote en direct sur l’article' }).waitFor({ timeout: 15_000 });
    const vote = delegate.page.getByTestId('vote').filter({ hasText: 'Vote en direct sur l’article' });
    await vote.waitFor({ timeout: LIVE_MS });

    const unionFigures = secretariat.page.getByTestId('vote-pour-union');
    await unionFigures.filter({ hasText: 'Pour 0,00' }).waitFor({ timeout: 15_000 });
    await vote.getByTestId('ballot-pour').click();
    await vote.getByTestId('ballot-pour').and(delegate.page.locator('[aria-pressed="true"]')).waitFor({ timeout: 15_000 });
    await secretariat.page.waitForFunction(() => !/Pour 0,00/.test(document.querySelector('[data-testid="vote-pour-union"]')?.textContent ?? ''), null, { timeout: LIVE_MS });

    expect({ secretariat: votesRead(secretariat), delegate: votesRead(delegate) }).toEqual(before);
    await screenshot(secretariat.page, 'live-vote-tally');
    await secretariat.context.close();
    await delegate.context.close();
  });

  it('a thread a delegate opens for the committee appears in the negotiator’s margin, which is not read again', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const path = `/negotiations/${id}/text?article=${demo.ids.articles.tempsDeTravail[3]}`;
    const delegate = await member('delegue@cgt.demo', path);
    const negotiator = await member('negociateur@axess.demo', path);
    const threadsRead = (m: { reads: string[] }) => m.reads.filter((p) => p === `/api/negotiations/${id}/annotations`).length;
    for (const m of [delegate, negotiator]) {
      await m.page.getByTestId('article-editor').waitFor({ timeout: 15_000 });
      await m.page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 15_000 });
    }
    await delegate.page.getByText('six heures').first().waitFor({ timeout: 15_000 });
    // The margin comes with the panels, loaded once the editor is there: each reads its threads once.
    for (const m of [delegate, negotiator]) await expect.poll(() => threadsRead(m), { timeout: 15_000 }).toBe(1);
    const before = { delegate: threadsRead(delegate), negotiator: threadsRead(negotiator) };

    await selectWords(delegate.page, 'six heures');
    await delegate.page.getByRole('button', { name: 'Annoter le passage sélectionné' }).click();
    await delegate.page.getByLabel('Commentaire').fill('Fil en direct : et les nuits ?');
    await delegate.page.getByLabel('Visible par').selectOption('committee');
    await delegate.page.getByRole('button', { name: 'Annoter', exact: true }).click();
    await delegate.page.getByTestId('annotation-thread').filter({ hasText: 'Fil en direct' }).waitFor({ timeout: 15_000 });

    await negotiator.page.getByTestId('annotation-thread').filter({ hasText: 'Fil en direct' }).waitFor({ timeout: LIVE_MS });
    expect({ delegate: threadsRead(delegate), negotiator: threadsRead(negotiator) }).toEqual(before);
    await screenshot(negotiator.page, 'live-annotation');
    await delegate.context.close();
    await negotiator.context.close();
  });

  it('a campaign the secretariat opens, and the CFDT’s signature, show on the other’s signature page and gauge; the campaign is not read again', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const path = `/negotiations/${id}/signature`;
    const secretariat = await member('secretariat@axess.demo', path);
    const cfdt = await member('delegue@cfdt.demo', path);
    const campaignRead = (m: { reads: string[] }) => m.reads.filter((p) => p === `/api/negotiations/${id}/signature`).length;
    for (const m of [secretariat, cfdt]) await m.page.getByText('Aucun texte n’a encore été ouvert à la signature dans cette négociation.').waitFor({ timeout: 15_000 });
    const before = { secretariat: campaignRead(secretariat), cfdt: campaignRead(cfdt) };
    expect(before).toEqual({ secretariat: 1, cfdt: 1 });

    await secretariat.page.getByLabel('Date limite de signature').fill('2099-06-30');
    await secretariat.page.getByRole('button', { name: 'Ouvrir à la signature' }).click();
    await secretariat.page.getByTestId('campaign-state').filter({ hasText: 'Ouvert à la signature' }).waitFor({ timeout: 15_000 });
    await cfdt.page.getByTestId('campaign-state').filter({ hasText: 'Ouvert à la signature' }).waitFor({ timeout: LIVE_MS });
    // The CFDT may sign: the shared eligibility rule judged it in the browser.
    await cfdt.page.getByRole('button', { name: 'Signer l’accord' }).click();
    const dialog = cfdt.page.getByRole('alertdialog', { name: 'Confirmer la signature' });
    await dialog.getByLabel('Votre mot de passe').fill(DEMO_PASSWORD);
    await dialog.getByRole('button', { name: 'Confirmer et signer' }).click();
    await cfdt.page.getByTestId('actuel-signature-weight').filter({ hasText: /38,50/ }).waitFor({ timeout: 15_000 });
    expect(await cfdt.page.getByRole('button', { name: 'Signer l’accord' }).count()).toBe(0);

    await secretariat.page.getByTestId('actuel-signature-weight').filter({ hasText: /38,50/ }).waitFor({ timeout: LIVE_MS });
    expect({ secretariat: campaignRead(secretariat), cfdt: campaignRead(cfdt) }).toEqual(before);
    await screenshot(secretariat.page, 'live-signature-gauge');
    await secretariat.context.close();
    await cfdt.context.close();
  });
});
