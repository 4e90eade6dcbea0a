import { z } from 'zod';
import { NEGOTIATION_LEVELS, ORG_COLLEGES } from './identity.ts';

/**
 * A signed-version snapshot: a frozen version of the agreement plus what happened to it at
 * signature (signatures, notifications, oppositions, the validity assessment). It is what
 * every export renders and what the JSON export *is*, so it is complete and self-contained:
 * the parties carry their weights as they stood at signature, the text carries every article.
 *
 * No annotation, amendment or draft ever enters a snapshot: the schema has no place for them,
 * and every object is strict, so a stray field is a parse error rather than a silent leak.
 * Strictness also makes parsing an identity on valid input, which the fingerprint relies on
 * (a verifier parses a file, re-serialises it and must get the same bytes back).
 */

const Id = z.string().min(1).max(200);
const Text = z.string().max(20_000);
const Line = z.string().min(1).max(2_000);
/** ISO date, YYYY-MM-DD. */
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue au format AAAA-MM-JJ');
/** ISO date or date-time (signatures may be recorded to the second). */
const IsoDateTime = z.iso.datetime({ offset: true }).or(IsoDate);

export const WeightsSourceSchema = z.strictObject({ arrete: Line, date: IsoDate });

/** An organisation as a party to the negotiation, its weight frozen at signature. */
export const SnapshotPartySchema = z.strictObject({
  id: Id,
  shortName: Line,
  fullName: Line,
  college: z.enum(ORG_COLLEGES),
  /** Representativeness weight in percent; 0 for a non-representative organisation. */
  weight: z.number().min(0).max(100),
  representative: z.boolean(),
  source: WeightsSourceSchema.nullable(),
});
export type SnapshotParty = z.infer<typeof SnapshotPartySchema>;

// --- The text ----------------------------------------------------------------------------

/** A bulleted (`ordered: false`) or numbered ("1°, 2°…") list inside an article. */
export const ListBlockSchema = z.strictObject({
  kind: z.literal('list'),
  ordered: z.boolean(),
  items: z.array(Text).min(1),
});
/** A table of strings (e.g. a pay grid); `header` is the first row when present. */
export const TableBlockSchema = z.strictObject({
  kind: z.literal('table'),
  header: z.array(Text).nullable(),
  rows: z.array(z.array(Text)).min(1),
});
/** A plain string is a paragraph (an alinéa); lists and tables are structured blocks. */
export const BlockSchema = z.union([Text, ListBlockSchema, TableBlockSchema]);
export type ListBlock = z.infer<typeof ListBlockSchema>;
export type TableBlock = z.infer<typeof TableBlockSchema>;
export type Block = z.infer<typeof BlockSchema>;

export const SnapshotArticleSchema = z.strictObject({
  id: Id,
  /** "1", "3 bis". */
  number: Line,
  heading: Line.nullable(),
  paragraphs: z.array(BlockSchema),
});
export type SnapshotArticle = z.infer<typeof SnapshotArticleSchema>;

/**
 * A chapitre inside a titre. A text without chapitres has one chapitre whose number and
 * heading are null: renderers show its articles without a chapitre heading.
 */
export const ChapitreSchema = z.strictObject({
  number: Line.nullable(),
  heading: Line.nullable(),
  articles: z.array(SnapshotArticleSchema),
});
/** A titre; number and heading null for a text that is not divided into titres. */
export const TitreSchema = z.strictObject({
  number: Line.nullable(),
  heading: Line.nullable(),
  chapitres: z.array(ChapitreSchema),
});
export type Chapitre = z.infer<typeof ChapitreSchema>;
export type Titre = z.infer<typeof TitreSchema>;

export const AgreementTextSchema = z.strictObject({
  /** "Avenant n° 1 à l'accord du … relatif à …". */
  title: Line,
  /**
   * The words that close the parties clause and open the text ("Il a été convenu ce qui
   * suit :"). The "Entre : … d'une part, et … d'autre part" itself is built from the parties.
   */
  partiesClause: Line,
  preamble: z.array(BlockSchema),
  titres: z.array(TitreSchema),
  /** Duration, entry into force, notification, deposit, agrément, extension. */
  closingClauses: z.array(SnapshotArticleSchema),
  /** "Fait à Paris, le 26 septembre 2023". */
  place: Line,
  date: IsoDate,
});
export type AgreementText = z.infer<typeof AgreementTextSchema>;

// --- Signature, notification, opposition ----------------------------------------------------

export const SignatureSchema = z.strictObject({
  org: Id,
  /** The person who signed in the organisation's name. */
  signatory: Line,
  signedAt: IsoDateTime,
  /** The hash of the version as presented for signature (what was signed). */
  versionHash: z.string().regex(/^[a-f0-9]{64}$/, 'empreinte SHA-256 attendue (64 caractères hexadécimaux)'),
});
export type Signature = z.infer<typeof SignatureSchema>;

export const NotificationSchema = z.strictObject({ org: Id, at: IsoDate });
export type Notification = z.infer<typeof NotificationSchema>;

export const OppositionSchema = z.strictObject({
  org: Id,
  at: IsoDate,
  /** Who filed it, when known. */
  signatory: Line.nullable(),
});
export type Opposition = z.infer<typeof OppositionSchema>;

/**
 * The validity assessment as the rule engine (shared/validity/) produced it. Only the fields
 * every renderer needs are required; the engine's other fields pass through untouched (and
 * so enter the fingerprint).
 */
export const AssessmentSchema = z.looseObject({
  /** `not concluded`, `open for signature`, `opposition window`, `valid`, `void`. */
  status: z.string().min(1),
  signatureWeight: z.number(),
  oppositionWeight: z.number(),
  oppositionDeadline: IsoDate.nullable().optional(),
  reasons: z.array(z.string()).optional(),
});
export type Assessment = z.infer<typeof AssessmentSchema>;

// --- The snapshot ------------------------------------------------------------------------

export const SignedSnapshotSchema = z
  .strictObject({
    negotiation: z.strictObject({ id: Id, title: Line, level: z.enum(NEGOTIATION_LEVELS) }),
    version: z.strictObject({
      id: Id,
      name: Line,
      /** Why the version was taken (e.g. `signature`, `session`, `merge`). */
      kind: Line,
      createdAt: IsoDateTime,
    }),
    parties: z.array(SnapshotPartySchema).min(1),
    text: AgreementTextSchema,
    signatures: z.array(SignatureSchema),
    /** The parties that did not sign, by id. */
    nonSignatories: z.array(Id),
    notifications: z.array(NotificationSchema),
    oppositions: z.array(OppositionSchema),
    assessment: AssessmentSchema,
  })
  .superRefine((snapshot, ctx) => {
    const ids = new Set(snapshot.parties.map((p) => p.id));
    if (ids.size !== snapshot.parties.length) ctx.addIssue({ code: 'custom', path: ['parties'], message: 'organisation en double' });
    const signed = new Set<string>();
    const refer = (org: string, path: (string | number)[]) => {
      if (!ids.has(org)) ctx.addIssue({ code: 'custom', path, message: `organisation inconnue : ${org}` });
    };
    snapshot.signatures.forEach((s, i) => {
      refer(s.org, ['signatures', i, 'org']);
      if (signed.has(s.org)) ctx.addIssue({ code: 'custom', path: ['signatures', i, 'org'], message: `signature en double : ${s.org}` });
      signed.add(s.org);
    });
    snapshot.nonSignatories.forEach((org, i) => {
      refer(org, ['nonSignatories', i]);
      if (signed.has(org)) ctx.addIssue({ code: 'custom', path: ['nonSignatories', i], message: `${org} est signataire` });
    });
    snapshot.notifications.forEach((n, i) => refer(n.org, ['notifications', i, 'org']));
    snapshot.oppositions.forEach((o, i) => refer(o.org, ['oppositions', i, 'org']));
  });
export type SignedSnapshot = z.infer<typeof SignedSnapshotSchema>;

/** Every article of the text in reading order: the body's, then the closing clauses. */
export function snapshotArticles(text: AgreementText): SnapshotArticle[] {
  const body = text.titres.flatMap((t) => t.chapitres.flatMap((c) => c.articles));
  return [...body, ...text.closingClauses];
}
