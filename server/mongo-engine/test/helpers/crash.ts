import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Absolute module paths for a writer script written to a temporary directory. */
export const modulePath = (relative: string) => JSON.stringify(path.join(root, relative));
/** `createRequire` for the project's own packages, from a script outside the project. */
export const requireFromProject = `(await import('node:module')).createRequire(${modulePath('package.json')})`;

/**
 * Runs `source` (an ES module, run by Node with `dir` as its argument) that prints one line
 * per acknowledged write, and SIGKILLs it as soon as it has printed `acks` lines. Resolves
 * with every line printed before the kill: each is a write the program was told is durable.
 */
export async function killAfterAcks(source: string, dir: string, acks: number): Promise<string[]> {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crash-writer-')), 'writer.mts');
  fs.writeFileSync(script, source);
  const child = spawn(process.execPath, [script, dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`writer too slow (${acked.length} acks) ${stderr}`)), 60_000);
    child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      acked.push(line);
      if (acked.length === acks) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  if ((await exited) !== 'SIGKILL') throw new Error(`writer was not killed: ${stderr}`);
  return acked;
}
