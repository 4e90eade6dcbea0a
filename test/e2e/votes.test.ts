import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signIn } from '../helpers/browser.ts';
import { login } from '../helpers/auth.ts';
import { command, connect } from '../integration/realtime-client.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

describe('indicative votes and positions in headless Chromium', () => {
  const demo = useDemoBrowser();
  let negotiationId: string;
  const options = { viewport: { width: 1500, height: 1000 }, locale: 'fr-FR' };

  beforeAll(async () => {
    negotiationId = demo.ids.negotiations.tempsDeTravail;
  });

  it('the secretariat opens a vote; a union delegate votes in another page; the tally moves live for the secretariat', async () => {
    const text = `/negotiations/${negotiationId}/text`;
    const secretariat = await signIn(await demo.browser.newContext(options), demo.server.url, 'secretariat@axess.demo', text);
    const delegate = await signIn(await demo.browser.newContext(options), demo.server.url, 'delegue@cfdt.demo', text);

    const panel = secretariat.getByTestId('vote-panel');
    await panel.waitFor({ timeout: 15_000 });
    await secretariat.getByTestId('vote-question').fill('Accord de principe sur l’article');
    await secretariat.getByTestId('vote-rule').selectOption('double-majority');
    await secretariat.getByTestId('vote-open').click();
    const unionFigures = secretariat.getByTestId('vote-pour-union');
    await unionFigures.filter({ hasText: 'Pour 0,00' }).waitFor({ timeout: 15_000 });

    // The delegate sees the vote arrive live and casts the CFDT's ballot.
    await delegate.getByTestId('vote').filter({ hasText: 'Accord de principe sur l’article' }).waitFor({ timeout: 15_000 });
    await delegate.getByTestId('ballot-pour').click();
    await delegate.getByTestId('ballot-pour').and(delegate.locator('[aria-pressed="true"]')).waitFor({ timeout: 15_000 });

    // The secretariat's tally moves without a reload.
    await secretariat.waitForFunction(() => !/Pour 0,00/.test(document.querySelector('[data-testid="vote-pour-union"]')?.textContent ?? ''), null, {
      timeout: 15_000,
    });
    expect(await unionFigures.innerText()).toMatch(/Pour [1-9]\d?,\d\d/);
    expect(await secretariat.getByTestId('ballot-pour').count()).toBe(0);
    await screenshot(secretariat, 'vote-live-tally');
    await screenshot(delegate, 'vote-delegate-ballot');

    // Closed: the result names each organisation.
    await secretariat.getByTestId('vote-close').click();
    await secretariat.getByTestId('vote-outcome').waitFor({ timeout: 15_000 });
    expect(await panel.innerText()).toContain('CFDT');
    await screenshot(secretariat, 'vote-closed');
  });

  it('the matrix page is empty at first, then shows a declared stance in its colour', async () => {
    const matrixPath = `/negotiations/${negotiationId}/positions`;
    const page = await signIn(await demo.browser.newContext(options), demo.server.url, 'negociateur@axess.demo', matrixPath);
    await page.getByTestId('positions-empty').waitFor({ timeout: 15_000 });
    await screenshot(page, 'positions-empty');

    const articleId = demo.ids.articles.tempsDeTravail[3];
    const socket = await connect(demo.server, await login(demo.server, 'delegue@cgt.demo'));
    const ack = await command(socket, 'position:declare', {
      negotiationId,
      stance: 'réservé',
      statement: 'La CGT réserve sa position sur la durée de la pause.',
      item: { kind: 'article', id: articleId },
    });
    socket.close();
    expect(ack.ok).toBe(true);

    await page.reload();
    const cell = page.getByTestId(`cell-CGT-article:${articleId}`);
    await cell.waitFor({ timeout: 15_000 });
    expect(await cell.innerText()).toBe('Réservé');
    expect(await cell.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(154, 91, 0)');
    await screenshot(page, 'positions-matrix');

    // The matrix is linked from the negotiation home.
    await page.goto(`${demo.server.url}/negotiations/${negotiationId}`);
    await page.getByTestId('open-positions').click();
    await page.waitForURL((u) => u.pathname === matrixPath);
  });
});
