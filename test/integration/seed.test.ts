import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedIfEmpty } from '../../server/seed/seed.ts';
import { userModel } from '../../server/auth/user.model.ts';
import { negotiationModel } from '../../server/negotiations/negotiation.model.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { login } from '../helpers/auth.ts';

function runSeed(dataDir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/seed.ts', ...args], {
      env: { ...process.env, DATA_DIR: dataDir, MONGODB_URI: '', LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the seeded demo', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('seeds an empty database once, and leaves a database with data alone', async () => {
    const { connection } = server.app.context.db;
    const ids = await seedIfEmpty(connection, server.logger);
    expect(ids).not.toBeNull();
    expect(await userModel(connection).countDocuments()).toBe(8);
    expect(await negotiationModel(connection).countDocuments()).toBe(2);
    expect(await seedIfEmpty(connection, server.logger)).toBeNull();
    expect(await userModel(connection).countDocuments()).toBe(8);
  });

  it('every demo account signs in with the demo password', async () => {
    for (const email of ['negociateur@axess.demo', 'secretariat@axess.demo', 'delegue@cftc.demo', 'president@cmp.demo']) {
      expect(await login(server, email)).toMatch(/^nego_sid=/);
    }
  });

  it('a server started for real (not in tests) on an empty database seeds the demo', async () => {
    const real = await startTestServer({ NODE_ENV: 'development' });
    try {
      expect(await login(real, 'delegue@sud.demo')).toMatch(/^nego_sid=/);
    } finally {
      await real.close();
    }
  });
});

describe('npm run seed', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-seed-'));

  it('seeds an empty database, refuses (exit 2) a database with data, and reseeds with --force', { timeout: 120_000 }, async () => {
    const first = await runSeed(dataDir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('delegue@cfdt.demo');

    const second = await runSeed(dataDir);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/déjà des données/);
    expect(second.stderr).toContain('--force');

    const forced = await runSeed(dataDir, '--force');
    expect(forced.code).toBe(0);

    const server = await startTestServer({ DATA_DIR: dataDir });
    try {
      const users = await userModel(server.app.context.db.connection).countDocuments();
      expect(users).toBe(8);
      expect(await login(server, 'negociateur@axess.demo')).toMatch(/^nego_sid=/);
    } finally {
      await server.close();
    }
  });

  it('an unknown option is refused with exit 2', async () => {
    expect((await runSeed(dataDir, '--frce')).code).toBe(2);
  });
});
