import { frenchDate } from '../validity/format.ts';
import type { CampaignState } from './campaign.ts';

/** Where an agreement stands today, in the words of a French reader. */
export const STANDING_FR: Record<CampaignState, string> = {
  'open for signature': 'ouvert à la signature',
  'not concluded': 'non conclu',
  notified: 'en délai d’opposition',
  valid: 'valide',
  void: 'réputé non écrit',
  deposited: 'déposé',
  approved: 'agréé',
  'approval refused': 'agrément refusé',
  'extension requested': 'extension demandée',
  extended: 'étendu',
  'extension refused': 'extension refusée',
  'recommendation adopted': 'recommandation patronale adoptée',
};

/** `POST /api/verify`: what a file is, and where its agreement stands today. */
export type Verification =
  | { authentic: false; fileSha256: string; size: number }
  | {
      authentic: true;
      fileSha256: string;
      size: number;
      /** The signed snapshot's fingerprint (SHA-256 of its canonical JSON). */
      sha256: string;
      format: string;
      negotiationId: string;
      versionId: string;
      agreement: { title: string; versionName: string; signedOn: string | null };
      /** The agreement's state today, since when (a civil date). */
      standing: { state: CampaignState; since: string };
      /** A later version opened for signature and concluded in the same negotiation, if any. */
      supersededBy: { versionId: string; versionName: string; state: CampaignState; since: string } | null;
    };

/**
 * « Fichier authentique : version « … » de l’accord « … », signée le … — aujourd’hui :
 * réputé non écrit depuis le … », for the public page and for anyone reading the answer.
 */
export function verificationSentence(result: Verification): string {
  if (!result.authentic) return 'Fichier non reconnu : il n’est pas, à l’octet près, un export signé de cet espace. Une seule modification suffit à le rendre méconnaissable.';
  const { agreement, standing, supersededBy } = result;
  const signed = agreement.signedOn ? `, signée le ${frenchDate(agreement.signedOn)}` : ', sans signature à ce jour';
  const today = `aujourd’hui : ${STANDING_FR[standing.state]} depuis le ${frenchDate(standing.since)}`;
  const later = supersededBy
    ? ` ; une version ultérieure, « ${supersededBy.versionName} », la remplace (${STANDING_FR[supersededBy.state]} depuis le ${frenchDate(supersededBy.since)})`
    : '';
  return `Fichier authentique : version « ${agreement.versionName} » de l’accord « ${agreement.title} »${signed} — ${today}${later}.`;
}
