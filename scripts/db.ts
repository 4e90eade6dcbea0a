// `npm run db -- --port 27018 --dir ./data/db [--host 127.0.0.1] [--log-level info]`: runs the
// embedded MongoDB-compatible engine alone, for mongosh, Compass or any driver to connect to.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEngine } from '../server/db/engine/index.ts';
import { createLogger } from '../server/logger.ts';

const USAGE = 'Usage: npm run db -- --port <0-65535> --dir <data directory> [--host <address>] [--log-level <level>]\n';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}`);
  process.exit(2);
}

let values: { port?: string; dir?: string; host?: string; 'log-level'?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      dir: { type: 'string' },
      host: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const port = Number(values.port ?? '27017');
if (!/^\d+$/.test(values.port ?? '27017') || port > 65535) fail(`Invalid --port: ${values.port}`);
if (values.dir === undefined || values.dir.trim() === '') fail('Missing --dir');
const level = values['log-level'] ?? 'info';
if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) fail(`Invalid --log-level: ${level}`);

const logger = createLogger(level);
const dir = path.resolve(values.dir);
try {
  const engine = await startEngine({ dir, port, host: values.host ?? '127.0.0.1', logger });
  logger.info({ uri: engine.uri, dir }, 'embedded database listening');
  const stop = (signal: string) => {
    logger.info({ signal }, 'embedded database stopping');
    engine.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'embedded database did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  logger.fatal({ err }, 'embedded database failed to start');
  process.exit(1);
}
