import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RoutePreload } from '../../scripts/build/route-preloads.ts';

const ROUTE_PRELOADS_FILE = 'route-preloads.json';

const escape = (url: string) => url.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The built app's HTML: what each client route is sent, and what its CSP must allow. */
export interface AppHtml {
  /** The HTML for `pathname`; null without a build. */
  of(pathname: string): string | null;
  /** The CSP sources of the HTML's inline scripts (`'sha256-…'`, scripts/build/early-start.ts); none without a build. */
  inlineScripts(): string[];
}

/**
 * The app's HTML for a client route, naming the files of that route's page (written by the
 * build, scripts/build/route-preloads.ts): the browser fetches them with the first script
 * instead of after it has run. A build without the list, or a path no route matches, gets
 * index.html as it is.
 */
export function routeHtml(clientDist: string): AppHtml {
  const indexFile = path.join(clientDist, 'index.html');
  // Read again when a new build replaced index.html (its hashes changed).
  let built: { at: number; pageOf: (pathname: string) => string; inlineScripts: string[] } | null = null;
  const current = () => {
    const at = fs.statSync(indexFile, { throwIfNoEntry: false })?.mtimeMs;
    if (at === undefined) return null;
    if (built?.at !== at) {
      const index = fs.readFileSync(indexFile, 'utf8');
      built = { at, pageOf: pagesOf(clientDist, index), inlineScripts: inlineScriptSources(index) };
    }
    return built;
  };
  return {
    of: (pathname) => current()?.pageOf(pathname) ?? null,
    inlineScripts: () => current()?.inlineScripts ?? [],
  };
}

/** Each inline `<script>`'s hash, as a CSP source: the browser runs that script and no other inline one. */
function inlineScriptSources(index: string): string[] {
  return [...index.matchAll(/<script>([^]*?)<\/script>/g)].map(([, code]) => `'sha256-${crypto.createHash('sha256').update(code).digest('base64')}'`);
}

function pagesOf(clientDist: string, index: string): (pathname: string) => string {
  const listFile = path.join(clientDist, ROUTE_PRELOADS_FILE);
  const routes = fs.existsSync(listFile) ? (JSON.parse(fs.readFileSync(listFile, 'utf8')) as RoutePreload[]) : [];
  const pages = routes.map(({ pattern, scripts, styles }) => {
    const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+');
    const links = [
      ...scripts.map((url) => `<link rel="modulepreload" crossorigin href="${escape(url)}">`),
      ...styles.map((url) => `<link rel="preload" as="style" crossorigin href="${escape(url)}">`),
    ];
    return { regex: new RegExp(`^${source}/?$`), html: index.replace('</head>', `${links.join('')}</head>`) };
  });
  return (pathname) => pages.find(({ regex }) => regex.test(pathname))?.html ?? index;
}
