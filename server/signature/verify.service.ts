import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CAMPAIGN_STATES, type CampaignState, type CampaignView } from '../../shared/signature/campaign.ts';
import type { Verification } from '../../shared/signature/verification.ts';
import { compareDates } from '../../shared/validity/calendar.ts';
import { AppError } from '../common/app-error.ts';
import { campaignsOfVersion, settledCampaign, type SignatureDeps } from './campaign.service.ts';
import { campaignModel } from './campaign.model.ts';
import { exportedFileModel, signedSnapshotModel } from './signed-export.model.ts';

/** The largest file read: an export of a 300-article agreement is far below. */
export const VERIFY_LIMIT_BYTES = 20 * 1024 * 1024;

/**
 * At most this many uploads are read at once; the others wait unread (the kernel's socket
 * buffers fill and their senders pause), so a crowd of uploads never crowds out the rest.
 */
export const VERIFY_CONCURRENCY = 4;
let reading = 0;
const waiting: (() => void)[] = [];

/** Runs `task` when fewer than VERIFY_CONCURRENCY uploads are being read. */
export async function oneOfFewUploads<T>(task: () => Promise<T>): Promise<T> {
  if (reading >= VERIFY_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  reading++;
  try {
    return await task();
  } finally {
    reading--;
    waiting.shift()?.();
  }
}

/**
 * Hashes a file as it arrives, chunk by chunk: nothing is kept but the running SHA-256, so a
 * crowd of large uploads costs the server their socket buffers, not their size. Past the
 * limit the upload is cut off (413).
 */
export async function hashUpload(body: Readable, limit = VERIFY_LIMIT_BYTES): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new AppError('PAYLOAD_TOO_LARGE', `Fichier trop volumineux : ${Math.round(limit / 1024 / 1024)} Mo au plus.`);
    }
    hash.update(chunk as Buffer);
  }
  return { sha256: hash.digest('hex'), size };
}

/** A state after which a later version is a concluded agreement that replaces this one. */
const CONCLUDED: readonly CampaignState[] = CAMPAIGN_STATES.filter((s) => !['open for signature', 'not concluded', 'void'].includes(s));

const sinceOf = (campaign: CampaignView) => campaign.history.at(-1)?.at ?? campaign.openedAt;

/**
 * What a file is: one of our signed exports, byte for byte (the SHA-256 of the bytes is a
 * file we served, or the canonical JSON of a snapshot, which is its own fingerprint), and
 * where its agreement stands TODAY: the campaign's state and since when (the deadlines that
 * passed are settled first), and whether a later concluded version replaces it.
 */
export async function verifyUpload(deps: SignatureDeps, file: { sha256: string; size: number }, now: Date): Promise<Verification> {
  const { connection } = deps;
  const served = await exportedFileModel(connection).findById(file.sha256).lean();
  const fingerprint = served?.fingerprint ?? file.sha256;
  const snapshot = await signedSnapshotModel(connection).findById(fingerprint).lean();
  if (!snapshot) return { authentic: false, fileSha256: file.sha256, size: file.size };
  const { negotiationId, versionId } = snapshot;
  // Brings the negotiation's current campaign up to date (a window that closed today).
  await settledCampaign(deps, negotiationId, now);
  const campaign = (await campaignsOfVersion(deps, negotiationId, versionId))[0];
  if (!campaign) return { authentic: false, fileSha256: file.sha256, size: file.size };
  const later = (await campaignModel(connection).find({ negotiationId }).lean())
    .map((d) => d.view as CampaignView)
    .filter((c) => c.id !== campaign.id && c.history[0].seq > campaign.history[0].seq && CONCLUDED.includes(c.state))
    .sort((a, b) => b.history[0].seq - a.history[0].seq)[0];
  const signedOn = campaign.signatures.map((s) => s.date).sort(compareDates).at(-1) ?? null;
  const format = served?.format ?? 'json';
  return {
    authentic: true,
    fileSha256: file.sha256,
    size: file.size,
    sha256: fingerprint,
    format: format === 'akn' ? 'xml' : format,
    negotiationId,
    versionId,
    agreement: { title: campaign.title, versionName: campaign.version.name, signedOn },
    standing: { state: campaign.state, since: sinceOf(campaign) },
    supersededBy: later ? { versionId: later.version.id, versionName: later.version.name, state: later.state, since: sinceOf(later) } : null,
  };
}
