import type { Connection } from 'mongoose';
import type { AuthUser } from '../../shared/identity.ts';
import { AppError } from '../common/app-error.ts';
import { verifyPassword } from './password.ts';
import { Throttle, PASSWORD_RULES, RESET_RULES, VERIFY_RULES } from './throttle.ts';
import { userModel } from './user.model.ts';

/** The throttles of one app, shared by every capability (and, through MongoDB, by every process). */
export interface Throttles {
  /** Every password typed, whatever for: one count per account. */
  password: Throttle;
  reset: Throttle;
  verify: Throttle;
}

const throttles = new WeakMap<Connection, Throttles>();

export function createThrottles(connection: Connection): Throttles {
  const created: Throttles = {
    password: new Throttle(connection, 'password', PASSWORD_RULES),
    reset: new Throttle(connection, 'reset', RESET_RULES),
    verify: new Throttle(connection, 'verify', VERIFY_RULES),
  };
  throttles.set(connection, created);
  return created;
}

export function throttlesOf(connection: Connection): Throttles {
  const found = throttles.get(connection);
  if (!found) throw new Error('throttles used before registerAuth');
  return found;
}

/**
 * A binding act is the person's own: they type their password again. Counted with every
 * other password typed for the account (sign-in included) before it is checked.
 */
export async function confirmPassword(
  connection: Connection,
  user: AuthUser,
  password: string,
  address: string,
  refusal = 'Mot de passe incorrect : rien n’a été enregistré.',
): Promise<void> {
  const attempt = await throttlesOf(connection).password.consume(user.email, address, 'Trop de mots de passe erronés. Réessayez plus tard.');
  const stored = await userModel(connection).findById(user.id, { passwordHash: 1 }).lean();
  if (!(await verifyPassword(stored?.passwordHash, password))) throw new AppError('INVALID_CREDENTIALS', refusal);
  await attempt.succeeded();
}
