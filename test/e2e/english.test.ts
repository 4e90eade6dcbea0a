import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestServer } from '../helpers/server.ts';
import type { DemoIds } from '../helpers/seed.ts';
import { screenshot, signIn } from '../helpers/browser.ts';
import { CLOSED_VOTE_TITLE, closedArticleVote, screensWithContent, type Screen } from '../helpers/screens.ts';
import { DEMO_ACCOUNTS, DEMO_NEGOTIATIONS, DEMO_ORGANISATIONS } from '../../server/seed/demo-content.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { call, login } from '../helpers/auth.ts';

/**
 * In English, no screen shows a word of the client's French catalogue, except in data: what
 * the users wrote (article text, titles, names, statements), which stays in its language.
 * The French words are those of the French messages that no English message uses; the data is
 * everything the seed and the test's set-up wrote, read back from the database, and the
 * article text inside the editor.
 */

const TOKEN = /[\p{L}\p{N}]+/gu;
/**
 * The words of a text, in lower case. Not words: a token with digits (a hash, a date, « L2232 »),
 * one in capitals (CFDT, PDF, EN), a lone unaccented letter (the l’ of an elision).
 */
const words = (text: string): string[] =>
  (text.match(TOKEN) ?? [])
    .filter((w) => !/\p{N}/u.test(w) && (w.length > 1 ? w !== w.toUpperCase() : /[^a-z]/i.test(w)))
    .map((w) => w.toLowerCase());

/** Where a string stands as whole words: not glued to a letter or a digit on either side. */
const wholeWords = (written: string): RegExp =>
  new RegExp(`(?<![\\p{L}\\p{N}])${written.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu');

/** English words the client writes through Intl rather than its catalogue: weekday and month names. */
function intlEnglish(): string[] {
  const out: string[] = [];
  for (const weekday of ['long', 'short', 'narrow'] as const) {
    for (let d = 1; d <= 7; d++) out.push(new Intl.DateTimeFormat('en-GB', { weekday, timeZone: 'UTC' }).format(Date.UTC(2024, 0, d)));
  }
  for (const month of ['long', 'short'] as const) {
    for (let m = 0; m < 12; m++) out.push(new Intl.DateTimeFormat('en-GB', { month, timeZone: 'UTC' }).format(Date.UTC(2024, m, 15)));
  }
  return out;
}

type Catalogue = Record<string, string | Record<string, string>>;
const messageTexts = (catalogue: Catalogue): string[] =>
  Object.values(catalogue).flatMap((m) => (typeof m === 'string' ? [m] : Object.values(m))).map((m) => m.replace(/\{\w+\}/g, ' '));

/** Every feature's catalogue (`client/src/<feature>/messages.ts`), French and English. */
async function catalogues(): Promise<{ fr: string[]; en: string[] }> {
  const fr: string[] = [];
  const en: string[] = [];
  const root = path.resolve('client/src');
  for (const feature of fs.readdirSync(root)) {
    const file = path.join(root, feature, 'messages.ts');
    if (!fs.existsSync(file)) continue;
    for (const value of Object.values(await import(file))) {
      if (!value || typeof value !== 'object' || !('fr' in value) || !('en' in value)) continue;
      fr.push(...messageTexts(value.fr as Catalogue));
      en.push(...messageTexts(value.en as Catalogue));
    }
  }
  return { fr, en };
}

/**
 * What the server writes in French for the minutes and the exports (a vote's reasons and
 * threshold, a verdict's reasons) is stored but is no one's writing: a screen must say it in
 * the reader's language.
 */
const SERVER_WORDING = new Set(['reasons', 'threshold']);

/** Every string a value holds, however deep (the server's own French wording left out). */
function strings(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object' && !(value instanceof Uint8Array) && !ArrayBuffer.isView(value)) {
    if (typeof (value as { toHexString?: unknown }).toHexString === 'function') return out;
    for (const [key, v] of Object.entries(value)) if (!SERVER_WORDING.has(key)) strings(v, out);
  }
  return out;
}

/**
 * Two more screens with what a reader meets there: a closed vote, with its tally and the
 * reasons of its result, on the text page; and a signature campaign the engine cannot assess
 * (its stored weights no longer add up to 100 %, as data written before the opening check),
 * whose page says why.
 */
/** A screen, and what else it must say in English (problems found, none when right). */
type Walked = Screen & { check?: (page: Page) => Promise<string[]> };

async function voteAndScenarioError(server: TestServer, ids: DemoIds): Promise<Walked[]> {
  const { negotiationId, articleId, voteId } = await closedArticleVote(server, ids);
  const secretariat = await login(server, 'secretariat@axess.demo');

  const campaign = await call(server, `/negotiations/${negotiationId}/signature/open`, { cookie: secretariat, body: { signatureDeadline: '2099-12-31' } });
  if (campaign.status !== 201) throw new Error(`opening the campaign: ${campaign.status}`);
  const stored = server.app.context.db.connection.db!.collection('signature_campaigns');
  const { modifiedCount } = await stored.updateOne({ negotiationId }, { $set: { 'view.parties.$[fo].weight': 13.69 } }, { arrayFilters: [{ 'fo.shortName': 'FO' }] });
  if (modifiedCount !== 1) throw new Error('the campaign’s weights were not changed');

  const vote = (await server.app.context.db.connection.db!.collection('events').findOne({ type: 'vote:closed', 'payload.voteId': voteId }))!;
  const french = [vote.payload.result.threshold as string, ...(vote.payload.result.reasons as string[])];
  const n = `/negotiations/${negotiationId}`;
  return [
    {
      name: 'vote-result',
      email: 'delegue@cfdt.demo',
      path: `${n}/text?article=${articleId}`,
      ready: (p) => p.locator('[data-testid="vote"][data-status="closed"]').filter({ hasText: CLOSED_VOTE_TITLE }).waitFor({ timeout: 15_000 }),
      check: async (p) => {
        const panel = p.locator('[data-testid="vote"][data-status="closed"]').filter({ hasText: CLOSED_VOTE_TITLE });
        const problems: string[] = [];
        if ((await panel.getByTestId('vote-reasons').count()) === 0) problems.push('vote-result: the reasons of the result are not shown');
        const text = await panel.evaluate((el) => {
          for (const details of el.querySelectorAll('details')) details.open = true;
          return (el as HTMLElement).innerText;
        });
        for (const sentence of french) if (text.includes(sentence)) problems.push(`vote-result: the server's French « ${sentence.slice(0, 60)} »`);
        // Employer college: AXESS for (100.00 %); union college: CFDT 38.50 % for, CGT 35.18 % against.
        if (!text.includes('The employer college is in favour (for 100.00\u202f%, against 0.00\u202f%, majority required 50.01\u202f%).')) problems.push('vote-result: no English reason for the employer college');
        if (!text.includes('The union college is in favour (for 38.50\u202f%, against 35.18\u202f%, majority required 36.85\u202f%).')) problems.push('vote-result: no English reason for the union college');
        if (/\d,\d\d/.test(await panel.getByTestId('vote-pour-union').innerText())) problems.push('vote-result: weights written with a French decimal comma');
        return problems;
      },
    },
    {
      name: 'signature-scenario-error',
      email: 'delegue@cfdt.demo',
      path: `${n}/signature`,
      ready: (p) => p.locator('main p.error').first().waitFor({ timeout: 15_000 }),
      check: async (p) => {
        const text = await p.locator('main p.error').first().innerText();
        const expected = 'organisations: the weights of the representative employees’ unions add up to 99.00\u202f% instead of 100\u202f% (tolerance ± 0.01)';
        return text === expected ? [] : [`signature-scenario-error: « ${text} »`];
      },
    },
  ];
}

/**
 * What the users wrote: the demo content and the strings stored in the database. A stored
 * string in lower case without a capital is a code (a stance « réservé », a ballot « contre »,
 * a status), which the screens must translate: it is not data.
 */
async function dataStrings(server: TestServer): Promise<string[]> {
  const out = strings([DEMO_ACCOUNTS, DEMO_NEGOTIATIONS, DEMO_ORGANISATIONS], new Set());
  const db = server.app.context.db.connection.db!;
  for (const { name } of await db.listCollections().toArray()) {
    for (const doc of await db.collection(name).find({}).toArray()) {
      for (const value of strings(doc, new Set())) if (value !== value.toLowerCase()) out.add(value);
    }
  }
  // Longest first, so that a title is removed before a word of it.
  return [...out].filter((s) => s.trim().length > 1).sort((a, b) => b.length - a.length);
}

/** The page's visible text and its accessible names, the live article text left out (it is data). */
function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    // What a reader can unfold is on the screen too (the verdict's reasoning, for one).
    for (const details of document.querySelectorAll('details')) details.open = true;
    const parts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('.ProseMirror, script, style, [hidden]')) continue;
      if (parent.checkVisibility && !parent.checkVisibility({ visibilityProperty: true, opacityProperty: false }) && !parent.closest('.sr-only, .visually-hidden')) continue;
      parts.push(node.textContent ?? '');
    }
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
      if (el.closest('.ProseMirror')) continue;
      for (const attribute of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = el.getAttribute(attribute);
        if (value) parts.push(value);
      }
    }
    for (const el of document.body.querySelectorAll<HTMLInputElement>('input[type="submit"], input[type="button"]')) parts.push(el.value);
    return parts.join('\n');
  });
}

describe('in English, every screen is English', () => {
  const demo = useDemoBrowser();
  let screens: Walked[];
  let french: Set<string>;
  let data: string[];

  beforeAll(async () => {
    screens = [...(await screensWithContent(demo.server, demo.ids)), ...(await voteAndScenarioError(demo.server, demo.ids))];
    const { fr, en } = await catalogues();
    const english = new Set([...en, ...intlEnglish()].flatMap(words));
    french = new Set(fr.flatMap(words).filter((w) => !english.has(w)));
    data = await dataStrings(demo.server);
  }, 120_000);

  it('no word of the French catalogue on any screen, and <html lang="en">', { timeout: 420_000 }, async () => {
    const viewport = { width: 1440, height: 900 };
    const pages = new Map<string | null, Page>();
    const found: string[] = [];
    for (const screen of screens) {
      let page = pages.get(screen.email);
      if (!page) {
        const context = await demo.browser.newContext({ viewport, locale: 'en-GB' });
        page = screen.email ? await signIn(context, demo.server.url, screen.email, '/') : await context.newPage();
        // The reader chose English (the language switch keeps the choice in localStorage).
        await context.addInitScript(() => localStorage.setItem('locale', 'en'));
        pages.set(screen.email, page);
      }
      await page.goto(`${demo.server.url}${screen.path}`);
      await screen.ready(page);
      // Live panels fill in after the first paint.
      await page.waitForTimeout(500);
      const lang = await page.evaluate(() => document.documentElement.lang);
      if (lang !== 'en') found.push(`${screen.name}: <html lang="${lang}">`);
      let text = await pageText(page);
      // A written string is removed where it stands as whole words: « 13 », an article's number,
      // is data, but not the 13 inside a version's fingerprint (« …a13ce… » would leave « ce »).
      for (const written of data) if (text.includes(written)) text = text.replace(wholeWords(written), '\n');
      const seen = new Map<string, string>();
      for (const line of text.split('\n')) {
        for (const word of words(line)) if (french.has(word) && !seen.has(word)) seen.set(word, line.trim().slice(0, 120));
      }
      for (const [word, line] of seen) found.push(`${screen.name}: « ${word} » in « ${line} »`);
      // French typography is French too: a space before a colon (« Présents : »), guillemets.
      for (const line of text.split('\n')) if (/\S[ \u00a0\u202f][:;](\s|$)|[«»]/.test(line)) found.push(`${screen.name}: French punctuation in « ${line.trim().slice(0, 120)} »`);
      // The bold button shows the first letter of its word: B, not the French G (Gras).
      for (const letter of await page.locator('.toolbar button b').allInnerTexts()) if (letter !== 'B') found.push(`${screen.name}: the bold button reads « ${letter} »`);
      if (screen.check) found.push(...(await screen.check(page)));
      await screenshot(page, `en-${screen.name}`);
    }
    for (const page of pages.values()) await page.context().close();
    console.log(found.join('\n'));
    expect(found).toEqual([]);
  });
});
