import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, DEMO_PASSWORD, sessionCookieOf } from '../helpers/auth.ts';
import { waitFor } from './yjs-helpers.ts';

// The README's production install, in a temporary copy of the checkout:
// `npm ci && npm run build && npm prune --omit=dev && npm start`.
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-production-'));
let server: ChildProcess | undefined;
afterAll(() => {
  // npm and the server are one process group of their own: nothing outlives the test.
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(copy, { recursive: true, force: true });
});

/** The checkout's files as a clone would have them (tracked and new, nothing ignored). */
function copyCheckout(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' });
  for (const file of files.split('\0').filter(Boolean)) {
    if (!fs.existsSync(file)) continue; // deleted in the work tree, not yet committed
    fs.mkdirSync(path.join(to, path.dirname(file)), { recursive: true });
    fs.copyFileSync(file, path.join(to, file));
  }
}

function npm(args: string[]): void {
  execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd: copy, stdio: 'pipe', env: { ...process.env, npm_config_update_notifier: 'false' } });
}

describe('a production install', () => {
  it('builds, prunes to production dependencies and starts: health, readiness, the client and a sign-in', { timeout: 600_000 }, async () => {
    copyCheckout(copy);
    npm(['ci', '--prefer-offline']);
    npm(['run', 'build']);
    npm(['prune', '--omit=dev']);

    // No dev tool is left to run: the server's TypeScript is stripped by Node itself.
    for (const tool of ['vite', 'typescript', 'vitest', 'svelte', 'eslint', '@tiptap/core', 'y-websocket', 'socket.io-client']) {
      expect(fs.existsSync(path.join(copy, 'node_modules', tool)), `${tool} pruned`).toBe(false);
    }
    // The client sources are newer than nothing: start must serve the build, not try to rebuild it.
    fs.utimesSync(path.join(copy, 'client', 'index.html'), new Date(), new Date());

    server = spawn('npm', ['start'], {
      cwd: copy,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(copy, 'data'), LOG_LEVEL: 'info', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<string>((resolve) => server!.once('exit', (code, signal) => resolve(signal ?? String(code))));
    await waitFor(() => /prêt : (http\S+)/.test(output) || server!.exitCode !== null, 120_000, 'npm start');
    const url = /prêt : (http\S+)/.exec(output)?.[1];
    expect(url, output).toBeDefined();
    const running = { url: url! };
    expect(output).not.toContain('Construction du client');

    const health = await call(running, '/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, db: 'embedded' });
    const ready = await call(running, '/ready');
    expect(ready.status).toBe(200);

    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
    expect(script, html).toMatch(/^\/assets\/.+\.js$/);
    expect((await fetch(`${url}${script}`)).status).toBe(200);

    const signIn = await call(running, '/auth/login', { body: { email: 'delegue@cfdt.demo', password: DEMO_PASSWORD } });
    expect(signIn.status).toBe(200);
    const cookie = sessionCookieOf(signIn)!;
    expect((await call(running, '/me', { cookie })).status).toBe(200);

    // A supervisor signals npm alone; the signal reaches the server (the script execs it), which drains.
    server.kill('SIGTERM');
    expect(await exited).toBe('0');
    expect(output).toContain('drain: done');
  });
});
