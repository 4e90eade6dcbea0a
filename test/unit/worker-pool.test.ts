import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../server/common/app-error.ts';
import { WorkerPool, workerTask } from '../../server/common/worker-pool.ts';
import type { spin } from '../helpers/busy.worker.ts';

const spinTask = workerTask<typeof spin>(new URL('../helpers/busy.worker.ts', import.meta.url), 'spin');

describe('the worker pool', () => {
  let sut: WorkerPool;
  afterEach(async () => {
    await sut?.close();
  });

  it('runs a task in another thread while the event loop keeps turning', async () => {
    sut = new WorkerPool({ threads: 1 });
    const ticks: number[] = [];
    const ticker = setInterval(() => ticks.push(performance.now()), 10);
    const started = performance.now();
    const result = await sut.run(spinTask, { ms: 600 });
    clearInterval(ticker);
    expect(result.threadId).not.toBe(threadId);
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    // Ticks all along: the 600 ms of computing never held this thread (a busy machine may delay a tick, not skip 600 ms).
    const gaps = [started, ...ticks, performance.now()].slice(1).map((t, i, all) => t - (i === 0 ? started : all[i - 1]));
    expect(Math.max(...gaps)).toBeLessThan(300);
  });

  it('refuses a task past its queue with a 429 to retry later, and runs the others', async () => {
    sut = new WorkerPool({ threads: 1, maxQueue: 2 });
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => sut.run(spinTask, { ms: 150 })));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.every((e) => e instanceof AppError && e.code === 'RATE_LIMITED' && e.status === 429)).toBe(true);
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThanOrEqual(2);
  });
});
