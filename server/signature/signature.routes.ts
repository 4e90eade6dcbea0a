import type { z } from 'zod';
import type { AppContext, Capability } from '../app.ts';
import { AsOfQuerySchema } from '../../shared/signature/campaign.ts';
import { checkOrigin, requireActor, type Actor } from '../access/access.service.ts';
import { clientAddress } from '../auth/client-address.ts';
import { confirmPassword, throttlesOf } from '../auth/step-up.ts';
import { AppError } from '../common/app-error.ts';
import { collabOf } from '../collab/collab.capability.ts';
import { httpCommand } from '../http/http-command.ts';
import { createVersion } from '../versions/versions.service.ts';
import { campaignCheckpointModel, campaignModel } from './campaign.model.ts';
import {
  adoptRecommendation,
  closeSignature,
  describeCampaign,
  fileOpposition,
  openForSignature,
  recordNotification,
  recordReferendum,
  recordTransition,
  signAgreement,
  validityOf,
  type SignatureDeps,
} from './campaign.service.ts';
import { EXTERNAL_FORMAT_NAMES, exportSignedVersion, type ExternalFormat } from './export.service.ts';
import { hashUpload, oneOfFewUploads, verifyUpload, VERIFY_LIMIT_BYTES } from './verify.service.ts';
import { parisDate } from '../../shared/sessions/paris-time.ts';
import { exportedFileModel, signedSnapshotModel } from './signed-export.model.ts';

/** The campaign use cases wired to this app: its event log (which broadcasts), its live text. */
export function signatureDeps(ctx: Pick<AppContext, 'db' | 'events' | 'clock' | 'ids'>): SignatureDeps {
  const { connection } = ctx.db;
  return {
    connection,
    events: ctx.events,
    ids: ctx.ids,
    freezeVersion: (input) => createVersion({ connection, store: collabOf(ctx).store, events: ctx.events, clock: ctx.clock, ids: ctx.ids }, { ...input, kind: 'signature' }),
  };
}

function parse<S extends z.ZodType>(schema: S, input: unknown, message: string): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw new AppError('BAD_REQUEST', `${message} ${parsed.error.issues.map((i) => i.message).join(' ; ')}`.trim());
  return parsed.data;
}

/**
 * The signature campaign: open, sign, close, notify, oppose, later steps (deposit,
 * agrément, extension), the recommandation patronale; the validity; the signed exports and
 * their verification.
 */
export const registerSignature: Capability = async (ctx) => {
  const { connection } = ctx.db;
  await Promise.all(
    [campaignModel, campaignCheckpointModel, signedSnapshotModel, exportedFileModel].map((model) => model(connection).createIndexes()),
  );
  const logger = ctx.logger.child({ capability: 'signature' });
  const deps = signatureDeps(ctx);
  const { api } = ctx;
  const actorOf = (locals: Record<string, unknown>) => locals.actor as Actor;
  const base = '/negotiations/:negotiationId/signature';
  const log = (actor: Actor, what: string, extra: Record<string, unknown> = {}) =>
    logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, org: actor.org.id, ...extra }, what);

  api.get(base, requireActor('negotiation:read'), async (_req, res) => {
    res.json(await describeCampaign(deps, actorOf(res.locals), ctx.clock.now()));
  });

  const issues = (invalid: string) => ({ invalid, withIssues: true });

  httpCommand(api, 'signature:open', issues('Ouverture mal formée :'), async (actor, input) => {
    const campaign = await openForSignature(deps, actor, input, ctx.clock.now());
    log(actor, 'opened for signature', { campaign: campaign.id, version: campaign.version.id });
    return campaign;
  });

  httpCommand(api, 'recommendation:adopt', issues('Recommandation mal formée :'), async (actor, input) => {
    const campaign = await adoptRecommendation(deps, actor, input, ctx.clock.now());
    log(actor, 'recommandation patronale adopted', { campaign: campaign.id });
    return campaign;
  });

  // Binding acts: the person types their password again (throttled with every password of the account).
  httpCommand(api, 'signature:sign', issues('Signature mal formée :'), async (actor, { password, ...input }, _params, req) => {
    await confirmPassword(connection, actor.user, password, clientAddress(req), 'Mot de passe incorrect : la signature n’est pas enregistrée.');
    const campaign = await signAgreement(deps, actor, input, ctx.clock.now());
    log(actor, 'agreement signed', { campaign: campaign.id });
    return campaign;
  });

  httpCommand(api, 'signature:close', issues('Clôture mal formée :'), (actor) => closeSignature(deps, actor, ctx.clock.now()));

  httpCommand(api, 'agreement:notify', issues('Notification mal formée :'), async (actor, input) => {
    const campaign = await recordNotification(deps, actor, input, ctx.clock.now());
    log(actor, 'notification recorded', { campaign: campaign.id, to: input.org });
    return campaign;
  });

  httpCommand(api, 'agreement:referendum', issues('Référendum mal formé :'), async (actor, input) => {
    const campaign = await recordReferendum(deps, actor, input, ctx.clock.now());
    log(actor, 'referendum recorded', { campaign: campaign.id, approved: input.approved, state: campaign.state });
    return campaign;
  });

  httpCommand(api, 'opposition:file', issues('Opposition mal formée :'), async (actor, { password, ...input }, _params, req) => {
    await confirmPassword(connection, actor.user, password, clientAddress(req), 'Mot de passe incorrect : l’opposition n’est pas enregistrée.');
    const campaign = await fileOpposition(deps, actor, input, ctx.clock.now());
    log(actor, 'opposition filed', { campaign: campaign.id, state: campaign.state });
    return campaign;
  });

  httpCommand(api, 'agreement:transition', issues('Étape mal formée :'), async (actor, input) => {
    const campaign = await recordTransition(deps, actor, input, ctx.clock.now());
    log(actor, 'agreement transition', { campaign: campaign.id, to: input.to });
    return campaign;
  });

  api.get('/negotiations/:negotiationId/validity', requireActor('negotiation:read'), async (req, res) => {
    const { asOf } = parse(AsOfQuerySchema, req.query, 'Date d’appréciation invalide :');
    const now = ctx.clock.now();
    res.json(await validityOf(deps, actorOf(res.locals).negotiationId, asOf ?? parisDate(now), now));
  });

  api.get('/negotiations/:negotiationId/versions/:versionId/export.:format', requireActor('export:download'), async (req, res) => {
    const format = String(req.params.format);
    if (!(EXTERNAL_FORMAT_NAMES as string[]).includes(format)) {
      throw new AppError('NOT_FOUND', `Format d’export inconnu : ${EXTERNAL_FORMAT_NAMES.join(', ')}.`);
    }
    const actor = actorOf(res.locals);
    const rendered = await exportSignedVersion(deps, actor.negotiationId, String(req.params.versionId), format as ExternalFormat, ctx.clock.now());
    log(actor, 'signed version exported', { version: req.params.versionId, format, fingerprint: rendered.fingerprint });
    res.setHeader('Content-Type', rendered.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${rendered.fileName}"`);
    res.setHeader('X-Fingerprint-SHA256', rendered.fingerprint);
    res.setHeader('Cache-Control', 'no-store');
    res.end(rendered.body);
  });

  // Anyone may ask what a file is: no session. The raw body, whatever its type, is hashed as it
  // streams in (mounted on the app itself, ahead of the API's JSON parser), throttled per address.
  ctx.app.post('/api/verify', checkOrigin, async (req, res) => {
    await throttlesOf(connection).verify.consume(clientAddress(req), clientAddress(req), 'Trop de vérifications depuis cette adresse. Réessayez dans quelques minutes.');
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > VERIFY_LIMIT_BYTES) {
      res.setHeader('Connection', 'close');
      throw new AppError('PAYLOAD_TOO_LARGE', `Fichier trop volumineux : ${VERIFY_LIMIT_BYTES / 1024 / 1024} Mo au plus.`);
    }
    const file = await oneOfFewUploads(() => hashUpload(req));
    if (file.size === 0) throw new AppError('BAD_REQUEST', 'Envoyez le fichier à vérifier dans le corps de la requête.');
    const result = await verifyUpload(deps, file, ctx.clock.now());
    logger.info({ authentic: result.authentic, size: file.size }, 'file verified');
    res.setHeader('Cache-Control', 'no-store');
    res.json(result);
  });
};
