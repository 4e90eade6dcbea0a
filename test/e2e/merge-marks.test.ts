import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import type { AmendmentView } from '../../shared/amendments/amendment.ts';
import { screenshot, signIn } from '../helpers/browser.ts';
import { call, login } from '../helpers/auth.ts';
import { command, connect } from '../integration/realtime-client.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

const connected = (page: Page) => page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 20_000 });

describe('text merged from an amendment stays marked with its number until the next version', () => {
  const demo = useDemoBrowser();
  const sockets: Socket[] = [];

  afterAll(async () => {
    for (const socket of sockets) socket.close();
  });

  async function as(email: string): Promise<(event: string, payload: Record<string, unknown>) => Promise<AmendmentView>> {
    const socket = await connect(demo.server, await login(demo.server, email));
    sockets.push(socket);
    return async (event, payload) => {
      const ack = await command<AmendmentView>(socket, event, { negotiationId: demo.ids.negotiations.tempsDeTravail, ...payload });
      if (!ack.ok) throw new Error(`${event}: ${ack.error.message}`);
      return ack.data;
    };
  }

  it('the CGT’s adopted amendment, merged by AXESS, shows « Amdt n° 1 (CGT) » to a CFDT reader, in the article and the whole text, until a version is taken', async () => {
    const negotiationId = demo.ids.negotiations.tempsDeTravail;
    const articleId = demo.ids.articles.tempsDeTravail[3];
    const cgt = await as('delegue@cgt.demo');
    const secretariat = await as('secretariat@axess.demo');
    const chair = await as('president@cmp.demo');
    const pen = await as('negociateur@axess.demo');
    const tabled = await cgt('amendment:table', {
      articleId,
      content: { kind: 'replace-words', from: 'vingt minutes', to: 'trente minutes' },
      justification: 'Vingt minutes ne suffisent pas pour un repas.',
    });
    await secretariat('amendment:discuss', { amendmentId: tabled.id });
    await chair('amendment:adopt', { amendmentId: tabled.id });

    const reader = await signIn(await demo.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' }), demo.server.url, 'delegue@cfdt.demo', `/negotiations/${negotiationId}/text?article=${articleId}`);
    await connected(reader);
    const text = reader.getByTestId('article-editor');
    await text.filter({ hasText: 'vingt minutes' }).waitFor();
    expect(await text.getByTestId('merge-mark').count()).toBe(0);

    // The pen-holder merges: the server edits the live text.
    await pen('amendment:merge', { amendmentId: tabled.id });
    const mark = text.getByTestId('merge-mark');
    await mark.waitFor({ timeout: 15_000 });
    expect(await mark.allInnerTexts()).toEqual([`Amdt n° ${tabled.number} (CGT)`]);
    // Exactly the words the merge wrote are marked.
    expect((await text.locator('.merged-amendment').allInnerTexts()).join('')).toBe('trente minutes');
    await screenshot(reader, 'merge-mark-article');

    // The whole text marks it too.
    await reader.goto(`${demo.server.url}/negotiations/${negotiationId}/text?view=whole`);
    const whole = reader.getByTestId('whole-text');
    await whole.getByTestId('merge-mark').waitFor({ timeout: 15_000 });
    expect(await whole.getByTestId('merge-mark').allInnerTexts()).toEqual([`Amdt n° ${tabled.number} (CGT)`]);

    // The secretariat takes a version: the marks go, live.
    const created = await call(demo.server, `/negotiations/${negotiationId}/versions`, {
      method: 'POST',
      cookie: await login(demo.server, 'secretariat@axess.demo'),
      body: { name: 'Après la séance', reason: 'Texte de travail' },
    });
    expect(created.status).toBe(201);
    await expect.poll(() => whole.getByTestId('merge-mark').count(), { timeout: 15_000 }).toBe(0);
    expect(await whole.locator('.merged-amendment').count()).toBe(0);
    // And after a reload too (the server's record, not the page's memory).
    await reader.goto(`${demo.server.url}/negotiations/${negotiationId}/text?article=${articleId}`);
    await connected(reader);
    await text.filter({ hasText: 'trente minutes' }).waitFor();
    await reader.waitForTimeout(1_000);
    expect(await text.getByTestId('merge-mark').count()).toBe(0);
  });
});
