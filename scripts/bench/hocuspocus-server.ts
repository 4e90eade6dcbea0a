// One Hocuspocus process of the cluster benchmark's comparison (`scripts/bench/hocuspocus.ts`),
// started by the cluster harness in place of a workspace process: PORT, MONGODB_URI (the
// engine as a server, shared by the processes) and REDIS_URL from its environment.
import { startHocuspocus } from './hocuspocus.ts';

const running = await startHocuspocus({ port: Number(process.env.PORT), mongoUri: String(process.env.MONGODB_URI), redisUrl: process.env.REDIS_URL || undefined });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void running.close().finally(() => process.exit(0));
  });
}
