import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LoggedServer {
  url: string;
  /** Everything the server has printed so far, stdout and stderr together. */
  readonly logs: string;
  stop(): Promise<void>;
}

/**
 * A workspace in a child process (auth-log-server.ts) on its own empty database, logging at
 * trace level: a test reads every line a real server writes, not what a test logger kept.
 */
export async function startLoggedServer(): Promise<LoggedServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-logs-'));
  const child = spawn(process.execPath, [fileURLToPath(new URL('./auth-log-server.ts', import.meta.url))], {
    env: { ...process.env, DATA_DIR: dataDir, MONGODB_URI: process.env.MONGODB_URI ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout.on('data', (chunk) => (logs += chunk));
  child.stderr.on('data', (chunk) => (logs += chunk));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      // The first start seeds the demo, which takes a while on a loaded machine.
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs}`)), 50_000);
      child.stdout.on('data', () => {
        const ready = /\{"ready":"([^"]+)"\}/.exec(logs);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${logs}`)));
    });
    return {
      url,
      get logs() {
        return logs;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
