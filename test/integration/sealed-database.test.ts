import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import os from 'node:os';
import { Writable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../server/db/connection.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const run = promisify(execFile);

/** The embedded engine's socket path, from the URI the server connected with. */
function socketOf(uri: string): string {
  const host = /^mongodb:\/\/([^/]+)\//.exec(uri)?.[1];
  return decodeURIComponent(host ?? '');
}

/** The TCP ports this process listens on (Linux: /proc/net/tcp{,6}, state 0A = LISTEN, our inodes). */
function listeningPorts(): number[] {
  const inodes = new Set(
    fs
      .readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((inode): inode is string => !!inode),
  );
  const ports: number[] = [];
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9]!)) continue;
      ports.push(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

// The embedded engine has no accounts: the process that hosts it seals it (issue 14 item 5).
describe.skipIf(!!process.env.MONGODB_URI || process.platform !== 'linux')('the embedded database is sealed', () => {
  let server: TestServer;
  let socket: string;

  beforeAll(async () => {
    server = await startTestServer();
    socket = socketOf(server.app.context.db.uri);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('listens on a Unix socket only its owner can reach, and on no TCP port but the web one', async () => {
    expect(socket, server.app.context.db.uri).toMatch(/engine\.sock$/);
    expect(fs.statSync(socket).isSocket()).toBe(true);
    expect(fs.statSync(socket).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(socket)).mode & 0o777).toBe(0o700);
    // Inside DATA_DIR (issue 14 item 5), the test's DATA_DIR being short enough for a socket address.
    expect(path.dirname(socket)).toBe(path.join(fs.realpathSync(server.dataDir), 'engine'));
    // The only TCP listener of this process is the web server (the engine had a loopback port before).
    expect(listeningPorts()).toEqual([server.port]);
    // The owner's own driver works through it.
    const client = await MongoClient.connect(server.app.context.db.uri);
    try {
      expect(await client.db().command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }
  });

  it.skipIf(process.getuid?.() !== 0)('refuses another local user (nobody) at the socket', async () => {
    const probe = `require('node:net').connect(${JSON.stringify(socket)}).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;
    const { stdout } = await run('runuser', ['-u', 'nobody', '--', process.execPath, '-e', probe]);
    expect(stdout.trim()).toBe('EACCES');
    // And the owner can (the probe is not refused for another reason).
    await new Promise<void>((resolve, reject) => net.connect(socket).on('connect', function (this: net.Socket) { this.destroy(); resolve(); }).on('error', reject));
  });

  it('removes its socket and private directory when the server stops', async () => {
    const other = await startTestServer();
    const otherSocket = socketOf(other.app.context.db.uri);
    expect(fs.existsSync(otherSocket)).toBe(true);
    await other.close();
    expect(fs.existsSync(path.dirname(otherSocket))).toBe(false);
  });

  /** Connects to an embedded database in `dataDir` with a logger whose lines are kept. */
  async function connectLogged(dataDir: string) {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const db = await connectDatabase({ DATA_DIR: dataDir, MONGODB_URI: undefined }, pino({ level: 'info' }, sink));
    return { db, started: () => lines.find((line) => String(line.msg).startsWith('embedded database started')) };
  }

  it('puts its socket in a 0700 directory of DATA_DIR when the path fits, and says so', async () => {
    const dataDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-sock-')));
    const { db, started } = await connectLogged(dataDir);
    const place = socketOf(db.uri);
    try {
      expect(place).toBe(path.join(dataDir, 'engine', 'engine.sock'));
      expect(fs.statSync(place).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(place)).mode & 0o777).toBe(0o700);
      expect(started()).toMatchObject({ socket: place, socketPlace: 'DATA_DIR' });
      expect(await db.connection.db!.command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await db.close();
    }
    expect(fs.existsSync(path.dirname(place))).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('falls back to a private directory under the temporary directory when DATA_DIR is too deep for a socket address, and says so', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-sock-')));
    const dataDir = path.join(root, 'a-data-directory-deep-enough-that-its-socket-path-passes-the-108-bytes-of-sun-path');
    expect(Buffer.byteLength(path.join(dataDir, 'engine', 'engine.sock'))).toBeGreaterThan(107);
    const { db, started } = await connectLogged(dataDir);
    const place = socketOf(db.uri);
    try {
      expect(path.dirname(path.dirname(place))).toBe(fs.realpathSync(os.tmpdir()));
      expect(path.basename(path.dirname(place))).toMatch(/^negociation-db-/);
      expect(fs.statSync(path.dirname(place)).mode & 0o777).toBe(0o700);
      expect(fs.existsSync(path.join(dataDir, 'engine'))).toBe(false);
      expect(started()).toMatchObject({ socket: place, socketPlace: 'temporary directory' });
      expect(String(started()!.msg)).toContain('temporary directory');
      expect(await db.connection.db!.command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await db.close();
    }
    expect(fs.existsSync(path.dirname(place))).toBe(false);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
