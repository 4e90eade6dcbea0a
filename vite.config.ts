import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { compression } from 'vite-plugin-compression2';
import { firstPageModules, routePreloads } from './scripts/build/route-preloads.ts';
import { pureSchemas } from './scripts/build/pure-schemas.ts';
import { noMarkdown } from './scripts/build/no-markdown.ts';
import { earlyStart } from './scripts/build/early-start.ts';

// One config for the client build (Vite) and for every test project (Vitest).

type ModuleGraph = { getModuleInfo(id: string): { isEntry: boolean; importers: readonly string[] } | null };
/** A module the walk below looks for among `id`'s importers. */
type Ancestor = (id: string, info: { isEntry: boolean }) => boolean;
const importedByMemo = new Map<Ancestor, Map<string, boolean>>();
/**
 * Whether `id` is an `ancestor` or imported statically by one, directly or through other modules.
 * Each group asks it of every module, some twice: the answers are kept per ancestor (a `false`
 * found inside a circle of imports is not, as the circle's start may yet find the way out).
 */
function importedBy(id: string, ancestor: Ancestor, graph: ModuleGraph, seen = new Set<string>()): boolean {
  let memo = importedByMemo.get(ancestor);
  if (!memo) importedByMemo.set(ancestor, (memo = new Map()));
  const known = memo.get(id);
  if (known !== undefined) return known;
  if (seen.has(id)) return false;
  seen.add(id);
  const info = graph.getModuleInfo(id);
  const result = !!info && (ancestor(id, info) || info.importers.some((importer) => importedBy(importer, ancestor, graph, seen)));
  if (seen.size === 1 || result) memo.set(id, result);
  return result;
}
/** A module named by its path. */
const moduleAt = (path: RegExp): Ancestor => (id) => path.test(id);
const ENTRY: Ancestor = (_id, info) => info.isEntry;
/** Whether the entry imports `id` statically, directly or through other modules (it is in the first script). */
const isInitial = (id: string, graph: ModuleGraph) => importedBy(id, ENTRY, graph);
type PageGraph = { getModuleInfo(id: string): { isEntry: boolean; importers: readonly string[]; dynamicImporters: readonly string[]; code?: string | null } | null };
const pagesOf = new Map<string, Set<string>>();
/**
 * The modules imported on demand (the pages of lib/pages.ts, the text page's stack and panels…)
 * that import `id` statically, directly or through other modules: what it is shared by.
 */
function pagesImporting(id: string, graph: PageGraph, seen = new Set<string>()): Set<string> {
  const known = pagesOf.get(id);
  if (known) return known;
  const pages = new Set<string>();
  if (seen.has(id)) return pages;
  seen.add(id);
  const info = graph.getModuleInfo(id);
  if (info && info.dynamicImporters.length > 0) pages.add(id);
  for (const importer of info?.importers ?? []) for (const page of pagesImporting(importer, graph, seen)) pages.add(page);
  if (seen.size === 1) pagesOf.set(id, pages);
  return pages;
}
/**
 * The small modules several pages share (rules from shared/, the client's lib/ and the session,
 * negotiation and members states). The sessions' rules stay with the sessions pages (their
 * Paris clock, which the dates of every page use, comes with the others); the validity rules
 * (4.6 kB brotli) have a file of their own, for the signature, verifier and panels that use
 * them; and the connection stays out: it brings the Socket.IO client, which no page needs
 * before it is usable.
 */
const SHARED = /[\\/](shared(?![\\/](validity[\\/]|sessions[\\/](?!paris-time\.ts$)))|client[\\/]src[\\/](lib|shell|auth|negotiations|members))[\\/]/;
function sharedByPages(id: string, graph: PageGraph): boolean {
  if (!SHARED.test(id) || /[\\/]connection\.svelte\.ts$/.test(id)) return false;
  if ((graph.getModuleInfo(id)?.code?.length ?? 0) > 12_000) return false;
  return pagesImporting(id, graph).size >= 2;
}

const EDITOR_STACK_PATH = /[\\/]client[\\/]src[\\/]editor[\\/]editor-stack\.ts$/;
const EDITOR_STACK = moduleAt(EDITOR_STACK_PATH);
const COLLAB = moduleAt(/[\\/]client[\\/]src[\\/]editor[\\/]collab\.svelte\.ts$/);
const EDITING_AFTER_PAINT_PATH = /[\\/]client[\\/]src[\\/]editor[\\/]editing-after-paint\.ts$/;
const EDITING_AFTER_PAINT = moduleAt(EDITING_AFTER_PAINT_PATH);
const TEXT_PAGE = moduleAt(/[\\/]client[\\/]src[\\/]editor[\\/]AgreementView\.svelte$/);
const PAGES = fileURLToPath(new URL('./client/src/lib/pages.ts', import.meta.url));
const FIRST_PAGES = new Set(firstPageModules(PAGES));
/** Whether a page (pagesImporting) is loaded before the rest of the words: pages.ts's FIRST_PAGES, the text page's editor stack and what its editing adds after paint. */
const loadedFirst = (page: string) => FIRST_PAGES.has(page) || EDITOR_STACK_PATH.test(page) || EDITING_AFTER_PAINT_PATH.test(page);
/** Whether only pages loaded with or after the rest of the words import `id`. */
const onlyLater = (id: string, graph: PageGraph) => ![...pagesImporting(id, graph)].some(loadedFirst);
/**
 * The small modules (not components: they would bring a stylesheet) that only the pages after
 * the first ones share (the members' and votes' folds, the event catalogue…). Those pages
 * wait for the rest of the words anyway (lib/pages.ts, lib/later-messages.ts): the modules come
 * with them, not in the first script.
 */
const sharedByLaterPages = (id: string, graph: PageGraph) => !/\.svelte($|\?)/.test(id) && sharedByPages(id, graph) && onlyLater(id, graph);
const LATER_WORDS = moduleAt(/[\\/]client[\\/]src[\\/]lib[\\/]later-messages\.ts$/);
const serverPort = Number(process.env.PORT ?? 3000);

export default defineConfig({
  root: 'client',
  // The root is client/, so the plugin is told where the project's svelte.config.js is.
  plugins: [
    // The schemas shared/ declares are pure: a page that needs a module's rules does not get zod.
    pureSchemas(),
    // Tiptap's extensions without their Markdown, which nothing here reads.
    noMarkdown(),
    svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) }),
    // Each asset also as .br and .gz, served as they are (server/app.ts): no compression per request.
    compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024, logLevel: 'silent' }),
    // What the URL needs (session, negotiation, live documents) started by a script inlined in the HTML.
    earlyStart({ entry: fileURLToPath(new URL('./client/src/early.ts', import.meta.url)) }),
    // Each route's page files, named in its HTML by the server (server/http/route-preloads.ts).
    routePreloads({
      router: fileURLToPath(new URL('./client/src/lib/routes.ts', import.meta.url)),
      pages: PAGES,
      withPage: EDITOR_STACK_PATH,
    }),
  ],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    // Pages are loaded on demand (client/src/lib/pages.ts); the text page's editor stack
    // (ProseMirror, Tiptap, Yjs) is one large chunk by nature, fetched only there.
    chunkSizeWarningLimit: 600,
    // A stylesheet for the app's shell and shared parts, and one for each page's own rules (the
    // server names it in the page's HTML, server/http/route-preloads.ts): one stylesheet for every
    // page made the text page download the sessions', signature's and panels' rules first (9.7 kB
    // brotli; 4.7 now, in two files). The shared modules joined the first script (above), so the
    // text page's first wave has no more files than it had.
    cssCodeSplit: true,
    rolldownOptions: {
      // The report of slow plugins is for whoever tunes the build, not for each `npm start`.
      checks: { bundlerTimings: false },
      output: {
        codeSplitting: {
          groups: [
            // What the entry imports statically (the app, the router, the catalogue's first words
            // and Svelte's runtime) is one file with it: left to itself, Rolldown made Svelte's
            // runtime a chunk of its own (shared with every page), one more request in each page's
            // first wave, which on the text page made its reads wait for one of the six connections.
            // So are the small modules several pages share (SHARED): they were a file of their own
            // (`common`), which every page named in its HTML, one more request in each first wave.
            // Those only the later pages share go with the later words (below).
            {
              debugName: 'entry',
              name: (id, ctx) => (isInitial(id, ctx) || (sharedByPages(id, ctx as PageGraph) && !sharedByLaterPages(id, ctx as PageGraph)) ? 'index' : null),
              priority: 1,
              includeDependenciesRecursively: false,
            },
            { debugName: 'validity', name: 'validity', test: /[\\/]shared[\\/]validity[\\/]/, minShareCount: 2, includeDependenciesRecursively: false },
            // The rest of the words (lib/later-messages.ts) and the rules only the pages after the
            // first ones share: one file, which those pages name in their HTML. The validity rules
            // keep their own (above), which the negotiation's home, also a later page, does not need.
            {
              debugName: 'later',
              name: (id, ctx) => (!isInitial(id, ctx) && (sharedByLaterPages(id, ctx as PageGraph) || (importedBy(id, LATER_WORDS, ctx) && onlyLater(id, ctx as PageGraph))) ? 'later' : null),
              includeDependenciesRecursively: false,
            },
            // The text page's editor stack (client/src/editor/editor-stack.ts: Tiptap, ProseMirror,
            // y-tiptap and our extensions) is one file, downloaded with the page's first files and
            // run after them: what the page itself imports, and what the first script holds, stay
            // out of it. Left to itself, Rolldown cut it in six by which other pages share each
            // part (the sessions' minutes, the panels, the tables' editing), six requests of the
            // text page's first wave, four of them waiting for one of the six connections.
            // prosemirror-tables stays with the tables' editing, after the text is shown.
            // The live document's code (Yjs, its WebSocket provider, client/src/editor/collab.svelte.ts)
            // is one file too: the editor stack uses Yjs as well, and Rolldown made it a file of its own.
            {
              debugName: 'collab',
              // Zod stays out: shared/structure.ts's schemas are pure (pureSchemas), and the pages
              // that check data with it (the sessions' minutes) get it in a file of their own.
              name: (id, ctx) => (!/[\\/]node_modules[\\/]zod[\\/]/.test(id) && !isInitial(id, ctx) && importedBy(id, COLLAB, ctx) ? 'collab' : null),
              includeDependenciesRecursively: false,
            },
            {
              debugName: 'editor',
              name: (id, ctx) => (!/[\\/]prosemirror-tables[\\/]/.test(id) && !isInitial(id, ctx) && importedBy(id, EDITOR_STACK, ctx) && !importedBy(id, TEXT_PAGE, ctx) ? 'editor' : null),
              includeDependenciesRecursively: false,
            },
            // What the text's editing adds once it is shown (client/src/editor/editing-after-paint.ts:
            // prosemirror-tables, the drop and gap cursors) is one file of its own: left to itself,
            // Rolldown put the cursors in the editor stack (the minutes' StarterKit imports them too,
            // and the stack is loaded wherever they are), and the text page downloaded them first.
            {
              debugName: 'editing-after-paint',
              name: (id, ctx) => (!isInitial(id, ctx) && importedBy(id, EDITING_AFTER_PAINT, ctx) && !importedBy(id, EDITOR_STACK, ctx) && !importedBy(id, TEXT_PAGE, ctx) ? 'editing-after-paint' : null),
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': `http://localhost:${serverPort}`,
      '/socket.io': { target: `http://localhost:${serverPort}`, ws: true },
      '/yjs': { target: `ws://localhost:${serverPort}`, ws: true },
    },
  },
  test: {
    root: '.',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          root: '.',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          root: '.',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each file starts its own servers on free ports; two cores are plenty for two at a time.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          root: '.',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
      // The embedded engine's own projects (unit, integration, conformance).
      'server/mongo-engine',
    ],
  },
});
