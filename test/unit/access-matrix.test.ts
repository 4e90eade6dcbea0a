import { describe, expect, it } from 'vitest';
import { ACTIONS, ORG_SCOPED_ACTIONS, PERMISSIONS, ROLES, rolesAllow, rolesAllowFor } from '../../shared/access.ts';
import { EXPECTED_MATRIX } from '../helpers/auth-matrix.ts';

describe('the permission matrix (role × action)', () => {
  it('covers every action, and the documented table covers the same ones', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual([...ACTIONS].sort());
    expect(Object.keys(EXPECTED_MATRIX).sort()).toEqual([...ACTIONS].sort());
  });

  const cells = ACTIONS.flatMap((action) => ROLES.map((role) => ({ action, role, allowed: EXPECTED_MATRIX[action][role] })));
  it.each(cells)('$role → $action: allowed = $allowed', ({ action, role, allowed }) => {
    expect(rolesAllow([role], action)).toBe(allowed);
  });

  it('a person holding several roles may do what any of them allows', () => {
    expect(rolesAllow(['delegate', 'signatory'], 'signature:sign')).toBe(true);
    expect(rolesAllow(['delegate', 'signatory'], 'vote:open')).toBe(false);
    expect(rolesAllow([], 'negotiation:read')).toBe(false);
  });
});

describe('actions in an organisation’s name', () => {
  it.each(ORG_SCOPED_ACTIONS)('%s is allowed for one’s own organisation only', (action) => {
    const role = ROLES.find((r) => EXPECTED_MATRIX[action][r])!;
    expect(rolesAllowFor([role], action, 'cfdt', 'cfdt')).toBe(true);
    expect(rolesAllowFor([role], action, 'cfdt', 'cgt')).toBe(false);
  });

  it('a committee-wide action is not limited to the actor’s organisation', () => {
    expect(rolesAllowFor(['secretariat'], 'vote:open', 'axess', 'cgt')).toBe(true);
  });

  it('the organisation never grants what the roles refuse', () => {
    expect(rolesAllowFor(['delegate'], 'signature:sign', 'cfdt', 'cfdt')).toBe(false);
  });
});
