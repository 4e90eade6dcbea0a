import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutePreload } from '../../scripts/build/route-preloads.ts';

// What a first visit downloads before a page can show, read from a production build of its own
// (NODE_ENV=production, as test/helpers/browser.ts builds dist/client): the HTML's
// entry script and the modules it preloads, plus what the server names for the route
// (route-preloads.json, the route's page and everything it imports statically). The budgets are
// for a delegate on a slow mobile link: issue 18 sets 120 kB gzipped for the sign-in and home
// pages; the text page's is its size once StarterKit, linkifyjs, the catalogues of the other
// pages, the validity rules, the minutes editor's undo and the tables' editing left it, with a little room, so that
// whatever enters it again is a decision. Each first visit also has a number of scripts: over
// HTTP/1.1 a browser sends six requests to a server at a time, and on a slow link one more file
// in the text page's first wave made the early start's reads wait for a connection. Since the
// small modules several pages share joined the first script (they were a file every page named),
// sign-in and home have two scripts and the text page five.
const BUDGETS: Record<string, { gzipKB: number; scripts: number }> = {
  '/login': { gzipKB: 120, scripts: 2 },
  '/': { gzipKB: 120, scripts: 2 },
  '/negotiations/:id/text': { gzipKB: 195, scripts: 5 },
};

let dist: string;

function firstLoad(pattern: string): { scripts: string[]; gzipKB: number } {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const routes = JSON.parse(fs.readFileSync(path.join(dist, 'route-preloads.json'), 'utf8')) as RoutePreload[];
  const route = routes.find((r) => r.pattern === pattern);
  if (!route) throw new Error(`no route ${pattern} in route-preloads.json`);
  const fromHtml = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1] ?? m[2]);
  const scripts = [...new Set([...fromHtml, ...route.scripts])];
  const bytes = scripts.reduce((sum, url) => sum + zlib.gzipSync(fs.readFileSync(path.join(dist, url))).length, 0);
  return { scripts, gzipKB: Math.round(bytes / 100) / 10 };
}

describe("a first visit's JavaScript, within its budget", () => {
  beforeAll(() => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-budget-'));
    // Through Vite's API, not its command: the command refuses to run beside another file's build.
    const script = `import { build } from 'vite'; await build({ logLevel: 'warn', build: { outDir: ${JSON.stringify(dist)}, emptyOutDir: true } });`;
    const build = spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (build.status !== 0) throw new Error('client build failed');
  }, 300_000);
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

  it("the first script leaves out the rules only the later pages share (the votes' reasons): they come with the later words, which those pages name in their HTML", () => {
    const code = (url: string) => fs.readFileSync(path.join(dist, url), 'utf8');
    const entry = /<script type="module"[^>]* src="([^"]+)"/.exec(fs.readFileSync(path.join(dist, 'index.html'), 'utf8'))?.[1];
    expect(entry).toBeDefined();
    // shared/votes/tally-reasons.ts, and the members' page's words (client/src/members/messages.ts).
    const reasons = 'n’a exprimé aucun suffrage pondéré';
    const laterWords = 'Invitez les délégations';
    expect(code(entry!)).not.toContain(reasons);
    expect(code(entry!)).not.toContain(laterWords);
    for (const pattern of ['/negotiations/:id/members', '/negotiations/:id/signature', '/negotiations/:id/sessions']) {
      const scripts = firstLoad(pattern).scripts.map(code);
      expect(scripts.some((script) => script.includes(reasons) && script.includes(laterWords)), pattern).toBe(true);
    }
  });

  it("the sign-in, invitation and account pages' words come with their own code, not in the first script", () => {
    const code = (url: string) => fs.readFileSync(path.join(dist, url), 'utf8');
    const entry = /<script type="module"[^>]* src="([^"]+)"/.exec(fs.readFileSync(path.join(dist, 'index.html'), 'utf8'))?.[1];
    const words = { '/login': 'Connectez-vous avec l’adresse e-mail de votre mandat.', '/invitations/:token': 'Rejoindre la négociation', '/compte': 'Changer de mot de passe' };
    for (const [pattern, said] of Object.entries(words)) {
      expect(code(entry!)).not.toContain(said);
      expect(firstLoad(pattern).scripts.some((url) => code(url).includes(said)), pattern).toBe(true);
    }
  });

  it("no script carries Tiptap's Markdown, which nothing here reads (scripts/build/no-markdown.ts)", () => {
    const scripts = fs.readdirSync(path.join(dist, 'assets')).filter((file) => file.endsWith('.js'));
    const editor = scripts.filter((file) => fs.readFileSync(path.join(dist, 'assets', file), 'utf8').includes('ProseMirror-hideselection'));
    expect(editor.length).toBeGreaterThan(0);
    expect(scripts.filter((file) => /parseMarkdown|renderMarkdown|markdownTokenName|markdownTokenizer/.test(fs.readFileSync(path.join(dist, 'assets', file), 'utf8')))).toEqual([]);
  });

  it.each(Object.entries(BUDGETS))('%s downloads at most its budget of JavaScript gzipped, in at most its number of scripts, before it shows', (pattern, budget) => {
    const sut = firstLoad(pattern);
    expect(sut.scripts.length).toBeGreaterThan(1);
    expect(sut.scripts.length, `${pattern}: ${sut.scripts.join(', ')}`).toBeLessThanOrEqual(budget.scripts);
    expect(sut.gzipKB, `${pattern}: ${sut.scripts.join(', ')}`).toBeLessThanOrEqual(budget.gzipKB);
  });
});
