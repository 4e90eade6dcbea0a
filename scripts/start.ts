// `npm start`: builds the client when needed, then runs the workspace (embedded database by default).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ConfigError } from '../server/config.ts';
import { startServer } from '../server/main.ts';
import { CLIENT_DIST } from '../server/app.ts';

function clientIsStale(): boolean {
  const built = path.join(CLIENT_DIST, 'index.html');
  if (!fs.existsSync(built)) return true;
  const builtAt = fs.statSync(built).mtimeMs;
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      const full = path.join(dir, entry.name);
      return Math.max(max, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
    }, 0);
  return Math.max(newest('client'), newest('shared')) > builtAt;
}

if (process.env.SKIP_CLIENT_BUILD !== '1' && clientIsStale()) {
  process.stdout.write('Construction du client…\n');
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

try {
  const server = await startServer();
  process.stdout.write(`Espace de négociation prêt : ${server.url}\n`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
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
