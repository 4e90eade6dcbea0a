import type { Clock, IdSource } from './events/clock.ts';
import { parseConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { connectDatabase, type Database } from './db/connection.ts';
import { createApp, type App } from './app.ts';
import { capabilities } from './capabilities.ts';
import { seedIfEmpty } from './seed/seed.ts';

export interface RunningServer {
  app: App;
  port: number;
  url: string;
  config: Config;
  logger: Logger;
  close(): Promise<void>;
  /**
   * A graceful stop (SIGTERM): stop accepting, answer what is under way, close the
   * connections as a restart and flush the live documents, close the database; each step
   * logged, all within `timeoutMs`. Says whether everything was done in time.
   */
  drain(timeoutMs?: number): Promise<'drained' | 'timed out'>;
}

/** Starts the whole workspace: database, HTTP, Socket.IO and Yjs, on one port. */
export async function startServer(env: NodeJS.ProcessEnv = process.env, sources: { clock?: Clock; ids?: IdSource } = {}): Promise<RunningServer> {
  const config = parseConfig(env);
  const logger = createLogger(config.LOG_LEVEL);
  const db = await connectDatabase(config, logger);
  const app = await createApp(config, logger, db, capabilities, sources);
  // Outside tests, a first start on an empty database has the demo to explore before anyone connects.
  if (config.NODE_ENV !== 'test') await seedIfEmpty(db.connection, logger, app.context.events);
  const port = await app.listen(config.PORT, config.HOST);
  const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  logger.info({ port, db: db.kind }, 'workspace listening');
  return {
    app,
    port,
    url,
    config,
    logger,
    async close() {
      await app.close();
      await new Promise<void>((resolve) => app.httpServer.close(() => resolve()));
      await db.close();
    },
    drain: (timeoutMs = config.DRAIN_TIMEOUT_MS) => drain(app, db, logger, timeoutMs),
  };
}

async function drain(app: App, db: Database, logger: Logger, timeoutMs: number): Promise<'drained' | 'timed out'> {
  const log = logger.child({ drain: true });
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs);
  });
  const steps = async (): Promise<'drained' | 'timed out'> => {
    log.info({ timeoutMs }, 'drain: stopped accepting connections, requests and commands');
    app.inFlight.drain();
    const unlistened = new Promise<void>((resolve) => app.httpServer.close(() => resolve()));

    log.info({ inFlight: app.inFlight.size }, 'drain: answering the requests and commands under way');
    // Half the time at most: the live documents must still be flushed if a command hangs.
    let wait: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      app.inFlight.settled().then(() => true),
      new Promise<false>((resolve) => (wait = setTimeout(() => resolve(false), timeoutMs / 2))),
    ]);
    clearTimeout(wait);
    if (!settled) log.warn({ inFlight: app.inFlight.size, ms: elapsed() }, 'drain: gave up waiting for what is under way');

    log.info({ ms: elapsed() }, 'drain: closing connections (1012, server restarting) and flushing live documents');
    await app.close();
    await unlistened;

    log.info({ ms: elapsed() }, 'drain: closing the database');
    await db.close();
    log.info({ ms: elapsed() }, 'drain: done');
    // Cut short what was under way: the work is not all done, whatever followed.
    return settled ? 'drained' : 'timed out';
  };
  const outcome = await Promise.race([steps(), deadline]);
  clearTimeout(timer);
  if (outcome === 'timed out') log.error({ timeoutMs }, 'drain: not finished in time, stopping anyway');
  return outcome;
}
