// One engine per data directory: two writers appending to one journal would interleave records
// and lose acknowledged writes. The directory is taken with an operating-system lock on
// `engine.lock` (an open-file-description lock on Linux, flock elsewhere, through
// fs-native-extensions), held by an open file for the process's life. Taking it is one atomic
// call, so two starters never both win however the scheduler interleaves them, in one process
// or two, in one PID namespace or two; the kernel drops it when the owner's files close, so a
// crashed or zombie owner never blocks, and a file naming some pid means nothing by itself.
// The file's content (pid, host, instance id) only explains a refusal; it is never trusted.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fsx from 'fs-native-extensions';

export const LOCK_FILE = 'engine.lock';

export class DirectoryInUseError extends Error {}

/** Test hook: a pause between opening the lock file and taking the lock, as a busy scheduler would make. */
function pauseForTests(): void {
  const ms = Number(process.env.MONGO_ENGINE_LOCK_PAUSE_MS ?? 0);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function describeOwner(fd: number): string {
  try {
    const text = fs.readFileSync(fd, 'utf8');
    const owner = JSON.parse(text) as { pid?: number; host?: string };
    return owner.pid ? ` (its lock file names process ${owner.pid} on ${owner.host ?? 'this host'})` : '';
  } catch {
    return '';
  }
}

/** Takes the directory for this process; the returned function gives it back. */
export function lockDir(dir: string): () => void {
  const key = path.resolve(dir);
  const file = path.join(key, LOCK_FILE);
  // Never truncated nor removed: a new file at the same path would be a second lock.
  const fd = fs.openSync(file, 'a+', 0o600);
  try {
    pauseForTests();
    if (!fsx.tryLock(fd)) throw new DirectoryInUseError(`data directory ${key} is in use by another engine${describeOwner(fd)}`);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  fs.ftruncateSync(fd, 0);
  fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), instance: randomUUID(), since: new Date().toISOString() }) + '\n', 0);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    fs.closeSync(fd);
  };
}
