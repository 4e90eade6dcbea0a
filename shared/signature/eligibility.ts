import type { Role } from '../access.ts';
import { rolesAllow } from '../access.ts';
import type { CampaignView } from './campaign.ts';

/** Who asks: their organisation and the roles of their mandate. */
export interface CampaignActor {
  orgId: string;
  roles: readonly Role[];
}

/** What an actor may do on the campaign now, in their organisation's name. */
export interface CampaignActions {
  sign: boolean;
  oppose: boolean;
}

/**
 * Whether the actor's organisation may sign now: an agreement open for signature, a party
 * to it, a signatory's mandate, not signed yet.
 */
export function maySign(campaign: CampaignView, actor: CampaignActor): boolean {
  const party = campaign.parties.find((p) => p.id === actor.orgId);
  return (
    campaign.kind === 'agreement' &&
    campaign.state === 'open for signature' &&
    rolesAllow(actor.roles, 'signature:sign') &&
    !!party &&
    !campaign.signatures.some((s) => s.org === actor.orgId)
  );
}

/**
 * Whether the actor's organisation may oppose now (L2232-6): a representative union that
 * did not sign, once notified, not opposed yet, while the agreement is notified or valid
 * (a late opposition is recorded, and does not count). Never a company agreement: the right
 * of opposition there was abolished in 2017 (L2232-12 asks for a majority or a referendum).
 */
export function mayOppose(campaign: CampaignView, actor: CampaignActor): boolean {
  const party = campaign.parties.find((p) => p.id === actor.orgId);
  return (
    campaign.kind === 'agreement' &&
    campaign.level !== 'company' &&
    (campaign.state === 'notified' || campaign.state === 'valid') &&
    rolesAllow(actor.roles, 'signature:sign') &&
    !!party &&
    party.college === 'union' &&
    party.representative &&
    party.weight > 0 &&
    !campaign.signatures.some((s) => s.org === actor.orgId) &&
    campaign.notifications.some((n) => n.org === actor.orgId) &&
    !campaign.oppositions.some((o) => o.org === actor.orgId)
  );
}

export function campaignActions(campaign: CampaignView | null, actor: CampaignActor): CampaignActions {
  return campaign ? { sign: maySign(campaign, actor), oppose: mayOppose(campaign, actor) } : { sign: false, oppose: false };
}
