import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, sessionCookieOf, DEMO_PASSWORD } from '../helpers/auth.ts';

describe('what the server logs', () => {
  let child: ChildProcess;
  let output = '';
  let url = '';

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-logs-'));
    child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/auth-log-server.ts'], {
      env: { ...process.env, DATA_DIR: dataDir, MONGODB_URI: process.env.MONGODB_URI ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 50_000);
      child.stdout!.on('data', () => {
        const ready = /\{"ready":"([^"]+)"\}/.exec(output);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('never contains a password, a session token or a cookie, even at trace level', async () => {
    const server = { url };
    // The first start on an empty database seeded the demo: its accounts work.
    const ok = await call(server, '/auth/login', { body: { email: 'delegue@cfdt.demo', password: DEMO_PASSWORD } });
    expect(ok.status).toBe(200);
    const cookie = sessionCookieOf(ok)!;
    const token = cookie.split('=')[1];
    await call(server, '/auth/login', { body: { email: 'delegue@cfdt.demo', password: 'a-wrong-secret-123' } });
    await call(server, '/me', { cookie });
    await call(server, '/negotiations', { cookie });
    await call(server, '/auth/logout', { method: 'POST', cookie });
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(output).toContain('signed in');
    expect(output).not.toContain(DEMO_PASSWORD);
    expect(output).not.toContain('a-wrong-secret-123');
    expect(output).not.toContain(token);
    expect(output).not.toMatch(/nego_sid=/);
    expect(output).not.toMatch(/\$argon2id\$/);
  });
});
