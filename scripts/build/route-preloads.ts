// A Vite plugin: which built files each client route needs, for the server to name them in the
// page's HTML (server/http/route-preloads.ts). Without it, a page's code is discovered only
// once the first script has arrived and run, one more round trip before it starts downloading
// (half a second on a slow mobile link).
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

/** What the server reads: for each route's path pattern, its page's scripts and stylesheets. */
export interface RoutePreload {
  /** `/negotiations/:id/text`, as the client's router writes it. */
  pattern: string;
  scripts: string[];
  styles: string[];
}

export const ROUTE_PRELOADS_FILE = 'route-preloads.json';

interface Chunk {
  type: 'chunk';
  fileName: string;
  isEntry: boolean;
  facadeModuleId: string | null;
  imports: string[];
  dynamicImports: string[];
  moduleIds: string[];
  code: string;
  viteMetadata?: { importedCss: Set<string> };
}

/** `name: '<pattern>'` lines of an object literal `const NAME = { … }` in `source`. */
function objectEntries(source: string, name: string, value: RegExp, file: string): Map<string, string> {
  const body = new RegExp(`const ${name}\\b.*= \\{\\n([^}]*)\\}`).exec(source)?.[1];
  const entries = new Map<string, string>();
  for (const line of body?.split('\n') ?? []) {
    const found = new RegExp(`^\\s*(\\w+): ${value.source},?\\s*$`).exec(line);
    if (found) entries.set(found[1], found[2]);
  }
  if (entries.size === 0) throw new Error(`route-preloads: no ${name} table found in ${file}`);
  return entries;
}

/** Each route's page module (`PAGES` in pages.ts: name → `import('…')`), as an absolute path. */
export function pageModules(pages: string): Map<string, string> {
  const modules = objectEntries(fs.readFileSync(pages, 'utf8'), 'PAGES', /\(\) => import\('([^']+)'\)/, pages);
  return new Map([...modules].map(([name, module]) => [name, path.resolve(path.dirname(pages), module)]));
}

/** The modules of the pages that do not wait for the later words (`FIRST_PAGES` in pages.ts). */
export function firstPageModules(pages: string): string[] {
  const names = /const FIRST_PAGES\b[^[]*\[([^\]]*)\]/.exec(fs.readFileSync(pages, 'utf8'))?.[1].match(/'(\w+)'/g);
  if (!names) throw new Error(`route-preloads: no FIRST_PAGES set found in ${pages}`);
  const modules = pageModules(pages);
  return names.map((quoted) => {
    const module = modules.get(quoted.slice(1, -1));
    if (!module) throw new Error(`route-preloads: first page ${quoted} has no module in ${pages}`);
    return module;
  });
}

/**
 * Reads the route table (`ROUTES` in the router: name → pattern) and the page table (`PAGES`
 * in pages.ts: name → `import('…')`), and writes route-preloads.json beside index.html. The
 * build fails when a route's page cannot be found in the bundle: the tables moved or changed shape.
 * `withPage` names the modules a page imports on demand as soon as it starts (the text page's
 * editor stack): they are named with the page's files, downloaded with them, and the page's
 * own code runs without waiting for them.
 */
export function routePreloads({ router, pages, withPage }: { router: string; pages: string; withPage?: RegExp }): Plugin {
  return {
    name: 'negociation:route-preloads',
    apply: 'build',
    generateBundle(_options, bundle) {
      const routes = objectEntries(fs.readFileSync(router, 'utf8'), 'ROUTES', /'([^']+)'/, router);
      const modules = pageModules(pages);
      const chunks = Object.values(bundle).filter((output): output is Chunk & typeof output => output.type === 'chunk') as unknown as Chunk[];
      const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
      const entry = chunks.find((chunk) => chunk.isEntry);
      if (!entry) return this.error('route-preloads: no entry chunk');
      // What the HTML loads anyway: the entry and everything it imports statically.
      const first = new Set<string>();
      const collect = (file: string, into: Set<string>) => {
        if (into.has(file) || first.has(file)) return;
        into.add(file);
        for (const imported of byFile.get(file)?.imports ?? []) collect(imported, into);
      };
      collect(entry.fileName, first);

      const preloads: RoutePreload[] = [];
      for (const [name, pattern] of routes) {
        const module = modules.get(name);
        if (!module) return this.error(`route-preloads: route ${name} has no page in ${pages}`);
        const page = chunks.find((chunk) => chunk.facadeModuleId === module);
        if (!page) return this.error(`route-preloads: no chunk for ${module} (route ${name})`);
        const files = new Set<string>();
        collect(page.fileName, files);
        const started = [...files].flatMap((file) => byFile.get(file)?.dynamicImports ?? []).filter((file) => withPage && byFile.get(file)?.moduleIds.some((id) => withPage.test(id)));
        for (const file of started) collect(file, files);
        const styles = [...files].flatMap((file) => [...(byFile.get(file)?.viteMetadata?.importedCss ?? [])]);
        // The largest first: over HTTP/1.1 a browser sends six requests at a time and the others
        // wait for a free connection, then a round trip; the editor stack must not be among them.
        // A chunk of stylesheets only (a stylesheet two pages import) has no script: Vite drops it
        // from the bundle after this hook, and a page naming it would fetch a missing file.
        const scripts = [...files].filter((file) => byFile.get(file)!.code.trim() !== '').sort((a, b) => byFile.get(b)!.code.length - byFile.get(a)!.code.length);
        preloads.push({ pattern, scripts: scripts.map((file) => `/${file}`), styles: styles.map((file) => `/${file}`) });
      }
      this.emitFile({ type: 'asset', fileName: ROUTE_PRELOADS_FILE, source: `${JSON.stringify(preloads, null, 2)}\n` });
    },
  };
}
