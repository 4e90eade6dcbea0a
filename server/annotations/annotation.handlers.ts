import { AnnotationQuerySchema } from '../../shared/annotations/annotation.ts';
import type { Capability } from '../app.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { answerWithRecorded, onCommand } from '../access/socket-command.ts';
import { AppError } from '../common/app-error.ts';
import { annotate, getAnnotation, listAnnotations, replyToAnnotation, setResolved } from './annotation.service.ts';

/**
 * Annotations: `annotation:create|reply|resolve|reopen` over Socket.IO, the threads (with a
 * search, `?q=`) over HTTP. Every read filters by the visibility each thread was given.
 */
export const registerAnnotations: Capability = (ctx) => {
  const { connection } = ctx.db;
  const logger = ctx.logger.child({ capability: 'annotations' });
  const context = { ...ctx, logger };

  ctx.io.on('connection', (socket) => {
    const deps = { connection, logger };
    const current = answerWithRecorded('annotationId', (actor, id) => getAnnotation(context, actor, id));
    onCommand(socket, deps, 'annotation:create', (actor, input) => annotate(context, actor, input), current);
    onCommand(socket, deps, 'annotation:reply', (actor, input) => replyToAnnotation(context, actor, input), current);
    onCommand(socket, deps, 'annotation:resolve', (actor, input) => setResolved(context, actor, input.annotationId, true), current);
    onCommand(socket, deps, 'annotation:reopen', (actor, input) => setResolved(context, actor, input.annotationId, false), current);
  });

  const actorOf = (locals: Record<string, unknown>) => locals.actor as Actor;

  ctx.api.get('/negotiations/:negotiationId/annotations', requireActor('negotiation:read'), async (req, res) => {
    const query = AnnotationQuerySchema.safeParse(req.query);
    if (!query.success) throw new AppError('BAD_REQUEST', 'Recherche d’annotations invalide.');
    res.json(await listAnnotations(context, actorOf(res.locals), query.data));
  });

  ctx.api.get('/negotiations/:negotiationId/annotations/:annotationId', requireActor('negotiation:read'), async (req, res) => {
    res.json(await getAnnotation(context, actorOf(res.locals), String(req.params.annotationId)));
  });
};
