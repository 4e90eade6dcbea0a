import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/auth.ts';
import { seedDemo } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// A full disk under the workspace's DATA_DIR: a small tmpfs the test mounts (as root).
const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'app-full-disk-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', mountPoint]).status === 0;
if (!mounted) process.stderr.write('full-disk test skipped: cannot mount a tmpfs here (mount needs root and a kernel that allows it)\n');

describe.skipIf(!mounted)('the workspace on a full disk', () => {
  let server: TestServer;
  const filler = path.join(mountPoint, 'filler');

  beforeAll(async () => {
    server = await startTestServer({ DATA_DIR: path.join(mountPoint, 'data') });
    await seedDemo(server);
  });
  afterAll(async () => {
    await server?.close();
    spawnSync('umount', ['-l', mountPoint]);
  });

  it('says it is not ready while the database cannot write, and serves sign-ins again once space returns, without a restart', async () => {
    expect((await call(server, '/ready')).status).toBe(200);
    const { bavail, bsize } = fs.statfsSync(mountPoint);
    fs.writeFileSync(filler, Buffer.alloc(bavail * bsize - 16 * 1024));
    // Each sign-in stores a session: soon one finds no room.
    let refused = 0;
    for (let i = 0; i < 200 && refused === 0; i++) {
      const response = await call(server, '/auth/login', { body: { email: 'delegue@cfdt.demo', password: 'demo-negociation' } });
      if (response.status >= 500) refused++;
    }
    expect(refused).toBe(1);
    const notReady = await call(server, '/ready');
    expect(notReady.status).toBe(503);
    expect((await notReady.json()).checks.db).toBe('failed');

    fs.rmSync(filler);
    const deadline = Date.now() + 5_000;
    let ready = await call(server, '/ready');
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      ready = await call(server, '/ready');
    }
    expect(ready.status).toBe(200);
    expect(await login(server, 'delegue@cfdt.demo')).toMatch(/^nego_sid=/);
  }, 60_000);
});
