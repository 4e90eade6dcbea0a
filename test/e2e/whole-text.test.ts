import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../helpers/server.ts';
import { screenshot, signIn } from '../helpers/browser.ts';
import * as Y from 'yjs';
import { login } from '../helpers/auth.ts';
import { command, connect } from '../integration/realtime-client.ts';
import { connectClient, synced } from '../integration/yjs-helpers.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

const NOTE = 'Vingt minutes : la CGT demande une pause plus longue.';

/** The CGT delegate on an article: anchors on its words, and commands in the negotiation. */
async function cgtOnArticle(server: TestServer, negotiationId: string, articleId: string) {
  const cookie = await login(server, 'delegue@cgt.demo');
  const reader = connectClient(server.url, `article:${articleId}`, cookie);
  await synced(reader);
  const text = (reader.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
  const anchorOf = (words: string) => {
    const at = text.toString().indexOf(words);
    if (at < 0) throw new Error(`« ${words} » is not in the article`);
    const position = (i: number) => Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, i))).toString('base64');
    return { start: position(at), end: position(at + words.length) };
  };
  const socket = await connect(server, cookie);
  const ok = async <T>(event: string, payload: Record<string, unknown>): Promise<T> => {
    const ack = await command<T>(socket, event, { negotiationId, ...payload });
    if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  };
  const close = () => {
    socket.close();
    reader.destroy();
  };
  return { anchorOf, ok, close };
}

/** A CGT delegate annotates « vingt minutes » of article 3 for the committee and tables an amendment on « six heures ». */
async function annotateAndAmend(server: TestServer, negotiationId: string, articleId: string): Promise<void> {
  const { anchorOf, ok, close } = await cgtOnArticle(server, negotiationId, articleId);
  await ok('annotation:create', { articleId, anchor: anchorOf('vingt minutes'), body: NOTE, visibility: 'committee' });
  const draft = await ok<{ id: string }>('amendment:draft', {
    articleId,
    content: { kind: 'replace-words', from: 'six heures', to: 'cinq heures' },
    justification: 'Une pause plus tôt dans la journée.',
    anchor: anchorOf('six heures'),
  });
  await ok('amendment:table', { amendmentId: draft.id });
  close();
}

/**
 * How many Yjs updates the page's browser store (y-indexeddb) holds, over every document it
 * keeps: the offline edit must be written there before the page goes away, as it is long
 * before a person reloads (the test reloads within milliseconds of typing).
 */
const storedUpdates = (page: Page) =>
  page.evaluate(async () => {
    let total = 0;
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      total += await new Promise<number>((resolve) => {
        const open = indexedDB.open(name);
        open.onerror = () => resolve(0);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('updates')) {
            db.close();
            return resolve(0);
          }
          const count = db.transaction('updates').objectStore('updates').count();
          count.onsuccess = () => (db.close(), resolve(count.result));
          count.onerror = () => (db.close(), resolve(0));
        };
      });
    }
    return total;
  });

const connected = (page: Page) => page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 20_000 });

describe('the whole text, and edits kept in the browser while offline', () => {
  const demo = useDemoBrowser();
  let writerContext: BrowserContext;
  let writer: Page;
  let reader: Page;
  let negotiation: string;
  /** Whether the writer's live-text connections are refused (the first test's reload). */
  let unreachable = false;

  beforeAll(async () => {
    negotiation = demo.ids.negotiations.tempsDeTravail;
    const options = { viewport: { width: 1440, height: 900 }, locale: 'fr-FR' };
    writerContext = await demo.browser.newContext(options);
    const path = `/negotiations/${negotiation}/text?article=${demo.ids.articles.tempsDeTravail[1]}`;
    writer = await signIn(writerContext, demo.server.url, 'negociateur@axess.demo', path);
    reader = await signIn(await demo.browser.newContext(options), demo.server.url, 'delegue@cfdt.demo', path);
  });
  // A test that stops while the writer is offline must not leave the next one offline.
  afterEach(async () => {
    unreachable = false;
    await writerContext?.setOffline(false);
  });

  it('an edit made offline is counted as waiting, survives a reload, and reaches another member on reconnection', async () => {
    const line = 'Ajout rédigé hors ligne, à envoyer au retour du réseau.';
    await connected(writer);
    await connected(reader);
    const text = writer.getByTestId('article-editor');
    await text.filter({ hasText: 'Le présent accord' }).waitFor({ timeout: 15_000 });

    await writerContext.setOffline(true);
    await writer.locator('[data-testid="connection"][data-state="offline"]').first().waitFor({ timeout: 10_000 });
    await text.click();
    const storedBefore = await storedUpdates(writer);
    await writer.keyboard.press('Control+End');
    await writer.keyboard.press('Enter');
    await writer.keyboard.type(line);
    await expect.poll(() => storedUpdates(writer), { timeout: 15_000 }).toBeGreaterThan(storedBefore);
    // Settled: two reads a moment apart agree.
    await expect.poll(async () => (await storedUpdates(writer)) - (await new Promise((r) => setTimeout(r, 300)).then(() => storedUpdates(writer))), { timeout: 15_000 }).toBe(0);
    // The page's indicator says how many changes wait.
    const waiting = writer.locator('.text-head [data-testid="pending-changes"]');
    await waiting.waitFor();
    expect(await waiting.innerText()).toMatch(/\d+ modifications? en attente d’envoi/);
    await screenshot(writer, 'offline-pending');

    // The page is reloaded while the live text still cannot reach the server (the network is back
    // for the page itself, not for the text's connection): the edit is read back from the browser.
    unreachable = true;
    await writer.routeWebSocket(/\/yjs\/article:/, (ws) => (unreachable ? ws.close({ code: 1001 }) : ws.connectToServer()));
    await writerContext.setOffline(false);
    await writer.reload();
    await text.filter({ hasText: line }).waitFor({ timeout: 15_000 });
    await waiting.waitFor();
    expect(await reader.getByTestId('article-editor').innerText()).not.toContain(line);

    // The text's connection comes back: the edit reaches the other member, nothing waits any more.
    unreachable = false;
    await reader.getByTestId('article-editor').filter({ hasText: line }).waitFor({ timeout: 20_000 });
    await connected(writer);
    await writer.locator('.text-head [data-testid="connection"][data-pending="0"]').waitFor({ timeout: 10_000 });
    // Once: the offline copy and the server's state are one history.
    expect((await reader.getByTestId('article-editor').innerText()).split(line).length - 1).toBe(1);
  });

  it('the whole text shows every article in order, annotations in the margin, amendments inline, and another member’s edit live', async () => {
    await annotateAndAmend(demo.server, negotiation, demo.ids.articles.tempsDeTravail[3]);
    const path = `/negotiations/${negotiation}/text?view=whole`;
    await reader.goto(`${demo.server.url}${path}`);
    await writer.goto(`${demo.server.url}${path}`);
    const whole = reader.getByTestId('whole-text');
    await whole.waitFor({ timeout: 15_000 });
    const articles = reader.getByTestId('whole-article');
    const numbers = await articles.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.article ?? ''));
    expect(numbers.length).toBe(demo.ids.articles.tempsDeTravail.length);
    // In the outline's order.
    const outline = await reader.locator('.outline-link').evaluateAll((els) => els.map((el) => el.textContent?.trim() ?? ''));
    const headings = await articles.locator('h3').evaluateAll((els) => els.map((el) => el.textContent?.trim() ?? ''));
    expect(headings).toEqual(outline);

    // Article 3: the committee's note in the margin at the height of its passage, the amendment in the text.
    const pause = articles.filter({ has: reader.locator('h3', { hasText: /^Article 3 / }) });
    await pause.scrollIntoViewIfNeeded();
    const note = pause.getByTestId('margin-note').filter({ hasText: NOTE });
    await note.waitFor({ timeout: 15_000 });
    const passage = pause.locator('.anchor-annotation', { hasText: 'vingt minutes' });
    await passage.waitFor({ timeout: 15_000 });
    await reader.waitForTimeout(300);
    const [noteBox, passageBox] = [await note.boundingBox(), await passage.boundingBox()];
    expect(noteBox!.x).toBeGreaterThan(passageBox!.x + passageBox!.width - 1);
    expect(Math.abs(noteBox!.y - passageBox!.y)).toBeLessThan(40);
    const label = pause.locator('.inline-amendment-label', { hasText: 'Amendement n° 1 (CGT)' });
    await label.waitFor();
    expect(await pause.locator('.inline-amendment-target').innerText()).toBe('six heures');
    expect(await pause.locator('.inline-amendment-proposed').count()).toBe(0);
    await reader.getByTestId('reading-amended').click();
    await pause.locator('.inline-amendment-proposed', { hasText: 'cinq heures' }).waitFor();
    expect(await pause.locator('.inline-amendment-replaced').innerText()).toBe('six heures');
    await screenshot(reader, 'whole-text-amended');
    if (process.env.SCREENSHOTS_DIR) await pause.screenshot({ path: `${process.env.SCREENSHOTS_DIR}/whole-text-article-amended.png` });

    // The last article's text is loaded when it comes into view, live: the writer's edit appears.
    const last = articles.last();
    await last.scrollIntoViewIfNeeded();
    const lastText = last.getByTestId('article-editor');
    await lastText.waitFor({ timeout: 15_000 });
    const writerLast = writer.getByTestId('whole-article').last();
    await writerLast.scrollIntoViewIfNeeded();
    await writerLast.getByTestId('article-editor').click();
    await writer.keyboard.press('Control+End');
    await writer.keyboard.type(' Phrase ajoutée dans le texte intégral.');
    await lastText.filter({ hasText: 'Phrase ajoutée dans le texte intégral.' }).waitFor({ timeout: 15_000 });
    await screenshot(reader, 'whole-text-1440');
    await reader.setViewportSize({ width: 768, height: 1024 });
    await screenshot(reader, 'whole-text-768');
  });

  it('in the whole text, an amendment’s passage is highlighted as in the article view: one mark naming every annotation and amendment on it, stacked underlines, dashes', async () => {
    // Article 6: the CGT tables an amendment on « dix heures » and annotates the same words for the committee.
    const articleId = demo.ids.articles.tempsDeTravail[6]!;
    const { anchorOf, ok, close } = await cgtOnArticle(demo.server, negotiation, articleId);
    const draft = await ok<{ id: string }>('amendment:draft', {
      articleId,
      content: { kind: 'replace-words', from: 'dix heures', to: 'neuf heures' },
      justification: 'Une journée plus courte.',
      anchor: anchorOf('dix heures'),
    });
    await ok('amendment:table', { amendmentId: draft.id });
    await ok('annotation:create', { articleId, anchor: anchorOf('dix heures'), body: 'Dix heures, c’est trop long.', visibility: 'committee' });
    close();
    await reader.setViewportSize({ width: 1440, height: 900 });
    await reader.goto(`${demo.server.url}/negotiations/${negotiation}/text?view=whole`);
    const article = reader.getByTestId('whole-article').filter({ has: reader.locator('h3', { hasText: /^Article 6 / }) });
    await article.scrollIntoViewIfNeeded();
    const passage = article.locator('.anchor-amendment.anchor-annotation', { hasText: 'dix heures' });
    await passage.waitFor({ timeout: 15_000 });
    const names = ((await passage.getAttribute('title')) ?? '').split('\n');
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^Amendement n° \d+ \(CGT\)$/);
    expect(names[1]).toBe('Annotation CGT, visible par toute la commission : « Dix heures, c’est trop long. »');
    expect(await passage.evaluate((element) => element.getAttribute('aria-description'))).toBe(names.join(' ; '));
    expect(await passage.getAttribute('data-layers')).toBe('2');
    expect((await passage.evaluate((element) => getComputedStyle(element).boxShadow)).split(/,(?![^(]*\))/)).toHaveLength(2);
    expect(await passage.evaluate((element) => `${getComputedStyle(element).textDecorationStyle} ${getComputedStyle(element).textDecorationLine}`)).toBe('dashed underline');
    // The amendment's number still stands in the text, after its passage.
    await article.locator('.inline-amendment-label', { hasText: names[0]! }).waitFor();
    await screenshot(reader, 'whole-text-highlights');
    if (process.env.SCREENSHOTS_DIR) await article.screenshot({ path: `${process.env.SCREENSHOTS_DIR}/whole-text-article-highlights.png` });
  });
});
