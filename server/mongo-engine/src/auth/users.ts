// The engine's users, as mongod keeps them: one document per user in `admin.system.users`
// (journaled like any other write), holding SCRAM-SHA-256 keys derived from the password and
// never the password itself (RFC 5802/7677: a random salt, PBKDF2 iterated 15,000 times as
// mongod's scramSHA256IterationCount, then the stored and server keys).
import crypto from 'node:crypto';
import { saslprep } from '@mongodb-js/saslprep';
import type { Doc } from '../bson/codec.ts';
import type { EngineState } from '../commands/context.ts';
import { applyCommand, runCommand } from '../commands/registry.ts';
import { CommandError } from '../errors.ts';

export const USERS_DB = 'admin';
export const USERS_COLLECTION = 'system.users';
export const SCRAM_SHA_256 = 'SCRAM-SHA-256';
/** mongod's default scramSHA256IterationCount. */
export const ITERATION_COUNT = 15_000;
/** mongod's salt for SCRAM-SHA-256: the hash's length less four bytes. */
const SALT_BYTES = 28;

/** What the server keeps to check a SCRAM-SHA-256 proof (base64, as in mongod's system.users). */
export interface ScramCredentials {
  iterationCount: number;
  salt: string;
  storedKey: string;
  serverKey: string;
}

export function hmac(key: Buffer, text: string | Buffer): Buffer {
  return crypto.createHmac('sha256', key).update(text).digest();
}

export function sha256(data: Buffer): Buffer {
  return crypto.createHash('sha256').update(data).digest();
}

/** Derives the keys for `password`; the password itself goes nowhere. */
export function scramCredentials(password: string, iterationCount = ITERATION_COUNT): ScramCredentials {
  const salt = crypto.randomBytes(SALT_BYTES);
  const salted = crypto.pbkdf2Sync(saslprep(password), salt, iterationCount, 32, 'sha256');
  return {
    iterationCount,
    salt: salt.toString('base64'),
    storedKey: sha256(hmac(salted, 'Client Key')).toString('base64'),
    serverKey: hmac(salted, 'Server Key').toString('base64'),
  };
}

/** A user name fit for the SCRAM exchange and a URI: printable, no control characters. */
export function checkUserName(name: string): void {
  if (name.length === 0 || name.length > 256 || /[\p{Cc}\s]/u.test(name)) {
    throw new CommandError(2, `invalid user name: ${JSON.stringify(name)} (1 to 256 printable characters, no spaces)`);
  }
}

/** Creates the user `admin.NAME`, or gives an existing one a new password. */
export async function putUser(engine: EngineState, name: string, password: string): Promise<'created' | 'updated'> {
  checkUserName(name);
  if (password.length === 0) throw new CommandError(2, 'the password is empty');
  const id = `${USERS_DB}.${name}`;
  const user: Doc = {
    _id: id,
    user: name,
    db: USERS_DB,
    credentials: { [SCRAM_SHA_256]: scramCredentials(password) },
    // The engine has one kind of user: every authenticated client may do everything.
    roles: [{ role: 'root', db: USERS_DB }],
  };
  const { reply, durable } = await applyCommand(
    engine,
    USERS_DB,
    { update: USERS_COLLECTION, updates: [{ q: { _id: id }, u: user, upsert: true }] },
    0,
  );
  await durable;
  if (reply.ok !== 1) throw new CommandError(Number(reply.code ?? 1), String(reply.errmsg));
  return Array.isArray(reply.upserted) && reply.upserted.length > 0 ? 'created' : 'updated';
}

/** The SCRAM-SHA-256 keys of `db.NAME`, if such a user exists. */
export async function findCredentials(engine: EngineState, db: string, name: string): Promise<ScramCredentials | undefined> {
  const reply = await runCommand(engine, USERS_DB, { find: USERS_COLLECTION, filter: { _id: `${db}.${name}` }, limit: 1, singleBatch: true }, 0);
  const user = ((reply.cursor as Doc | undefined)?.firstBatch as Doc[] | undefined)?.[0];
  const keys = (user?.credentials as Doc | undefined)?.[SCRAM_SHA_256] as Doc | undefined;
  if (!keys || typeof keys.salt !== 'string' || typeof keys.storedKey !== 'string' || typeof keys.serverKey !== 'string') return undefined;
  return { iterationCount: Number(keys.iterationCount), salt: keys.salt, storedKey: keys.storedKey, serverKey: keys.serverKey };
}

/** How many users the engine has (`--auth` with none could never be used). */
export async function countUsers(engine: EngineState): Promise<number> {
  const reply = await runCommand(engine, USERS_DB, { count: USERS_COLLECTION, query: {} }, 0);
  return Number(reply.n ?? 0);
}
