import { z } from 'zod';
import { HTTP_COMMANDS, type HttpCommandName } from '../../shared/http-commands.ts';
import { AnnotationQuerySchema } from '../../shared/annotations/annotation.ts';
import { AsOfQuerySchema } from '../../shared/signature/campaign.ts';
import { ERROR_CODES } from '../../shared/errors.ts';
import { ROLES } from '../../shared/access.ts';
import { ORG_COLLEGES } from '../../shared/identity.ts';
import {
  AcceptInvitationBodySchema,
  ChangeEmailBodySchema,
  ChangePasswordBodySchema,
  ForgotPasswordBodySchema,
  LoginBodySchema,
} from '../../shared/identity.ts';
import { RenumberPreviewBodySchema } from '../../shared/structure.ts';
import { CompareQuerySchema } from '../versions/compare-query.ts';
import { PositionQuerySchema } from '../positions/position.handlers.ts';
import { AmendmentListQuerySchema } from '../amendments/amendment.handlers.ts';
import { EXTERNAL_FORMAT_NAMES } from '../signature/export.service.ts';
import {
  AsyncApiDocumentSchema,
  AuthUserSchema,
  CampaignAnswerSchema,
  CampaignViewSchema,
  InvitationViewSchema,
  LinkUsedSchema,
  MemberSchema,
  MembersViewSchema,
  NegotiationDetailSchema,
  NegotiationSummarySchema,
  OpenApiDocumentSchema,
  RenumberedSchema,
  RenumberingPlanSchema,
  SentInvitationSchema,
  StatusChangeSchema,
  StructureEntrySchema,
  VersionSummarySchema,
} from './answer-schemas.ts';
import {
  AmendmentDetailSchema,
  AmendmentViewSchema,
  AnnotationViewSchema,
  ComparisonSchema,
  CurrentItemViewSchema,
  MinutesViewSchema,
  OutboxSchema,
  PositionListSchema,
  PositionMatrixSchema,
  SessionSummarySchema,
  SessionViewSchema,
  VerificationSchema,
  VersionTextSchema,
  VoteViewSchema,
  WrittenRunsSchema,
} from '../../shared/schemas/answers.ts';
import { AssessmentSchema } from '../../shared/validity/scenario.ts';

/**
 * Every route of the HTTP API as integrators see it (the OpenAPI document at /api/openapi.json
 * is built from this list, server/http/openapi.ts): what it does, who may call it, the zod
 * schemas of its body and query, and its answer. The commands of the typed catalogue
 * (shared/http-commands.ts) are described from it; the reads and the account routes here. A
 * test fails when the server has a route this list does not describe.
 */

export type RouteMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: anyone, any signed-in person, or a member whose mandate allows `action` in the path's negotiation. */
export type Access = { kind: 'public' } | { kind: 'session' } | { kind: 'mandate'; action: string };

export interface RouteAnswer {
  status: number;
  description: string;
  /** A JSON answer's schema: every JSON answer has one (none is « any JSON »). */
  json?: z.ZodType;
  /** A file: its media types. */
  file?: string[];
}

export interface RouteDescription {
  method: RouteMethod;
  /** Express's path under /api (`:name` parameters). */
  path: string;
  tag: string;
  summary: string;
  access: Access;
  body?: z.ZodType;
  /** A raw body (not JSON): its media type. */
  rawBody?: string;
  query?: z.ZodObject;
  /** The values of a `:format` path parameter. */
  formats?: readonly string[];
  answer: RouteAnswer;
  /** The catalogue command this route is (shared/http-commands.ts). */
  command?: HttpCommandName;
}

// The answers integrators read most, as schemas (each is checked against the real server's
// answers by test/integration/openapi.test.ts).
export const ErrorBodySchema = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
});
const HealthSchema = z.object({ ok: z.literal(true), db: z.string(), version: z.string() });
const ReadySchema = z.object({ ok: z.literal(true), checks: z.record(z.string(), z.unknown()) });
const MeSchema = z.object({
  user: AuthUserSchema,
  memberships: z.array(
    z.object({
      negotiationId: z.string(),
      negotiationTitle: z.string(),
      organisation: z.object({ id: z.string(), shortName: z.string(), college: z.enum(ORG_COLLEGES) }),
      roles: z.array(z.enum(ROLES)),
    }),
  ),
});
const SentSchema = z.object({ sent: z.literal(true) });

const PUBLIC: Access = { kind: 'public' };
const SESSION: Access = { kind: 'session' };
const mandate = (action: string): Access => ({ kind: 'mandate', action });
const json = (description: string, schema: z.ZodType, status = 200): RouteAnswer => ({ status, description, json: schema });
const NONE: RouteAnswer = { status: 204, description: 'Fait.' };
const N = '/negotiations/:negotiationId';
const READ = mandate('negotiation:read');
const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const WORKING_FORMATS = ['pdf', 'docx'] as const;

const ROUTES: RouteDescription[] = [
  { method: 'get', path: '/health', tag: 'Exploitation', summary: 'Le processus répond (sonde de vie).', access: PUBLIC, answer: json('Vivant.', HealthSchema) },
  { method: 'get', path: '/ready', tag: 'Exploitation', summary: 'La base (et Redis si configuré) répond : 503 sinon (sonde de disponibilité).', access: PUBLIC, answer: json('Prêt.', ReadySchema) },
  { method: 'get', path: '/openapi.json', tag: 'Exploitation', summary: 'Ce document (OpenAPI 3.1).', access: PUBLIC, answer: json('Le document.', OpenApiDocumentSchema) },
  { method: 'get', path: '/asyncapi.json', tag: 'Exploitation', summary: 'Les commandes et événements Socket.IO (AsyncAPI 3.0).', access: PUBLIC, answer: json('Le document.', AsyncApiDocumentSchema) },
  { method: 'get', path: '/docs', tag: 'Exploitation', summary: 'La référence lisible de l’API (cette page).', access: PUBLIC, answer: { status: 200, description: 'Page HTML.', file: ['text/html'] } },
  { method: 'get', path: '/docs/start.js', tag: 'Exploitation', summary: 'Le script qui démarre la page de référence.', access: PUBLIC, answer: { status: 200, description: 'Script.', file: ['text/javascript'] } },

  { method: 'post', path: '/auth/login', tag: 'Compte', summary: 'Se connecter : pose le cookie de session.', access: PUBLIC, body: LoginBodySchema, answer: json('Connecté.', z.object({ user: AuthUserSchema })) },
  { method: 'post', path: '/auth/logout', tag: 'Compte', summary: 'Se déconnecter : la session et ses connexions temps réel se ferment.', access: PUBLIC, answer: NONE },
  { method: 'post', path: '/auth/password-reset', tag: 'Compte', summary: 'Demander un lien de réinitialisation (même réponse que l’adresse existe ou non).', access: PUBLIC, body: ForgotPasswordBodySchema, answer: json('Demande prise.', SentSchema, 202) },
  { method: 'get', path: '/me', tag: 'Compte', summary: 'La personne connectée et ses mandats.', access: SESSION, answer: json('La personne.', MeSchema) },
  { method: 'post', path: '/me/password', tag: 'Compte', summary: 'Changer son mot de passe (les autres sessions se ferment).', access: SESSION, body: ChangePasswordBodySchema, answer: NONE },
  { method: 'post', path: '/me/email', tag: 'Compte', summary: 'Changer son adresse électronique (mot de passe requis).', access: SESSION, body: ChangeEmailBodySchema, answer: NONE },
  { method: 'get', path: '/invitations/:token', tag: 'Compte', summary: 'Ce qu’une invitation ou un lien de réinitialisation propose.', access: PUBLIC, answer: json('Le lien.', InvitationViewSchema) },
  { method: 'post', path: '/invitations/:token/accept', tag: 'Compte', summary: 'Accepter une invitation (ou réinitialiser) en choisissant son mot de passe.', access: PUBLIC, body: AcceptInvitationBodySchema, answer: json('Connecté.', LinkUsedSchema) },

  { method: 'get', path: '/negotiations', tag: 'Négociations', summary: 'Les négociations où la personne a un mandat.', access: SESSION, answer: json('La liste.', z.array(NegotiationSummarySchema)) },
  { method: 'get', path: N, tag: 'Négociations', summary: 'Une négociation : parties, articles, rôles de la personne.', access: READ, answer: json('La négociation.', NegotiationDetailSchema) },
  { method: 'get', path: `${N}/members`, tag: 'Membres', summary: 'Les membres, invitations et suspensions que la personne peut voir.', access: READ, answer: json('Les membres.', MembersViewSchema) },
  { method: 'get', path: `${N}/organisations/:organisationId/members`, tag: 'Membres', summary: 'Les membres d’une organisation.', access: READ, answer: json('Les membres.', z.array(MemberSchema)) },
  { method: 'get', path: `${N}/outbox`, tag: 'Membres', summary: 'Les courriels envoyés pour la négociation (journal d’envoi).', access: mandate('members:oversee'), answer: json('Les courriels.', OutboxSchema) },

  { method: 'get', path: `${N}/versions`, tag: 'Texte', summary: 'Les versions enregistrées du texte.', access: READ, answer: json('Les versions.', z.array(VersionSummarySchema)) },
  { method: 'get', path: `${N}/versions/:versionId`, tag: 'Texte', summary: 'Une version et son texte.', access: READ, answer: json('La version.', VersionTextSchema) },
  { method: 'get', path: `${N}/articles/:articleId/authorship`, tag: 'Texte', summary: 'Qui a écrit quoi dans le texte vivant d’un article : les suites d’éléments Yjs (client, clock, longueur) et leur auteur (nom, organisation).', access: READ, answer: json('Les suites.', WrittenRunsSchema) },
  { method: 'get', path: `${N}/compare`, tag: 'Texte', summary: 'Comparer deux versions (ou une version et le texte vivant, `live`), mot à mot.', access: READ, query: CompareQuerySchema, answer: json('La comparaison.', ComparisonSchema) },
  {
    method: 'get',
    path: `${N}/versions/:versionId/export.:format`,
    tag: 'Texte',
    summary: `Exporter une version : une version ouverte à la signature telle que signée (${EXTERNAL_FORMAT_NAMES.join(', ')}, empreinte SHA-256 dans l’en-tête X-Fingerprint-SHA256), toute autre version ou le texte en cours (\`live\`) comme document de travail (pdf, docx).`,
    access: mandate('export:download'),
    formats: EXTERNAL_FORMAT_NAMES,
    answer: { status: 200, description: 'Le fichier.', file: [PDF, DOCX, 'application/json', 'application/xml'] },
  },
  {
    method: 'get',
    path: `${N}/compare/export.:format`,
    tag: 'Texte',
    summary: 'Exporter la comparaison de deux versions (ou d’une version et du texte en cours, `live`) : Word avec modifications suivies, ou PDF en tableau comparatif.',
    access: mandate('export:download'),
    query: CompareQuerySchema,
    formats: WORKING_FORMATS,
    answer: { status: 200, description: 'Le fichier.', file: [PDF, DOCX] },
  },
  {
    method: 'post',
    path: `${N}/articles/renumber/preview`,
    tag: 'Texte',
    summary: 'Aperçu d’une renumérotation : chaque numéro changé, chaque renvoi réécrit, et le jeton que la confirmation (article:renumber, confirm) doit citer.',
    access: mandate('text:write'),
    body: RenumberPreviewBodySchema,
    answer: json('L’aperçu.', RenumberingPlanSchema),
  },
  {
    method: 'get',
    path: `${N}/amendments/book.:format`,
    tag: 'Amendements',
    summary: 'Le cahier des amendements (pdf, docx).',
    access: mandate('export:download'),
    formats: WORKING_FORMATS,
    answer: { status: 200, description: 'Le fichier.', file: [PDF, DOCX] },
  },


  { method: 'get', path: `${N}/amendments`, tag: 'Amendements', summary: 'Les amendements que la personne peut voir.', access: READ, query: AmendmentListQuerySchema, answer: json('Les amendements.', z.array(AmendmentViewSchema)) },
  { method: 'get', path: `${N}/amendments/:amendmentId`, tag: 'Amendements', summary: 'Un amendement.', access: READ, answer: json('L’amendement et ses trois comparaisons (texte de base → amendé, texte actuel → amendé, base → actuel).', AmendmentDetailSchema) },
  { method: 'get', path: `${N}/annotations`, tag: 'Annotations', summary: 'Les annotations que la personne peut voir.', access: READ, query: AnnotationQuerySchema, answer: json('Les annotations.', z.array(AnnotationViewSchema)) },
  { method: 'get', path: `${N}/annotations/:annotationId`, tag: 'Annotations', summary: 'Une annotation et ses réponses.', access: READ, answer: json('L’annotation.', AnnotationViewSchema) },
  { method: 'get', path: `${N}/votes`, tag: 'Votes', summary: 'Les votes indicatifs.', access: READ, answer: json('Les votes.', z.array(VoteViewSchema)) },
  { method: 'get', path: `${N}/votes/:voteId`, tag: 'Votes', summary: 'Un vote indicatif et son décompte pondéré.', access: READ, answer: json('Le vote.', VoteViewSchema) },
  { method: 'get', path: `${N}/positions`, tag: 'Positions', summary: 'Le registre des positions déclarées.', access: READ, query: PositionQuerySchema, answer: json('Les positions.', PositionListSchema) },
  { method: 'get', path: `${N}/positions/matrix`, tag: 'Positions', summary: 'La matrice organisations × articles des positions.', access: READ, answer: json('La matrice.', PositionMatrixSchema) },

  { method: 'get', path: `${N}/sessions`, tag: 'Séances', summary: 'Les séances de la négociation.', access: READ, answer: json('Les séances.', z.array(SessionSummarySchema)) },
  { method: 'get', path: `${N}/calendar.ics`, tag: 'Séances', summary: 'Le calendrier des séances (iCalendar).', access: READ, answer: { status: 200, description: 'Le calendrier.', file: ['text/calendar'] } },
  { method: 'get', path: `${N}/sessions/:sessionId`, tag: 'Séances', summary: 'Une séance.', access: READ, answer: json('La séance.', SessionViewSchema) },
  { method: 'get', path: `${N}/sessions/:sessionId/current`, tag: 'Séances', summary: 'Le point en cours d’une séance ouverte.', access: READ, answer: json('Le point en cours.', CurrentItemViewSchema) },
  { method: 'get', path: `${N}/sessions/:sessionId/session.ics`, tag: 'Séances', summary: 'La convocation d’une séance (iCalendar).', access: READ, answer: { status: 200, description: 'La convocation.', file: ['text/calendar'] } },
  { method: 'get', path: `${N}/sessions/:sessionId/minutes`, tag: 'Séances', summary: 'Le procès-verbal d’une séance.', access: READ, answer: json('Le procès-verbal.', MinutesViewSchema) },
  { method: 'get', path: `${N}/sessions/:sessionId/minutes.pdf`, tag: 'Séances', summary: 'Le procès-verbal en PDF.', access: mandate('export:download'), answer: { status: 200, description: 'Le PDF.', file: ['application/pdf'] } },
  {
    method: 'get',
    path: `${N}/sessions/:sessionId/minutes.docx`,
    tag: 'Séances',
    summary: 'Le procès-verbal en Word.',
    access: mandate('export:download'),
    answer: { status: 200, description: 'Le document.', file: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'] },
  },

  { method: 'get', path: `${N}/signature`, tag: 'Signature', summary: 'La campagne de signature et ce que la personne peut y faire.', access: READ, answer: json('La campagne, aujourd’hui à Paris, et ce que l’organisation de la personne peut y faire.', CampaignAnswerSchema) },
  { method: 'get', path: `${N}/validity`, tag: 'Signature', summary: 'La validité de l’accord à une date (seuils, oppositions, extension).', access: READ, query: AsOfQuerySchema, answer: json('L’appréciation.', AssessmentSchema) },
  { method: 'post', path: '/verify', tag: 'Vérification', summary: 'Vérifier un fichier exporté (corps brut, 20 Mo au plus) : authentique ou non, et ce que dit l’accord aujourd’hui.', access: PUBLIC, rawBody: 'application/octet-stream', answer: json('Le verdict.', VerificationSchema) },
];

/** A catalogue command's section: its verb in the summary. */
const COMMAND_TAGS: Record<string, string> = {
  version: 'Texte',
  article: 'Texte',
  signature: 'Signature',
  recommendation: 'Signature',
  agreement: 'Signature',
  opposition: 'Signature',
  member: 'Membres',
  invitation: 'Membres',
};

/** What a command does, in a sentence, where its name says too little. */
const COMMAND_SUMMARIES: Partial<Record<HttpCommandName, string>> = {
  'agreement:referendum': 'Enregistrer le résultat du référendum des salariés sur un accord d’entreprise signé à plus de 30 % sans dépasser 50 % (L2232-12).',
  'member:invite': 'Inviter une personne (qui peut inviter qui : vérifié par le cas d’usage, selon le rôle de la personne).',
  'invitation:cancel': 'Retirer une invitation non acceptée.',
  'member:set-roles': 'Changer les rôles d’un mandat.',
  'member:revoke': 'Révoquer un mandat (ses connexions se ferment).',
  'member:suspend': 'Suspendre un mandat, motif à l’appui.',
  'member:reinstate': 'Lever une suspension.',
  'member:password-reset': 'Envoyer à un membre un lien de réinitialisation.',
};

/** What a command of the catalogue answers (those answering 204 answer nothing). */
const COMMAND_ANSWERS: Partial<Record<HttpCommandName, z.ZodType>> = {
  'version:create': VersionSummarySchema,
  'article:add': StructureEntrySchema,
  'article:renumber': RenumberedSchema,
  'article:set-status': StatusChangeSchema,
  'member:invite': SentInvitationSchema,
  'member:password-reset': SentSchema,
  'signature:open': CampaignViewSchema,
  'recommendation:adopt': CampaignViewSchema,
  'signature:sign': CampaignViewSchema,
  'signature:close': CampaignViewSchema,
  'agreement:notify': CampaignViewSchema,
  'agreement:referendum': CampaignViewSchema,
  'opposition:file': CampaignViewSchema,
  'agreement:transition': CampaignViewSchema,
};

/** A command that answers something has its answer's schema: a new one without it stops the document's build. */
function commandAnswer(name: HttpCommandName): z.ZodType {
  const schema = COMMAND_ANSWERS[name];
  if (!schema) throw new Error(`The command ${name} answers JSON without a schema: add it to COMMAND_ANSWERS (server/http/api-description.ts).`);
  return schema;
}

/** The routes of the catalogue (shared/http-commands.ts), described from it. */
function commandRoutes(): RouteDescription[] {
  return Object.entries(HTTP_COMMANDS).map(([name, spec]) => ({
    method: spec.method.toLowerCase() as RouteMethod,
    path: spec.path,
    tag: COMMAND_TAGS[name.split(':')[0]] ?? 'Commandes',
    summary: COMMAND_SUMMARIES[name as HttpCommandName] ?? `Commande ${name}.`,
    access: mandate(spec.action),
    body: spec.method === 'DELETE' ? undefined : spec.body,
    answer: spec.status === 204 ? NONE : json('Fait.', commandAnswer(name as HttpCommandName), spec.status),
    command: name as HttpCommandName,
  }));
}

export function apiRoutes(): RouteDescription[] {
  return [...ROUTES, ...commandRoutes()];
}
