import type { RunningServer } from '../../server/main.ts';
import type { Role } from '../../shared/access.ts';
import { userModel } from '../../server/auth/user.model.ts';
import { membershipModel } from '../../server/negotiations/membership.model.ts';
import { negotiationModel } from '../../server/negotiations/negotiation.model.ts';
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

/** A person with exactly these roles for this organisation in this negotiation (demo password). */
export async function addMember(
  server: Pick<RunningServer, 'app'>,
  member: { email: string; name?: string; negotiationId: string; organisationId: string; roles: Role[] },
): Promise<{ userId: string; membershipId: string }> {
  const connection = server.app.context.db.connection;
  demoHash ??= hashPassword(DEMO_PASSWORD);
  const now = new Date();
  const user = await userModel(connection).create({
    email: member.email,
    name: member.name ?? member.email,
    passwordHash: await demoHash,
    passwordChangedAt: now,
    createdAt: now,
  });
  const membership = await membershipModel(connection).create({
    userId: String(user._id),
    negotiationId: member.negotiationId,
    organisationId: member.organisationId,
    roles: member.roles,
    createdAt: now,
  });
  return { userId: String(user._id), membershipId: String(membership._id) };
}

/** Another negotiation, with one party, so that its members are strangers to the demo. */
export async function addNegotiation(server: Pick<RunningServer, 'app'>, title: string, organisationId: string): Promise<string> {
  const doc = await negotiationModel(server.app.context.db.connection).create({
    title,
    level: 'company',
    status: 'in negotiation',
    parties: [{ organisationId, weight: 100, representative: true, source: null }],
    createdAt: new Date(),
  });
  return String(doc._id);
}
