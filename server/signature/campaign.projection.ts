import type { NegotiationEvent } from '../../shared/events.ts';
import {
  CAMPAIGN_EVENTS,
  CAMPAIGN_EVENT_TYPES,
  type CampaignNotification,
  type CampaignOpposition,
  type CampaignParty,
  type CampaignSignature,
  type CampaignState,
  type CampaignView,
  type LaterTransition,
  type LegalDocument,
  type PersonRef,
} from '../../shared/signature/campaign.ts';
import type { NegotiationLevel } from '../../shared/identity.ts';

/** The payloads of the campaign events, as the use cases append them. */
export interface CampaignOpenedPayload {
  campaignId: string;
  kind: CampaignView['kind'];
  title: string;
  level: NegotiationLevel;
  version: CampaignView['version'];
  /** The civil date of the opening (or of the adoption of a recommandation patronale). */
  at: string;
  by: PersonRef;
  signatureDeadline: string | null;
  parties: CampaignParty[];
}
export type SignedPayload = CampaignSignature & { campaignId: string };
export interface SignatureClosedPayload {
  campaignId: string;
  outcome: 'not concluded' | 'concluded';
  at: string;
  nonSignatories: string[];
  by: PersonRef;
}
export type NotifiedPayload = CampaignNotification & { campaignId: string };
export type OpposedPayload = CampaignOpposition & { campaignId: string };
export interface VoidedPayload {
  campaignId: string;
  at: string;
  oppositionWeight: number;
}
export interface ValidatedPayload {
  campaignId: string;
  at: string;
}
export interface TransitionedPayload {
  campaignId: string;
  to: LaterTransition;
  at: string;
  document: LegalDocument | null;
  by: PersonRef;
}

export function campaignIdOf(event: NegotiationEvent): string | null {
  if (!CAMPAIGN_EVENT_TYPES.includes(event.type)) return null;
  const id = (event.payload as { campaignId?: unknown })?.campaignId;
  return typeof id === 'string' ? id : null;
}

/**
 * Folds one event into a campaign. Pure and safe to replay: the caller skips events at or
 * below the campaign's last applied seq. The use cases refuse illegal transitions before
 * appending; the fold still ignores an event that does not fit the state it finds.
 */
export function applyCampaignEvent(campaign: CampaignView | null, event: NegotiationEvent): CampaignView | null {
  const step = (c: CampaignView, state: CampaignState, at: string, by: PersonRef | null, document: LegalDocument | null = null): CampaignView => ({
    ...c,
    state,
    history: [...c.history, { state, at, seq: event.seq, by, document }],
  });
  switch (event.type) {
    case CAMPAIGN_EVENTS.opened:
    case CAMPAIGN_EVENTS.recommendationAdopted: {
      if (campaign) return campaign;
      const p = event.payload as CampaignOpenedPayload;
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
        history: [{ state, at: p.at, seq: event.seq, by: p.by, document: null }],
      };
    }
    case CAMPAIGN_EVENTS.signed: {
      if (!campaign || campaign.state !== 'open for signature') return campaign;
      const { campaignId: _id, ...signature } = event.payload as SignedPayload;
      if (campaign.signatures.some((s) => s.org === signature.org)) return campaign;
      return { ...campaign, signatures: [...campaign.signatures, signature] };
    }
    case CAMPAIGN_EVENTS.closed: {
      if (!campaign || campaign.state !== 'open for signature') return campaign;
      const p = event.payload as SignatureClosedPayload;
      const closed = { ...campaign, nonSignatories: p.nonSignatories };
      return p.outcome === 'not concluded' ? step(closed, 'not concluded', p.at, p.by) : closed;
    }
    case CAMPAIGN_EVENTS.notified: {
      if (!campaign) return campaign;
      const { campaignId: _id, ...notification } = event.payload as NotifiedPayload;
      if (campaign.notifications.some((n) => n.org === notification.org)) return campaign;
      const next = { ...campaign, notifications: [...campaign.notifications, notification] };
      return campaign.state === 'open for signature' ? step(next, 'notified', notification.at, notification.recordedBy) : next;
    }
    case CAMPAIGN_EVENTS.opposed: {
      if (!campaign) return campaign;
      const { campaignId: _id, ...opposition } = event.payload as OpposedPayload;
      return { ...campaign, oppositions: [...campaign.oppositions, opposition] };
    }
    case CAMPAIGN_EVENTS.voided: {
      if (!campaign || campaign.state !== 'notified') return campaign;
      return step(campaign, 'void', (event.payload as VoidedPayload).at, null);
    }
    case CAMPAIGN_EVENTS.validated: {
      if (!campaign || campaign.state !== 'notified') return campaign;
      return step(campaign, 'valid', (event.payload as ValidatedPayload).at, null);
    }
    case CAMPAIGN_EVENTS.transitioned: {
      if (!campaign) return campaign;
      const p = event.payload as TransitionedPayload;
      return step(campaign, p.to, p.at, p.by, p.document);
    }
    default:
      return campaign;
  }
}
