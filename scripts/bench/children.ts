// What the benchmarks share to run a server in a child process (its event loop its own)
// and to read their figures. Not a benchmark itself: scripts/bench.ts runs *.bench.ts only.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { SERVER_NODE_FLAGS } from '../../server/node-flags.ts';

/**
 * Forks `script` with `env` (which tells it what to serve) and resolves once it sends
 * `{ ready: true }`. Every child runs with the flags `npm start` gives the workspace;
 * `cpuProfDir` adds a CPU profile of the child (`node --cpu-prof`).
 */
export async function forkServer(
  script: string,
  name: string,
  env: Record<string, string>,
  options: { execArgv?: string[]; cpuProfDir?: string } = {},
): Promise<ChildProcess> {
  const child = fork(script, [], {
    env: { ...process.env, ...env },
    execArgv: [
      ...SERVER_NODE_FLAGS,
      ...(options.execArgv ?? []),
      ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
    child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
  });
  return child;
}

/**
 * Asks the child to close (`{ cmd: 'close' }`), killing it after 10 s. A child that is already
 * leaving (its channel closed, its exit not yet seen) is only awaited: writing to its closed
 * channel would throw EPIPE in the parent.
 */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  if (child.connected) child.send({ cmd: 'close' }, () => {});
  setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  await exited;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * In a child: a CPU profile of a stretch of its work (node:inspector), started and stopped on
 * the parent's word, so that the profile holds the measured work and not the start-up.
 */
export async function stretchProfiler(): Promise<{ start(): Promise<void>; stop(file: string): Promise<void> }> {
  const { Session } = await import('node:inspector/promises');
  let session: InstanceType<typeof Session> | null = null;
  return {
    async start() {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    },
    async stop(file) {
      if (!session) return;
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      session = null;
    },
  };
}
