import type { Role } from '../../shared/access.ts';
import type { EventDraft } from '../../shared/events.ts';

/** A mandate granted, changed or ended, as the negotiation's log records it. */
export interface MandatePayload {
  userId: string;
  organisationId: string;
  roles: Role[];
}

/**
 * The event of a change of mandate. Who sits in a delegation is that delegation's
 * business (its member list is readable by the delegation and the secretariat only), so
 * the event is visible to the delegation concerned, never to the other organisations;
 * the person revoked is in it and hears of it before their stream stops.
 */
export function mandateEvent(
  type: 'member:joined' | 'member:roles-changed' | 'member:revoked',
  payload: MandatePayload,
  actor: string,
  org: string,
): EventDraft {
  return { type, payload, actor, org, visibility: { scope: 'delegation', org: payload.organisationId } };
}
