import type { NegotiationEvent } from '../events.ts';
import type { Member, MembersView, PendingInvitation } from '../identity.ts';

/**
 * The members list kept by the log: invitations sent, cancelled and accepted (the mandate each
 * granted, as the list shows it), roles changed, a mandate revoked, suspended or reinstated.
 * Each event sets a member's or an invitation's state rather than adding to it, so an event
 * applied twice (a replay after a reconnect, an event that crossed a read in flight) changes
 * nothing, and events applied in order end where the log ends. The list's reader is the
 * organisation's governance (its lead, the secretariat), which the invitation events are
 * recorded for. `pending` says the list alone cannot apply an event: a member:joined recorded
 * before it carried its membership id, for a member the list does not hold; the screen reads
 * the list again for those only.
 */
export function applyMemberEvents(view: MembersView, events: readonly NegotiationEvent[]): { view: MembersView; pending: boolean } {
  let members: readonly Member[] = view.members;
  let invitations: readonly PendingInvitation[] = view.invitations;
  const joined: { userId: string; organisationId: string }[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'member:roles-changed': {
        const { membershipId, roles } = event.payload;
        members = members.map((m) => (m.id === membershipId ? { ...m, roles: [...roles] } : m));
        break;
      }
      case 'member:revoked': {
        const { membershipId } = event.payload;
        members = members.filter((m) => m.id !== membershipId);
        break;
      }
      case 'member:suspended': {
        const { membershipId, reason } = event.payload;
        members = members.map((m) => (m.id === membershipId ? { ...m, suspension: { at: event.at, by: event.actor, reason: reason ?? '' } } : m));
        break;
      }
      case 'member:reinstated': {
        const { membershipId } = event.payload;
        members = members.map((m) => (m.id === membershipId ? { ...m, suspension: null } : m));
        break;
      }
      case 'invitation:sent': {
        const { invitationId, email, organisationId, roles, expiresAt } = event.payload;
        const invitation: PendingInvitation = { id: invitationId, kind: 'invitation', email, organisationId, roles: [...roles], expiresAt };
        invitations = invitations.some((i) => i.id === invitationId) ? invitations.map((i) => (i.id === invitationId ? invitation : i)) : [...invitations, invitation];
        break;
      }
      case 'invitation:cancelled': {
        const { invitationId } = event.payload;
        invitations = invitations.filter((i) => i.id !== invitationId);
        break;
      }
      case 'invitation:accepted': {
        const { invitationId, member } = event.payload;
        invitations = invitations.filter((i) => i.id !== invitationId);
        members = members.some((m) => m.id === member.id) ? members.map((m) => (m.id === member.id ? member : m)) : [...members, member];
        break;
      }
      case 'member:joined':
        // Described in full by the invitation:accepted recorded with it; one recorded before
        // that is read from the list unless the list holds the member already.
        if (event.payload.membershipId === undefined) joined.push({ userId: event.payload.userId, organisationId: event.payload.organisationId });
        break;
      default:
        break;
    }
  }
  const pending = joined.some((j) => !members.some((m) => m.user.id === j.userId && m.organisation.id === j.organisationId));
  if (members === view.members && invitations === view.invitations) return { view, pending };
  return { view: { ...view, members: [...members], invitations: [...invitations] }, pending };
}

/**
 * The reader's own mandate as an event leaves it: a change of their roles takes effect from the
 * next event on, in the log's order. The server's channel follows it to decide what a socket is
 * sent, the client's stream to decide what its pages offer, so a mandate changed while the
 * person reads takes effect on both without joining again.
 */
export function followOwnMandate<M extends { userId: string; roles?: readonly string[] }>(mandate: M, event: NegotiationEvent): M {
  if (event.type !== 'member:roles-changed' || event.payload.userId !== mandate.userId) return mandate;
  return { ...mandate, roles: [...event.payload.roles] };
}
