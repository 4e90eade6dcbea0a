import type { Connection } from 'mongoose';
import type { AuthUser, Me, MembershipSummary, OrgCollege } from '../../shared/identity.ts';
import type { Role } from '../../shared/access.ts';
import { AppError } from '../common/app-error.ts';
import { membershipModel } from '../negotiations/membership.model.ts';
import { negotiationModel } from '../negotiations/negotiation.model.ts';
import { organisationModel } from '../negotiations/organisation.model.ts';
import { verifyPassword } from './password.ts';
import { createSession } from './session.service.ts';
import type { Throttle } from './throttle.ts';
import { userModel } from './user.model.ts';

export const INVALID_CREDENTIALS_MESSAGE = 'Adresse e-mail ou mot de passe incorrect.';

/**
 * Signs a person in: throttled per account and per address (counted before the password
 * is checked), the same answer and about the same time for an unknown email and a wrong
 * password, a fresh session token every time.
 */
export async function signIn(
  connection: Connection,
  throttle: Throttle,
  credentials: { email: string; password: string },
  address: string,
): Promise<{ user: AuthUser; token: string }> {
  const { email, password } = credentials;
  const attempt = await throttle.consume(email, address);
  const user = await userModel(connection).findOne({ email }).lean();
  const ok = await verifyPassword(user?.passwordHash, password);
  if (!user || !ok) throw new AppError('INVALID_CREDENTIALS', INVALID_CREDENTIALS_MESSAGE);
  await attempt.succeeded();
  const token = await createSession(connection, String(user._id));
  return { user: { id: String(user._id), name: user.name, email: user.email }, token };
}

/** Who I am and where I sit: my active mandates with their negotiation and organisation. */
export async function describeMe(connection: Connection, user: AuthUser): Promise<Me> {
  const memberships = await membershipModel(connection).find({ userId: user.id, revokedAt: null, suspension: null }).lean();
  const [negotiations, organisations] = await Promise.all([
    negotiationModel(connection)
      .find({ _id: { $in: memberships.map((m) => m.negotiationId) } })
      .lean(),
    organisationModel(connection)
      .find({ _id: { $in: memberships.map((m) => m.organisationId) } })
      .lean(),
  ]);
  const titles = new Map(negotiations.map((n) => [String(n._id), n.title]));
  const orgs = new Map(organisations.map((o) => [String(o._id), o]));
  const summaries: MembershipSummary[] = [];
  for (const m of memberships) {
    const org = orgs.get(m.organisationId);
    const title = titles.get(m.negotiationId);
    if (!org || title === undefined) continue;
    summaries.push({
      negotiationId: m.negotiationId,
      negotiationTitle: title,
      organisation: { id: String(org._id), shortName: org.shortName, college: org.college as OrgCollege },
      roles: [...m.roles] as Role[],
    });
  }
  return { user, memberships: summaries };
}
