import { parseConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { connectDatabase } from './db/connection.ts';
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
}

/** Starts the whole workspace: database, HTTP, Socket.IO and Yjs, on one port. */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const config = parseConfig(env);
  const logger = createLogger(config.LOG_LEVEL);
  const db = await connectDatabase(config, logger);
  const app = await createApp(config, logger, db, capabilities);
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
  };
}
