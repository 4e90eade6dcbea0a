import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startEngine, type RunningEngine } from '../../src/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PASSWORD = 'un mot de passe, assez long';

function withCredentials(uri: string, user: string, password: string): string {
  return uri.replace('mongodb://', `mongodb://${encodeURIComponent(user)}:${encodeURIComponent(password)}@`) + '?authSource=admin';
}

/** The server's error for `action`, which must fail. */
async function serverError(action: Promise<unknown>): Promise<MongoServerError> {
  const err = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
}

describe('--auth: SCRAM-SHA-256 users', () => {
  let dir: string;
  let engine: RunningEngine;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-auth-'));
    expect(await createUser({ dir, name: 'comite', password: PASSWORD })).toBe('created');
    // A name SCRAM must escape (a comma and an equals sign).
    expect(await createUser({ dir, name: 'a,b=c', password: 'autre' })).toBe('created');
    engine = await startEngine({ dir, port: 0, auth: true });
  });
  afterAll(async () => {
    await engine?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets a user with the right password insert and find', async () => {
    const client = await MongoClient.connect(withCredentials(engine.uri, 'comite', PASSWORD));
    try {
      await client.db('app').collection('notes').insertOne({ text: 'ordre du jour' });
      expect(await client.db('app').collection('notes').findOne({}, { projection: { _id: 0 } })).toEqual({ text: 'ordre du jour' });
      const status = await client.db('admin').command({ connectionStatus: 1 });
      expect(status.authInfo.authenticatedUsers).toEqual([{ user: 'comite', db: 'admin' }]);
    } finally {
      await client.close();
    }
  });

  it('authenticates a user whose name SCRAM escapes, with the mechanism named explicitly', async () => {
    const client = await MongoClient.connect(withCredentials(engine.uri, 'a,b=c', 'autre') + '&authMechanism=SCRAM-SHA-256');
    try {
      expect(await client.db('app').collection('notes').countDocuments()).toBeGreaterThanOrEqual(0);
    } finally {
      await client.close();
    }
  });

  it('answers a wrong password, or an unknown user, with 18 AuthenticationFailed', async () => {
    for (const [user, password] of [
      ['comite', 'pas le bon'],
      ['personne', PASSWORD],
    ]) {
      const client = new MongoClient(withCredentials(engine.uri, user!, password!), { serverSelectionTimeoutMS: 2_000 });
      try {
        const err = await serverError(client.connect());
        expect(err.code).toBe(18);
        expect(err.codeName).toBe('AuthenticationFailed');
        expect(err.message).toBe('Authentication failed.');
      } finally {
        await client.close();
      }
    }
  });

  it('answers a client without credentials 13 Unauthorized on anything but the handshake, as mongod does', async () => {
    const client = await MongoClient.connect(engine.uri);
    try {
      // The handshake and ping are open.
      expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
      expect(await client.db('admin').command({ buildInfo: 1 })).toMatchObject({ ok: 1 });
      const refusals: [string, () => Promise<unknown>][] = [
        ['find', () => client.db('app').collection('notes').findOne({})],
        ['insert', () => client.db('app').collection('notes').insertOne({ text: 'intrus' })],
        ['listDatabases', () => client.db('admin').admin().listDatabases()],
        ['find', () => client.db('admin').collection('system.users').findOne({})],
      ];
      for (const [command, action] of refusals) {
        const err = await serverError(action());
        expect(err.code).toBe(13);
        expect(err.codeName).toBe('Unauthorized');
        expect(err.message).toBe(`command ${command} requires authentication`);
      }
    } finally {
      await client.close();
    }
    // The intruder's insert did not happen.
    const owner = await MongoClient.connect(withCredentials(engine.uri, 'comite', PASSWORD));
    try {
      expect(await owner.db('app').collection('notes').countDocuments({ text: 'intrus' })).toBe(0);
    } finally {
      await owner.close();
    }
  });

  it('keeps the keys SCRAM needs, salted and iterated as mongod does, never the password', async () => {
    const { reply } = await engine.command('admin', { find: 'system.users', filter: {} });
    const users = (reply.cursor as { firstBatch: Record<string, unknown>[] }).firstBatch;
    expect(users.map((u) => u._id).sort()).toEqual(['admin.a,b=c', 'admin.comite']);
    const comite = users.find((u) => u.user === 'comite')!;
    const keys = (comite.credentials as Record<string, Record<string, unknown>>)['SCRAM-SHA-256']!;
    expect(keys.iterationCount).toBe(15000);
    expect(Buffer.from(keys.salt as string, 'base64')).toHaveLength(28);
    expect(Buffer.from(keys.storedKey as string, 'base64')).toHaveLength(32);
    expect(Buffer.from(keys.serverKey as string, 'base64')).toHaveLength(32);
    expect(JSON.stringify(users)).not.toContain(PASSWORD);
    // Nor anywhere on disk.
    for (const file of fs.readdirSync(dir)) {
      if (fs.statSync(path.join(dir, file)).isFile()) expect(fs.readFileSync(path.join(dir, file)).includes(Buffer.from(PASSWORD))).toBe(false);
    }
  });

  it('leaves a server without --auth as it was: no credentials needed', async () => {
    const openDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-noauth-'));
    const open = await startEngine({ dir: openDir, port: 0 });
    const client = await MongoClient.connect(open.uri);
    try {
      await client.db('app').collection('notes').insertOne({ text: 'libre' });
      expect(await client.db('app').collection('notes').countDocuments()).toBe(1);
    } finally {
      await client.close();
      await open.close();
      fs.rmSync(openDir, { recursive: true, force: true });
    }
  });
});

function runDb(args: string[], input?: string) {
  const child = spawn(process.execPath, ['src/cli.ts', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  if (input !== undefined) child.stdin.end(input);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('npm run db -- --create-user, then --auth', () => {
  it.each([
    [['--create-user', '', '--dir', 'x'], /--create-user needs a user name/],
    [['--create-user', 'u'], /Missing --dir/],
    [['--create-user', 'u', '--dir', 'x', '--port', '1'], /--create-user goes with --dir/],
    [['--password-file', 'f', '--dir', 'x'], /--password-file goes with --create-user/],
    [['--create-user', 'u', '--dir', 'x', '--password-file', '/nonexistent/file'], /Cannot read --password-file/],
  ])('%j exits with code 2 and says why', async (args, message) => {
    const run = runDb(args, '');
    expect(await run.exited).toBe(2);
    expect(run.err()).toMatch(message);
  });

  it('refuses an empty password (exit 2) and --auth on a directory without users (exit 2)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-cli-auth-'));
    try {
      const empty = runDb(['--create-user', 'u', '--dir', dir], '\n');
      expect(await empty.exited).toBe(2);
      expect(empty.err()).toMatch(/password is empty/);
      const noUsers = runDb(['--port', '0', '--dir', dir, '--auth'], '');
      expect(await noUsers.exited).toBe(2);
      expect(noUsers.err()).toMatch(/has no user: create one first \(npm run db -- --create-user NAME/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('creates users from standard input and from --password-file, and the server with --auth admits them only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-cli-auth-'));
    const passwordFile = path.join(dir, '..', `${path.basename(dir)}.password`);
    fs.writeFileSync(passwordFile, 'depuis un fichier\n', { mode: 0o600 });
    try {
      const fromStdin = runDb(['--create-user', 'secretariat', '--dir', dir], 'depuis stdin\n');
      expect(await fromStdin.exited).toBe(0);
      expect(fromStdin.out()).toMatch(/user secretariat .* created/);
      const fromFile = runDb(['--create-user', 'replica', '--dir', dir, '--password-file', passwordFile]);
      expect(await fromFile.exited).toBe(0);

      const server = runDb(['--port', '0', '--dir', dir, '--auth', '--log-level', 'info']);
      const uri = await new Promise<string>((resolve, reject) => {
        server.child.once('exit', (code) => reject(new Error(`exited ${code}: ${server.err()}`)));
        readline.createInterface({ input: server.child.stdout }).on('line', (line) => {
          const entry = JSON.parse(line) as { uri?: string };
          if (entry.uri) resolve(entry.uri);
        });
      });
      try {
        for (const [user, password] of [
          ['secretariat', 'depuis stdin'],
          ['replica', 'depuis un fichier'],
        ]) {
          const client = await MongoClient.connect(withCredentials(uri, user!, password!));
          await client.db('cli').collection('c').insertOne({ by: user });
          await client.close();
        }
        const anonymous = await MongoClient.connect(uri);
        try {
          expect((await serverError(anonymous.db('cli').collection('c').countDocuments())).code).toBe(13);
        } finally {
          await anonymous.close();
        }
      } finally {
        const exited = server.exited;
        server.child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(passwordFile, { force: true });
    }
  }, 60_000);
});
