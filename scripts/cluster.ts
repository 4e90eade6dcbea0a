// `npm run cluster -- --processes 3 [--port 3000] [--dir ./data/cluster]`: the workspace as
// several processes on this machine, for demos and tests: the embedded engine as a server, a
// local redis-server, N workspace processes, and a WebSocket-capable proxy on one port.
// Ctrl-C stops everything. The demo is seeded once, into an empty database.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { CLIENT_DIST } from '../server/app.ts';
import { createLogger } from '../server/logger.ts';
import { seedIfEmpty } from '../server/seed/seed.ts';
import { Cluster } from './cluster/harness.ts';

const USAGE = 'Usage: npm run cluster -- [--processes N (1-16, default 3)] [--port P (default 3000)] [--dir DIR (default ./data/cluster)]\n';

let values: { processes?: string; port?: string; dir?: string; help?: boolean };
try {
  ({ values } = parseArgs({ args: process.argv.slice(2), options: { processes: { type: 'string' }, port: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean' } } }));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const processes = Number(values.processes ?? 3);
const port = Number(values.port ?? 3000);
if (!Number.isInteger(processes) || processes < 1 || processes > 16) {
  process.stderr.write(`Invalid --processes: ${values.processes}\n${USAGE}`);
  process.exit(2);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`Invalid --port: ${values.port}\n${USAGE}`);
  process.exit(2);
}

// The client is built once here, not by each process.
if (!fs.existsSync(path.join(CLIENT_DIST, 'index.html'))) {
  process.stdout.write('Construction du client…\n');
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const cluster = new Cluster({ processes, port, dir: values.dir ?? './data/cluster', stdio: 'inherit', logLevel: process.env.LOG_LEVEL ?? 'info' });
const logger = createLogger('info');
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('Arrêt de la grappe…\n');
  await cluster.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await cluster.start(async (uri) => {
  const connection = await mongoose.createConnection(uri).asPromise();
  await seedIfEmpty(connection, logger);
  await connection.close();
});
process.stdout.write(
  `Espace de négociation prêt : ${cluster.url} (${processes} processus : ${cluster.processes.map((p) => p.port).join(', ')} ; base ${cluster.mongoUri} ; redis ${cluster.redisUrl})\n`,
);
