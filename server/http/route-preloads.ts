import fs from 'node:fs';
import path from 'node:path';
import type { RoutePreload } from '../../scripts/build/route-preloads.ts';

const ROUTE_PRELOADS_FILE = 'route-preloads.json';

const escape = (url: string) => url.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The app's HTML for a client route, naming the files of that route's page (written by the
 * build, scripts/build/route-preloads.ts): the browser fetches them with the first script
 * instead of after it has run. A build without the list, or a path no route matches, gets
 * index.html as it is.
 */
export function routeHtml(clientDist: string): (pathname: string) => string | null {
  const indexFile = path.join(clientDist, 'index.html');
  // Read again when a new build replaced index.html (its hashes changed).
  let built: { at: number; pageOf: (pathname: string) => string } | null = null;
  return (pathname) => {
    const at = fs.statSync(indexFile, { throwIfNoEntry: false })?.mtimeMs;
    if (at === undefined) return null;
    if (built?.at !== at) built = { at, pageOf: pagesOf(clientDist, fs.readFileSync(indexFile, 'utf8')) };
    return built.pageOf(pathname);
  };
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
