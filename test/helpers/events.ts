import type { EventContent, EventDraft, NegotiationEvent } from '../../shared/events.ts';
import type { Visibility } from '../../shared/visibility.ts';

/**
 * Events outside the catalogue, for the tests of the log and the channel: they store and
 * carry any event as it is, whatever its type (a newer server may have written it).
 */
export function content(type: string, payload: unknown = {}, visibility?: Visibility): EventContent {
  return { type, payload, ...(visibility ? { visibility } : {}) } as unknown as EventContent;
}

export function draft(type: string, payload: unknown, actor: string): EventDraft {
  return { type, payload, actor } as unknown as EventDraft;
}

export function stored(event: Omit<NegotiationEvent, 'type' | 'payload'> & { type: string; payload: unknown }): NegotiationEvent {
  return event as unknown as NegotiationEvent;
}
