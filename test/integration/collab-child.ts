// A workspace in a child process, for tests that kill the server mid-edit (SIGKILL).
import { startServer } from '../../server/main.ts';

const server = await startServer({ ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
process.stdout.write(`READY ${server.port}\n`);
