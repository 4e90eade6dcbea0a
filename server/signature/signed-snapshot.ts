import type { NegotiationLevel } from '../../shared/identity.ts';
import type { CampaignView } from '../../shared/signature/campaign.ts';
import {
  SignedSnapshotSchema,
  type Assessment,
  type AgreementText,
  type SignedSnapshot,
  type SnapshotArticle,
  type SnapshotParty,
  type Titre,
} from '../../shared/snapshot.ts';
import type { VersionText } from '../../shared/text-diff.ts';
import { canonicalJson, sha256 } from '../export/canonical-json.ts';

/**
 * The signed version: the frozen text, the weights at signature, the signatures and what
 * followed (notifications, oppositions), and the validity assessment, as one
 * `SignedSnapshot` (shared/snapshot.ts) that every export renders. Built only from the
 * stored version and the campaign: annotations, amendments and drafts have no way in.
 */

export interface NegotiationHead {
  id: string;
  title: string;
  level: NegotiationLevel;
}

/** "Titre I – Dispositions générales" → number "I", heading "Dispositions générales". */
function splitHeading(kind: 'Titre' | 'Chapitre', label: string | null | undefined): { number: string | null; heading: string | null } {
  if (!label) return { number: null, heading: null };
  const match = new RegExp(`^${kind}\\s+([^\\s–—-]+)\\s*[–—-]\\s*(.+)$`, 'i').exec(label.trim());
  return match ? { number: match[1], heading: match[2].trim() } : { number: null, heading: label.trim() };
}

/** The version's outline and blocks as an agreement text: préambule, then titres › chapitres › articles. */
export function agreementTextOf(title: string, version: VersionText, date: string): AgreementText {
  const preamble: string[] = [];
  const titres: (Titre & { key: string | null })[] = [];
  for (const article of version.articles) {
    if (article.status === 'withdrawn') continue; // a withdrawn article is not part of the text
    const kind = (article as { kind?: string }).kind;
    if (kind === 'preamble' || article.number === 'Préambule') {
      preamble.push(...article.blocks.filter((b) => b.trim() !== ''));
      continue;
    }
    const titreKey = article.titre ?? null;
    let titre = titres.at(-1);
    if (!titre || titre.key !== titreKey) {
      titre = { key: titreKey, ...splitHeading('Titre', titreKey), chapitres: [] };
      titres.push(titre);
    }
    const chapitreLabel = article.chapitre ?? null;
    const chapitreParts = splitHeading('Chapitre', chapitreLabel);
    let chapitre = titre.chapitres.at(-1);
    if (!chapitre || chapitre.heading !== chapitreParts.heading || chapitre.number !== chapitreParts.number) {
      chapitre = { ...chapitreParts, articles: [] };
      titre.chapitres.push(chapitre);
    }
    const snapshotArticle: SnapshotArticle = {
      id: article.id,
      number: article.number,
      heading: article.title.trim() || null,
      paragraphs: article.blocks.filter((b) => b.trim() !== ''),
    };
    chapitre.articles.push(snapshotArticle);
  }
  return {
    title,
    partiesClause: 'Il a été convenu ce qui suit :',
    preamble,
    titres: titres.map(({ key: _key, ...titre }) => titre),
    closingClauses: [],
    place: 'Paris',
    date,
  };
}

export function snapshotParties(campaign: CampaignView): SnapshotParty[] {
  return campaign.parties.map((p) => ({
    id: p.id,
    shortName: p.shortName,
    fullName: p.fullName,
    college: p.college,
    weight: p.representative ? p.weight : 0,
    representative: p.representative,
    source: p.source,
  }));
}

/** What is frozen when a version is opened for signature: the text and the weights in force. */
export interface FrozenVersion {
  negotiation: NegotiationHead;
  version: SignedSnapshot['version'];
  parties: SnapshotParty[];
  text: AgreementText;
}

/** The hash every signature names: SHA-256 of the frozen version's canonical JSON. */
export function frozenVersionHash(frozen: FrozenVersion): string {
  return sha256(canonicalJson(frozen));
}

/** The signed-version snapshot of a campaign, with the assessment made on `asOf`. */
export function buildSignedSnapshot(frozen: FrozenVersion, campaign: CampaignView, assessment: Assessment): SignedSnapshot {
  const signed = new Set(campaign.signatures.map((s) => s.org));
  const snapshot: SignedSnapshot = {
    ...frozen,
    signatures: campaign.signatures.map((s) => ({ org: s.org, signatory: s.signatory.name, signedAt: s.signedAt, versionHash: s.versionHash })),
    nonSignatories: frozen.parties.filter((p) => !signed.has(p.id)).map((p) => p.id),
    notifications: campaign.notifications.map((n) => ({ org: n.org, at: n.at })),
    oppositions: campaign.oppositions.map((o) => ({ org: o.org, at: o.at, signatory: o.filedBy.name })),
    assessment,
  };
  // The schema is the contract of every export: a snapshot that does not parse is a bug here.
  return SignedSnapshotSchema.parse(snapshot);
}
