import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { startEngine } from '../../src/index.ts';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** A starter: opens the engine on argv[2], says `won URI` or `lost MESSAGE`, then holds it until stdin closes. */
const STARTER = `
import { startEngine } from ${JSON.stringify(path.join(packageDir, 'src/index.ts'))};
try {
  const engine = await startEngine({ dir: process.argv[2], port: 0 });
  process.stdout.write('won ' + engine.uri + '\\n');
  process.stdin.on('end', () => engine.close().then(() => process.exit(0)));
  process.stdin.resume();
} catch (err) {
  process.stdout.write('lost ' + err.message + '\\n');
  process.exit(0);
}
`;

function starterScript(): string {
  const file = path.join(tempDir('lock-starter-'), 'starter.mts');
  fs.writeFileSync(file, STARTER);
  return file;
}

/** Spawns a starter (through `wrap`, e.g. unshare) and resolves with its verdict line. */
function start(script: string, dir: string, env: NodeJS.ProcessEnv = {}, wrap: string[] = []): { child: ChildProcess; verdict: Promise<string> } {
  const [cmd, ...args] = [...wrap, process.execPath, script, dir];
  const child = spawn(cmd, args, { cwd: packageDir, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const verdict = new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`starter exited ${code}: ${stderr}`)));
  });
  return { child, verdict };
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((c) => {
      if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
      const exited = new Promise((r) => c.once('exit', r));
      c.stdin!.end();
      setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
      return exited;
    }),
  );
}

const canUnshare = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;

describe('the data-directory lock', () => {
  it('of 10 engines started at once on one directory, with a pause between opening the lock and taking it, exactly one opens it', async () => {
    const dir = tempDir('lock-race-');
    const script = starterScript();
    const starters = Array.from({ length: 10 }, () => start(script, dir, { MONGO_ENGINE_LOCK_PAUSE_MS: '300' }));
    try {
      const verdicts = await Promise.all(starters.map((s) => s.verdict));
      expect(verdicts.filter((v) => v.startsWith('won'))).toHaveLength(1);
      expect(verdicts.filter((v) => v.startsWith('lost'))).toHaveLength(9);
      expect(verdicts.find((v) => v.startsWith('lost'))).toMatch(/in use by another engine/);
    } finally {
      await stopAll(starters.map((s) => s.child));
    }
    // Ten Node processes loading the engine at once: a minute on a loaded two-core machine.
  }, 180_000);

  it.skipIf(!canUnshare)('two engines in two PID namespaces (both pid 1) on one directory: one opens it, and no acknowledged write is lost', async () => {
    const dir = tempDir('lock-pidns-');
    const script = starterScript();
    const wrap = ['unshare', '--pid', '--fork', '--mount-proc'];
    const starters = [start(script, dir, {}, wrap), start(script, dir, {}, wrap)];
    try {
      const verdicts = await Promise.all(starters.map((s) => s.verdict));
      expect(verdicts.filter((v) => v.startsWith('won'))).toHaveLength(1);
      const uri = verdicts.find((v) => v.startsWith('won'))!.slice(4);
      const client = new MongoClient(uri);
      await client.db('d').collection('c').insertMany(Array.from({ length: 100 }, (_, i) => ({ i })));
      await client.close();
    } finally {
      await stopAll(starters.map((s) => s.child));
    }
    const engine = await startEngine({ dir, port: 0 });
    const client = new MongoClient(engine.uri);
    expect(await client.db('d').collection('c').countDocuments()).toBe(100);
    await client.close();
    await engine.close();
  }, 60_000);

  it('a lock file left naming a live, unrelated process does not keep the directory closed', async () => {
    const dir = tempDir('lock-stale-');
    const unrelated = spawn('sleep', ['30']);
    try {
      // As an engine of an earlier version wrote it: the pid alone.
      fs.writeFileSync(path.join(dir, 'engine.lock'), String(unrelated.pid));
      const engine = await startEngine({ dir, port: 0 });
      await engine.close();
    } finally {
      unrelated.kill();
    }
  });

  it('an owner that died but is not yet reaped (a zombie) does not keep the directory closed', async () => {
    const dir = tempDir('lock-zombie-');
    const script = starterScript();
    // `sh` starts the owner, then becomes `sleep`, which never reaps it: once the owner exits,
    // it stays a zombie until the sleep ends.
    const holder = spawn('sh', ['-c', `"${process.execPath}" "${script}" "${dir}" </dev/null & echo $!; exec sleep 30`], { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => readline.createInterface({ input: holder.stdout! }).once('line', resolve)));
      // stdin is /dev/null: the owner opens the engine, says so, sees the end of its input and exits without closing.
      const deadline = Date.now() + 20_000;
      const state = () => fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^State:\s+(\w)/m)?.[1];
      while (state() !== 'Z' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(state()).toBe('Z');
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'engine.lock'), 'utf8')).pid).toBe(pid);
      const engine = await startEngine({ dir, port: 0 });
      await engine.close();
    } finally {
      holder.kill();
    }
  }, 30_000);
});
