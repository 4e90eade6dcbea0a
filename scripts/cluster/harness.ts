// A workspace of several processes on one machine, for `npm run cluster`, the tests and the
// cluster benchmark: the embedded engine as a server (`npm run db`), a local redis-server, N
// workspace processes (`npm start`'s entry) and a WebSocket-capable proxy on one port.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../server/node-flags.ts';
import { startProxy, type RunningProxy } from './proxy.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ClusterOptions {
  processes: number;
  /** Where the database, Redis and each process keep their files (a temporary folder by default). */
  dir?: string;
  /** The proxy's port (0: any free one). */
  port?: number;
  /** LOG_LEVEL of the workspace processes. */
  logLevel?: string;
  /** NODE_ENV of the workspace processes ('test': no demo seeded by them). */
  nodeEnv?: string;
  /** More environment for every workspace process. */
  env?: Record<string, string>;
  /** Where the children's output goes ('inherit' for the command line). */
  stdio?: 'inherit' | 'ignore';
  /**
   * Puts something between the workspace processes and the database (the benchmark's command
   * counter): given the engine's port, the port the processes are to use instead.
   */
  databaseTap?: (enginePort: number) => Promise<number>;
  /**
   * What each process runs, relative to the project: the workspace (`scripts/start.ts`) by
   * default; the cluster benchmark runs Hocuspocus (`scripts/bench/hocuspocus-server.ts`),
   * each of its processes on the cluster's engine and Redis as a workspace process would be.
   */
  entry?: string;
}

export interface WorkspaceProcess {
  index: number;
  port: number;
  url: string;
  child: ChildProcess | null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess | null): Promise<void> {
  const start = Date.now();
  while (!(await check().catch(() => false))) {
    if (child && child.exitCode !== null) throw new Error(`${what}: exited with ${child.exitCode}`);
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Every part of a cluster on this machine; each can be killed and started again. */
export class Cluster {
  readonly dir: string;
  readonly processes: WorkspaceProcess[] = [];
  mongoUri = '';
  /** What the workspace processes connect to: the database, or the tap in front of it. */
  private processMongoUri = '';
  redisUrl = '';
  private engine: ChildProcess | null = null;
  private redis: ChildProcess | null = null;
  private redisPort = 0;
  private enginePort = 0;
  proxy: RunningProxy | null = null;
  private readonly ownDir: boolean;
  private readonly options: ClusterOptions;

  constructor(options: ClusterOptions) {
    this.options = options;
    this.ownDir = !options.dir;
    this.dir = options.dir ? path.resolve(options.dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-cluster-'));
    fs.mkdirSync(this.dir, { recursive: true });
  }

  /** The database server's process id (for the benchmark's CPU figures). */
  get enginePid(): number | undefined {
    return this.engine?.pid;
  }

  /** The redis-server's process id (for the benchmark's CPU figures). */
  get redisPid(): number | undefined {
    return this.redis?.pid;
  }

  /** The proxy's address: what clients use. */
  get url(): string {
    if (!this.proxy) throw new Error('cluster not started');
    return this.proxy.url;
  }

  /** Starts the database and Redis (then `seed` may fill the database), then the processes and the proxy. */
  async start(seed?: (mongoUri: string) => Promise<void>): Promise<void> {
    await Promise.all([this.startEngine(), this.startRedis()]);
    if (seed) await seed(this.mongoUri);
    if (this.options.databaseTap) this.processMongoUri = `mongodb://127.0.0.1:${await this.options.databaseTap(this.enginePort)}/negociation`;
    for (let i = 0; i < this.options.processes; i++) this.processes.push({ index: i, port: await freePort(), url: '', child: null });
    this.proxy = await startProxy({ port: this.options.port ?? 0, targets: this.processes.map((p) => p.port) });
    await Promise.all(this.processes.map((p) => this.startProcess(p.index)));
  }

  private async startEngine(): Promise<void> {
    this.enginePort ||= await freePort();
    const dir = path.join(this.dir, 'db');
    this.engine = spawn(process.execPath, [path.join(ROOT, 'scripts/db.ts'), '--port', String(this.enginePort), '--dir', dir, '--log-level', 'warn'], {
      stdio: ['ignore', this.options.stdio ?? 'ignore', 'inherit'],
    });
    this.mongoUri = `mongodb://127.0.0.1:${this.enginePort}/negociation`;
    await waitFor('database', () => tcpOpen(this.enginePort), 60_000, this.engine);
  }

  /** A redis-server that keeps nothing on disk: a restart is the harshest case, everything in it lost. */
  async startRedis(): Promise<void> {
    this.redisPort ||= await freePort();
    this.redis = spawn('redis-server', ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    this.redisUrl = `redis://127.0.0.1:${this.redisPort}`;
    await waitFor('redis-server', () => tcpOpen(this.redisPort), 20_000, this.redis);
  }

  async killRedis(): Promise<void> {
    if (!this.redis) return;
    const child = this.redis;
    this.redis = null;
    child.kill('SIGKILL');
    await exited(child);
  }

  /**
   * Starts (again) workspace process `index` on its port, and waits until it is ready, or only
   * alive with `{ ready: false }` (started while Redis is down, it serves but is not ready).
   */
  async startProcess(index: number, { ready = true }: { ready?: boolean } = {}): Promise<WorkspaceProcess> {
    const p = this.processes[index];
    const dataDir = path.join(this.dir, `process-${index}`);
    fs.mkdirSync(dataDir, { recursive: true });
    const log = fs.openSync(path.join(this.dir, `process-${index}.log`), 'a');
    p.url = `http://127.0.0.1:${p.port}`;
    p.child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(ROOT, this.options.entry ?? 'scripts/start.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        SKIP_CLIENT_BUILD: '1',
        PORT: String(p.port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        MONGODB_URI: this.processMongoUri || this.mongoUri,
        REDIS_URL: this.redisUrl,
        PUBLIC_URL: this.proxy?.url ?? p.url,
        TRUST_PROXY: 'loopback',
        LOG_LEVEL: this.options.logLevel ?? 'warn',
        NODE_ENV: this.options.nodeEnv ?? 'development',
        ...this.options.env,
      },
      // Not on the console: into a file, whose end is told when the process fails to start.
      stdio: this.options.stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', log, log],
    });
    fs.closeSync(log);
    try {
      await waitFor(`process ${index}`, async () => (await fetch(`${p.url}/api/${ready ? 'ready' : 'health'}`)).status === 200, 120_000, p.child);
    } catch (err) {
      const tail = this.logOf(index).slice(-3_000);
      throw new Error(`${(err as Error).message}\n${tail}`, { cause: err });
    }
    return p;
  }

  /** What process `index` wrote to its log so far (its file; empty when its output is inherited). */
  logOf(index: number): string {
    const file = path.join(this.dir, `process-${index}.log`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  /** Kills process `index` (SIGKILL: no drain, no flush) and waits until it is gone. */
  async kill(index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.processes[index].child;
    if (!child) return;
    this.processes[index].child = null;
    child.kill(signal);
    await exited(child);
  }

  async close(): Promise<void> {
    this.proxy?.close();
    await Promise.all(this.processes.map((p) => this.kill(p.index, 'SIGTERM')));
    for (const child of [this.engine, this.redis]) {
      if (!child) continue;
      child.kill('SIGTERM');
      await exited(child);
    }
    if (this.ownDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
