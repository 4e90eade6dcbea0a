import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensureClientBuilt } from '../helpers/browser.ts';
import { CLIENT_DIST } from '../../server/app.ts';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET with exactly these headers, the body as sent (fetch would decompress it). */
function get(server: TestServer, pathname: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.url}${pathname}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('the built client as served', () => {
  let server: TestServer;
  let entry: string;

  beforeAll(async () => {
    ensureClientBuilt();
    server = await startTestServer();
    const html = fs.readFileSync(path.join(CLIENT_DIST, 'index.html'), 'utf8');
    entry = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
  });
  afterAll(() => server?.close());

  it('hashed assets are cached for a year, immutable, and sent brotli, gzip or plain as the browser accepts', async () => {
    const raw = fs.readFileSync(path.join(CLIENT_DIST, entry));
    const br = await get(server, entry, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(zlib.brotliDecompressSync(br.body).equals(raw)).toBe(true);
    expect(br.body.length).toBeLessThan(raw.length / 2);

    const gzip = await get(server, entry, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gzip.body).equals(raw)).toBe(true);

    const plain = await get(server, entry);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(raw)).toBe(true);
  });

  it("a route's HTML is compressed as the client accepts: it carries the early start", async () => {
    const plain = await get(server, '/negotiations/abc/text');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await get(server, '/negotiations/abc/text', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(plain.body.toString());
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
  });

  it('index.html is revalidated at each visit, and an asset the build no longer has is a 404, not the page', async () => {
    const page = await get(server, '/negotiations/abc/text');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    const missing = await get(server, '/assets/index-0ld4a5h.js');
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).not.toContain('<html');
  });

  it("a route's HTML names its page's code, so it downloads with the first script: the text page the editor stack, the sign-in page not", async () => {
    const preloads = (html: string) => [...html.matchAll(/<link rel="modulepreload" crossorigin href="(\/assets\/[^"]+)">/g)].map((m) => m[1]);
    const text = (await get(server, '/negotiations/abc/text')).body.toString();
    const named = preloads(text);
    const pageChunk = named.find((url) => /^\/assets\/AgreementView-/.test(url));
    expect(pageChunk).toBeDefined();
    // The editor stack (prosemirror-view names its classes in its code) is named too, one file of
    // its own, and served; the page imports it on demand, not statically: its code runs without it.
    const bodies = await Promise.all(named.map((url) => get(server, url)));
    expect(bodies.map((b) => b.status)).toEqual(named.map(() => 200));
    const stack = named.filter((_, i) => bodies[i].body.toString().includes('ProseMirror-hideselection'));
    expect(stack).toHaveLength(1);
    expect(stack[0]).toMatch(/^\/assets\/editor-/);
    const page = bodies[named.indexOf(pageChunk!)].body.toString();
    expect(page).toContain(`import(\`.${stack[0].slice('/assets'.length)}\`)`);
    expect(page).not.toMatch(new RegExp(`from"\\.${stack[0].slice('/assets'.length).replace(/[.]/g, '\\.')}"`));
    expect(named).not.toContain(entry);

    const signIn = preloads((await get(server, '/login')).body.toString());
    expect(signIn.some((url) => url.startsWith('/assets/LoginPage-'))).toBe(true);
    expect(signIn.some((url) => url.startsWith('/assets/AgreementView-'))).toBe(false);
    // A path no route matches gets the page as built, without preloads.
    expect((await get(server, '/nowhere/at/all')).body.toString()).toBe(fs.readFileSync(path.join(CLIENT_DIST, 'index.html'), 'utf8'));
  });

  it("the text page's first six requests hold its largest script: two stylesheets (the shell's, the page's), and the route's scripts largest first", async () => {
    // Over HTTP/1.1 a browser sends six requests to a server at a time, stylesheets first, then
    // scripts in the page's order; the others wait for a free connection, then a round trip
    // (0.56 s on Fast 3G). The editor stack is the text page's longest download: it must not wait.
    const html = (await get(server, '/negotiations/abc/text')).body.toString();
    const styles = [...html.matchAll(/<link rel="(?:stylesheet|preload" as="style)" crossorigin href="([^"]+)">/g)].map((m) => m[1]);
    const scripts = [...html.matchAll(/<script type="module" crossorigin src="([^"]+)"|<link rel="modulepreload" crossorigin href="([^"]+)">/g)].map((m) => m[1] ?? m[2]);
    // The shell's stylesheet and the text page's own: not the other pages' rules (the sessions',
    // the signature's, the panels' come with them), and no more files than the first wave had.
    expect(styles).toHaveLength(2);
    expect(styles.some((url) => url.startsWith('/assets/AgreementView-'))).toBe(true);
    expect(styles.length + scripts.length).toBeLessThanOrEqual(7);
    const size = (url: string) => fs.statSync(path.join(CLIENT_DIST, url)).size;
    const largest = scripts.reduce((a, b) => (size(b) > size(a) ? b : a));
    expect([...styles, ...scripts].slice(0, 6)).toContain(largest);
  });
});

describe("the API's answers", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('are compressed as the client accepts (brotli, else gzip), the small ones and a client accepting none left plain', async () => {
    const plain = await get(server, '/api/openapi.json');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const document = JSON.parse(plain.body.toString()) as { openapi: string };
    expect(document.openapi).toMatch(/^3\.1/);

    const br = await get(server, '/api/openapi.json', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(JSON.parse(zlib.brotliDecompressSync(br.body).toString())).toEqual(document);
    expect(br.body.length).toBeLessThan(plain.body.length / 4);

    const gzip = await get(server, '/api/openapi.json', { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(gzip.body).toString())).toEqual(document);

    // Below 1 kB the work is not worth it.
    expect((await get(server, '/api/health', { 'accept-encoding': 'br' })).headers['content-encoding']).toBeUndefined();
  });
});

describe('security headers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  const directives = (csp: string | undefined) =>
    Object.fromEntries((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

  it('the CSP lets the client reach its own origin only, WebSockets included, and allows no inline style element', async () => {
    const csp = directives((await get(server, '/api/health')).headers['content-security-policy'] as string);
    expect(csp['connect-src']).toEqual(["'self'"]);
    // Our own files, and the built HTML's inline early start by its hash: no other inline script.
    const index = fs.existsSync(path.join(CLIENT_DIST, 'index.html')) ? fs.readFileSync(path.join(CLIENT_DIST, 'index.html'), 'utf8') : '';
    const inline = [...index.matchAll(/<script>([^]*?)<\/script>/g)].map(([, code]) => `'sha256-${crypto.createHash('sha256').update(code).digest('base64')}'`);
    expect(csp['script-src']).toEqual(["'self'", ...inline]);
    expect(csp['style-src']).toEqual(["'self'"]);
    expect(csp['style-src-attr']).toEqual(["'unsafe-inline'"]);
  });

  it('over plain HTTP: no HSTS and no upgrade of requests (a LAN install without TLS keeps working)', async () => {
    const response = await get(server, '/api/health');
    expect(response.headers['strict-transport-security']).toBeUndefined();
    expect(directives(response.headers['content-security-policy'] as string)).not.toHaveProperty('upgrade-insecure-requests');
  });

  it('over HTTPS (behind a trusted proxy): HSTS for a year and upgrade-insecure-requests', async () => {
    const behindProxy = await startTestServer({ TRUST_PROXY: 'loopback' });
    try {
      const response = await get(behindProxy, '/api/health', { 'x-forwarded-proto': 'https' });
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(directives(response.headers['content-security-policy'] as string)).toHaveProperty('upgrade-insecure-requests');
    } finally {
      await behindProxy.close();
    }
  });

  it('a client that is not a trusted proxy cannot claim HTTPS with X-Forwarded-Proto', async () => {
    const response = await get(server, '/api/health', { 'x-forwarded-proto': 'https' });
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});
