import { z } from 'zod';
import { MAX_YEAR, MIN_YEAR, compareDates, isIsoDate, parseIsoDate } from './calendar.ts';
import { REASONS_FR, type Reason, type ReasonCode, type ReasonParam } from './reasons.ts';
import { SCENARIO_ISSUES_FR, writeScenarioIssue, type ScenarioIssue, type ScenarioIssueCode } from './scenario-issues.ts';
import { HUNDRED_PERCENT, SUM_TOLERANCE, formatPercent, hasAtMostTwoDecimals, toHundredths } from './weights.ts';

/**
 * A validity scenario ("what if") and the shape of its assessment (DOMAIN, "Validity as a
 * command"); `assess` (assess.ts) computes it.
 * The scenario is DOMAIN.md's JSON, plus optional fields: `signatureDeadline`, `signatureClosedAt`, `referendum`
 * (company level), `extension` (branch level), an organisation's display `name`.
 * Objects are strict: a misspelt key ("oppositons") is an error, never a silently empty list
 * that would change the verdict.
 */

/** A type error's wording, except for a missing field (worded once, by `frenchIssue`). */
const unlessMissing = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? undefined : message);

// The last supported year leaves room for a deadline that runs into the next year.
const LAST_SCENARIO_YEAR = MAX_YEAR - 1;

export const IsoDateSchema = z
  .string({ error: unlessMissing('date attendue (chaîne AAAA-MM-JJ)') })
  .regex(/^\d{4}-\d{2}-\d{2}$/, {
    error: (issue) => `date invalide ${JSON.stringify(issue.input)} : format attendu AAAA-MM-JJ`,
    abort: true,
  })
  .refine((value) => isIsoDate(value) && (parseIsoDate(value)?.year ?? 0) <= LAST_SCENARIO_YEAR, {
    error: (issue) =>
      `date invalide ${JSON.stringify(issue.input)} : ce jour n’existe pas dans le calendrier (ou l’année sort de ${MIN_YEAR}–${LAST_SCENARIO_YEAR})`,
  });

const OrgIdSchema = z.string({ error: unlessMissing('identifiant d’organisation attendu (chaîne)') }).trim().min(1, 'identifiant d’organisation vide').max(64);

const WeightSchema = z
  .number({ error: unlessMissing('poids attendu (nombre, en pourcentage)') })
  .min(0, 'un poids ne peut pas être négatif')
  .max(100, 'un poids ne peut pas dépasser 100')
  .refine(hasAtMostTwoDecimals, {
    error: (issue) => `poids ${String(issue.input)} : deux décimales au plus (les arrêtés publient 38,50, 35,18…)`,
  });

export const COLLEGES = ['employer', 'union'] as const;
export const LEVELS = ['branch', 'company'] as const;

export const OrganisationSchema = z.strictObject({
  id: OrgIdSchema,
  college: z.enum(COLLEGES, { error: unlessMissing('collège attendu : "employer" ou "union"') }),
  /**
   * Percent, two decimals at most. A union: its share of the representative unions' audience
   * (branch arrêté, or votes cast at the company's elections). An employer organisation: its
   * share of the employees of the representative employer organisations (extension, L2261-19).
   * A non-representative organisation weighs 0.
   */
  weight: WeightSchema,
  representative: z.boolean({ error: unlessMissing('representative attendu (true ou false)') }),
  /** How reasons name it ("CFDT"); the id in capitals by default. */
  name: z.string().trim().min(1).max(100).optional(),
});

/** A dated act of one organisation. `at` is the day the act reached its addressees. */
export const ActSchema = z.strictObject({ org: OrgIdSchema, at: IsoDateSchema });

export const SignatureSchema = z.strictObject({
  org: OrgIdSchema,
  at: IsoDateSchema,
  /** Who signed for the organisation. */
  signatory: z.string().trim().min(1).max(200).optional(),
});

/** The employees' referendum of a company agreement signed by 30 % to 50 % (L2232-12). */
export const ReferendumSchema = z.strictObject({
  /** The day of the vote. */
  at: IsoDateSchema,
  /** Approved by a majority of the votes cast. */
  approved: z.boolean({ error: unlessMissing('approved attendu (true ou false)') }),
});

/** The extension procedure of a branch agreement (L2261-19). */
export const ExtensionSchema = z.strictObject({
  /** Publication of the notice of extension (avis d'extension) in the Journal officiel. */
  noticeAt: IsoDateSchema,
  /** Written, reasoned oppositions of employer organisations, dated when received. */
  oppositions: z.array(ActSchema).default([]),
});

const ScenarioObjectSchema = z.strictObject({
  level: z.enum(LEVELS, { error: unlessMissing('niveau attendu : "branch" ou "company"') }),
  organisations: z.array(OrganisationSchema).min(1, 'au moins une organisation est attendue'),
  signatures: z.array(SignatureSchema),
  /** The day each organisation received the signed text (one date per organisation). */
  notifications: z.array(ActSchema).default([]),
  /** Oppositions, dated the day the signatories received them (Cass. soc., 10 janv. 2017, n° 15-20.335). */
  oppositions: z.array(ActSchema).default([]),
  /** The day the assessment is made: acts dated later have not happened yet. */
  asOf: IsoDateSchema,
  /** The end of the signature campaign set by the secretariat. */
  signatureDeadline: IsoDateSchema.optional(),
  /**
   * The day the secretariat closed the campaign without a notification (below 30 %: « not
   * concluded »), which may come before its deadline: from that day the campaign is over.
   */
  signatureClosedAt: IsoDateSchema.optional(),
  referendum: ReferendumSchema.optional(),
  extension: ExtensionSchema.optional(),
});

type ScenarioObject = z.output<typeof ScenarioObjectSchema>;

function sumOfRepresentatives(scenario: ScenarioObject, college: (typeof COLLEGES)[number]): number {
  return scenario.organisations
    .filter((o) => o.college === college && o.representative)
    .reduce((sum, o) => sum + toHundredths(o.weight), 0);
}

/** The rules between fields: every reference resolves, one date per act, weights add up. */
function checkConsistency(scenario: ScenarioObject, ctx: z.RefinementCtx): void {
  // The French wording, and the code with its parameters for a reader in another language.
  const issue = (path: (string | number)[], code: ScenarioIssueCode, params: Record<string, string | number> = {}) =>
    ctx.addIssue({ code: 'custom', path, message: writeScenarioIssue(SCENARIO_ISSUES_FR[code], params, formatPercent), params: { scenarioIssue: { code, params } } });
  const byId = new Map<string, ScenarioObject['organisations'][number]>();

  scenario.organisations.forEach((org, i) => {
    if (byId.has(org.id)) issue(['organisations', i, 'id'], 'org.duplicate', { org: org.id });
    byId.set(org.id, org);
    if (!org.representative && org.weight !== 0) {
      issue(['organisations', i, 'weight'], 'org.weight-not-zero', { org: org.id, weight: org.weight });
    }
    if (org.representative && org.college === 'union' && org.weight === 0) {
      issue(['organisations', i, 'weight'], 'org.representative-zero', { org: org.id });
    }
  });

  const references = (list: 'signatures' | 'notifications' | 'oppositions', once: boolean, what: 'signature' | 'notification' | 'opposition') => {
    const seen = new Set<string>();
    scenario[list].forEach((act, i) => {
      if (!byId.has(act.org)) issue([list, i, 'org'], `${what}.unknown-org`, { org: act.org });
      if (once && seen.has(act.org)) issue([list, i, 'org'], `${what}.twice` as ScenarioIssueCode, { org: act.org });
      seen.add(act.org);
    });
  };
  references('signatures', true, 'signature');
  references('notifications', true, 'notification');
  // An organisation may renew an opposition (one filed too early, for instance): listed twice, counted once.
  references('oppositions', false, 'opposition');

  const unions = sumOfRepresentatives(scenario, 'union');
  if (!scenario.organisations.some((o) => o.college === 'union' && o.representative)) {
    issue(['organisations'], 'unions.none');
  } else if (Math.abs(unions - HUNDRED_PERCENT) > SUM_TOLERANCE) {
    issue(['organisations'], 'unions.sum', { sum: unions });
  }

  // The notification is made "à l'issue de la procédure de signature" (L2231-5): a signature
  // dated after it is an adhesion (L2261-3), which this engine does not assess.
  const firstNotification = scenario.notifications.map((n) => n.at).sort(compareDates)[0];
  if (firstNotification) {
    scenario.signatures.forEach((signature, i) => {
      if (compareDates(signature.at, firstNotification) > 0) {
        issue(['signatures', i, 'at'], 'signature.after-notification', { org: signature.org, at: signature.at, first: firstNotification });
      }
    });
  }

  if (scenario.level === 'branch' && scenario.referendum) {
    issue(['referendum'], 'referendum.branch');
  }
  if (scenario.extension) {
    if (scenario.level !== 'branch') {
      issue(['extension'], 'extension.not-branch');
    }
    scenario.extension.oppositions.forEach((act, i) => {
      if (!byId.has(act.org)) issue(['extension', 'oppositions', i, 'org'], 'extension.unknown-org', { org: act.org });
    });
    const employers = sumOfRepresentatives(scenario, 'employer');
    if (!scenario.organisations.some((o) => o.college === 'employer' && o.representative)) {
      issue(['organisations'], 'employers.none');
    } else if (Math.abs(employers - HUNDRED_PERCENT) > SUM_TOLERANCE) {
      issue(['organisations'], 'employers.sum', { sum: employers });
    }
  }
}

// The rules between fields read well-formed fields only: they run once every field is valid.
export const ScenarioSchema = ScenarioObjectSchema.superRefine(checkConsistency, { when: (payload) => payload.issues.length === 0 });
export type Scenario = z.output<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ScenarioOrganisation = Scenario['organisations'][number];

// --- The assessment ------------------------------------------------------------------------

export const VALIDITY_STATUSES = [
  'not concluded',
  'open for signature',
  'opposition window',
  'referendum pending',
  'valid',
  'void',
] as const;
export type ValidityStatus = (typeof VALIDITY_STATUSES)[number];

/** Why an opposition counts, or why it does not. */
export const OPPOSITION_GROUNDS = [
  'counted',
  'after asOf',
  'company level',
  'employer organisation',
  'union organisation',
  'not representative',
  'signatory',
  'not concluded',
  'not notified',
  'before notification',
  'before notice',
  'late',
  'duplicate',
] as const;
export type OppositionGround = (typeof OPPOSITION_GROUNDS)[number];

const ReasonParamSchema: z.ZodType<ReasonParam> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.object({ date: z.string() }),
    z.object({ day: z.string() }),
    z.object({ percent: z.number() }),
    z.object({ reason: ReasonSchema.nullable() }),
    z.object({ list: z.array(ReasonSchema) }),
  ]),
);
export const ReasonSchema: z.ZodType<Reason> = z.lazy(() =>
  z.object({ code: z.enum(Object.keys(REASONS_FR) as [ReasonCode, ...ReasonCode[]]), params: z.record(z.string(), ReasonParamSchema) }),
);

const AssessedOppositionSchema = z.object({
  org: z.string(),
  at: z.string(),
  counted: z.boolean(),
  ground: z.enum(OPPOSITION_GROUNDS),
  /** The weight it adds (0 when not counted). */
  weight: z.number(),
});
export type AssessedOpposition = z.infer<typeof AssessedOppositionSchema>;

const DeadlineEntrySchema = z.object({
  org: z.string(),
  notifiedAt: z.string().nullable(),
  /** Notification + 15 days, before art. 642 CPC. */
  nominalDeadline: z.string().nullable(),
  /** The last day an opposition is in time (after art. 642 CPC); null while not notified. */
  deadline: z.string().nullable(),
  state: z.enum(['not notified', 'open', 'closed']),
});
export type DeadlineEntry = z.infer<typeof DeadlineEntrySchema>;

export const ExtensionAssessmentSchema = z.object({
  status: z.enum(['notice not published', 'opposition window', 'blocked', 'unopposed']),
  noticeAt: z.string(),
  nominalDeadline: z.string(),
  deadline: z.string(),
  oppositionWeight: z.number(),
  oppositionMajority: z.boolean(),
  oppositions: z.array(AssessedOppositionSchema),
});
export type ExtensionAssessment = z.infer<typeof ExtensionAssessmentSchema>;

export const AssessmentSchema = z.object({
  // The keys of DOMAIN.md, first and with those names.
  status: z.enum(VALIDITY_STATUSES),
  signatureWeight: z.number(),
  signatureTestPassed: z.boolean(),
  oppositionWeight: z.number(),
  oppositionMajority: z.boolean(),
  /** The latest of the per-organisation deadlines; null when no opposition period runs. */
  oppositionDeadline: z.string().nullable(),
  reasons: z.array(z.string()),
  // Additive detail.
  /** The same reasons as codes with parameters, for a reader in another language (shared/validity/reasons.ts). */
  reasonCodes: z.array(ReasonSchema),
  level: z.enum(LEVELS),
  asOf: z.string(),
  /** Unions whose signature counts, weight > 0. */
  signatories: z.array(z.object({ org: z.string(), at: z.string(), weight: z.number() })),
  /** Company level: the signatures exceed 50 % (valid without referendum). */
  majoritySignature: z.boolean(),
  /** Per representative non-signatory union: its notification and deadline. */
  deadlines: z.array(DeadlineEntrySchema),
  oppositions: z.array(AssessedOppositionSchema),
  /** The weight of the non-signatory unions whose window is still open or not yet started. */
  pendingOppositionWeight: z.number(),
  referendum: z.object({ at: z.string(), approved: z.boolean(), taken: z.boolean() }).nullable(),
  extension: ExtensionAssessmentSchema.nullable(),
});
export type Assessment = z.infer<typeof AssessmentSchema>;

export type { ScenarioIssue } from './scenario-issues.ts';
/** `errors`: one French message per problem; `issues`: the same, as codes (in the same order). */
export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: string[]; issues: ScenarioIssue[] };

/** Parses unknown input (a JSON value) into a scenario, or one French message per problem. */
export function parseScenario(input: unknown): ParseResult {
  const result = ScenarioSchema.safeParse(input, { error: frenchIssue });
  if (result.success) return { ok: true, scenario: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((i) => `${i.path.length > 0 ? formatPath(i.path) : 'scénario'} : ${i.message}`),
    issues: result.error.issues.map((i): ScenarioIssue => {
      const coded = i.code === 'custom' ? (i.params?.scenarioIssue as Omit<ScenarioIssue, 'path'> | undefined) : undefined;
      return { path: formatPath(i.path), code: coded?.code ?? null, params: coded?.params ?? { message: i.message } };
    }),
  };
}

const TYPES_FR: Record<string, string> = {
  string: 'une chaîne',
  number: 'un nombre',
  boolean: 'un booléen (true ou false)',
  array: 'une liste',
  object: 'un objet',
};

/** French wording for the issues the schema does not word itself (missing fields, unknown keys…). */
function frenchIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'champ obligatoire manquant';
      return `${TYPES_FR[issue.expected] ?? issue.expected} attendu${issue.expected === 'array' || issue.expected === 'string' ? 'e' : ''}`;
    case 'unrecognized_keys':
      return `clé${issue.keys.length > 1 ? 's' : ''} inconnue${issue.keys.length > 1 ? 's' : ''} : ${issue.keys.map((k) => `« ${k} »`).join(', ')} (faute de frappe ?)`;
    case 'invalid_value':
      return `valeur non reconnue : attendu ${issue.values.map((v) => JSON.stringify(v)).join(' ou ')}`;
    case 'too_small':
      return issue.origin === 'array' ? `au moins ${String(issue.minimum)} élément(s) attendu(s)` : undefined;
    default:
      return undefined;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}
