// A workspace in a child process, for tests that kill the server mid-edit (SIGKILL).
// It loads every module first, says WARM, and starts only when told (a line on stdin):
// loading the server's modules takes seconds on a busy machine, so a test keeps a warm
// child ready and a restart costs the start alone (the database's replay, the listen).
import { createInterface } from 'node:readline';
import { startServer } from '../../server/main.ts';

process.stdout.write('WARM\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'start') continue;
  const server = await startServer({ ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
  process.stdout.write(`READY ${server.port}\n`);
  break;
}
