import { describe, expect, it } from 'vitest';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { Member, MembersView } from '../../shared/identity.ts';
import { applyMemberEvents } from '../../shared/members/members.fold.ts';
import { canSee, governance, type Viewer } from '../../shared/visibility.ts';

const member = (id: string, org: string, roles: Member['roles']): Member => ({
  id,
  user: { id: `u-${id}`, name: `Personne ${id}`, email: `${id}@${org}.demo` },
  organisation: { id: org, shortName: org.toUpperCase(), college: 'union' },
  roles,
  suspension: null,
});
const view = (members: Member[]): MembersView => ({ members, invitations: [], oversee: false, leads: 'cgt' });

let seq = 0;
function event<K extends 'member:roles-changed' | 'member:revoked' | 'member:suspended' | 'member:reinstated' | 'member:joined'>(
  type: K,
  payload: Record<string, unknown>,
): NegotiationEvent<K> {
  seq += 1;
  return { negotiationId: 'n1', seq, actor: 'u-secretariat', org: 'axess', at: `2026-12-04T10:00:0${seq % 10}.000Z`, visibility: { scope: 'delegation', org: 'cgt' }, type, payload } as unknown as NegotiationEvent<K>;
}
const mandate = (membershipId: string, roles: string[], extra: Record<string, unknown> = {}) => ({ membershipId, userId: `u-${membershipId}`, organisationId: 'cgt', roles, ...extra });

describe('the members list kept by the changes of mandate', () => {
  it('roles changed, a suspension with its reason, its lifting and a revocation each change the one member concerned', () => {
    const start = view([member('m1', 'cgt', ['delegate']), member('m2', 'cgt', ['delegate', 'lead'])]);
    const roles = applyMemberEvents(start, [event('member:roles-changed', mandate('m1', ['delegate', 'signatory']))]);
    expect(roles.view.members.map((m) => m.roles)).toEqual([['delegate', 'signatory'], ['delegate', 'lead']]);
    expect(roles.pending).toBe(false);

    const suspended = applyMemberEvents(roles.view, [event('member:suspended', mandate('m1', ['delegate', 'signatory'], { reason: 'Absences répétées' }))]);
    expect(suspended.view.members[0].suspension).toMatchObject({ reason: 'Absences répétées', by: 'u-secretariat' });
    expect(suspended.view.members[1].suspension).toBeNull();

    const lifted = applyMemberEvents(suspended.view, [event('member:reinstated', mandate('m1', ['delegate', 'signatory'], { reason: null }))]);
    expect(lifted.view.members[0].suspension).toBeNull();

    const revoked = applyMemberEvents(lifted.view, [event('member:revoked', mandate('m2', ['delegate', 'lead']))]);
    expect(revoked.view.members.map((m) => m.id)).toEqual(['m1']);
  });

  it('events replayed (a reconnection’s catch-up, an event that crossed the list’s read) change nothing', () => {
    const start = view([member('m1', 'cgt', ['delegate']), member('m2', 'cgt', ['delegate'])]);
    const events = [
      event('member:roles-changed', mandate('m1', ['delegate', 'signatory'])),
      event('member:suspended', mandate('m2', ['delegate'], { reason: 'Conflit d’intérêts' })),
      event('member:revoked', mandate('m1', ['delegate', 'signatory'])),
    ];
    const once = applyMemberEvents(start, events).view;
    expect(applyMemberEvents(once, events).view).toEqual(once);
    expect(applyMemberEvents(applyMemberEvents(start, [...events, ...events]).view, []).view).toEqual(once);
  });

  it('a new member is not guessed from the event (no address in it): the list says it must be read again', () => {
    const start = view([member('m1', 'cgt', ['delegate'])]);
    const sut = applyMemberEvents(start, [event('member:joined', { userId: 'u-new', organisationId: 'cgt', roles: ['delegate'], name: 'Nouvelle' })]);
    expect(sut.pending).toBe(true);
    expect(sut.view).toBe(start);
  });
});

describe('the governance scope: an organisation’s lead and the secretariat', () => {
  const viewer = (orgId: string, roles: string[]): Viewer => ({ userId: `${orgId}-${roles.join('-')}`, orgId, college: 'union', roles });

  it('reaches the organisation’s lead and the secretariat, not its other delegates nor another organisation’s lead', () => {
    const scope = governance('cgt');
    expect(canSee(viewer('cgt', ['delegate', 'lead']), scope)).toBe(true);
    expect(canSee({ ...viewer('axess', ['secretariat']), college: 'employer' }, scope)).toBe(true);
    expect(canSee(viewer('cgt', ['delegate', 'signatory']), scope)).toBe(false);
    expect(canSee(viewer('cfdt', ['delegate', 'lead']), scope)).toBe(false);
    expect(canSee({ userId: 'x', orgId: 'cgt', college: 'union' }, scope)).toBe(false);
  });
});
