import type { NegotiationEvent } from '../events.ts';
import type { Member, MembersView } from '../identity.ts';

/**
 * The members list kept by the changes of mandate, as the log records them: roles changed,
 * a mandate revoked, suspended or reinstated. Each event sets the member's state rather than
 * adding to it, so an event applied twice (a replay after a reconnect, an event that crossed a
 * read in flight) changes nothing, and events applied in order end where the log ends.
 * `pending` says which events the list alone cannot apply (a new member: the list needs their
 * name, address and organisation, which the event does not carry): the screen reads the list
 * again for those only.
 */
export function applyMemberEvents(view: MembersView, events: readonly NegotiationEvent[]): { view: MembersView; pending: boolean } {
  let members: readonly Member[] = view.members;
  let pending = false;
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
      case 'member:joined':
      case 'member:lead-invited':
        pending = true;
        break;
      default:
        break;
    }
  }
  return { view: members === view.members ? view : { ...view, members: [...members] }, pending };
}
