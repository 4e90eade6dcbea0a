import { describe, expect, it } from 'vitest';
import { ACTIONS, isFirstLeadInvitation, mayCancelInvitation, mayGrant, membersGovernance, ORG_SCOPED_ACTIONS, PERMISSIONS, ROLES, rolesAllow, rolesAllowFor, type Role } from '../../shared/access.ts';
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

describe('who grants which role, in which organisation', () => {
  const cgtLead = { roles: ['delegate', 'lead'] as const, orgId: 'cgt' };
  const cgt = { orgId: 'cgt', college: 'union' as const };

  it('an organisation’s lead grants the roles that fit it, signatory included, in its own organisation only', () => {
    expect(mayGrant({ ...cgtLead, roles: [...cgtLead.roles] }, cgt, 'signatory')).toBe(true);
    expect(mayGrant({ ...cgtLead, roles: [...cgtLead.roles] }, cgt, 'lead')).toBe(true);
    expect(mayGrant({ ...cgtLead, roles: [...cgtLead.roles] }, { orgId: 'cfdt', college: 'union' }, 'signatory')).toBe(false);
  });

  it('no lead gives its union the pen, the secretariat or the chair', () => {
    for (const role of ['negotiator', 'secretariat', 'chair'] as const) expect(mayGrant({ roles: ['lead'], orgId: 'cgt' }, cgt, role)).toBe(false);
  });

  it('the secretariat grants nothing in another organisation, and passes its own role on within its organisation only', () => {
    const secretariat = { roles: ['secretariat'] as Role[], orgId: 'axess' };
    for (const role of ROLES) expect(mayGrant(secretariat, cgt, role)).toBe(false);
    expect(mayGrant(secretariat, { orgId: 'axess', college: 'employer' }, 'secretariat')).toBe(true);
    expect(mayGrant(secretariat, { orgId: 'axess', college: 'employer' }, 'signatory')).toBe(false);
  });

  it('the only invitation the secretariat makes into another organisation is its first lead’s, with the lead role alone', () => {
    expect(isFirstLeadInvitation(['lead'])).toBe(true);
    expect(isFirstLeadInvitation(['lead', 'signatory'])).toBe(false);
    expect(isFirstLeadInvitation(['signatory'])).toBe(false);
  });
});

describe('what a mandate governs of the members', () => {
  it('a lead governs their own organisation’s people, and oversees none', () => {
    expect(membersGovernance({ roles: ['delegate', 'lead'], orgId: 'cgt' })).toEqual({ oversee: false, leads: 'cgt' });
  });

  it('the secretariat oversees every delegation and leads none without the lead role', () => {
    expect(membersGovernance({ roles: ['secretariat'], orgId: 'axess' })).toEqual({ oversee: true, leads: null });
    expect(membersGovernance({ roles: ['secretariat', 'lead'], orgId: 'axess' })).toEqual({ oversee: true, leads: 'axess' });
  });

  it('a lead whose lead role is taken back governs nothing', () => {
    expect(membersGovernance({ roles: ['delegate'], orgId: 'cgt' })).toEqual({ oversee: false, leads: null });
  });

  it('a lead cancels their own organisation’s invitations; the secretariat only a first lead’s', () => {
    const cgtLead = membersGovernance({ roles: ['lead'], orgId: 'cgt' });
    const secretariat = membersGovernance({ roles: ['secretariat'], orgId: 'axess' });
    expect(mayCancelInvitation(cgtLead, { organisationId: 'cgt', roles: ['delegate'] })).toBe(true);
    expect(mayCancelInvitation(cgtLead, { organisationId: 'cfdt', roles: ['lead'] })).toBe(false);
    expect(mayCancelInvitation(secretariat, { organisationId: 'cgt', roles: ['lead'] })).toBe(true);
    expect(mayCancelInvitation(secretariat, { organisationId: 'cgt', roles: ['delegate'] })).toBe(false);
  });
});
