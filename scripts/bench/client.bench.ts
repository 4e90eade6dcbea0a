// Client weight benchmark: the JavaScript each page downloads (raw, gzip and brotli, and what
// the browser actually transferred) and the time to a usable page under Chromium's "Fast 3G"
// profile, in headless Chromium driven by playwright-core with CDP network emulation.
// Budget (issue 18): the sign-in and home pages download at most 120 kB of JavaScript
// gzipped; the text page is usable (the editor connected, its text shown, the focus taken)
// within 2.5 s. Each page is opened in a new browser context, so with an empty HTTP cache (a
// first visit). The text page is opened CLIENT_BENCH_RUNS times (3): on a machine others are
// using, the script's run time varies from one visit to the next, the bytes and round trips
// do not; the median and the best are printed with the load average.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/main.ts';
import { CLIENT_DIST } from '../../server/app.ts';
import { ensureClientBuilt, launchBrowser } from '../../test/helpers/browser.ts';
import { DEMO_PASSWORD } from '../../server/seed/demo-content.ts';
import { freePort, round } from './children.ts';

const JS_BUDGET_GZIP_KB = 120;
const USABLE_BUDGET_MS = 2_500;

/**
 * Chrome DevTools' "Fast 3G" preset (its network throttling profiles): 1.6 Mbit/s down and
 * 750 kbit/s up, each × 0.9, and 150 ms × 3.75 of latency per round trip.
 */
const FAST_3G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
};

interface PageFigures {
  page: string;
  scripts: number;
  rawKB: number;
  gzipKB: number;
  brotliKB: number;
  /** What Chromium received for the scripts (headers included), as served (brotli). */
  transferredKB: number;
  /** From navigation to the page's "usable" mark, under Fast 3G. */
  usableMs: number;
  /** When the last script the page fetched before it was usable had arrived. */
  scriptsInMs: number;
  /** The text page: when its side panels (amendments, versions, activity) were shown. */
  panelsMs?: number;
  /** The scripts asked for before the page was usable (brotli): what shared the slow link with it. */
  brotliBeforeUsableKB: number;
}

const kb = (bytes: number) => round(bytes / 1000, 1);

/**
 * When each request and WebSocket of a page started and ended, relative to the navigation
 * (CLIENT_BENCH_WATERFALL=1 prints it): where the time to a usable page goes.
 */
class Waterfall {
  private readonly rows = new Map<string, { url: string; start: number; sent?: number; end?: number; bytes?: number; firstFrame?: number }>();
  private origin: number | null = null;

  constructor(cdp: CDPSession) {
    const at = (timestamp: number) => {
      this.origin ??= timestamp;
      return Math.round((timestamp - this.origin) * 1000);
    };
    cdp.on('Network.requestWillBeSent', (e) => this.rows.set(e.requestId, { url: e.request.url, start: at(e.timestamp) }));
    // When it left the browser: a request waits for a free connection (six per server over HTTP/1.1).
    cdp.on('Network.responseReceived', (e) => {
      const row = this.rows.get(e.requestId);
      const timing = e.response.timing;
      if (row && timing) row.sent = at(timing.requestTime + timing.sendStart / 1000);
    });
    cdp.on('Network.loadingFinished', (e) => {
      const row = this.rows.get(e.requestId);
      if (row) Object.assign(row, { end: at(e.timestamp), bytes: e.encodedDataLength });
    });
    // A WebSocket is named when created and timed from its handshake.
    cdp.on('Network.webSocketCreated', (e) => this.rows.set(e.requestId, { url: e.url, start: 0 }));
    cdp.on('Network.webSocketWillSendHandshakeRequest', (e) => {
      const row = this.rows.get(e.requestId);
      if (row) row.start = at(e.timestamp);
    });
    cdp.on('Network.webSocketHandshakeResponseReceived', (e) => {
      const row = this.rows.get(e.requestId);
      if (row) row.end = at(e.timestamp);
    });
    // A frame's bytes: binary frames come base64-encoded (a live document's sync), text as it is.
    cdp.on('Network.webSocketFrameReceived', (e) => {
      const row = this.rows.get(e.requestId);
      if (!row) return;
      row.firstFrame ??= at(e.timestamp);
      const { opcode, payloadData } = e.response;
      row.bytes = (row.bytes ?? 0) + (opcode === 2 ? Buffer.from(payloadData, 'base64').length : Buffer.byteLength(payloadData));
    });
  }

  print(page: string, usableMs: number): void {
    process.stdout.write(`-- ${page} (usable at ${Math.round(usableMs)} ms after the navigation began)\n`);
    for (const row of [...this.rows.values()].sort((a, b) => a.start - b.start)) {
      const url = new URL(row.url);
      const name = `${url.pathname}${url.search}`.slice(0, 70);
      const frame = row.firstFrame === undefined ? '' : `  first frame ${row.firstFrame}`;
      const sent = row.sent === undefined ? '      ' : String(row.sent).padStart(6);
      process.stdout.write(`  ${String(row.start).padStart(6)} (sent ${sent}) → ${String(row.end ?? '…').padStart(6)}  ${kb(row.bytes ?? 0).toString().padStart(6)} kB  ${name}${frame}\n`);
    }
  }
}

/** Sizes of a built asset: as is, and the .gz and .br the build wrote beside it (small files have none: sent as they are). */
function assetSizes(url: string): { raw: number; gzip: number; brotli: number } {
  const file = path.join(CLIENT_DIST, new URL(url).pathname);
  const raw = fs.statSync(file).size;
  const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : raw);
  return { raw, gzip: size(`${file}.gz`), brotli: size(`${file}.br`) };
}

/** Opens `pathname` throttled in a fresh context and measures it until `usable` resolves. */
async function measure(
  context: BrowserContext,
  base: string,
  name: string,
  pathname: string,
  usable: (page: Page) => Promise<unknown>,
  complete?: (page: Page) => Promise<unknown>,
): Promise<PageFigures> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);
  const scripts = new Map<string, string>();
  const transferred = new Map<string, number>();
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Script') scripts.set(e.requestId, e.response.url);
  });
  cdp.on('Network.loadingFinished', (e) => transferred.set(e.requestId, e.encodedDataLength));
  const waterfall = new Waterfall(cdp);
  const scriptArrivals: number[] = [];
  const asked = new Map<string, number>();
  cdp.on('Network.requestWillBeSent', (e) => asked.set(e.requestId, performance.now()));
  cdp.on('Network.loadingFinished', (e) => {
    if (scripts.has(e.requestId)) scriptArrivals.push(performance.now());
  });

  const started = performance.now();
  await page.goto(`${base}${pathname}`);
  await usable(page);
  const usableMs = performance.now() - started;
  const scriptsInMs = Math.max(0, ...scriptArrivals.map((at) => at - started));
  let panelsMs: number | undefined;
  if (complete) {
    await complete(page);
    panelsMs = Math.round(performance.now() - started);
  }
  await page.waitForLoadState('networkidle');
  if (process.env.CLIENT_BENCH_WATERFALL) waterfall.print(name, usableMs);

  const totals = { raw: 0, gzip: 0, brotli: 0, transferred: 0, brotliBeforeUsable: 0 };
  for (const [requestId, url] of scripts) {
    const sizes = assetSizes(url);
    if ((asked.get(requestId) ?? Infinity) - started <= usableMs) totals.brotliBeforeUsable += sizes.brotli;
    totals.raw += sizes.raw;
    totals.gzip += sizes.gzip;
    totals.brotli += sizes.brotli;
    totals.transferred += transferred.get(requestId) ?? 0;
  }
  await page.close();
  return {
    page: name,
    scripts: scripts.size,
    rawKB: kb(totals.raw),
    gzipKB: kb(totals.gzip),
    brotliKB: kb(totals.brotli),
    transferredKB: kb(totals.transferred),
    usableMs: Math.round(usableMs),
    scriptsInMs: Math.round(scriptsInMs),
    brotliBeforeUsableKB: kb(totals.brotliBeforeUsable),
    ...(panelsMs === undefined ? {} : { panelsMs }),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run() {
  ensureClientBuilt();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-bench-client-'));
  const port = await freePort();
  // Development mode seeds the demo on the empty database, as `npm start` does.
  const server: RunningServer = await startServer({ ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'development' });
  const browser = await launchBrowser();
  const options = { viewport: { width: 1280, height: 900 }, locale: 'fr-FR' };
  try {
    // One unthrottled sign-in gives the session cookie every signed-in page starts with.
    const signedIn = await browser.newContext(options);
    const login = await signedIn.newPage();
    await login.goto(`${server.url}/login`);
    await login.getByLabel('Adresse e-mail').fill('negociateur@axess.demo');
    await login.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await login.getByRole('button', { name: 'Se connecter' }).click();
    await login.waitForURL((u) => u.pathname === '/');
    const { negotiation, article } = await login.evaluate(async () => {
      const list = (await (await fetch('/api/negotiations')).json()) as { id: string; title: string }[];
      const id = list.find((n) => n.title.includes('temps de travail'))?.id ?? list[0].id;
      const detail = (await (await fetch(`/api/negotiations/${id}`)).json()) as { articles: { id: string }[] };
      return { negotiation: id, article: detail.articles[0].id };
    });
    const storageState = await signedIn.storageState();
    await signedIn.close();

    const fresh = (signed: boolean) => browser.newContext({ ...options, ...(signed ? { storageState } : {}) });
    const heading = (page: Page) => page.locator('main h1').first().waitFor();
    type Usable = (page: Page) => Promise<unknown>;
    const pages: [string, boolean, string, Usable, Usable?][] = [
      ['sign-in', false, '/login', (page) => page.getByRole('button', { name: 'Se connecter' }).waitFor()],
      ['home', true, '/', (page) => page.locator('main a[href^="/negotiations/"]').first().waitFor()],
      ['negotiation', true, `/negotiations/${negotiation}`, heading],
      [
        'text',
        true,
        `/negotiations/${negotiation}/text?article=${article}`,
        // The article's own editor: connected, synced and showing its text, and taking the focus
        // (the outline's indicator in the page head says nothing about the article).
        (page) =>
          page.waitForFunction(
            () => {
              const editor = document.querySelector('.article-editor[data-synced="true"]');
              const state = editor?.querySelector('[data-testid="connection"]')?.getAttribute('data-state');
              const surface = editor?.querySelector<HTMLElement>('[data-testid="article-editor"][contenteditable="true"]');
              if (state !== 'connected' || !surface?.textContent?.trim()) return false;
              surface.focus();
              return document.activeElement === surface;
            },
            undefined,
            { timeout: 60_000, polling: 'raf' },
          ),
        // What follows the editor: the amendments, versions and activity beside it.
        (page) =>
          Promise.all(['[data-testid="amendment-panel"]', '.version-panel', '[data-testid="activity-feed"]'].map((panel) => page.locator(panel).waitFor({ timeout: 60_000 }))),
      ],
      ['sessions', true, `/negotiations/${negotiation}/sessions`, heading],
      ['signature', true, `/negotiations/${negotiation}/signature`, heading],
    ];
    const runs = Math.max(1, Number(process.env.CLIENT_BENCH_RUNS ?? 3));
    const figures: PageFigures[] = [];
    const textRuns: PageFigures[] = [];
    const load = [os.loadavg()[0]];
    // CLIENT_BENCH_PAGES=home,sessions measures the text page and those only (CLIENT_BENCH_PAGES=text: the text page alone).
    const only = process.env.CLIENT_BENCH_PAGES?.split(',');
    for (const [name, signed, pathname, usable, complete] of pages.filter(([name]) => !only || name === 'text' || only.includes(name))) {
      for (let run = 0; run < (name === 'text' ? runs : 1); run++) {
        const context = await fresh(signed);
        const measured = await measure(context, server.url, name, pathname, usable, complete);
        await context.close();
        if (name === 'text') textRuns.push(measured);
        if (run === 0) figures.push(measured);
      }
    }
    load.push(os.loadavg()[0]);
    // The text page's row: the median run (its bytes are the same every time).
    const textMedian = median(textRuns.map((f) => f.usableMs));
    figures[figures.findIndex((f) => f.page === 'text')] = textRuns.find((f) => f.usableMs === textMedian)!;

    process.stdout.write(`load average ${round(load[0], 1)} → ${round(load[1], 1)} on ${os.cpus().length} cores\n`);
    process.stdout.write('page          scripts   raw kB   gzip kB   br kB   sent kB   br kB before usable   scripts in   usable (Fast 3G)\n');
    for (const f of figures) {
      process.stdout.write(
        `${f.page.padEnd(13)} ${String(f.scripts).padStart(7)} ${String(f.rawKB).padStart(8)} ${String(f.gzipKB).padStart(9)} ${String(f.brotliKB).padStart(7)} ${String(f.transferredKB).padStart(9)}   ${String(f.brotliBeforeUsableKB).padStart(19)}   ${String(f.scriptsInMs).padStart(7)} ms   ${f.usableMs} ms${f.panelsMs ? ` (panels ${f.panelsMs} ms)` : ''}\n`,
      );
    }
    process.stdout.write(`text page, ${runs} runs: usable ${textRuns.map((f) => f.usableMs).join(', ')} ms; median ${textMedian}, best ${Math.min(...textRuns.map((f) => f.usableMs))}\n`);
    const budget = figures
      .filter((f) => f.page === 'sign-in' || f.page === 'home')
      .map((f) => ({ page: f.page, gzipKB: f.gzipKB, budgetKB: JS_BUDGET_GZIP_KB, ratio: round(f.gzipKB / JS_BUDGET_GZIP_KB), ok: f.gzipKB <= JS_BUDGET_GZIP_KB }));
    const best = Math.min(...textRuns.map((f) => f.usableMs));
    const usable = {
      page: 'text',
      usableMs: textMedian,
      bestMs: best,
      runs: textRuns.map((f) => f.usableMs),
      budgetMs: USABLE_BUDGET_MS,
      ratio: round(textMedian / USABLE_BUDGET_MS),
      ok: textMedian <= USABLE_BUDGET_MS,
    };
    for (const b of budget) process.stdout.write(`${b.page}: ${b.gzipKB} kB of JavaScript gzipped, budget ${b.budgetKB} kB (×${b.ratio}) ${b.ok ? 'ok' : 'OVER'}\n`);
    process.stdout.write(`text page usable in ${usable.usableMs} ms under Fast 3G (median of ${runs}, best ${best}), target ${usable.budgetMs} ms (×${usable.ratio}) ${usable.ok ? 'ok' : 'OVER'}; load average ${round(load[1], 1)}\n`);
    return { profile: 'Fast 3G', network: FAST_3G, loadAverage: load, pages: figures, budget, usable };
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
