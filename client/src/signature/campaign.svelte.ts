import type { Role } from '../../../shared/access.ts';
import type { NegotiationEvent } from '../../../shared/events.ts';
import { applyCampaignEvents } from '../../../shared/signature/campaign.fold.ts';
import { campaignActions } from '../../../shared/signature/eligibility.ts';
import { scenarioOf, type CampaignAnswer, type CampaignView, type LaterTransition, type WhatIf } from '../../../shared/signature/campaign.ts';
import { assess } from '../../../shared/validity/assess.ts';
import { parseScenario, type Assessment, type ScenarioIssue } from '../../../shared/validity/scenario.ts';
import { ApiError, api } from '../lib/api.ts';
import { connection, type NegotiationStream } from '../lib/connection.svelte.ts';
import { describeError } from '../lib/errors.ts';
import { t } from '../lib/i18n.svelte.ts';

/** The engine on the campaign, in the browser: the same shared code the server runs. */
/** `errors`: why the campaign cannot be assessed, as codes the page writes in its reader's language. */
export function assessInBrowser(campaign: CampaignView, asOf: string, whatIf: WhatIf = {}): { assessment: Assessment | null; errors: ScenarioIssue[] } {
  if (campaign.kind !== 'agreement') return { assessment: null, errors: [] };
  const parsed = parseScenario(scenarioOf(campaign, asOf, whatIf));
  return parsed.ok ? { assessment: assess(parsed.scenario), errors: [] } : { assessment: null, errors: parsed.issues };
}

/** The what-if: which organisations would sign, and which would oppose. */
export class WhatIfState {
  signs = $state<Record<string, boolean>>({});
  opposes = $state<Record<string, boolean>>({});

  reset(): void {
    this.signs = {};
    this.opposes = {};
  }

  get active(): boolean {
    return Object.values(this.signs).some(Boolean) || Object.values(this.opposes).some(Boolean);
  }

  /** The acts it adds, dated `day`; an opposing union not yet notified is taken as notified that day. */
  toWhatIf(campaign: CampaignView, day: string): WhatIf {
    const signatures = Object.keys(this.signs).filter((org) => this.signs[org]).map((org) => ({ org, at: day }));
    const opposing = Object.keys(this.opposes).filter((org) => this.opposes[org]);
    const notified = campaign.notifications.map((n) => n.org);
    return {
      signatures,
      notifications: opposing.filter((org) => !notified.includes(org)).map((org) => ({ org, at: day })),
      oppositions: opposing.map((org) => ({ org, at: day })),
    };
  }
}

/**
 * A negotiation's signature campaign as the page shows it: read once over HTTP, then kept
 * by the campaign events through the fold the server uses (shared/signature/campaign.fold.ts),
 * the reader's actions judged by the shared eligibility rules; and the commands.
 */
export class SignatureCampaign {
  answer = $state<CampaignAnswer | null>(null);
  error = $state<string | null>(null);
  status = $state(0);
  busy = $state(false);
  actionError = $state<string | null>(null);
  readonly whatIf = new WhatIfState();
  readonly negotiationId: string;
  private readonly stream: NegotiationStream;
  /** Events that came while the campaign was being read: applied again to what the read answers. */
  private duringRead: NegotiationEvent[] | null = null;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
    this.stream = connection.follow(negotiationId);
  }

  /** The reader's roles as the stream follows them (a change of mandate counts at once), else as the page read them. */
  rolesOr(read: readonly Role[] | undefined): readonly Role[] {
    return this.stream.rolesOr(read);
  }
  get live(): boolean {
    return this.stream.live;
  }

  campaign = $derived(this.answer?.campaign ?? null);
  /** Today in Paris, as the server counts it (the engine never reads the browser's clock). */
  today = $derived(this.answer?.today ?? '');
  /**
   * What the reader's organisation may do now (shared/signature/eligibility.ts): judged here with
   * the reader's mandate as it stands, so a role given or taken while the page is open counts at
   * once; as the server judged it until the stream has joined.
   */
  actions = $derived.by(() => {
    const mandate = this.stream.mandate;
    if (!this.answer) return { sign: false, oppose: false };
    return mandate ? campaignActions(this.campaign, { orgId: mandate.organisation.id, roles: mandate.roles }) : this.answer.actions;
  });
  current = $derived(this.campaign ? assessInBrowser(this.campaign, this.today) : null);
  simulated = $derived(this.campaign && this.whatIf.active ? assessInBrowser(this.campaign, this.today, this.whatIf.toWhatIf(this.campaign, this.today)) : null);

  async load(): Promise<void> {
    this.duringRead = [];
    try {
      const answer = await api<CampaignAnswer>('GET', `/negotiations/${encodeURIComponent(this.negotiationId)}/signature`);
      this.answer = this.applied(answer, this.duringRead);
      this.error = null;
    } catch (err) {
      this.error = describeError(err);
      this.status = (err as { status?: number }).status ?? 0;
    } finally {
      this.duringRead = null;
    }
  }

  /** The answer as these events leave it: the campaign folded, the reader's actions judged again. */
  private applied(answer: CampaignAnswer, events: readonly NegotiationEvent[]): CampaignAnswer {
    const campaign = applyCampaignEvents(answer.campaign, events);
    return campaign === answer.campaign ? answer : this.withCampaign(answer, campaign);
  }

  private withCampaign(answer: CampaignAnswer, campaign: CampaignView | null): CampaignAnswer {
    return { ...answer, campaign };
  }

  /** Follows the negotiation's stream: each campaign event changes the campaign in place. */
  connect(): () => void {
    return this.stream.on((events) => {
      this.duringRead?.push(...events);
      if (this.answer) this.answer = this.applied(this.answer, events);
    });
  }

  private async command(path: string, body: unknown = {}): Promise<boolean> {
    this.busy = true;
    this.actionError = null;
    try {
      const campaign = await api<CampaignView>('POST', `/negotiations/${encodeURIComponent(this.negotiationId)}/signature${path}`, body);
      // The command's events change the campaign (before or after this answer); the answer only
      // brings a campaign the page does not hold yet (the one just opened).
      if (this.answer && this.answer.campaign?.id !== campaign.id) this.answer = this.withCampaign(this.answer, campaign);
      return true;
    } catch (err) {
      // The password asked again at signature is not a sign-in: say what failed.
      this.actionError =
        err instanceof ApiError && err.code === 'INVALID_CREDENTIALS'
          ? path === '/oppositions'
            ? t('binding.wrongPasswordOppose')
            : t('signature.wrongPassword')
          : describeError(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  open(signatureDeadline: string, versionName?: string): Promise<boolean> {
    return this.command('/open', { signatureDeadline, ...(versionName ? { versionName } : {}) });
  }
  /** Signs, once the person confirmed this version (its fingerprint) and typed their password again. */
  sign(password: string, versionHash: string): Promise<boolean> {
    return this.command('/sign', { password, versionHash });
  }
  close(): Promise<boolean> {
    return this.command('/close');
  }
  notify(org: string, at?: string): Promise<boolean> {
    return this.command('/notifications', { org, ...(at ? { at } : {}) });
  }
  /** The employees' vote on a company agreement signed by more than 30 % but not more than 50 % (L2232-12). */
  recordReferendum(at: string, approved: boolean): Promise<boolean> {
    return this.command('/referendum', { at, approved });
  }
  oppose(text: string, password: string, versionHash: string): Promise<boolean> {
    return this.command('/oppositions', { text, password, versionHash });
  }
  transition(to: LaterTransition, at: string | undefined, document: { title: string; reference: string } | null): Promise<boolean> {
    return this.command('/transitions', { to, ...(at ? { at } : {}), ...(document ? { document } : {}) });
  }
}
