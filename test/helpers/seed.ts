import type { RunningServer } from '../../server/main.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { DEMO_PASSWORD } from '../../server/seed/demo-content.ts';
import { seedDemo as seed, type DemoIds } from '../../server/seed/seed.ts';

export type { DemoIds };

// argon2 is slow on purpose: one hash of the demo password per test process.
let demoHash: Promise<string> | undefined;

/** Seeds the demo into a test server's database and returns the ids. */
export async function seedDemo(server: Pick<RunningServer, 'app'>): Promise<DemoIds> {
  demoHash ??= hashPassword(DEMO_PASSWORD);
  return seed(server.app.context.db.connection, { passwordHash: await demoHash });
}
