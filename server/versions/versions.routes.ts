import { z } from 'zod';
import type { Capability } from '../app.ts';
import { AppError } from '../common/app-error.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { collabOf } from '../collab/collab.capability.ts';
import { stampOf } from '../events/event-log.ts';
import { httpCommand } from '../http/http-command.ts';
import { versionModel } from './version.model.ts';
import { compareVersions, createVersion, listVersions, readVersion } from './versions.service.ts';

const CompareQuerySchema = z.object({ from: z.string().min(1).max(40), to: z.string().min(1).max(40) });

/** Versions of an agreement: list, take, read, compare. */
export const registerVersions: Capability = async (ctx) => {
  const { connection } = ctx.db;
  await versionModel(connection).createIndexes();
  const { api } = ctx;
  const deps = () => ({ connection, store: collabOf(ctx).store, events: ctx.events });
  const actorOf = (locals: Record<string, unknown>) => locals.actor as Actor;

  api.get('/negotiations/:negotiationId/versions', requireActor('negotiation:read'), async (_req, res) => {
    res.json(await listVersions(connection, actorOf(res.locals).negotiationId));
  });

  httpCommand(api, 'version:create', { invalid: 'Nommez la version (200 caractères au plus).' }, async (actor, input) => {
    const version = await createVersion(deps(), {
      negotiationId: actor.negotiationId,
      name: input.name,
      reason: input.reason,
      kind: 'manual',
      author: { userId: actor.user.id, name: actor.user.name, org: actor.org.shortName },
      by: stampOf(actor),
    });
    ctx.logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, version: version.id }, 'version created');
    return version;
  });

  api.get('/negotiations/:negotiationId/versions/:versionId', requireActor('negotiation:read'), async (req, res) => {
    res.json(await readVersion(connection, actorOf(res.locals).negotiationId, String(req.params.versionId)));
  });

  api.get('/negotiations/:negotiationId/compare', requireActor('negotiation:read'), async (req, res) => {
    const parsed = CompareQuerySchema.safeParse(req.query);
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Indiquez deux versions : from et to (un identifiant ou live).');
    res.json(await compareVersions(deps(), actorOf(res.locals).negotiationId, parsed.data.from, parsed.data.to));
  });
};
