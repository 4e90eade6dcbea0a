import type { Block, SignedSnapshot, SnapshotArticle, SnapshotParty } from '../../shared/snapshot.ts';
import { fingerprint as fingerprintOf } from './canonical-json.ts';
import { LABELS, STATUS_EXPLANATIONS, frenchDate, frenchPercent, frenchShortDate, statusLabel } from './french.ts';

/**
 * What every document export shows, in the order a French agreement shows it, already worded
 * in French: the renderers (PDF, DOCX) only lay it out. Built once from the snapshot so
 * that the three formats cannot drift apart.
 */
export interface AgreementView {
  fingerprint: string;
  title: string;
  /** "Version « … » du 26 septembre 2023". */
  versionLine: string;
  employers: PartyLine[];
  unions: PartyLine[];
  partiesClause: string;
  preamble: Block[];
  titres: TitreView[];
  closing: ArticleView[];
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

function partyLine(p: SnapshotParty): PartyLine {
  return { shortName: p.shortName, designation: p.fullName.includes(p.shortName) ? p.fullName : `${p.fullName} (${p.shortName})` };
}

function articleView(a: SnapshotArticle): ArticleView {
  return { id: a.id, number: a.number, label: `${LABELS.article} ${a.number}${a.heading ? ` – ${a.heading}` : ''}`, paragraphs: a.paragraphs };
}

/** Employers first, then the unions by weight (heaviest first), the presidency never. */
function sides(parties: SnapshotParty[]): { employers: SnapshotParty[]; unions: SnapshotParty[] } {
  const byWeight = (a: SnapshotParty, b: SnapshotParty) => b.weight - a.weight || a.shortName.localeCompare(b.shortName, 'fr');
  return {
    employers: parties.filter((p) => p.college === 'employer').sort(byWeight),
    unions: parties.filter((p) => p.college === 'union').sort(byWeight),
  };
}

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
    title: text.title,
    versionLine: `${LABELS.version} « ${snapshot.version.name} » du ${frenchDate(snapshot.version.createdAt)}`,
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
