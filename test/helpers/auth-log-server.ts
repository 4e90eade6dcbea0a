// A workspace in a child process, logging everything (trace) to stdout, for tests that read its logs.
// First start on an empty database: the demo is seeded (NODE_ENV=development).
import { startServer } from '../../server/main.ts';

const server = await startServer({
  ...process.env,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'trace',
  NODE_ENV: 'development',
});
process.stdout.write(`${JSON.stringify({ ready: server.url })}\n`);
process.once('SIGTERM', async () => {
  await server.close();
  process.exit(0);
});
