import { streamOf, type EventContent, type EventPayload, type EventTypeOf, type Visibility } from '../../shared/events.ts';
import { membership } from '../../shared/visibility.ts';

type MandateEventType = EventTypeOf<'member'>;

/**
 * The event of a change of mandate. Who sits in a delegation is that delegation's
 * business (its member list is readable by the delegation and the secretariat only), so
 * the event is visible to the delegation concerned and the secretariat (`membership`), never
 * to the other organisations; the person revoked is in it and hears of it before their stream stops.
 */
export function mandateEvent<K extends MandateEventType>(type: K, payload: EventPayload<K>): EventContent<K> {
  return { type, payload, visibility: mandateVisibility(payload) } as EventContent<K>;
}

function mandateVisibility(payload: { organisationId: string }): Visibility {
  return membership(payload.organisationId);
}

/**
 * The visibility an event is read with. Changes of mandate stored by earlier versions
 * carried the committee's visibility: they are read as `mandateEvent` writes them now, so
 * that no catch-up shows a delegation's members to another organisation.
 */
export function readVisibility(event: { type: string; payload: unknown; actor: string; org: string | null; visibility: Visibility }): Visibility {
  if (streamOf(event.type) !== 'member' || event.visibility.scope !== 'committee') return event.visibility;
  // The convening of an organisation (its first lead invited) is the committee's business.
  if (event.type === 'member:lead-invited') return event.visibility;
  const organisationId = (event.payload as { organisationId?: unknown } | null)?.organisationId;
  if (typeof organisationId === 'string') return mandateVisibility({ organisationId });
  // A record without its organisation: only the delegation that made the change sees it.
  return event.org ? { scope: 'delegation', org: event.org } : { scope: 'private', user: event.actor };
}
