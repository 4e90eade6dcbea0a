import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/auth.ts';
import { seedDemo } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function db(args: string[], input?: string) {
  const child = spawn(process.execPath, ['scripts/db.ts', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin.end(input);
  else child.stdin.end();
  return child;
}

// Issue 14 item 5: `npm run db -- --auth` is a database the workspace reaches with credentials in MONGODB_URI.
describe.skipIf(!!process.env.MONGODB_URI)('the workspace on `npm run db -- --auth`', () => {
  let dir: string;
  let engine: ReturnType<typeof db>;
  let port: number;
  let server: TestServer | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-db-auth-'));
    const created = db(['--create-user', 'workspace', '--dir', dir], 'mot de passe: du serveur\n');
    expect(await new Promise((resolve) => created.on('exit', resolve))).toBe(0);
    engine = db(['--port', '0', '--dir', dir, '--auth', '--log-level', 'info']);
    port = await new Promise<number>((resolve, reject) => {
      engine.once('exit', (code) => reject(new Error(`npm run db exited ${code}`)));
      readline.createInterface({ input: engine.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as { uri?: string };
        if (entry.uri) resolve(Number(new URL(entry.uri).port));
      });
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    if (engine && engine.exitCode === null) {
      const exited = new Promise((resolve) => engine.on('exit', resolve));
      engine.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts, stores and serves with MONGODB_URI=mongodb://user:password@…?authSource=admin', async () => {
    const uri = `mongodb://workspace:${encodeURIComponent('mot de passe: du serveur')}@127.0.0.1:${port}/negociation?authSource=admin`;
    server = await startTestServer({ MONGODB_URI: uri });
    const ids = await seedDemo(server);
    expect(await (await call(server, '/health')).json()).toMatchObject({ db: 'mongodb' });
    expect((await call(server, '/ready')).status).toBe(200);
    const cookie = await login(server, 'delegue@cfdt.demo');
    const list = await call(server, '/negotiations', { cookie });
    expect(list.status).toBe(200);
    const body = JSON.stringify(await list.json());
    for (const id of Object.values(ids.negotiations)) expect(body).toContain(id);
  }, 60_000);

  it('does not start with a wrong password in MONGODB_URI (the engine answers AuthenticationFailed)', async () => {
    const uri = `mongodb://workspace:wrong@127.0.0.1:${port}/negociation?authSource=admin`;
    await expect(startTestServer({ MONGODB_URI: uri })).rejects.toThrow(/Authentication failed/);
  }, 60_000);
});
