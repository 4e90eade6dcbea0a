import { describe, expect, it } from 'vitest';
import type { EventTypeOf, NegotiationEvent } from '../../shared/events.ts';
import type { Member, MembersView } from '../../shared/identity.ts';
import { applyMemberEvents, followOwnMandate } from '../../shared/members/members.fold.ts';
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
function event<K extends EventTypeOf<'member'>>(
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

describe('the reader’s own mandate follows their changes of roles', () => {
  it('their roles changed take effect, another member’s change and other events leave theirs as they are', () => {
    const sut = { userId: 'u-m1', organisation: 'cgt', roles: ['delegate'] as const };
    const made = followOwnMandate(sut, event('member:roles-changed', mandate('m1', ['delegate', 'signatory'])));
    expect(made).toEqual({ userId: 'u-m1', organisation: 'cgt', roles: ['delegate', 'signatory'] });
    expect(followOwnMandate(made, event('member:roles-changed', mandate('m2', ['lead'])))).toBe(made);
    expect(followOwnMandate(made, event('member:suspended', mandate('m1', ['delegate'], { reason: 'absences' })))).toBe(made);
    expect(followOwnMandate(made, event('member:roles-changed', mandate('m1', ['delegate']))).roles).toEqual(['delegate']);
  });
});

describe('the members list kept by the invitations', () => {
  const sent = (id: string, email: string) =>
    event('invitation:sent', { invitationId: id, email, organisationId: 'cgt', roles: ['delegate'], expiresAt: '2026-12-11T10:00:00.000Z' });
  const newcomer = member('m9', 'cgt', ['delegate']);

  it('an invitation sent is pending, a cancelled one is gone, an accepted one becomes the member it granted', () => {
    const start = view([member('m1', 'cgt', ['delegate', 'lead'])]);
    const invited = applyMemberEvents(start, [sent('i1', 'paul@cgt.demo'), sent('i2', 'lea@cgt.demo')]);
    expect(invited.view.invitations).toEqual([
      { id: 'i1', kind: 'invitation', email: 'paul@cgt.demo', organisationId: 'cgt', roles: ['delegate'], expiresAt: '2026-12-11T10:00:00.000Z' },
      { id: 'i2', kind: 'invitation', email: 'lea@cgt.demo', organisationId: 'cgt', roles: ['delegate'], expiresAt: '2026-12-11T10:00:00.000Z' },
    ]);
    expect(invited.pending).toBe(false);

    const cancelled = applyMemberEvents(invited.view, [event('invitation:cancelled', { invitationId: 'i2', organisationId: 'cgt' })]);
    expect(cancelled.view.invitations.map((i) => i.id)).toEqual(['i1']);

    const accepted = applyMemberEvents(cancelled.view, [
      event('member:joined', { userId: newcomer.user.id, organisationId: 'cgt', roles: ['delegate'], name: newcomer.user.name, membershipId: 'm9' }),
      event('invitation:accepted', { invitationId: 'i1', organisationId: 'cgt', member: newcomer }),
    ]);
    expect(accepted.view.invitations).toEqual([]);
    expect(accepted.view.members.map((m) => m.id)).toEqual(['m1', 'm9']);
    expect(accepted.view.members[1]).toEqual(newcomer);
    // The joined event, carrying its membership id, needs no read: the accepted invitation describes the member.
    expect(accepted.pending).toBe(false);
  });

  it('invitations replayed, in part or in whole, change nothing', () => {
    const start = view([member('m1', 'cgt', ['delegate', 'lead'])]);
    const events = [
      sent('i1', 'paul@cgt.demo'),
      sent('i2', 'lea@cgt.demo'),
      sent('i3', 'marc@cgt.demo'),
      event('invitation:cancelled', { invitationId: 'i2', organisationId: 'cgt' }),
      event('member:joined', { userId: newcomer.user.id, organisationId: 'cgt', roles: ['delegate'], name: newcomer.user.name, membershipId: 'm9' }),
      event('invitation:accepted', { invitationId: 'i1', organisationId: 'cgt', member: newcomer }),
    ];
    const once = applyMemberEvents(start, events).view;
    expect(once.invitations.map((i) => i.id)).toEqual(['i3']);
    expect(applyMemberEvents(once, events).view).toEqual(once);
    for (let from = 0; from < events.length; from++) expect(applyMemberEvents(once, events.slice(from)).view).toEqual(once);
    expect(applyMemberEvents(start, [...events, ...events]).view).toEqual(once);
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
