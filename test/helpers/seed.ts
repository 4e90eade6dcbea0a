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

/**
 * A company negotiation (L2232-12): its direction (AXESS here) and two unions, CGT 60 % and CFDT
 * 40 % of the votes cast, with a secretariat and a signatory of the direction and a
 * delegate-signatory per union; their emails end in `@{name}.test`.
 */
export async function addCompanyNegotiation(server: Pick<RunningServer, 'app'>, ids: DemoIds, name: string) {
  const { AXESS, CGT, CFDT } = ids.organisations;
  const company = await addNegotiation(server, `Accord d’entreprise ${name}`, CGT);
  const parties = [
    { organisationId: AXESS, weight: 100, representative: true, source: null },
    { organisationId: CGT, weight: 60, representative: true, source: null },
    { organisationId: CFDT, weight: 40, representative: true, source: null },
  ];
  await negotiationModel(server.app.context.db.connection).updateOne({ _id: company }, { $set: { parties } });
  const people = { secretariat: `rh@${name}.test`, direction: `direction@${name}.test`, cgt: `cgt@${name}.test`, cfdt: `cfdt@${name}.test` };
  await addMember(server, { email: people.secretariat, negotiationId: company, organisationId: AXESS, roles: ['secretariat'] });
  await addMember(server, { email: people.direction, negotiationId: company, organisationId: AXESS, roles: ['signatory'] });
  await addMember(server, { email: people.cgt, negotiationId: company, organisationId: CGT, roles: ['delegate', 'signatory'] });
  await addMember(server, { email: people.cfdt, negotiationId: company, organisationId: CFDT, roles: ['delegate', 'signatory'] });
  return { company, people };
}
