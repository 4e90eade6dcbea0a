import { z } from 'zod';
import { compareDates } from '../validity/calendar.ts';
import { IsoDateSchema, ReferendumSchema, type ScenarioInput } from '../validity/scenario.ts';
import type { NegotiationLevel, NegotiationStatus, OrgCollege, WeightsSource } from '../identity.ts';

/**
 * The signature campaign of an agreement and the agreement's legal life after it
 * (DOMAIN, "Signature campaign and validity"), shared by server and client: the states,
 * the transitions the secretariat may record, the campaign as the read model shows it, and
 * the scenario the validity engine reads from it (the client's what-if runs the same).
 */

/**
 * The agreement's states once a version is opened for signature (before: the negotiation's
 * `draft` / `in negotiation`). `notified` covers the opposition window; `recommendation
 * adopted` is the employer side's unilateral text, which goes to agrément like an agreement.
 */
export const CAMPAIGN_STATES = [
  'open for signature',
  'not concluded',
  'notified',
  'valid',
  'void',
  'deposited',
  'approved',
  'approval refused',
  'extension requested',
  'extended',
  'extension refused',
  'recommendation adopted',
] as const satisfies readonly NegotiationStatus[];
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

/** A campaign ended this way leaves the negotiation free to open another version. */
export const REOPENABLE_STATES: readonly CampaignState[] = ['not concluded', 'void', 'approval refused'];

/** The steps after validity the secretariat records, each with its date and document. */
export const LATER_TRANSITIONS = {
  deposited: { from: ['valid', 'recommendation adopted'], documentRequired: true },
  approved: { from: ['deposited'], documentRequired: true },
  'approval refused': { from: ['deposited'], documentRequired: true },
  'extension requested': { from: ['approved'], documentRequired: false },
  extended: { from: ['extension requested'], documentRequired: true },
  'extension refused': { from: ['extension requested'], documentRequired: true },
} as const satisfies Record<string, { from: readonly CampaignState[]; documentRequired: boolean }>;
export type LaterTransition = keyof typeof LATER_TRANSITIONS;
export const LATER_TRANSITION_NAMES = Object.keys(LATER_TRANSITIONS) as LaterTransition[];

// --- The read model ------------------------------------------------------------------------

/** A party with its weight as frozen when the version was opened for signature. */
export interface CampaignParty {
  id: string;
  shortName: string;
  fullName: string;
  college: Exclude<OrgCollege, 'neutral'>;
  weight: number;
  representative: boolean;
  source: WeightsSource | null;
}

export interface PersonRef {
  userId: string;
  name: string;
}

export interface CampaignSignature {
  org: string;
  signatory: PersonRef;
  /** When it was signed, to the second (ISO). */
  signedAt: string;
  /** The civil date in Paris (what the law counts). */
  date: string;
  /** SHA-256 of the frozen version's canonical JSON: what was signed. */
  versionHash: string;
}

export interface CampaignNotification {
  org: string;
  at: string;
  recordedBy: PersonRef;
}

export interface CampaignOpposition {
  org: string;
  at: string;
  /** The written reasons. */
  text: string;
  filedBy: PersonRef;
  /** As judged when filed (the assessment is authoritative). */
  counted: boolean;
  ground: string;
}

/** The employees' vote on a company agreement signed by more than 30 % but not more than 50 % (L2232-12). */
export interface CampaignReferendum {
  /** The day of the vote. */
  at: string;
  /** Approved by a majority of the votes cast. */
  approved: boolean;
  recordedBy: PersonRef;
}

export interface LegalDocument {
  title: string;
  reference: string | null;
}

/** One step of the agreement's life: the state reached, its legal date and document. */
export interface CampaignStep {
  state: CampaignState;
  at: string;
  seq: number;
  by: PersonRef | null;
  document: LegalDocument | null;
}

export interface CampaignView {
  id: string;
  negotiationId: string;
  kind: 'agreement' | 'recommendation';
  /** The agreement's title as frozen with the version. */
  title: string;
  level: NegotiationLevel;
  state: CampaignState;
  version: { id: string; name: string; createdAt: string; hash: string };
  openedAt: string;
  openedBy: PersonRef;
  signatureDeadline: string | null;
  parties: CampaignParty[];
  signatures: CampaignSignature[];
  /** Recorded when the signature procedure closed. */
  nonSignatories: string[];
  notifications: CampaignNotification[];
  oppositions: CampaignOpposition[];
  /** Company level: the employees' referendum, once the secretariat recorded its result. */
  referendum: CampaignReferendum | null;
  history: CampaignStep[];
}

// --- Request bodies ------------------------------------------------------------------------

/** A day that exists in the calendar, YYYY-MM-DD. */
const IsoDay = IsoDateSchema;
const ObjectIdLike = z.string().regex(/^[a-f0-9]{24}$/, 'identifiant invalide');

export const OpenCampaignBodySchema = z.strictObject({
  versionName: z.string().trim().min(1).max(200).optional(),
  signatureDeadline: IsoDay,
});
const Sha256 = z.string().regex(/^[a-f0-9]{64}$/, 'empreinte SHA-256 attendue');

/**
 * A binding act is the person's own: their password typed again, and the fingerprint of
 * the version they were shown and confirmed (another version is not signed or opposed).
 */
export const SignBodySchema = z.strictObject({
  password: z.string().min(1).max(1000),
  /** The organisation signed for; must be the signer's own (defaults to it). */
  org: ObjectIdLike.optional(),
  versionHash: Sha256.optional(),
});
export const NotifyBodySchema = z.strictObject({ org: ObjectIdLike, at: IsoDay.optional() });
/** The referendum's result, as the engine's scenario takes it. */
export const ReferendumBodySchema = ReferendumSchema;
export const OppositionBodySchema = z.strictObject({
  text: z.string().trim().min(10, 'l’opposition doit être motivée (10 caractères au moins)').max(20_000),
  password: z.string().min(1).max(1000),
  org: ObjectIdLike.optional(),
  versionHash: Sha256.optional(),
});
export const DocumentSchema = z.strictObject({
  title: z.string().trim().min(1).max(300),
  reference: z.string().trim().max(300).nullable().optional(),
});
export const TransitionBodySchema = z.strictObject({
  to: z.enum(LATER_TRANSITION_NAMES as [LaterTransition, ...LaterTransition[]]),
  at: IsoDay.optional(),
  document: DocumentSchema.optional(),
});
export const RecommendationBodySchema = z.strictObject({ versionName: z.string().trim().min(1).max(200).optional() });
export const AsOfQuerySchema = z.object({ asOf: IsoDay.optional() });

// --- Event payloads (every one carries `campaignId`) -----------------------------------------

/** What `signature:opened` and `recommendation:adopted` carry. */
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
export type ReferendumRecordedPayload = CampaignReferendum & { campaignId: string };
/**
 * Why an agreement is void: a majority opposition (L2232-6), or, at company level, the
 * employees' rejection by referendum (L2232-12). Absent on events recorded before it was
 * kept: they are all of majority oppositions.
 */
export const VOID_GROUNDS = ['majority opposition', 'referendum'] as const;
export type VoidGround = (typeof VOID_GROUNDS)[number];
export interface VoidedPayload {
  campaignId: string;
  at: string;
  oppositionWeight: number;
  ground?: VoidGround;
}
/**
 * Why an agreement became valid: at branch level, no majority opposition within the windows
 * (L2232-6); at company level, the signatures of unions weighing more than 50 % with the
 * employer's, or the employees' approval (L2232-12). Absent on events recorded before it was
 * kept: they are all of branch agreements.
 */
export const VALIDITY_GROUNDS = ['no majority opposition', 'majority signature', 'referendum'] as const;
export type ValidityGround = (typeof VALIDITY_GROUNDS)[number];
export interface ValidatedPayload {
  campaignId: string;
  at: string;
  ground?: ValidityGround;
}
export interface TransitionedPayload {
  campaignId: string;
  to: LaterTransition;
  at: string;
  document: LegalDocument | null;
  by: PersonRef;
}

// --- The scenario the validity engine reads ----------------------------------------------

/** Optional changes for a what-if: more signatures, notifications or oppositions. */
export interface WhatIf {
  signatures?: { org: string; at: string }[];
  notifications?: { org: string; at: string }[];
  oppositions?: { org: string; at: string }[];
}

/** The day of the campaign's first notification (it closed the signature procedure), if any. */
export function firstNotificationOf(campaign: Pick<CampaignView, 'notifications'>): string | undefined {
  return campaign.notifications.map((n) => n.at).sort(compareDates)[0];
}

/**
 * The campaign as a validity scenario on `asOf`: the parties with their frozen weights (a
 * non-representative organisation weighs 0), the signatures, notifications and oppositions
 * with their civil dates, its deadline, the day it was closed and the employees' referendum. The employer organisations
 * weigh nothing in the signature and opposition tests (the engine reads only the unions'
 * weights there).
 */
export function scenarioOf(campaign: CampaignView, asOf: string, whatIf: WhatIf = {}): ScenarioInput {
  // Closed below 30 % (POST /close), maybe before its deadline: the campaign ended that day.
  const closedAt = campaign.history.find((step) => step.state === 'not concluded')?.at;
  return {
    level: campaign.level,
    organisations: campaign.parties.map((p) => ({
      id: p.id,
      college: p.college,
      weight: p.representative ? p.weight : 0,
      representative: p.representative,
      name: p.shortName,
    })),
    signatures: [...campaign.signatures.map((s) => ({ org: s.org, at: s.date, signatory: s.signatory.name })), ...(whatIf.signatures ?? [])],
    notifications: [...campaign.notifications.map((n) => ({ org: n.org, at: n.at })), ...(whatIf.notifications ?? [])],
    oppositions: [...campaign.oppositions.map((o) => ({ org: o.org, at: o.at })), ...(whatIf.oppositions ?? [])],
    asOf,
    ...(campaign.signatureDeadline ? { signatureDeadline: campaign.signatureDeadline } : {}),
    ...(closedAt ? { signatureClosedAt: closedAt } : {}),
    // Read models folded before the referendum was kept have no such field.
    ...(campaign.referendum ? { referendum: { at: campaign.referendum.at, approved: campaign.referendum.approved } } : {}),
  };
}

/** `GET /api/negotiations/:id/signature`. */
export interface CampaignAnswer {
  campaign: CampaignView | null;
  /** Today in Paris, as the server counts it. */
  today: string;
  /** What the reader's organisation may do now (shared/signature/eligibility.ts): the client's forms. */
  actions: { sign: boolean; oppose: boolean };
}
