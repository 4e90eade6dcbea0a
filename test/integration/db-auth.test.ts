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

/** mongosh, as an operator would run it (a pinned devDependency: the real shell, not the driver). */
function mongosh(uri: string, script: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(path.join(root, 'node_modules/.bin/mongosh'), ['--quiet', '--norc', uri, '--eval', script], {
    cwd: root,
    // Its history and logs go to a home of its own, not the user's.
    env: { ...process.env, HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-mongosh-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

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

  // Issue 14's tests: « SCRAM with mongosh ». The shell authenticates as it does with mongod.
  it('admits mongosh with the user\'s SCRAM-SHA-256 credentials, and refuses it without (13) or with a wrong password (18)', async () => {
    const base = `127.0.0.1:${port}/negociation`;
    const admitted = await mongosh(
      `mongodb://workspace:${encodeURIComponent('mot de passe: du serveur')}@${base}?authSource=admin`,
      "db.mongosh_check.insertOne({ by: 'mongosh' }); print(JSON.stringify({ found: db.mongosh_check.countDocuments({ by: 'mongosh' }), user: db.runCommand({ connectionStatus: 1 }).authInfo.authenticatedUsers[0].user }))",
    );
    expect(admitted.code, admitted.out).toBe(0);
    expect(admitted.out).toContain('{"found":1,"user":"workspace"}');

    const anonymous = await mongosh(`mongodb://${base}`, 'db.mongosh_check.find().toArray()');
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.out).toContain('command find requires authentication');

    const wrong = await mongosh(`mongodb://workspace:wrong@${base}?authSource=admin`, '1');
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toContain('Authentication failed');
  }, 120_000);
});
