// npm run conformance -- DIR [--min-passed N] [--timeout MS] [--check-events]
//
// Runs every MongoDB unified-format test file (*.json) in DIR with the official driver, against
// the embedded engine (started on a fresh temporary directory) or against MONGODB_URI when set.
// --check-events also checks the tests' expectEvents (command events the driver observed); by
// default they are noted as not checked.
// Prints one line per test and closes with "N passed, N failed[, N skipped]".
// Exit code: 0 all passed, 1 a test failed (or fewer than --min-passed passed), 2 usage error.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine, type RunningEngine } from '../src/index.ts';
import { count, formatReport, summaryLine } from './report.ts';
import { runFiles } from './runner.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);

const USAGE = 'usage: npm run conformance -- DIR [--min-passed N] [--timeout MS] [--check-events]';

interface CliOptions {
  dir: string;
  minPassed?: number;
  timeoutMs?: number;
  checkEvents: boolean;
}

class UsageError extends Error {}

function parseCount(flag: string, text: string | undefined): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${flag} needs a non-negative integer, got ${text ?? 'nothing'}`);
  return Number(text);
}

function parseArgs(argv: readonly string[]): CliOptions {
  let dir: string | undefined;
  let minPassed: number | undefined;
  let timeoutMs: number | undefined;
  let checkEvents = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--min-passed') minPassed = parseCount(flag, inline ?? argv[++i]);
    else if (flag === '--timeout') timeoutMs = parseCount(flag, inline ?? argv[++i]);
    else if (arg === '--check-events') checkEvents = true;
    else if (flag === '--help' || flag === '-h') throw new UsageError('');
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (dir === undefined) dir = arg;
    else throw new UsageError(`one directory only (got ${dir} and ${arg})`);
  }
  if (dir === undefined) throw new UsageError('missing DIR: the directory of *.json test files');
  return { dir, minPassed, timeoutMs, checkEvents };
}

async function testFiles(dir: string): Promise<string[]> {
  const path = resolve(dir);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`no such directory: ${dir}`);
  if (!info.isDirectory()) throw new UsageError(`not a directory: ${dir}`);
  const names = (await readdir(path)).filter((name) => name.endsWith('.json')).sort();
  return names.map((name) => join(path, name));
}

async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  let files: string[];
  try {
    options = parseArgs(argv);
    files = await testFiles(options.dir);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) complain(`conformance: ${error.message}`);
    complain(USAGE);
    return 2;
  }

  let engine: RunningEngine | undefined;
  let dataDir: string | undefined;
  let target: { uri: string } | { error: string };
  const external = process.env.MONGODB_URI;
  if (external) {
    target = { uri: external };
    say(`conformance: ${files.length} file(s) against MONGODB_URI`);
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'conformance-engine-'));
    try {
      engine = await startEngine({ dir: dataDir, port: 0 });
      target = { uri: engine.uri };
      say(`conformance: ${files.length} file(s) against the embedded engine at ${engine.uri}`);
    } catch (error) {
      target = { error: `the embedded engine did not start: ${(error as Error).message}` };
      say(`conformance: ${files.length} file(s); ${target.error}`);
    }
  }

  try {
    const reports = await runFiles(files, {
      target,
      serverless: process.env.MONGODB_SERVERLESS === 'true',
      testTimeoutMs: options.timeoutMs,
      checkEvents: options.checkEvents,
      onReport: (report) => say(formatReport(report)),
    });
    const counts = count(reports);
    let status = counts.failed > 0 ? 1 : 0;
    if (options.minPassed !== undefined && counts.passed < options.minPassed) {
      say(`conformance: ${counts.passed} test(s) passed, fewer than the required ${options.minPassed}`);
      status = 1;
    }
    say(summaryLine(counts));
    return status;
  } finally {
    await engine?.close().catch(() => undefined);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

/** Exits once stdout is flushed, whatever handles a stuck test may have left open. */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

/** Runs the command with these arguments, then exits with its status. */
export function runConformance(argv: readonly string[]): void {
  main(argv).then(exit, (error: unknown) => {
    complain(`conformance: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    exit(1);
  });
}

// Run as a script (`node conformance/cli.ts`), not when imported by the project's entry point.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runConformance(process.argv.slice(2));
