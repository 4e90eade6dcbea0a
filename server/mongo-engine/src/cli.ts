// `npm run db -- --port 27018 --dir ./data/db [--host 127.0.0.1] [--log-level info]`: runs the
// engine alone, for mongosh, Compass or any driver to connect to.
// `npm run db -- --repair --dir ./data/db --to ./data/db-repaired`: salvages a damaged data
// directory into a new one and prints what was lost (storage/repair.ts).
// Usage errors exit with 2.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startEngine } from './index.ts';
import { repairDataDirectory } from './storage/repair.ts';

const USAGE =
  'Usage: npm run db -- --port <0-65535> --dir <data directory> [--host <address>] [--log-level <level>]\n' +
  '       npm run db -- --repair --dir <damaged data directory> --to <new directory>\n';
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

class UsageError extends Error {}

interface DbOptions {
  port: number;
  dir: string;
  host: string;
  level: string;
  /** --repair: the new directory to salvage `dir` into. */
  repairTo?: string;
}

function parse(argv: string[]): DbOptions | 'help' {
  let values: { port?: string; dir?: string; host?: string; 'log-level'?: string; help?: boolean; repair?: boolean; to?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        dir: { type: 'string' },
        host: { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean' },
        repair: { type: 'boolean' },
        to: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const portText = values.port ?? '27017';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`Invalid --port: ${values.port}`);
  if (values.dir === undefined || values.dir.trim() === '') throw new UsageError('Missing --dir');
  const level = values['log-level'] ?? 'info';
  if (!LEVELS.includes(level)) throw new UsageError(`Invalid --log-level: ${level}`);
  if (values.repair && (values.to === undefined || values.to.trim() === '')) throw new UsageError('--repair needs --to <new directory>');
  if (!values.repair && values.to !== undefined) throw new UsageError('--to goes with --repair');
  return { port, dir: path.resolve(values.dir), host: values.host ?? '127.0.0.1', level, repairTo: values.repair ? path.resolve(values.to!) : undefined };
}

/** Runs the `db` command with these arguments; resolves once the engine listens (it then runs until a signal). */
export async function runDb(argv: string[]): Promise<void> {
  let options: DbOptions | 'help';
  try {
    options = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const { dir, port, host, level } = options;
  if (options.repairTo) {
    try {
      const report = await repairDataDirectory(dir, options.repairTo);
      process.stdout.write(report.lines.join('\n') + '\n');
      process.exit(0);
    } catch (err) {
      process.stderr.write(`repair: ${(err as Error).message}\n`);
      process.exit(2);
    }
  }
  const logger = pino({ level, base: { app: 'mongo-engine' } });
  try {
    const engine = await startEngine({ dir, port, host, logger });
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
}

// Run as a script (`node src/cli.ts`), not when imported by the project's entry point.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runDb(process.argv.slice(2));
