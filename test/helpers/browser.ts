import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CLIENT_DIST } from '../../server/app.ts';
import { DEMO_PASSWORD } from './auth.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium, quiet: no background networking, no updates, no sync. With `locale`
 * (fr-FR, en-GB), the browser itself speaks that language: Chromium draws a date input's
 * placeholder (jj/mm/aaaa, dd/mm/yyyy) in the browser's language, not the page's `lang` nor the
 * context's `locale`, and on Linux it takes that language from LANGUAGE (not --lang), among the
 * languages it has (Debian's chromium-l10n; without it, en-US: mm/dd/yyyy).
 */
export function launchBrowser(locale?: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    ...(locale ? { env: { ...process.env, LANGUAGE: locale.replace('-', '_') } } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Builds the client with Vite when dist/client is missing or older than client/ or shared/.
 * Always a production build, what a delegate's browser gets: under Vitest NODE_ENV is `test`,
 * which Vite would pass on to Svelte (its larger development runtime, its dev checks).
 */
export function ensureClientBuilt(): void {
  const built = path.join(CLIENT_DIST, 'index.html');
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      const full = path.join(dir, entry.name);
      return Math.max(max, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
    }, 0);
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs > Math.max(newest('client'), newest('shared'))) return;
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error('client build failed');
}

/** Saves a screenshot when SCREENSHOTS_DIR is set (for people reviewing the screens). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOTS_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** The API reads (GET, path) the context's pages make from now on: a live panel is not read again. */
export function countApiReads(context: BrowserContext): string[] {
  const reads: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (request.method() === 'GET' && url.pathname.startsWith('/api/')) reads.push(url.pathname);
  });
  return reads;
}

/** Signs a demo account in through the sign-in page and lands on `next` (a path, query allowed). */
export async function signIn(context: BrowserContext, url: string, email: string, next: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((u) => u.pathname === next.split('?')[0]);
  return page;
}

/** Selects the first occurrence of `words` in the article editor. */
export async function selectWords(page: Page, words: string): Promise<void> {
  await page.getByTestId('article-editor').evaluate((root, target) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(target) ?? -1;
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + target.length);
      const selection = window.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      return;
    }
    throw new Error(`"${target}" not in the editor`);
  }, words);
  // ProseMirror reads the DOM selection on selectionchange.
  await page.waitForTimeout(200);
}
