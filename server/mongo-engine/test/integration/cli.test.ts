import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function runDb(args: string[]) {
  return spawn(process.execPath, ['src/cli.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('npm run db: the engine alone', () => {
  it.each([
    [['--port', 'abc', '--dir', 'x'], /Invalid --port/],
    [['--port', '0'], /Missing --dir/],
    [['--dir', 'x', '--frobnicate'], /Unknown option/],
  ])('%j exits with code 2 and says why on stderr', async (args, message) => {
    const child = runDb(args);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('serves any client on the given port and stops cleanly on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-cli-'));
    const child = runDb(['--port', '0', '--dir', dir, '--log-level', 'info']);
    const uri = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as { uri?: string };
        if (entry.uri) resolve(entry.uri);
      });
    });
    const client = new MongoClient(uri);
    try {
      await client.db('cli').collection('c').insertOne({ ok: true });
      expect(await client.db('cli').collection('c').countDocuments()).toBe(1);
    } finally {
      await client.close();
    }
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
