// MongoDB's CRUD specification tests (unified format), one Vitest test each, through the
// official driver against the engine (or MONGODB_URI, to compare with a real server). The
// files are test data kept beside the project (../shared/conformance/mongodb-crud), never
// copied into it; CONFORMANCE_DIR points elsewhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../src/index.ts';
import { openSession, type RunnerSession } from './runner.ts';
import { loadTestFile } from './test-file.ts';

const SPEC_DIR = path.join('shared', 'conformance', 'mongodb-crud');

/** CONFORMANCE_DIR, or the nearest ancestor's shared/conformance/mongodb-crud. */
function specDirectory(): string | undefined {
  if (process.env.CONFORMANCE_DIR) return path.resolve(process.env.CONFORMANCE_DIR);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, SPEC_DIR);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const dir = specDirectory();
const names = dir && fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
const files = await Promise.all(names.map(async (name) => ({ name, loaded: await loadTestFile(path.join(dir!, name)) })));

describe('MongoDB CRUD specification tests', () => {
  let engine: RunningEngine | undefined;
  let dataDir: string | undefined;
  let session: RunnerSession;

  beforeAll(async () => {
    let uri = process.env.MONGODB_URI;
    if (!uri) {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
      engine = await startEngine({ dir: dataDir, port: 0 });
      uri = engine.uri;
    }
    session = await openSession({ target: { uri }, serverless: process.env.MONGODB_SERVERLESS === 'true' });
  });

  afterAll(async () => {
    await session?.close();
    await engine?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the spec files are there', () => {
    expect(dir, `no ${SPEC_DIR} beside the project (set CONFORMANCE_DIR)`).toBeDefined();
    expect(names.length, `no *.json test file in ${dir}`).toBeGreaterThan(0);
  });

  for (const { name, loaded } of files) {
    describe(name, () => {
      if (!loaded.ok) {
        it('can be read', () => expect.fail(loaded.reason));
        return;
      }
      for (const test of loaded.file.tests) {
        it(test.description, async (ctx) => {
          const report = await session.runTest(name, loaded.file, test);
          if (report.verdict === 'skip') ctx.skip(report.reason);
          if (report.verdict === 'fail') expect.fail(report.reason ?? 'failed');
        });
      }
    });
  }
});
