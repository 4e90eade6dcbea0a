import type { RequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import type { InFlight } from './lifecycle.ts';

/** A dependency the server cannot serve without; rejects (or never settles) when it is down. */
export type ReadinessCheck = () => Promise<unknown>;

/** A probe that takes longer than this counts as a failure: a load balancer waits for no one. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * `GET /api/ready`: 200 only when every dependency answers (the database always; Redis once
 * scale-out registers its check) and the server is not draining; 503 otherwise, naming what
 * failed. `/api/health` says the process is up; this says it can serve.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly inFlight: InFlight;
  private readonly logger: Logger;

  constructor(inFlight: InFlight, logger: Logger) {
    this.inFlight = inFlight;
    this.logger = logger;
  }

  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async report(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.outcome(name, check)] as const),
    );
    const checks = Object.fromEntries(entries);
    if (this.inFlight.draining) checks.server = 'draining';
    return { ready: Object.values(checks).every((state) => state === 'ok'), checks };
  }

  readonly route: RequestHandler = async (_req, res) => {
    const { ready, checks } = await this.report();
    res.setHeader('Cache-Control', 'no-store');
    if (ready) res.json({ ok: true, checks });
    else res.status(503).json({ error: { code: 'UNAVAILABLE', message: 'Service pas prêt.' }, checks });
  };


  /** 'ok', 'timeout' or 'failed'; the reason goes to the log only (it may name hosts). */
  private async outcome(name: string, check: ReadinessCheck): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CHECK_TIMEOUT_MS);
    });
    try {
      const state = await Promise.race([check().then(() => 'ok' as const), timeout]);
      if (state === 'timeout') this.logger.warn({ check: name, timeoutMs: CHECK_TIMEOUT_MS }, 'readiness check timed out');
      return state;
    } catch (err) {
      this.logger.warn({ check: name, err }, 'readiness check failed');
      return 'failed';
    } finally {
      clearTimeout(timer);
    }
  }
}
