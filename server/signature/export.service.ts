import type { CampaignView } from '../../shared/signature/campaign.ts';
import { compareDates } from '../../shared/validity/calendar.ts';
import type { Assessment } from '../../shared/validity/scenario.ts';
import { inFrench } from '../../shared/validity/format.ts';
import { reason } from '../../shared/validity/reasons.ts';
import { AppError } from '../common/app-error.ts';
import { sha256 } from '../export/canonical-json.ts';
import { renderExportOffLoop, type ExportFormat, type RenderedExport } from '../export/exports.ts';
import { assessCampaign, campaignsOfVersion, frozenVersionOf, type SignatureDeps } from './campaign.service.ts';
import { parisDate } from '../../shared/sessions/paris-time.ts';
import { buildSignedSnapshot } from './signed-snapshot.ts';
import { exportedFileModel, signedSnapshotModel } from './signed-export.model.ts';

/**
 * Exports of a signed version, and the check that a file is one of them.
 *
 * The verification scheme:
 * 1. Every export renders the signed snapshot; its fingerprint is the SHA-256 of the
 *    snapshot's canonical JSON, which the JSON export *is*, byte for byte, and which the PDF,
 *    DOCX and Akoma Ntoso files carry (text, metadata).
 * 2. Each snapshot exported is stored under its fingerprint; each file served is stored
 *    under the SHA-256 of its bytes (PDF and XML render deterministically, so downloading
 *    again gives the same file; DOCX is not byte-stable, so each one served is recorded).
 * 3. A file verifies when the SHA-256 of its bytes is a stored fingerprint (the JSON export)
 *    or a file we served, recorded with the fingerprint it carries (verify.service.ts: the
 *    upload is hashed as it streams, never held whole). One changed byte anywhere changes the
 *    file's SHA-256: it does not verify. A re-indented JSON is not the export (canonicalise it
 *    first).
 */

const EXTERNAL_FORMATS = { pdf: 'pdf', docx: 'docx', json: 'json', xml: 'akn' } as const satisfies Record<string, ExportFormat>;
export type ExternalFormat = keyof typeof EXTERNAL_FORMATS;
export const EXTERNAL_FORMAT_NAMES = Object.keys(EXTERNAL_FORMATS) as ExternalFormat[];

const SETTLED_STEPS = new Set(['not concluded', 'void', 'valid']);

/**
 * The day the snapshot's assessment is made: today while the campaign runs; once the
 * verdict is settled, the last day that mattered (the last act, the last opposition
 * deadline), so that the exports of a settled campaign are the same files every day.
 */
export function snapshotAsOf(campaign: CampaignView, today: string): string {
  if (campaign.kind === 'recommendation') return campaign.openedAt;
  if (campaign.state === 'open for signature' || campaign.state === 'notified') return today;
  const days = [
    campaign.openedAt,
    ...campaign.signatures.map((s) => s.date),
    ...campaign.notifications.map((n) => n.at),
    ...campaign.oppositions.map((o) => o.at),
    ...campaign.history.filter((h) => SETTLED_STEPS.has(h.state)).map((h) => h.at),
  ];
  const deadline = assessCampaign(campaign, today).oppositionDeadline;
  if (deadline) days.push(deadline);
  const last = days.sort(compareDates).at(-1)!;
  return compareDates(last, today) > 0 ? today : last;
}

function recommendationAssessment(campaign: CampaignView): Omit<Assessment, 'status'> & { status: string } {
  return {
    // Not a validity status: no signature or opposition test applies to a unilateral text.
    status: 'recommandation patronale',
    signatureWeight: 0,
    signatureTestPassed: false,
    oppositionWeight: 0,
    oppositionMajority: false,
    oppositionDeadline: null,
    reasons: [inFrench(reason('recommendation'))],
    reasonCodes: [reason('recommendation')],
    level: campaign.level,
    asOf: campaign.openedAt,
    signatories: [],
    majoritySignature: false,
    deadlines: [],
    oppositions: [],
    pendingOppositionWeight: 0,
    referendum: null,
    extension: null,
  };
}

/** Renders a signed version in one format and records what was served. */
export async function exportSignedVersion(
  deps: SignatureDeps,
  negotiationId: string,
  versionId: string,
  format: ExternalFormat,
  now: Date,
): Promise<RenderedExport> {
  const campaign = (await campaignsOfVersion(deps, negotiationId, versionId))[0];
  if (!campaign) throw new AppError('NOT_FOUND', 'Cette version n’a pas été ouverte à la signature : elle n’a pas d’export signé.');
  const frozen = await frozenVersionOf(deps.connection, campaign);
  const today = parisDate(now);
  const assessment = campaign.kind === 'recommendation' ? recommendationAssessment(campaign) : assessCampaign(campaign, snapshotAsOf(campaign, today));
  const snapshot = buildSignedSnapshot(frozen, campaign, assessment);
  const rendered = await renderExportOffLoop(snapshot, EXTERNAL_FORMATS[format]);
  const { connection } = deps;
  await signedSnapshotModel(connection).updateOne(
    { _id: rendered.fingerprint },
    { $setOnInsert: { negotiationId, versionId, campaignId: campaign.id, snapshot, createdAt: now } },
    { upsert: true },
  );
  await exportedFileModel(connection).updateOne(
    { _id: sha256(rendered.body) },
    { $setOnInsert: { fingerprint: rendered.fingerprint, negotiationId, versionId, format: rendered.format, size: rendered.body.length, createdAt: now } },
    { upsert: true },
  );
  return rendered;
}
