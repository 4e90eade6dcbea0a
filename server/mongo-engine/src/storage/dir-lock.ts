// One engine per data directory: two writers appending to one journal would interleave
// records and corrupt it. The lock file holds the owner's pid; a lock left by a process that
// no longer exists (a crash) is taken over.
import fs from 'node:fs';
import path from 'node:path';

const LOCK = 'engine.lock';
const openInThisProcess = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDir(dir: string): () => void {
  const key = path.resolve(dir);
  if (openInThisProcess.has(key)) throw new Error(`data directory ${key} is already open in this process`);
  const file = path.join(key, LOCK);
  try {
    const owner = Number(fs.readFileSync(file, 'utf8').trim());
    if (owner && owner !== process.pid && alive(owner)) throw new Error(`data directory ${key} is in use by process ${owner}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.writeFileSync(file, String(process.pid));
  openInThisProcess.add(key);
  return () => {
    openInThisProcess.delete(key);
    fs.rmSync(file, { force: true });
  };
}
