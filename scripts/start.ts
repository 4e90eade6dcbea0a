// `npm start`: runs the workspace (embedded database by default). In a development checkout it
// first builds the client when its sources are newer than the build; a production install
// (`npm ci && npm run build && npm prune --omit=dev`) has no Vite and serves the build it has.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ConfigError } from '../server/config.ts';
import { startServer } from '../server/main.ts';
import { CLIENT_DIST } from '../server/app.ts';

const BUILT = path.join(CLIENT_DIST, 'index.html');

/** The newest modification time under `dir`, 0 when it does not exist (an image without sources). */
function newest(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(max, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }, 0);
}

function clientIsStale(): boolean {
  if (!fs.existsSync(BUILT)) return true;
  return Math.max(newest('client'), newest('shared')) > fs.statSync(BUILT).mtimeMs;
}

/** Vite's command-line entry when Vite is installed (dev dependencies), else null. */
function viteCli(): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve('vite/package.json');
    return path.join(path.dirname(manifest), 'bin', 'vite.js');
  } catch {
    return null;
  }
}

function buildClientIfStale(): void {
  if (process.env.SKIP_CLIENT_BUILD === '1' || process.env.NODE_ENV === 'production' || !clientIsStale()) return;
  const vite = viteCli();
  if (!vite) {
    if (fs.existsSync(BUILT)) return; // a production install: its build is the one to serve
    process.stderr.write('Le client n’est pas construit et Vite n’est pas installé : lancez « npm run build » avant « npm prune --omit=dev ».\n');
    process.exit(1);
  }
  process.stdout.write('Construction du client…\n');
  // Vite runs in its own process: its bundler's memory is returned before the server starts.
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

buildClientIfStale();
// `npm run dev` serves the client from Vite's dev server instead.
if (process.env.SKIP_CLIENT_BUILD !== '1' && !fs.existsSync(BUILT)) {
  process.stderr.write('Le client n’est pas construit : lancez « npm run build ».\n');
  process.exit(1);
}

try {
  const server = await startServer();
  process.stdout.write(`Espace de négociation prêt : ${server.url}\n`);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    // Ctrl-C reaches npm and the server both, and npm forwards it: one drain, bounded in time, is enough.
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'stopping');
    const outcome = await server.drain().catch((err) => {
      server.logger.error({ err }, 'drain failed');
      return 'failed';
    });
    process.exit(outcome === 'drained' ? 0 : 1);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    process.stderr.write(`Le port ${process.env.PORT ?? 3000} est indisponible (${code}) : choisissez-en un autre avec PORT=…\n`);
    process.exit(1);
  }
  throw err;
}
