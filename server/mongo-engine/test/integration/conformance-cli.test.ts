import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs `node conformance/cli.ts …args` (against the embedded engine, or MONGODB_URI when set). */
function runCli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['conformance/cli.ts', ...args], {
      cwd: packageDir,
      env: { ...process.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr, lines: stdout.trimEnd().split('\n') }));
  });
}

const entities = [
  { client: { id: 'client0', observeEvents: ['commandStartedEvent'] } },
  { database: { id: 'database0', client: 'client0', databaseName: 'conformance-cli' } },
  { collection: { id: 'collection0', database: 'database0', collectionName: 'coll0' } },
];
const initialData = [{ collectionName: 'coll0', databaseName: 'conformance-cli', documents: [{ _id: 1, x: 11 }] }];

const passingFile = {
  description: 'tiny-pass',
  schemaVersion: '1.0',
  createEntities: entities,
  initialData,
  tests: [
    {
      description: 'insertOne then find',
      operations: [
        {
          name: 'insertOne',
          object: 'collection0',
          arguments: { document: { _id: 2, x: 22 } },
          expectResult: { $$unsetOrMatches: { insertedId: { $$unsetOrMatches: 2 } } },
        },
        {
          name: 'find',
          object: 'collection0',
          arguments: { filter: { _id: { $gt: 1 } } },
          expectResult: [{ _id: 2, x: 22 }],
        },
      ],
      expectEvents: [{ client: 'client0', events: [] }],
      outcome: [
        {
          collectionName: 'coll0',
          databaseName: 'conformance-cli',
          documents: [
            { _id: 1, x: 11 },
            { _id: 2, x: 22 },
          ],
        },
      ],
    },
  ],
};

const failingFile = {
  description: 'tiny-fail',
  schemaVersion: '1.0',
  createEntities: entities,
  initialData,
  tests: [
    {
      description: 'a wrong expected count',
      operations: [{ name: 'countDocuments', object: 'collection0', arguments: { filter: {} }, expectResult: 5 }],
    },
    {
      description: 'needs a sharded cluster',
      runOnRequirements: [{ topologies: ['sharded'] }],
      operations: [{ name: 'countDocuments', object: 'collection0', arguments: { filter: {} }, expectResult: 1 }],
    },
  ],
};

const eventsFile = {
  description: 'tiny-events',
  schemaVersion: '1.0',
  createEntities: entities,
  initialData,
  tests: [
    {
      description: 'the commands the driver sent',
      operations: [{ name: 'find', object: 'collection0', arguments: { filter: {}, sort: { x: -1 } }, expectResult: [{ _id: 1, x: 11 }] }],
      expectEvents: [
        {
          client: 'client0',
          events: [{ commandStartedEvent: { commandName: 'find', databaseName: 'conformance-cli', command: { find: 'coll0', sort: { x: -1 } } } }],
        },
      ],
    },
    {
      description: 'events that were not sent',
      operations: [{ name: 'countDocuments', object: 'collection0', arguments: { filter: {} }, expectResult: 1 }],
      expectEvents: [{ client: 'client0', events: [{ commandStartedEvent: { commandName: 'count' } }] }],
    },
  ],
};

describe('npm run conformance (CLI)', () => {
  let root: string;
  let passOnly: string;
  let mixed: string;
  let events: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-cli-'));
    passOnly = path.join(root, 'pass-only');
    mixed = path.join(root, 'mixed');
    events = path.join(root, 'events');
    fs.mkdirSync(passOnly);
    fs.mkdirSync(mixed);
    fs.mkdirSync(events);
    fs.writeFileSync(path.join(events, 'tiny-events.json'), JSON.stringify(eventsFile, null, 2));
    fs.writeFileSync(path.join(passOnly, 'tiny-pass.json'), JSON.stringify(passingFile, null, 2));
    fs.writeFileSync(path.join(mixed, 'tiny-pass.json'), JSON.stringify(passingFile, null, 2));
    fs.writeFileSync(path.join(mixed, 'tiny-fail.json'), JSON.stringify(failingFile, null, 2));
    fs.writeFileSync(path.join(mixed, 'notes.txt'), 'not a test file');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reports each test and closes with the counts; a failure exits 1', async () => {
    const run = await runCli(mixed);
    expect(run.lines).toContain('PASS tiny-pass.json › insertOne then find (note: expectEvents not checked (they assert what the driver sends))');
    expect(run.lines.some((line) => line.startsWith('FAIL tiny-fail.json › a wrong expected count — '))).toBe(true);
    expect(run.lines.some((line) => line.startsWith('SKIP tiny-fail.json › needs a sharded cluster — runOnRequirements: needs topology sharded'))).toBe(true);
    expect(run.lines.at(-1)).toBe('1 passed, 1 failed, 1 skipped');
    expect(run.code).toBe(1);
  }, 120_000);

  it('exits 0 when everything passed, and 1 when fewer than --min-passed did', async () => {
    const enough = await runCli(passOnly, '--min-passed', '1');
    expect(enough.lines.at(-1)).toBe('1 passed, 0 failed');
    expect(enough.code).toBe(0);

    const short = await runCli(passOnly, '--min-passed', '2');
    expect(short.lines.at(-1)).toBe('1 passed, 0 failed');
    expect(short.stdout).toMatch(/fewer than the required 2/);
    expect(short.code).toBe(1);
  }, 120_000);

  it('checks expectEvents with --check-events, and only notes them without', async () => {
    const checked = await runCli(events, '--check-events');
    expect(checked.lines).toContain('PASS tiny-events.json › the commands the driver sent');
    expect(checked.lines.some((line) => /^FAIL tiny-events\.json › events that were not sent — expectEvents: .*expected command count, observed aggregate/.test(line))).toBe(true);
    expect(checked.lines.at(-1)).toBe('1 passed, 1 failed');
    expect(checked.code).toBe(1);

    const noted = await runCli(events);
    expect(noted.lines.at(-1)).toBe('2 passed, 0 failed');
    expect(noted.code).toBe(0);
  }, 120_000);

  it('exits 2 with a clear message on a missing directory or a bad option', async () => {
    const missing = await runCli(path.join(root, 'does-not-exist'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such directory/);

    const noDir = await runCli();
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/missing DIR/);

    const badOption = await runCli(passOnly, '--min-passed', 'many');
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/--min-passed needs a non-negative integer/);
  }, 60_000);
});
