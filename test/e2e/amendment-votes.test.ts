import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { AmendmentView } from '../../shared/amendments/amendment.ts';
import type { Position } from '../../shared/positions/position.ts';
import { screenshot, signIn } from '../helpers/browser.ts';
import { call, login } from '../helpers/auth.ts';
import { command, connect } from '../integration/realtime-client.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

/** The text as people read it: French typography's no-break spaces as plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('votes and positions on an amendment, from the article view’s side panels, in headless Chromium', () => {
  const demo = useDemoBrowser();
  let negotiationId: string;
  let articleId: string;
  let secretariat: Page;
  let cgt: Page;
  let cfdt: Page;
  let tabled: AmendmentView;

  async function table(email: string, from: string, to: string): Promise<AmendmentView> {
    const socket = await connect(demo.server, await login(demo.server, email));
    const ack = await command<AmendmentView>(socket, 'amendment:table', {
      negotiationId,
      articleId,
      content: { kind: 'replace-words', from, to },
      justification: 'Une pause qui permette de prendre un repas.',
    });
    socket.close();
    if (!ack.ok) throw new Error(`tabling refused: ${ack.error.message}`);
    return ack.data;
  }

  const amendmentOn = (page: Page, text: string): Locator => page.getByTestId('amendment-panel').getByTestId('amendment').filter({ hasText: text });

  beforeAll(async () => {
    negotiationId = demo.ids.negotiations.tempsDeTravail;
    articleId = demo.ids.articles.tempsDeTravail[3];
    const path = `/negotiations/${negotiationId}/text?article=${articleId}`;
    const options = { viewport: { width: 1440, height: 900 }, locale: 'fr-FR' };
    secretariat = await signIn(await demo.browser.newContext(options), demo.server.url, 'secretariat@axess.demo', path);
    cgt = await signIn(await demo.browser.newContext(options), demo.server.url, 'delegue@cgt.demo', path);
    cfdt = await signIn(await demo.browser.newContext(options), demo.server.url, 'delegue@cfdt.demo', path);
    for (const page of [secretariat, cgt, cfdt]) await page.getByTestId('amendment-panel').waitFor({ timeout: 15_000 });
  });

  it('with no amendment on the article, the position box says there is none to take a position on', async () => {
    await cgt.getByTestId('position-box').getByLabel('un amendement').check();
    await cgt.getByTestId('position-no-amendment').getByText('Aucun amendement déposé sur cet article.').waitFor();
    expect(await cgt.getByTestId('position-declare').count()).toBe(0);
    expect(await cgt.getByTestId('position-amendment').count()).toBe(0);
  });

  it('the secretariat puts a CGT amendment to the vote from the amendment panel; CGT and CFDT vote; every page shows the live tally on the amendment', async () => {
    tabled = await table('delegue@cgt.demo', 'vingt minutes', 'trente minutes');
    const label = `Amendement n° ${tabled.number} (CGT)`;

    // Only the secretariat may open a vote, and only on an amendment before the committee.
    const onSecretariat = amendmentOn(secretariat, 'trente minutes');
    await onSecretariat.waitFor({ timeout: 15_000 });
    await amendmentOn(cgt, 'trente minutes').waitFor({ timeout: 15_000 });
    expect(await amendmentOn(cgt, 'trente minutes').getByRole('button', { name: 'Mettre aux voix' }).count()).toBe(0);

    // The question is prefilled with the amendment's name and formula, and has the focus.
    await onSecretariat.getByRole('button', { name: 'Mettre aux voix' }).click();
    const form = onSecretariat.getByTestId('amendment-vote-form');
    const question = form.getByLabel('Question soumise au vote');
    expect(await question.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(plain(await question.inputValue())).toBe(`${label} : ${plain(tabled.formula)}`);
    await form.getByLabel('Règle').selectOption('union-weighted');
    await screenshot(secretariat, 'amendment-vote-1-form');
    await form.getByRole('button', { name: 'Ouvrir le vote' }).press('Enter');
    await form.waitFor({ state: 'detached', timeout: 15_000 });

    // Everyone sees the open vote on the amendment, and in the vote panel with what it is about.
    for (const page of [secretariat, cgt, cfdt]) {
      await amendmentOn(page, 'trente minutes').locator('[data-testid="amendment-vote"][data-status="open"]').waitFor({ timeout: 15_000 });
      const inPanel = page.getByTestId('vote-panel').getByTestId('vote').filter({ hasText: label });
      expect(plain(await inPanel.getByTestId('vote-about').innerText())).toBe(`Porte sur : ${label}`);
    }
    expect(await amendmentOn(cgt, 'trente minutes').getByTestId('amendment-vote').innerText()).toContain('Majorité pondérée salariale');

    // The two unions cast their organisations' ballots in the vote panel.
    for (const [page, choice] of [
      [cgt, 'pour'],
      [cfdt, 'contre'],
    ] as const) {
      const ballot = page.getByTestId('vote-panel').getByTestId('vote').filter({ hasText: label }).getByTestId(`ballot-${choice}`);
      await ballot.click();
      await ballot.and(page.locator('[aria-pressed="true"]')).waitFor({ timeout: 15_000 });
    }

    // The tally on the amendment moves live on every page (CGT 35,18 pour, CFDT 38,50 contre).
    for (const page of [secretariat, cgt, cfdt]) {
      const vote = amendmentOn(page, 'trente minutes').getByTestId('amendment-vote');
      await vote.getByTestId('amendment-vote-contre-union').filter({ hasText: /^38,50\s%$/ }).waitFor({ timeout: 15_000 });
      expect(plain(await vote.getByTestId('amendment-vote-pour-union').innerText())).toBe('35,18 %');
      expect(plain(await vote.getByTestId('amendment-vote-pour-employer').innerText())).toBe('0,00 %');
      expect(await vote.getByTestId('amendment-vote-ballots').innerText()).toMatch(/^Bulletins : 2 sur \d+$/);
    }
    await screenshot(secretariat, 'amendment-vote-2-live-tally');

    // Closed: the outcome shows on the amendment for everyone.
    await secretariat.getByTestId('vote-panel').getByTestId('vote').filter({ hasText: label }).getByTestId('vote-close').click();
    for (const page of [secretariat, cgt, cfdt]) {
      const closed = amendmentOn(page, 'trente minutes').locator('[data-testid="amendment-vote"][data-status="closed"]');
      await closed.waitFor({ timeout: 15_000 });
      expect(await closed.getByTestId('amendment-vote-outcome').innerText()).toBe('Non adopté');
    }
    await screenshot(cgt, 'amendment-vote-3-closed');
  });

  it('a CGT delegate declares the organisation’s position on that amendment and sees it in its history, apart from the others', async () => {
    const fo = await table('delegue@fo.demo', 'six heures', 'cinq heures');
    const box = cgt.getByTestId('position-box');
    // Still on the amendment scope from the first test: the list filled in live.
    const select = box.getByTestId('position-amendment');
    await select.locator('option', { hasText: `n° ${fo.number} · FO` }).waitFor({ state: 'attached', timeout: 15_000 });
    await select.selectOption({ label: `n° ${tabled.number} · CGT · Déposé` });
    expect(plain(await box.getByTestId('position-amendment-formula').innerText())).toBe(plain(tabled.formula));
    await box.getByText('Aucune position déclarée.').waitFor();

    await box.getByTestId('position-stance').selectOption('favorable');
    await box.getByTestId('position-statement').fill('La CGT soutient une pause de trente minutes.');
    await box.getByTestId('position-declare').click();
    const history = box.getByTestId('position-history');
    await history.getByText('La CGT soutient une pause de trente minutes.').waitFor({ timeout: 15_000 });
    expect(await history.innerText()).toContain('Favorable');
    await screenshot(cgt, 'amendment-vote-4-position');

    // The ledger holds it on the amendment, not on the article.
    const query = `org=${demo.ids.organisations.CGT}&item=${encodeURIComponent(`amendment:${tabled.id}`)}`;
    const response = await call(demo.server, `/negotiations/${negotiationId}/positions?${query}`, { cookie: await login(demo.server, 'delegue@cgt.demo') });
    const { positions } = (await response.json()) as { positions: Position[] };
    expect(positions.map((p) => [p.stance, p.item])).toEqual([['favorable', { kind: 'amendment', id: tabled.id }]]);

    // The FO amendment and the article have their own histories.
    await select.selectOption({ label: `n° ${fo.number} · FO · Déposé` });
    await box.getByText('Aucune position déclarée.').waitFor();
    await box.getByLabel('cet article').check();
    await box.getByText('Aucune position déclarée.').waitFor();
    await box.getByLabel('un amendement').check();
    await select.selectOption({ label: `n° ${tabled.number} · CGT · Déposé` });
    await history.getByText('La CGT soutient une pause de trente minutes.').waitFor();
  });
});
