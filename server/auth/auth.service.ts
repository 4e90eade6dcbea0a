import type { Connection } from 'mongoose';
import type { AuthUser, Me, MembershipSummary, OrgCollege } from '../../shared/identity.ts';
import type { Role } from '../../shared/access.ts';
import { AppError } from '../common/app-error.ts';
import { membershipModel } from '../negotiations/membership.model.ts';
import { negotiationModel } from '../negotiations/negotiation.model.ts';
import { organisationModel } from '../negotiations/organisation.model.ts';
import { verifyPassword } from './password.ts';
import type { LoginThrottle } from './rate-limit.service.ts';
import { createSession } from './session.service.ts';
import { userModel } from './user.model.ts';

export const INVALID_CREDENTIALS_MESSAGE = 'Adresse e-mail ou mot de passe incorrect.';

export class RateLimited extends AppError {
  readonly retryAfter: number;

  constructor(retryAfter: number) {
    super('RATE_LIMITED', `Trop de tentatives. Réessayez dans ${Math.ceil(retryAfter / 60)} min.`);
    this.retryAfter = retryAfter;
  }
}

/**
 * Signs a person in: throttled per account and per address, the same answer and about the
 * same time for an unknown email and a wrong password, a fresh session token every time.
 */
export async function signIn(
  connection: Connection,
  throttle: LoginThrottle,
  credentials: { email: string; password: string },
  address: string,
): Promise<{ user: AuthUser; token: string }> {
  const { email, password } = credentials;
  const wait = await throttle.retryAfter(email, address);
  if (wait > 0) throw new RateLimited(wait);
  const user = await userModel(connection).findOne({ email }).lean();
  const ok = await verifyPassword(user?.passwordHash, password);
  if (!user || !ok) {
    await throttle.recordFailure(email, address);
    throw new AppError('INVALID_CREDENTIALS', INVALID_CREDENTIALS_MESSAGE);
  }
  await throttle.recordSuccess(email);
  const token = await createSession(connection, String(user._id));
  return { user: { id: String(user._id), name: user.name, email: user.email }, token };
}

/** Who I am and where I sit: my active mandates with their negotiation and organisation. */
export async function describeMe(connection: Connection, user: AuthUser): Promise<Me> {
  const memberships = await membershipModel(connection).find({ userId: user.id, revokedAt: null }).lean();
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
