import { describe, expect, it } from 'vitest';
import { InviteBodySchema, LoginBodySchema } from '../../shared/identity.ts';

describe('the sign-in body', () => {
  it('accepts an email and a password, lower-casing the email', () => {
    const parsed = LoginBodySchema.safeParse({ email: ' Delegue@CFDT.demo ', password: 'x' });
    expect(parsed.success && parsed.data.email).toBe('delegue@cfdt.demo');
  });

  it.each([
    ['a query operator as email', { email: { $gt: '' }, password: 'x' }],
    ['a query operator as password', { email: 'a@b.fr', password: { $ne: null } }],
    ['a missing password', { email: 'a@b.fr' }],
    ['an extra field', { email: 'a@b.fr', password: 'x', admin: true }],
    ['not an email', { email: 'nobody', password: 'x' }],
    ['an array', [{ email: 'a@b.fr', password: 'x' }]],
  ])('refuses %s', (_name, body) => {
    expect(LoginBodySchema.safeParse(body).success).toBe(false);
  });
});

describe('the invitation body', () => {
  it('refuses an unknown role and an empty role list', () => {
    const base = { email: 'new@cgt.demo', organisationId: 'a'.repeat(24) };
    expect(InviteBodySchema.safeParse({ ...base, roles: ['admin'] }).success).toBe(false);
    expect(InviteBodySchema.safeParse({ ...base, roles: [] }).success).toBe(false);
    expect(InviteBodySchema.safeParse({ ...base, roles: ['delegate'] }).success).toBe(true);
  });
});
