import type { Connection } from 'mongoose';
import { applyCampaignEvent, campaignIdOf } from '../../shared/signature/campaign.fold.ts';
import { campaignActions } from '../../shared/signature/eligibility.ts';
import {
  LATER_TRANSITIONS,
  REOPENABLE_STATES,
  firstNotificationOf,
  scenarioOf,
  type CampaignAnswer,
  type CampaignOpenedPayload,
  type NotifiedPayload,
  type OpposedPayload,
  type ReferendumRecordedPayload,
  type SignatureClosedPayload,
  type SignedPayload,
  type TransitionedPayload,
  type ValidatedPayload,
  type VoidedPayload,
  type CampaignParty,
  type CampaignState,
  type CampaignView,
  type LaterTransition,
  type LegalDocument,
  type PersonRef,
  type WhatIf,
} from '../../shared/signature/campaign.ts';
import type { VersionAuthor, VersionSummary } from '../../shared/text-diff.ts';
import { addDays, compareDates } from '../../shared/validity/calendar.ts';
import { assess } from '../../shared/validity/assess.ts';
import { parseScenario, type Assessment } from '../../shared/validity/scenario.ts';
import { assertCan, assertCanFor, type Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import type { IdSource } from '../events/clock.ts';
import { stampOf, SYSTEM, type EventLog, type RecordDraft, type Stamp } from '../events/event-log.ts';
import { rebuildProjection, syncProjection, type Projection } from '../events/projection.ts';
import { negotiationModel } from '../negotiations/negotiation.model.ts';
import { partiesInForce } from '../negotiations/negotiation.service.ts';
import { readVersion } from '../versions/versions.service.ts';
import { campaignCheckpointModel, campaignModel } from './campaign.model.ts';
import { parisDate } from '../../shared/sessions/paris-time.ts';
import { agreementTextOf, frozenVersionHash, snapshotParties, type FrozenVersion } from './signed-snapshot.ts';

/** What the campaign use cases need: the log (which broadcasts what it stores) and the version freezer. */
export interface SignatureDeps {
  connection: Connection;
  events: Pick<EventLog, 'record' | 'since' | 'serialize'>;
  /** New ids (a campaign's); the time is each use case's `now`, passed in by the caller. */
  ids: IdSource;
  /** Takes a named immutable version of kind `signature` of the live text (collab's createVersion). */
  freezeVersion(input: { negotiationId: string; name: string; reason: string; author: VersionAuthor; by: Stamp; now: Date }): Promise<VersionSummary>;
}

// Campaign commands of one negotiation run one at a time in this process (`events.serialize`),
// so that two signatures, a notification and a close never decide on the same stale state.

// --- The read model ------------------------------------------------------------------------

function campaignProjection(connection: Connection): Projection<CampaignView> {
  return { items: campaignModel(connection), checkpoints: campaignCheckpointModel(connection), idOf: campaignIdOf, apply: applyCampaignEvent };
}

/** Folds the campaign events past the checkpoint. Idempotent: each campaign remembers its last seq. */
export async function syncCampaigns(deps: Pick<SignatureDeps, 'connection' | 'events'>, negotiationId: string): Promise<void> {
  await syncProjection(deps.events, negotiationId, campaignProjection(deps.connection));
}

/** Drops the campaigns read model of a negotiation and folds the whole log again. */
export async function rebuildCampaigns(deps: Pick<SignatureDeps, 'connection' | 'events'>, negotiationId: string): Promise<void> {
  await rebuildProjection(deps.events, negotiationId, campaignProjection(deps.connection));
}

/** The negotiation's latest campaign (the one opened last), or null. */
export async function currentCampaign(deps: Pick<SignatureDeps, 'connection' | 'events'>, negotiationId: string): Promise<CampaignView | null> {
  await syncCampaigns(deps, negotiationId);
  const docs = await campaignModel(deps.connection).find({ negotiationId }).lean();
  const views = docs.map((d) => d.view as CampaignView);
  views.sort((a, b) => b.history[0].seq - a.history[0].seq);
  return views[0] ?? null;
}

export async function campaignById(deps: Pick<SignatureDeps, 'connection' | 'events'>, negotiationId: string, campaignId: string): Promise<CampaignView | null> {
  await syncCampaigns(deps, negotiationId);
  const doc = await campaignModel(deps.connection).findOne({ _id: campaignId, negotiationId }).lean();
  return (doc?.view as CampaignView | undefined) ?? null;
}

/** The campaigns that froze this version (at most one in practice). */
export async function campaignsOfVersion(deps: Pick<SignatureDeps, 'connection' | 'events'>, negotiationId: string, versionId: string): Promise<CampaignView[]> {
  await syncCampaigns(deps, negotiationId);
  const docs = await campaignModel(deps.connection).find({ negotiationId, 'view.version.id': versionId }).lean();
  return docs.map((d) => d.view as CampaignView);
}

// --- The validity of a campaign ------------------------------------------------------------

/** The engine's assessment of the campaign on `asOf` (what-if changes optional). */
export function assessCampaign(campaign: CampaignView, asOf: string, whatIf: WhatIf = {}): Assessment {
  if (campaign.kind === 'recommendation') {
    throw new AppError('CONFLICT', 'Une recommandation patronale n’est ni signée ni soumise au droit d’opposition : aucun test de validité ne s’y applique.');
  }
  const parsed = parseScenario(scenarioOf(campaign, asOf, whatIf));
  // Never a verdict from data the engine refuses: the errors say what is wrong.
  if (!parsed.ok) throw new AppError('UNPROCESSABLE', `Validité non calculable : ${parsed.errors.join(' ; ')}`, parsed.errors);
  return assess(parsed.scenario);
}

/**
 * Whether the signatures conclude the agreement on `at` (at least 30 % of the representative
 * unions; for a company agreement, the employer's signature too, L2232-12): the engine's
 * verdict were the signature procedure closed that day by a notification, to any party.
 */
function concludedOn(campaign: CampaignView, at: string): boolean {
  const notification = { org: campaign.parties[0].id, at };
  return assessCampaign(campaign, at, { notifications: [notification] }).status !== 'not concluded';
}

export async function validityOf(deps: SignatureDeps, negotiationId: string, asOf: string, now: Date): Promise<Assessment> {
  const campaign = await settledCampaign(deps, negotiationId, now);
  if (!campaign) throw new AppError('NOT_FOUND', 'Aucune campagne de signature n’a été ouverte dans cette négociation.');
  return assessCampaign(campaign, asOf);
}

// --- Use cases -----------------------------------------------------------------------------

const person = (actor: Actor): PersonRef => ({ userId: actor.user.id, name: actor.user.name });

async function record(deps: SignatureDeps, negotiationId: string, by: Stamp, drafts: RecordDraft[], now: Date): Promise<void> {
  await deps.events.record(negotiationId, by, drafts, now);
}

/** The negotiation's status mirrors the agreement's state (the listing and the home show it). */
async function mirrorStatus(connection: Connection, negotiationId: string, state: CampaignState): Promise<void> {
  await negotiationModel(connection).updateOne({ _id: negotiationId }, { $set: { status: state } });
}

async function afterChange(deps: SignatureDeps, negotiationId: string, campaignId: string): Promise<CampaignView> {
  const campaign = await campaignById(deps, negotiationId, campaignId);
  if (!campaign) throw new AppError('INTERNAL', 'Campagne introuvable après écriture.');
  await mirrorStatus(deps.connection, negotiationId, campaign.state);
  return campaign;
}

/**
 * Records what the passing of time decided: once every opposition window has closed
 * without a majority opposition, a notified agreement is valid (dated the day after the
 * last deadline). Runs before every command and read, inside the negotiation's lane.
 */
async function settle(deps: SignatureDeps, campaign: CampaignView | null, now: Date): Promise<CampaignView | null> {
  if (!campaign || campaign.state !== 'notified') return campaign;
  const today = parisDate(now);
  const assessment = assessCampaign(campaign, today);
  if (assessment.status !== 'valid' && assessment.status !== 'void') return campaign;
  const firstNotification = firstNotificationOf(campaign) ?? today;
  const drafts: RecordDraft[] =
    assessment.status === 'valid'
      ? [
          {
            type: 'agreement:validated',
            payload: {
              campaignId: campaign.id,
              at: assessment.oppositionDeadline ? addDays(assessment.oppositionDeadline, 1) : firstNotification,
              ground: campaign.level === 'company' ? (assessment.majoritySignature ? 'majority signature' : 'referendum') : 'no majority opposition',
            } satisfies ValidatedPayload,
            by: SYSTEM,
          },
        ]
      : [
          {
            type: 'agreement:voided',
            payload: {
              campaignId: campaign.id,
              // Rejected by the employees: void from the day of the vote.
              at: campaign.level === 'company' && campaign.referendum ? campaign.referendum.at : today,
              oppositionWeight: assessment.oppositionWeight,
              ground: campaign.level === 'company' ? 'referendum' : 'majority opposition',
            } satisfies VoidedPayload,
            by: SYSTEM,
          },
        ];
  await record(deps, campaign.negotiationId, SYSTEM, drafts, now);
  return afterChange(deps, campaign.negotiationId, campaign.id);
}

/** The negotiation's current campaign, with what the passing of time decided recorded first. */
export async function settledCampaign(deps: SignatureDeps, negotiationId: string, now: Date): Promise<CampaignView | null> {
  return deps.events.serialize(negotiationId, async () => settle(deps, await currentCampaign(deps, negotiationId), now));
}

/** `GET …/signature`: the current campaign, brought up to date. */
export async function describeCampaign(deps: SignatureDeps, actor: Actor, now: Date): Promise<CampaignAnswer> {
  const campaign = await settledCampaign(deps, actor.negotiationId, now);
  return { campaign, today: parisDate(now), actions: campaignActions(campaign, { orgId: actor.org.id, roles: actor.roles }) };
}

/** What was frozen: the stored version's text and the campaign's weights, as the exports show them. */
export async function frozenVersionOf(connection: Connection, campaign: CampaignView): Promise<FrozenVersion> {
  const version = await readVersion(connection, campaign.negotiationId, campaign.version.id);
  return {
    negotiation: { id: campaign.negotiationId, title: campaign.title, level: campaign.level },
    version: { id: campaign.version.id, name: campaign.version.name, kind: 'signature', createdAt: campaign.version.createdAt },
    parties: snapshotParties(campaign),
    text: agreementTextOf(campaign.title, version, campaign.openedAt),
  };
}

async function startCampaign(
  deps: SignatureDeps,
  actor: Actor,
  kind: CampaignView['kind'],
  input: { versionName: string; signatureDeadline: string | null },
  now: Date,
): Promise<CampaignView> {
  const { negotiationId } = actor;
  const today = parisDate(now);
  return deps.events.serialize(negotiationId, async () => {
    const current = await settle(deps, await currentCampaign(deps, negotiationId), now);
    if (current && !REOPENABLE_STATES.includes(current.state)) {
      throw new AppError('CONFLICT', `Une campagne est déjà en cours ou aboutie (état : ${current.state}) : un autre texte ne peut pas être ouvert à la signature.`);
    }
    if (input.signatureDeadline && compareDates(input.signatureDeadline, today) < 0) {
      throw new AppError('BAD_REQUEST', 'La date limite de signature est déjà passée.');
    }
    const { title, level, parties } = await partiesInForce(deps.connection, negotiationId);
    const campaignId = deps.ids.newId();
    const draft: CampaignView = {
      id: campaignId,
      negotiationId,
      kind,
      title,
      level,
      state: 'open for signature',
      version: { id: '', name: input.versionName, createdAt: now.toISOString(), hash: '' },
      openedAt: today,
      openedBy: person(actor),
      signatureDeadline: input.signatureDeadline,
      parties,
      signatures: [],
      nonSignatories: [],
      notifications: [],
      oppositions: [],
      referendum: null,
      history: [],
    };
    // The weights must let the engine decide before anyone signs (representative unions add up to 100 %).
    if (kind === 'agreement') assessCampaign(draft, today);
    const version = await deps.freezeVersion({
      negotiationId,
      name: input.versionName,
      reason: kind === 'agreement' ? 'Ouverture à la signature' : 'Recommandation patronale',
      author: { userId: actor.user.id, name: actor.user.name, org: actor.org.shortName },
      by: stampOf(actor),
      now,
    });
    const frozenView: CampaignView = { ...draft, version: { id: version.id, name: version.name, createdAt: version.createdAt, hash: '' } };
    const hash = frozenVersionHash(await frozenVersionOf(deps.connection, frozenView));
    const payload: CampaignOpenedPayload = {
      campaignId,
      kind,
      title,
      level,
      version: { ...frozenView.version, hash },
      at: today,
      by: person(actor),
      signatureDeadline: input.signatureDeadline,
      parties,
    };
    await record(deps, negotiationId, stampOf(actor), [{ type: kind === 'agreement' ? 'signature:opened' : 'recommendation:adopted', payload }], now);
    return afterChange(deps, negotiationId, campaignId);
  });
}

/** The secretariat opens a frozen version for signature, with the weights in force and a deadline. */
export function openForSignature(
  deps: SignatureDeps,
  actor: Actor,
  input: { versionName?: string; signatureDeadline: string },
  now: Date,
): Promise<CampaignView> {
  assertCan(actor, 'signature:manage');
  return startCampaign(deps, actor, 'agreement', { versionName: input.versionName ?? 'Texte ouvert à la signature', signatureDeadline: input.signatureDeadline }, now);
}

/** The employer side's unilateral text, when no agreement is reached: frozen, then deposited for agrément. */
export function adoptRecommendation(deps: SignatureDeps, actor: Actor, input: { versionName?: string }, now: Date): Promise<CampaignView> {
  assertCan(actor, 'signature:manage');
  return startCampaign(deps, actor, 'recommendation', { versionName: input.versionName ?? 'Recommandation patronale', signatureDeadline: null }, now);
}

async function requireCampaign(deps: SignatureDeps, negotiationId: string, now: Date): Promise<CampaignView> {
  const campaign = await settle(deps, await currentCampaign(deps, negotiationId), now);
  if (!campaign) throw new AppError('CONFLICT', 'Aucun texte n’a été ouvert à la signature dans cette négociation.');
  return campaign;
}

function partyOf(campaign: CampaignView, orgId: string): CampaignParty {
  const party = campaign.parties.find((p) => p.id === orgId);
  if (!party) throw new AppError('FORBIDDEN', 'Cette organisation n’est pas partie à l’accord.');
  return party;
}

/**
 * A signatory signs the frozen version for their own organisation (simple electronic
 * signature: who, as whom, when, which version hash). The person has proved it is them
 * (their password, typed again) before this is called; `versionHash`, when given, is the
 * fingerprint they were shown and confirmed: a different version is not signed.
 */
export async function signAgreement(
  deps: SignatureDeps,
  actor: Actor,
  input: { org?: string; versionHash?: string },
  now: Date,
): Promise<CampaignView> {
  const org = input.org ?? actor.org.id;
  assertCanFor(actor, 'signature:sign', org);
  const { negotiationId } = actor;
  return deps.events.serialize(negotiationId, async () => {
    const campaign = await requireCampaign(deps, negotiationId, now);
    if (campaign.kind === 'recommendation') throw new AppError('CONFLICT', 'Une recommandation patronale ne se signe pas.');
    if (campaign.state !== 'open for signature') {
      throw new AppError('CONFLICT', `Le texte n’est plus ouvert à la signature (état : ${campaign.state}).`);
    }
    assertConfirmedVersion(campaign, input.versionHash);
    partyOf(campaign, org);
    if (campaign.signatures.some((s) => s.org === org)) throw new AppError('CONFLICT', 'Votre organisation a déjà signé ce texte.');
    const payload: SignedPayload = {
      campaignId: campaign.id,
      org,
      signatory: person(actor),
      signedAt: now.toISOString(),
      date: parisDate(now),
      versionHash: campaign.version.hash,
    };
    await record(deps, negotiationId, stampOf(actor), [{ type: 'signature:signed', payload, by: { actor: actor.user.id, org } }], now);
    return afterChange(deps, negotiationId, campaign.id);
  });
}

/** The person confirmed one version (its fingerprint): the act is refused if the campaign is about another. */
function assertConfirmedVersion(campaign: CampaignView, versionHash: string | undefined): void {
  if (versionHash !== undefined && versionHash !== campaign.version.hash) {
    throw new AppError('CONFLICT', 'La version confirmée n’est pas celle de la campagne en cours : rien n’a été enregistré. Relisez la confirmation.');
  }
}

const unsigned = (campaign: CampaignView) => campaign.parties.filter((p) => !campaign.signatures.some((s) => s.org === p.id)).map((p) => p.id);

/** The secretariat ends a campaign that did not conclude the agreement (below 30 %; a company agreement unsigned by the employer): not concluded. */
export async function closeSignature(deps: SignatureDeps, actor: Actor, now: Date): Promise<CampaignView> {
  assertCan(actor, 'signature:manage');
  const { negotiationId } = actor;
  const today = parisDate(now);
  return deps.events.serialize(negotiationId, async () => {
    const campaign = await requireCampaign(deps, negotiationId, now);
    if (campaign.state !== 'open for signature') throw new AppError('CONFLICT', `La campagne n’est pas ouverte (état : ${campaign.state}).`);
    if (concludedOn(campaign, today)) {
      throw new AppError('CONFLICT', 'Les signatures atteignent 30 % : l’accord est conclu, il doit être notifié aux organisations représentatives.');
    }
    const payload: SignatureClosedPayload = { campaignId: campaign.id, outcome: 'not concluded', at: today, nonSignatories: unsigned(campaign), by: person(actor) };
    await record(deps, negotiationId, stampOf(actor), [{ type: 'signature:closed', payload }], now);
    return afterChange(deps, negotiationId, campaign.id);
  });
}

/**
 * The secretariat records the day an organisation received the signed text. The first
 * notification closes the signature procedure (L2231-5): the organisations that did not
 * sign are recorded as such, and the opposition windows start.
 */
export async function recordNotification(deps: SignatureDeps, actor: Actor, input: { org: string; at?: string }, now: Date): Promise<CampaignView> {
  assertCan(actor, 'signature:manage');
  const { negotiationId } = actor;
  const today = parisDate(now);
  const at = input.at ?? today;
  if (compareDates(at, today) > 0) throw new AppError('BAD_REQUEST', 'Une notification ne peut pas être datée dans le futur.');
  return deps.events.serialize(negotiationId, async () => {
    const campaign = await requireCampaign(deps, negotiationId, now);
    if (campaign.kind === 'recommendation') throw new AppError('CONFLICT', 'Une recommandation patronale n’est pas notifiée aux syndicats.');
    if (campaign.state !== 'open for signature' && campaign.state !== 'notified') {
      throw new AppError('CONFLICT', `L’accord ne peut pas être notifié dans son état actuel (${campaign.state}).`);
    }
    partyOf(campaign, input.org);
    if (campaign.notifications.some((n) => n.org === input.org)) throw new AppError('CONFLICT', 'Cette organisation a déjà reçu notification.');
    if (compareDates(at, campaign.openedAt) < 0) throw new AppError('CONFLICT', 'La notification ne peut pas précéder l’ouverture à la signature.');
    const lastSignature = campaign.signatures.map((s) => s.date).sort(compareDates).at(-1);
    if (lastSignature && compareDates(at, lastSignature) < 0) {
      throw new AppError('CONFLICT', 'La notification ne peut pas précéder la dernière signature : elle clôt la procédure de signature.');
    }
    const drafts: RecordDraft[] = [];
    if (campaign.state === 'open for signature') {
      if (!concludedOn(campaign, at)) {
        throw new AppError(
          'CONFLICT',
          'L’accord n’est pas conclu (moins de 30 % de signatures syndicales ou, pour un accord d’entreprise, sans la signature de l’employeur) : il ne peut pas être notifié. Clôturez la campagne.',
        );
      }
      const closed: SignatureClosedPayload = { campaignId: campaign.id, outcome: 'concluded', at, nonSignatories: unsigned(campaign), by: person(actor) };
      drafts.push({ type: 'signature:closed', payload: closed });
    }
    const notified: NotifiedPayload = { campaignId: campaign.id, org: input.org, at, recordedBy: person(actor) };
    drafts.push({ type: 'agreement:notified', payload: notified });
    await record(deps, negotiationId, stampOf(actor), drafts, now);
    await settle(deps, await campaignById(deps, negotiationId, campaign.id), now);
    return afterChange(deps, negotiationId, campaign.id);
  });
}

/**
 * A representative union that did not sign files its written, reasoned opposition, through
 * one of its signatories. Filed late, it is recorded and does not count; a majority
 * opposition (more than 50 %) makes the text void at once.
 */
export async function fileOpposition(
  deps: SignatureDeps,
  actor: Actor,
  input: { text: string; org?: string; versionHash?: string },
  now: Date,
): Promise<CampaignView> {
  const org = input.org ?? actor.org.id;
  assertCanFor(actor, 'signature:sign', org);
  const { negotiationId } = actor;
  const today = parisDate(now);
  return deps.events.serialize(negotiationId, async () => {
    const campaign = await requireCampaign(deps, negotiationId, now);
    if (campaign.kind === 'recommendation') throw new AppError('CONFLICT', 'Une recommandation patronale n’est pas soumise au droit d’opposition.');
    if (campaign.level === 'company') {
      throw new AppError('CONFLICT', 'Le droit d’opposition n’existe plus pour les accords d’entreprise (L2232-12) : leur validité tient à la majorité des signatures ou au référendum.');
    }
    if (campaign.state === 'void') throw new AppError('CONFLICT', 'L’accord est déjà réputé non écrit.');
    if (campaign.state !== 'notified' && campaign.state !== 'valid') {
      throw new AppError('CONFLICT', `Une opposition ne peut être formée qu’après la notification de l’accord (état : ${campaign.state}).`);
    }
    const party = partyOf(campaign, org);
    if (party.college !== 'union') throw new AppError('CONFLICT', 'Le droit d’opposition appartient aux seuls syndicats de salariés (L2232-6).');
    if (!party.representative || party.weight === 0) {
      throw new AppError('CONFLICT', 'Votre organisation n’est pas représentative dans le champ de l’accord : elle ne peut pas s’y opposer.');
    }
    if (campaign.signatures.some((s) => s.org === org)) throw new AppError('CONFLICT', 'Votre organisation a signé l’accord : un signataire ne peut pas s’y opposer.');
    if (!campaign.notifications.some((n) => n.org === org)) {
      throw new AppError('CONFLICT', 'L’accord n’a pas encore été notifié à votre organisation : le délai d’opposition n’a pas commencé.');
    }
    if (campaign.oppositions.some((o) => o.org === org)) throw new AppError('CONFLICT', 'Votre organisation a déjà formé opposition.');
    assertConfirmedVersion(campaign, input.versionHash);
    const assessment = assessCampaign(campaign, today, { oppositions: [{ org, at: today }] });
    const judged = assessment.oppositions.filter((o) => o.org === org).at(-1);
    const payload: OpposedPayload = {
      campaignId: campaign.id,
      org,
      at: today,
      text: input.text,
      filedBy: person(actor),
      counted: judged?.counted ?? false,
      ground: judged?.ground ?? 'late',
    };
    const drafts: RecordDraft[] = [{ type: 'opposition:filed', payload, by: { actor: actor.user.id, org } }];
    if (campaign.state === 'notified' && assessment.status === 'void') {
      const voided: VoidedPayload = { campaignId: campaign.id, at: today, oppositionWeight: assessment.oppositionWeight, ground: 'majority opposition' };
      drafts.push({ type: 'agreement:voided', payload: voided, by: SYSTEM });
    }
    await record(deps, negotiationId, stampOf(actor), drafts, now);
    return afterChange(deps, negotiationId, campaign.id);
  });
}

/**
 * The secretariat records the employees' vote on a company agreement signed by the employer
 * and by unions weighing more than 30 % but not more than 50 % (L2232-12): approved by a
 * majority of the votes cast, it is valid; rejected, it is void. Once, dated between the first
 * notification and today; the settling step records the verdict.
 */
export async function recordReferendum(deps: SignatureDeps, actor: Actor, input: { at: string; approved: boolean }, now: Date): Promise<CampaignView> {
  assertCan(actor, 'signature:manage');
  const { negotiationId } = actor;
  const today = parisDate(now);
  if (compareDates(input.at, today) > 0) throw new AppError('BAD_REQUEST', 'Un référendum ne peut pas être daté dans le futur.');
  return deps.events.serialize(negotiationId, async () => {
    const campaign = await requireCampaign(deps, negotiationId, now);
    if (campaign.level !== 'company' || campaign.kind !== 'agreement') {
      throw new AppError('CONFLICT', 'Le référendum des salariés ne concerne que les accords d’entreprise (L2232-12).');
    }
    if (campaign.referendum) throw new AppError('CONFLICT', 'Le résultat du référendum est déjà enregistré.');
    if (campaign.state !== 'notified' || assessCampaign(campaign, today).status !== 'referendum pending') {
      throw new AppError(
        'CONFLICT',
        `Aucun référendum n’est attendu : il n’est ouvert qu’à un accord notifié, signé par l’employeur et par des syndicats pesant plus de 30 % sans dépasser 50 % (état : ${campaign.state}).`,
      );
    }
    const firstNotification = firstNotificationOf(campaign);
    if (firstNotification && compareDates(input.at, firstNotification) < 0) {
      throw new AppError('BAD_REQUEST', `Le référendum ne peut pas précéder la notification de l’accord (${firstNotification}).`);
    }
    const payload: ReferendumRecordedPayload = { campaignId: campaign.id, at: input.at, approved: input.approved, recordedBy: person(actor) };
    await record(deps, negotiationId, stampOf(actor), [{ type: 'referendum:recorded', payload }], now);
    await settle(deps, await campaignById(deps, negotiationId, campaign.id), now);
    return afterChange(deps, negotiationId, campaign.id);
  });
}

/** The secretariat records a later step (deposit, agrément, extension), with its date and document. */
export async function recordTransition(
  deps: SignatureDeps,
  actor: Actor,
  input: { to: LaterTransition; at?: string; document?: { title: string; reference?: string | null } },
  now: Date,
): Promise<CampaignView> {
  assertCan(actor, 'signature:manage');
  const { negotiationId } = actor;
  const today = parisDate(now);
  const at = input.at ?? today;
  if (compareDates(at, today) > 0) throw new AppError('BAD_REQUEST', 'Une étape ne peut pas être datée dans le futur.');
  const rule = LATER_TRANSITIONS[input.to];
  return deps.events.serialize(negotiationId, async () => {
    const campaign = await requireCampaign(deps, negotiationId, now);
    if (!(rule.from as readonly CampaignState[]).includes(campaign.state)) {
      throw new AppError('CONFLICT', `Transition impossible : « ${campaign.state} » → « ${input.to} » (attendu depuis : ${rule.from.join(', ')}).`);
    }
    if (campaign.kind === 'recommendation' && input.to.startsWith('extension')) {
      throw new AppError('CONFLICT', 'Une recommandation patronale n’est pas étendue.');
    }
    if (rule.documentRequired && !input.document) throw new AppError('BAD_REQUEST', 'Cette étape exige sa pièce (intitulé et référence).');
    const last = campaign.history.at(-1)?.at;
    if (last && compareDates(at, last) < 0) throw new AppError('CONFLICT', `Cette étape ne peut pas précéder la précédente (${last}).`);
    const document: LegalDocument | null = input.document ? { title: input.document.title, reference: input.document.reference ?? null } : null;
    const payload: TransitionedPayload = { campaignId: campaign.id, to: input.to, at, document, by: person(actor) };
    await record(deps, negotiationId, stampOf(actor), [{ type: 'agreement:transitioned', payload }], now);
    return afterChange(deps, negotiationId, campaign.id);
  });
}
