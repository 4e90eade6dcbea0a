import crypto from 'node:crypto';
import { argon2id as wasmArgon2id } from 'hash-wasm';

// OWASP's argon2id baseline (19 MiB, 2 passes): a few tens of milliseconds per check here.
const PARAMETERS = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 } as const;
const SALT_BYTES = 16;

type Argon2Parameters = { memory: number; passes: number; parallelism: number; tagLength: number };

/**
 * Node ≥ 24.7 computes argon2 in its thread pool (`crypto.argon2`); on Node 22, which has no
 * argon2, a WebAssembly build of the same RFC 9106 function does it. Both read and write the
 * PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) that the native addon used before, so
 * hashes stored by earlier versions still verify (test/unit/password.test.ts).
 */
type NodeArgon2 = (
  algorithm: 'argon2id',
  parameters: { message: Buffer; nonce: Buffer; memory: number; passes: number; parallelism: number; tagLength: number },
  callback: (error: Error | null, derived: Buffer) => void,
) => void;
const nodeArgon2 = (crypto as unknown as { argon2?: NodeArgon2 }).argon2;

export type Argon2Implementation = 'node:crypto' | 'hash-wasm';

/** Which implementation computes the hashes in this process. */
export const argon2Implementation: Argon2Implementation = nodeArgon2 ? 'node:crypto' : 'hash-wasm';

function derive(
  password: string,
  salt: Buffer,
  parameters: Argon2Parameters,
  implementation = argon2Implementation,
): Promise<Buffer> {
  const message = Buffer.from(password, 'utf8');
  if (implementation === 'node:crypto') {
    const argon2 = nodeArgon2;
    if (!argon2) return Promise.reject(new Error('node:crypto has no argon2 before Node 24.7'));
    return new Promise((resolve, reject) =>
      argon2('argon2id', { message, nonce: salt, ...parameters }, (error, derived) =>
        error ? reject(error) : resolve(derived),
      ),
    );
  }
  return wasmArgon2id({
    password: message,
    salt,
    iterations: parameters.passes,
    memorySize: parameters.memory,
    parallelism: parameters.parallelism,
    hashLength: parameters.tagLength,
    outputType: 'binary',
  }).then((bytes) => Buffer.from(bytes));
}

const unpadded = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/** A PHC string for argon2id, with the project's parameters and a fresh salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, PARAMETERS);
  const { memory, passes, parallelism } = PARAMETERS;
  return `$argon2id$v=19$m=${memory},t=${passes},p=${parallelism}$${unpadded(salt)}$${unpadded(hash)}`;
}

type ParsedHash = { parameters: Argon2Parameters; salt: Buffer; hash: Buffer };

/** Reads an argon2id PHC string; the parameters may come in any order (the addon wrote m,p,t). */
function parseHash(encoded: string): ParsedHash | undefined {
  const parts = encoded.split('$');
  // ['', 'argon2id', 'v=19', 'm=…,t=…,p=…', salt, hash]
  if (parts.length !== 6 || parts[1] !== 'argon2id' || parts[2] !== 'v=19') return undefined;
  const fields = new Map(parts[3]!.split(',').map((pair) => pair.split('=') as [string, string]));
  const memory = Number(fields.get('m'));
  const passes = Number(fields.get('t'));
  const parallelism = Number(fields.get('p'));
  const salt = Buffer.from(parts[4]!, 'base64');
  const hash = Buffer.from(parts[5]!, 'base64');
  const sane = [memory, passes, parallelism].every((n) => Number.isInteger(n) && n > 0);
  if (!sane || salt.length < 8 || hash.length < 4) return undefined;
  return { parameters: { memory, passes, parallelism, tagLength: hash.length }, salt, hash };
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. Without a hash (unknown email) it still runs
 * one argon2 verification against a throw-away hash, so that the answer takes as long
 * and says nothing about which emails have accounts.
 */
export async function verifyPassword(
  hash: string | null | undefined,
  password: string,
  implementation = argon2Implementation,
): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('not-a-password-of-anyone');
    await verifyParsed(parseHash(await dummyHash), password, implementation);
    return false;
  }
  return verifyParsed(parseHash(hash), password, implementation);
}

async function verifyParsed(
  parsed: ParsedHash | undefined,
  password: string,
  implementation: Argon2Implementation,
): Promise<boolean> {
  if (!parsed) return false;
  try {
    const candidate = await derive(password, parsed.salt, parsed.parameters, implementation);
    return crypto.timingSafeEqual(candidate, parsed.hash);
  } catch {
    return false;
  }
}
