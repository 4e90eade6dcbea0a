import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../server/main.ts';

export interface TestServer extends RunningServer {
  dataDir: string;
}

/** A real workspace on a free port, with its own embedded database in a temporary directory. */
/** `sources`: a fixed clock and id source for the use cases, when a test needs them. */
export async function startTestServer(env: Record<string, string> = {}, sources: Parameters<typeof startServer>[1] = {}): Promise<TestServer> {
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-test-'));
  const server = await startServer({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    ...(process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI } : {}),
    ...env,
  }, sources);
  return { ...server, dataDir };
}
