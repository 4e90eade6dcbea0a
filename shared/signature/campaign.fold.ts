import { streamOf, type EventTypeOf, type NegotiationEvent } from '../events.ts';
import type { CampaignState, CampaignView, LegalDocument, PersonRef } from './campaign.ts';

type CampaignEvent = NegotiationEvent<EventTypeOf<'campaign'>>;

function isCampaignEvent(event: NegotiationEvent): event is CampaignEvent {
  return streamOf(event.type) === 'campaign';
}

/** The campaign an event is about, or null for any other event. */
export function campaignIdOf(event: NegotiationEvent): string | null {
  return isCampaignEvent(event) ? event.payload.campaignId : null;
}

/**
 * Folds one event into a campaign. Pure and safe to replay: the caller skips events at or
 * below the campaign's last applied seq. The use cases refuse illegal transitions before
 * appending; the fold still ignores an event that does not fit the state it finds.
 */
export function applyCampaignEvent(campaign: CampaignView | null, event: NegotiationEvent): CampaignView | null {
  if (!isCampaignEvent(event)) return campaign;
  // A step already in the history (a replayed catch-up) is not taken twice.
  const step = (c: CampaignView, state: CampaignState, at: string, by: PersonRef | null, document: LegalDocument | null = null): CampaignView =>
    c.history.some((h) => h.seq === event.seq)
      ? c
      : {
          ...c,
          state,
          history: [...c.history, { state, at, seq: event.seq, by, document }],
        };
  switch (event.type) {
    case 'signature:opened':
    case 'recommendation:adopted': {
      if (campaign) return campaign;
      const p = event.payload;
      const state: CampaignState = p.kind === 'recommendation' ? 'recommendation adopted' : 'open for signature';
      return {
        id: p.campaignId,
        negotiationId: event.negotiationId,
        kind: p.kind,
        title: p.title,
        level: p.level,
        state,
        version: p.version,
        openedAt: p.at,
        openedBy: p.by,
        signatureDeadline: p.signatureDeadline,
        parties: p.parties,
        signatures: [],
        nonSignatories: [],
        notifications: [],
        oppositions: [],
        referendum: null,
        history: [{ state, at: p.at, seq: event.seq, by: p.by, document: null }],
      };
    }
    case 'signature:signed': {
      if (!campaign || campaign.state !== 'open for signature') return campaign;
      const { campaignId: _id, ...signature } = event.payload;
      if (campaign.signatures.some((s) => s.org === signature.org)) return campaign;
      return { ...campaign, signatures: [...campaign.signatures, signature] };
    }
    case 'signature:closed': {
      if (!campaign || campaign.state !== 'open for signature') return campaign;
      const p = event.payload;
      const closed = { ...campaign, nonSignatories: p.nonSignatories };
      return p.outcome === 'not concluded' ? step(closed, 'not concluded', p.at, p.by) : closed;
    }
    case 'agreement:notified': {
      if (!campaign) return campaign;
      const { campaignId: _id, ...notification } = event.payload;
      if (campaign.notifications.some((n) => n.org === notification.org)) return campaign;
      const next = { ...campaign, notifications: [...campaign.notifications, notification] };
      return campaign.state === 'open for signature' ? step(next, 'notified', notification.at, notification.recordedBy) : next;
    }
    case 'opposition:filed': {
      if (!campaign) return campaign;
      const { campaignId: _id, ...opposition } = event.payload;
      // One opposition per organisation (the use case refuses a second): a replay adds none.
      if (campaign.oppositions.some((o) => o.org === opposition.org)) return campaign;
      return { ...campaign, oppositions: [...campaign.oppositions, opposition] };
    }
    case 'referendum:recorded': {
      if (!campaign || campaign.referendum) return campaign;
      const { campaignId: _id, ...referendum } = event.payload;
      return { ...campaign, referendum };
    }
    case 'agreement:voided': {
      if (!campaign || campaign.state !== 'notified') return campaign;
      return step(campaign, 'void', event.payload.at, null);
    }
    case 'agreement:validated': {
      if (!campaign || campaign.state !== 'notified') return campaign;
      return step(campaign, 'valid', event.payload.at, null);
    }
    case 'agreement:transitioned': {
      if (!campaign) return campaign;
      const p = event.payload;
      return step(campaign, p.to, p.at, p.by, p.document);
    }
    default:
      return campaign;
  }
}

/**
 * The campaign a reader holds (read earlier) as these events leave it: the current campaign,
 * or a new one when another opens. Replaying events the campaign already reflects changes
 * nothing.
 */
export function applyCampaignEvents(campaign: CampaignView | null, events: readonly NegotiationEvent[]): CampaignView | null {
  let current = campaign;
  for (const event of events) {
    const id = campaignIdOf(event);
    if (!id) continue;
    const opening = event.type === 'signature:opened' || event.type === 'recommendation:adopted';
    if (current && current.id !== id) {
      if (opening) current = applyCampaignEvent(null, event);
      continue;
    }
    current = applyCampaignEvent(current, event);
  }
  return current;
}
