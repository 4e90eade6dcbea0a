// The regex guard on a busy machine (issue 19). The guard refuses a regex that backtracks
// without end; it used to judge a slice of documents by wall-clock time, so a correct query
// was refused whenever the engine's process waited for a core for 250 ms in the middle of a
// slice (durability.test.ts's `^prefix-` failed so at load 28). Here the engine runs in a
// child process that is stopped (SIGSTOP) for 400 ms at a time while it answers queries:
// the machine at its busiest, made exact. Correct queries must still be answered, and the
// catastrophic pattern still refused with the same error.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { MongoClient, MongoServerError, type Collection } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { modulePath } from '../helpers/crash.ts';
import { provenLinear } from '../../src/query/linear-regex.ts';

const DOCUMENTS = 3_000;
/**
 * The engine runs 30–70 ms out of every ~450 here, and on a loaded machine only part of that:
 * the first test takes 7 s on a quiet machine and went past 60 s in a clean-clone run of the
 * whole suite (load 7). What the tests check is the answers, not their speed.
 */
const BUSY_TEST_MS = 240_000;
/** Long enough that matching a slice of 128 of them takes a few milliseconds. */
const TEXT = 'abcdefghijklmnopqrstuvwxyz'.repeat(600);

/** Stopping loops still running: a test that timed out leaves its own, which afterEach ends. */
const stopping = new Set<() => Promise<number>>();

/** Stops `child` for `pauseMs` again and again until stopped; `pauses()` counts the stops so far. */
function keepStopping(child: ChildProcess, pauseMs: number): { pauses: () => number; stop: () => Promise<number> } {
  let running = true;
  let pauses = 0;
  const loop = (async () => {
    while (running) {
      // Let it run a little (into a query's slices), then stop it as a busy machine would.
      await new Promise((r) => setTimeout(r, 30 + Math.random() * 40));
      child.kill('SIGSTOP');
      pauses++;
      await new Promise((r) => setTimeout(r, pauseMs));
      child.kill('SIGCONT');
    }
  })();
  const stop = async () => {
    running = false;
    await loop;
    child.kill('SIGCONT');
    stopping.delete(stop);
    return pauses;
  };
  stopping.add(stop);
  return { pauses: () => pauses, stop };
}

describe('the regex guard on a busy machine', () => {
  let child: ChildProcess;
  let client: MongoClient;
  let docs: Collection;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regex-guard-'));
    const script = path.join(dir, 'engine.mts');
    fs.writeFileSync(
      script,
      `const { startEngine } = await import(${modulePath('src/index.ts')});
const engine = await startEngine({ dir: process.argv[2], port: 0 });
console.log(engine.port);`,
    );
    child = spawn(process.execPath, [script, path.join(dir, 'data')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
    client = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`, { serverSelectionTimeoutMS: 60_000, socketTimeoutMS: 0 });
    docs = client.db('d').collection('docs');
    for (let from = 0; from < DOCUMENTS; from += 500) {
      await docs.insertMany(Array.from({ length: 500 }, (_, j) => ({ k: `${(from + j) % 3}-${from + j}-x`, text: TEXT })));
    }
    await client
      .db('d')
      .collection('strings')
      .insertMany(Array.from({ length: 200 }, (_, i) => ({ s: `${'a'.repeat(24 + (i % 4))}!` })));
  }, 120_000);

  // A test that timed out would leave the engine stopped again and again under the next ones.
  afterEach(async () => {
    for (const stop of [...stopping]) await stop();
  });

  afterAll(async () => {
    child?.kill('SIGCONT');
    await client?.close();
    child?.kill('SIGKILL');
  });

  it('an anchored prefix, and a linear pattern the guard still watches, are answered while the engine is stopped for 400 ms again and again', async () => {
    const stopper = keepStopping(child, 400);
    const answers: number[] = [];
    const errors: string[] = [];
    const filters = [{ k: { $regex: '^1-' } }, { k: { $regex: '^1-' }, text: { $regex: '^[a-z]+$' } }];
    try {
      // Queries back to back until each filter was answered three times and the engine was
      // stopped at least eight times meanwhile (however fast this machine scans).
      for (let i = 0; i < 60 && (answers.length + errors.length < 6 || stopper.pauses() < 8); i++) {
        await docs
          .countDocuments(filters[i % 2])
          .then((n) => answers.push(n))
          .catch((err: unknown) => errors.push(err instanceof Error ? err.message : String(err)));
      }
    } finally {
      expect(await stopper.stop()).toBeGreaterThanOrEqual(8);
    }
    expect(errors).toEqual([]);
    expect(answers.length).toBeGreaterThanOrEqual(6);
    expect(new Set(answers)).toEqual(new Set([DOCUMENTS / 3]));
  }, BUSY_TEST_MS);

  it('the catastrophic ^(a+)+$ is still refused with the same error while the engine is stopped again and again', async () => {
    const stopper = keepStopping(child, 400);
    let error: unknown;
    try {
      error = await client
        .db('d')
        .collection('strings')
        .find({ s: { $regex: '^(a+)+$' } })
        .toArray()
        .catch((err: unknown) => err);
    } finally {
      await stopper.stop();
    }
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(2);
    expect((error as MongoServerError).message).toMatch(/regular expression ran over 250 ms of CPU on 128 documents/);
  }, BUSY_TEST_MS);

  it('patterns without an unbounded quantifier are proven linear; the others, and backreferences, are not', () => {
    for (const linear of ['^1-', '^prefix-', '^A{25}!$', '^(draft|signed)-[0-9]{4}$', 'x$', '(?=ab)a', '^\\Q']) expect([linear, provenLinear(linear)]).toEqual([linear, true]);
    expect(provenLinear('^abc', 'i')).toBe(true);
    for (const guarded of ['^(a+)+$', '^a+!$', '\\s*$', '(a|a)*', '^[a-z]+$', '(a)\\1', 'a{0,5000}', '(a|b|c|d){1,8}']) expect([guarded, provenLinear(guarded)]).toEqual([guarded, false]);
    // MongoDB's x (extended) is not JavaScript's: left to the guard and to mingo's error.
    expect(provenLinear('^abc', 'x')).toBe(false);
  });
});
