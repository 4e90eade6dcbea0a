import type { Block, SignedSnapshot, SnapshotArticle, SnapshotParty } from '../../shared/snapshot.ts';
import { fingerprint as fingerprintOf } from './canonical-json.ts';
import { LABELS, STATUS_EXPLANATIONS, frenchDate, frenchPercent, frenchShortDate, statusLabel } from './french.ts';

/**
 * What every document export shows, in the order a French agreement shows it, already worded
 * in French: the renderers (PDF, DOCX) only lay it out. Built once from the snapshot so
 * that the three formats cannot drift apart.
 */
export interface TextView {
  title: string;
  /** "Version « … » du 26 septembre 2023". */
  versionLine: string;
  employers: PartyLine[];
  unions: PartyLine[];
  partiesClause: string;
  preamble: Block[];
  titres: TitreView[];
  closing: ArticleView[];
}

/** A signed version: the text, then "Fait à…", the signature block and the validity annex. */
export interface AgreementView extends TextView {
  fingerprint: string;
  /** "Fait à Paris, le 26 septembre 2023". */
  madeAt: string;
  signatures: SignatureView[];
  annex: AnnexView;
}

export interface PartyLine {
  shortName: string;
  /** "la Fédération … (CFDT)" as it reads in the parties clause. */
  designation: string;
}

export interface TitreView {
  /** "TITRE I", or null for a text not divided into titres. */
  label: string | null;
  heading: string | null;
  chapitres: { label: string | null; heading: string | null; articles: ArticleView[] }[];
}

export interface ArticleView {
  id: string;
  number: string;
  /** "Article 1 – Composition de la commission". */
  label: string;
  paragraphs: Block[];
}

export interface SignatureView {
  orgId: string;
  /** "Pour la CFDT" is how French agreements say it; we keep the short name plain. */
  label: string;
  fullName: string;
  signed: boolean;
  /** The signatory's name, or "Non signataire". */
  signatory: string;
  /** "signé le 26 septembre 2023", or "" when not signed. */
  detail: string;
}

export interface AnnexView {
  status: string;
  statusLabel: string;
  statusExplanation: string;
  weightsSource: string | null;
  rows: { organisation: string; weight: string; signature: string; notification: string; opposition: string }[];
  tests: { label: string; value: string; threshold: string; outcome: string }[];
  oppositionDeadline: string | null;
  reasons: string[];
  versionName: string;
  versionHashes: string[];
}

/**
 * A working version (any version not opened for signature, or the text in progress): the text
 * alone, saying on every page that it is a working document, with no signature block.
 */
export interface WorkingView extends TextView {
  /** « Document de travail — non signé ». */
  notice: string;
  /** What the notice means, on the title page. */
  noticeDetail: string;
}

/** What a working version's export is made from (server/export/documents.ts builds it). */
export interface WorkingDocument {
  negotiationTitle: string;
  version: { id: string; name: string; kind: string; createdAt: string; author: string | null };
  /** With their weight in force, so that the unions come in the same order as in a signed text. */
  parties: (Pick<SnapshotParty, 'shortName' | 'fullName' | 'college'> & { weight?: number })[];
  text: SignedSnapshot['text'];
}

function partyLine(p: Pick<SnapshotParty, 'shortName' | 'fullName'>): PartyLine {
  return { shortName: p.shortName, designation: p.fullName.includes(p.shortName) ? p.fullName : `${p.fullName} (${p.shortName})` };
}

function articleView(a: SnapshotArticle): ArticleView {
  return { id: a.id, number: a.number, label: `${LABELS.article} ${a.number}${a.heading ? ` – ${a.heading}` : ''}`, paragraphs: a.paragraphs };
}

/** Employers first, then the unions by weight (heaviest first), the presidency never. */
function sides<P extends Pick<SnapshotParty, 'shortName' | 'college'> & { weight?: number }>(parties: P[]): { employers: P[]; unions: P[] } {
  const byWeight = (a: P, b: P) => (b.weight ?? 0) - (a.weight ?? 0) || a.shortName.localeCompare(b.shortName, 'fr');
  return {
    employers: parties.filter((p) => p.college === 'employer').sort(byWeight),
    unions: parties.filter((p) => p.college === 'union').sort(byWeight),
  };
}

function textView(title: string, versionLine: string, parties: (Pick<SnapshotParty, 'shortName' | 'fullName' | 'college'> & { weight?: number })[], text: SignedSnapshot['text']): TextView {
  const { employers, unions } = sides(parties);
  return {
    title,
    versionLine,
    employers: employers.map(partyLine),
    unions: unions.map(partyLine),
    partiesClause: text.partiesClause,
    preamble: text.preamble,
    titres: text.titres.map((t) => ({
      label: t.number ? `${LABELS.titre} ${t.number}`.toUpperCase() : null,
      heading: t.heading ? t.heading.toLocaleUpperCase('fr') : null,
      chapitres: t.chapitres.map((c) => ({
        label: c.number ? `${LABELS.chapitre} ${c.number}` : null,
        heading: c.heading,
        articles: c.articles.map(articleView),
      })),
    })),
    closing: text.closingClauses.map(articleView),
  };
}

/** The text of a working version, with its notice and without anything a signature would add. */
export function buildWorkingView(document: WorkingDocument): WorkingView {
  const { version } = document;
  const kind = WORKING_KINDS[version.kind] ?? '';
  const versionLine =
    version.kind === 'live'
      ? `${LABELS.liveText} au ${frenchDate(version.createdAt)}`
      : `${LABELS.version} « ${version.name} » du ${frenchDate(version.createdAt)}${kind ? ` (${kind})` : ''}`;
  return {
    ...textView(document.negotiationTitle, versionLine, document.parties, document.text),
    notice: LABELS.workingNotice,
    noticeDetail: LABELS.workingNoticeDetail,
  };
}

const WORKING_KINDS: Record<string, string> = {
  manual: 'version enregistrée',
  session: 'fin de séance',
  merge: 'amendement intégré',
  signature: 'ouverture à la signature',
};

export function buildAgreementView(snapshot: SignedSnapshot, fingerprint = fingerprintOf(snapshot)): AgreementView {
  const { text, assessment } = snapshot;
  const { employers, unions } = sides(snapshot.parties);
  const signatureOf = new Map(snapshot.signatures.map((s) => [s.org, s]));
  const notificationOf = new Map(snapshot.notifications.map((n) => [n.org, n]));
  const oppositionOf = new Map(snapshot.oppositions.map((o) => [o.org, o]));

  const signatures: SignatureView[] = [...employers, ...unions].map((p) => {
    const s = signatureOf.get(p.id);
    return {
      orgId: p.id,
      label: `${LABELS.for} ${p.shortName}`,
      fullName: p.fullName,
      signed: s !== undefined,
      signatory: s ? s.signatory : LABELS.notSignatory,
      detail: s ? `${LABELS.signedOn} ${frenchDate(s.signedAt)}` : '',
    };
  });

  const sources = [...new Set(unions.filter((u) => u.source).map((u) => `${u.source!.arrete}`))];
  const signatureTestPassed = typeof assessment.signatureTestPassed === 'boolean' ? assessment.signatureTestPassed : assessment.signatureWeight >= 30;
  const oppositionMajority = typeof assessment.oppositionMajority === 'boolean' ? assessment.oppositionMajority : assessment.oppositionWeight > 50;

  return {
    fingerprint,
    ...textView(text.title, `${LABELS.version} « ${snapshot.version.name} » du ${frenchDate(snapshot.version.createdAt)}`, snapshot.parties, text),
    madeAt: `Fait à ${text.place}, le ${frenchDate(text.date)}`,
    signatures,
    annex: {
      status: assessment.status,
      statusLabel: statusLabel(assessment.status),
      statusExplanation: STATUS_EXPLANATIONS[assessment.status] ?? '',
      weightsSource: sources.length > 0 ? sources.join(' ; ') : null,
      rows: [...employers, ...unions].map((p) => {
        const s = signatureOf.get(p.id);
        const n = notificationOf.get(p.id);
        const o = oppositionOf.get(p.id);
        return {
          organisation: p.shortName,
          weight: p.college === 'union' ? (p.representative ? frenchPercent(p.weight) : LABELS.nonRepresentative) : LABELS.none,
          signature: s ? frenchShortDate(s.signedAt) : LABELS.none,
          notification: n ? frenchShortDate(n.at) : LABELS.none,
          opposition: o ? frenchShortDate(o.at) : LABELS.none,
        };
      }),
      tests: [
        {
          label: LABELS.signatureTest,
          value: frenchPercent(assessment.signatureWeight),
          threshold: LABELS.signatureThreshold,
          outcome: signatureTestPassed ? LABELS.reached : LABELS.notReached,
        },
        {
          label: LABELS.oppositionTest,
          value: frenchPercent(assessment.oppositionWeight),
          threshold: LABELS.oppositionThreshold,
          outcome: oppositionMajority ? 'atteinte' : 'non atteinte',
        },
      ],
      oppositionDeadline: assessment.oppositionDeadline ? frenchDate(assessment.oppositionDeadline) : null,
      reasons: assessment.reasons ?? [],
      versionName: snapshot.version.name,
      versionHashes: [...new Set(snapshot.signatures.map((s) => s.versionHash))],
    },
  };
}
