/**
 * Every screen, as its users see it, saved as PNG files to look at: each screen of
 * test/helpers/screens.ts (plus the whole-text view and a closed vote), at 1440×900 and
 * 768×1024, in French and in English, signed in as the secretariat, a union delegate and an
 * employer negotiator where what they see differs.
 *
 *   node scripts/screenshots.ts [DIR] [--only NAME,NAME] [--viewport desktop|tablet] [--locale fr|en]
 *
 * DIR defaults to $SCREENSHOTS_DIR, else screenshots/ (ignored by git). Files are named
 * `<viewport>-<locale>-<screen>-<role>.png`, the full page. It starts its own workspace on a free
 * port with the seeded demo, like the e2e tests, and needs nothing running. Each language has its
 * own browser speaking it, so a date input reads jj/mm/aaaa in French as a French user's browser
 * shows it; Debian's Chromium needs chromium-l10n for that (without it, mm/dd/yyyy in both).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureClientBuilt, launchBrowser, signIn } from '../test/helpers/browser.ts';
import { closedArticleVote, screensWithContent, type Screen } from '../test/helpers/screens.ts';
import { seedDemo, type DemoIds } from '../test/helpers/seed.ts';
import { startTestServer, type TestServer } from '../test/helpers/server.ts';

const VIEWPORTS = { desktop: { width: 1440, height: 900 }, tablet: { width: 768, height: 1024 } } as const;
const LOCALES = { fr: 'fr-FR', en: 'en-GB' } as const;
const ROLES = { secretariat: 'secretariat@axess.demo', delegate: 'delegue@cfdt.demo', negotiator: 'negociateur@axess.demo' } as const;
type Role = keyof typeof ROLES;

/** Screens whose content or controls depend on the role: shot as each of the three. */
const BY_ROLE = new Set(['negotiation', 'text-reader', 'whole-text', 'vote-result', 'session', 'signature', 'positions', 'projector']);

/** A closed vote on an article (the vote panel's result, named ballots and reasons), and the whole-text view. */
async function moreScreens(server: TestServer, ids: DemoIds): Promise<Screen[]> {
  const { negotiationId, articleId } = await closedArticleVote(server, ids);
  const n = `/negotiations/${negotiationId}`;
  return [
    {
      name: 'vote-result',
      email: ROLES.delegate,
      path: `${n}/text?article=${articleId}`,
      ready: (p) => p.locator('[data-testid="vote"][data-status="closed"]').first().waitFor({ timeout: 15_000 }),
    },
    {
      name: 'whole-text',
      email: ROLES.delegate,
      path: `${n}/text?view=whole`,
      ready: (p) => p.getByTestId('whole-article').first().getByTestId('article-editor').waitFor({ timeout: 15_000 }),
    },
  ];
}

function roleOf(email: string): Role {
  const found = (Object.keys(ROLES) as Role[]).find((role) => ROLES[role] === email);
  return found ?? (email.split('@')[0] as Role);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { only: { type: 'string' }, viewport: { type: 'string' }, locale: { type: 'string' } },
  });
  const dir = path.resolve(positionals[0] ?? process.env.SCREENSHOTS_DIR ?? 'screenshots');
  const only = values.only ? new Set(values.only.split(',')) : null;
  const viewports = (Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]).filter((v) => !values.viewport || v === values.viewport);
  const locales = (Object.keys(LOCALES) as (keyof typeof LOCALES)[]).filter((l) => !values.locale || l === values.locale);
  if (viewports.length === 0 || locales.length === 0) {
    process.stderr.write('--viewport is desktop or tablet, --locale is fr or en\n');
    process.exit(2);
  }
  fs.mkdirSync(dir, { recursive: true });

  ensureClientBuilt();
  const server = await startTestServer();
  // One browser per language: a date input is drawn in the browser's language (launchBrowser).
  const browsers = new Map<keyof typeof LOCALES, Browser>();
  try {
    const ids = await seedDemo(server);
    const screens = [...(await screensWithContent(server, ids)), ...(await moreScreens(server, ids))].filter((s) => !only || only.has(s.name));
    let count = 0;
    for (const viewport of viewports) {
      for (const locale of locales) {
        if (!browsers.has(locale)) browsers.set(locale, await launchBrowser(LOCALES[locale]));
        const browser = browsers.get(locale)!;
        const contexts = new Map<string | null, { context: BrowserContext; page: Page }>();
        const pageFor = async (email: string | null): Promise<Page> => {
          const known = contexts.get(email);
          if (known) return known.page;
          const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: LOCALES[locale] });
          // Signed in through the French form, then the reader's choice of language, as the language switch keeps it.
          const page = email ? await signIn(context, server.url, email, '/') : await context.newPage();
          await context.addInitScript((chosen) => localStorage.setItem('locale', chosen), locale);
          contexts.set(email, { context, page });
          return page;
        };
        for (const screen of screens) {
          const emails = screen.email && BY_ROLE.has(screen.name) ? Object.values(ROLES) : [screen.email];
          for (const email of emails) {
            const page = await pageFor(email);
            await page.goto(`${server.url}${screen.path}`);
            await screen.ready(page);
            // Live panels fill in after the first paint.
            await page.waitForTimeout(500);
            const file = path.join(dir, `${viewport}-${locale}-${screen.name}-${email ? roleOf(email) : 'public'}.png`);
            await page.screenshot({ path: file, fullPage: true });
            count++;
            process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
          }
        }
        for (const { context } of contexts.values()) await context.close();
      }
    }
    process.stdout.write(`${count} screenshots in ${dir}\n`);
  } finally {
    for (const browser of browsers.values()) await browser.close();
    await server.close();
  }
}

await main();
