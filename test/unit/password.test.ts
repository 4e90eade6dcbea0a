import { describe, expect, it } from 'vitest';
import { argon2Implementation, hashPassword, verifyPassword, type Argon2Implementation } from '../../server/auth/password.ts';

// Made by the native `argon2` addon (0.45.1) that earlier versions hashed with: accounts
// stored then must still sign in. The addon wrote its parameters in the order m, p, t.
const ADDON_HASHES: [password: string, hash: string][] = [
  ['demo-mot-de-passe', '$argon2id$v=19$m=19456,p=1,t=2$Z1m0zzV84WdQ+21COb2QKg$GdIBK+hPvBRKVr1uMKMPOMVvTqWBXhOeqT13eZclrZc'],
  ['Éléphant rose 2023 !', '$argon2id$v=19$m=19456,p=1,t=2$6uHBXM0yWn0ORd9hTg/hmg$IVfM6oT3FOe7N4TbBHQtiIIDkWTKmqD8wx+2tTOc9MI'],
  ['autres paramètres', '$argon2id$v=19$m=65536,p=4,t=3$yGQmsYVd+679hrOBV5zOjg$YECmWobUOfERCeGIQ3LjZUQqn4IBVE/yj6iT/Nq2CjU'],
];

const implementations: Argon2Implementation[] =
  argon2Implementation === 'node:crypto' ? ['node:crypto', 'hash-wasm'] : ['hash-wasm'];

// argon2id is slow by design, and slower in WebAssembly (Node 22): m=65536,t=3,p=4 takes seconds on a busy machine.
const ARGON2_TIMEOUT_MS = 30_000;

describe.each(implementations)('passwords hashed with argon2id (%s)', { timeout: ARGON2_TIMEOUT_MS }, (implementation) => {
  it.each(ADDON_HASHES)('a hash the native addon made for %j still verifies', async (password, hash) => {
    expect(await verifyPassword(hash, password, implementation)).toBe(true);
    expect(await verifyPassword(hash, `${password}x`, implementation)).toBe(false);
  });

  it('a new hash is a PHC string that both implementations verify', async () => {
    const hash = await hashPassword('nouveau mot de passe');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword(hash, 'nouveau mot de passe', implementation)).toBe(true);
  });

  it('a malformed or foreign hash is a wrong password, not an error', async () => {
    for (const hash of ['', 'plain', '$argon2i$v=19$m=19456,t=2,p=1$Z1m0zzV84WdQ+21COb2QKg$GdIBK+hPvBRKVr1uMKMPOMVvTqWBXhOeqT13eZclrZc', '$argon2id$v=19$m=0,t=2,p=1$Z1m0zzV84WdQ+21COb2QKg$GdIB']) {
      expect(await verifyPassword(hash, 'demo-mot-de-passe', implementation)).toBe(false);
    }
  });
});

it('two hashes of one password differ (a fresh salt each time)', async () => {
  expect(await hashPassword('même mot de passe')).not.toBe(await hashPassword('même mot de passe'));
});
