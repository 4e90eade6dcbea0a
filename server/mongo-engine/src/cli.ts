// `npm run db -- --port 27018 --dir ./data/db [--host 127.0.0.1] [--auth] [--log-level info]`:
// runs the engine alone, for mongosh, Compass or any driver to connect to; with --auth, clients
// authenticate with SCRAM-SHA-256 as a user made by
// `npm run db -- --create-user NAME --dir ./data/db [--password-file FILE]` (the password from
// the file, else standard input, else a prompt that does not echo).
// `npm run db -- --repair --dir ./data/db --to ./data/db-repaired`: salvages a damaged data
// directory into a new one and prints what was lost (storage/repair.ts).
// Usage errors exit with 2.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { read } from 'read';
import { createUser, NoUsersError, startEngine } from './index.ts';
import { repairDataDirectory } from './storage/repair.ts';

const USAGE =
  'Usage: npm run db -- --port <0-65535> --dir <data directory> [--host <address>] [--auth] [--log-level <level>]\n' +
  '       npm run db -- --create-user <name> --dir <data directory> [--password-file <file>]\n' +
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
  /** --auth: clients must authenticate. */
  auth: boolean;
  /** --create-user: the user to create in `dir`, and where its password comes from. */
  createUser?: { name: string; passwordFile?: string };
}

function parse(argv: string[]): DbOptions | 'help' {
  let values: {
    port?: string;
    dir?: string;
    host?: string;
    'log-level'?: string;
    help?: boolean;
    repair?: boolean;
    to?: string;
    auth?: boolean;
    'create-user'?: string;
    'password-file'?: string;
  };
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
        auth: { type: 'boolean' },
        'create-user': { type: 'string' },
        'password-file': { type: 'string' },
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
  if (values['password-file'] !== undefined && values['create-user'] === undefined) throw new UsageError('--password-file goes with --create-user');
  if (values['create-user'] !== undefined) {
    const name = values['create-user'];
    if (name.trim() === '' || name.startsWith('-')) throw new UsageError('--create-user needs a user name');
    if (values.repair || values.auth || values.port !== undefined || values.host !== undefined) {
      throw new UsageError('--create-user goes with --dir (and --password-file) only: it writes the user, the server is started apart');
    }
    if (values['password-file']?.trim() === '') throw new UsageError('--password-file needs a file');
  }
  if (values.repair && values.auth) throw new UsageError('--auth does not go with --repair');
  return {
    port,
    dir: path.resolve(values.dir),
    host: values.host ?? '127.0.0.1',
    level,
    repairTo: values.repair ? path.resolve(values.to!) : undefined,
    auth: values.auth ?? false,
    createUser: values['create-user'] === undefined ? undefined : { name: values['create-user'], passwordFile: values['password-file'] },
  };
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
  if (options.createUser) {
    const { name } = options.createUser;
    let password: string;
    try {
      password = await readPassword(options.createUser.passwordFile);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      process.stderr.write(`${err.message}\n${USAGE}`);
      process.exit(2);
    }
    try {
      const outcome = await createUser({ dir, name, password });
      process.stdout.write(`user ${name} (admin.${name}, SCRAM-SHA-256) ${outcome === 'created' ? 'created' : 'given a new password'} in ${dir}\n`);
      process.exit(0);
    } catch (err) {
      process.stderr.write(`create-user: ${(err as Error).message}\n`);
      process.exit((err as { code?: unknown }).code === 2 ? 2 : 1);
    }
  }
  const logger = pino({ level, base: { app: 'mongo-engine' } });
  try {
    const engine = await startEngine({ dir, port, host, logger, auth: options.auth });
    logger.info({ uri: engine.uri, dir, auth: options.auth }, options.auth ? 'embedded database listening (clients authenticate: SCRAM-SHA-256)' : 'embedded database listening');
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
    if (err instanceof NoUsersError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err }, 'embedded database failed to start');
    process.exit(1);
  }
}

/** The new user's password: from the file, else standard input, else asked twice without echo. */
async function readPassword(file: string | undefined): Promise<string> {
  let password: string;
  if (file !== undefined) {
    try {
      password = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`Cannot read --password-file: ${(err as Error).message}`);
    }
    password = password.replace(/\r?\n$/, '');
  } else if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  } else {
    password = await read({ prompt: 'Password: ', silent: true, replace: '', output: process.stderr });
    const again = await read({ prompt: 'Password again: ', silent: true, replace: '', output: process.stderr });
    if (again !== password) throw new UsageError('The two passwords differ');
  }
  if (password.length === 0) throw new UsageError('The password is empty');
  return password;
}

// Run as a script (`node src/cli.ts`), not when imported by the project's entry point.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runDb(process.argv.slice(2));
