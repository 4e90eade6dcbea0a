import type { Request, Router } from 'express';
import {
  HTTP_COMMANDS,
  type HttpCommandInput,
  type HttpCommandName,
  type HttpCommandParams,
  type HttpCommandResult,
} from '../../shared/http-commands.ts';
import { requireActor, type Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';

/** How a command's body is refused: the sentence the person reads, with the schema's own words when useful. */
export interface BodyRefusal {
  invalid: string;
  /** Append the schema's issues to the sentence. */
  withIssues?: boolean;
}

/**
 * Registers a REST command of the catalogue (shared/http-commands.ts): the HTTP twin of the
 * socket `onCommand`. Authorise (a session and a mandate allowing the command's action in
 * the path's negotiation), parse the body with its schema, call the use case, reply with
 * the command's status. Routes hold no rule and record no event: the use case does both.
 */
export function httpCommand<K extends HttpCommandName>(
  api: Router,
  name: K,
  refusal: BodyRefusal,
  handler: (actor: Actor, input: HttpCommandInput<K>, params: HttpCommandParams<K>, req: Request) => Promise<HttpCommandResult<K>>,
): void {
  const spec = HTTP_COMMANDS[name];
  const route = api.route(spec.path);
  const method = spec.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete';
  route[method](requireActor(spec.action), async (req, res) => {
    const parsed = spec.body.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issues = refusal.withIssues ? ` ${parsed.error.issues.map((i) => i.message).join(' ; ')}` : '';
      throw new AppError('BAD_REQUEST', `${refusal.invalid}${issues}`.trim());
    }
    const actor = res.locals.actor as Actor;
    let result: HttpCommandResult<K>;
    try {
      result = await handler(actor, parsed.data as HttpCommandInput<K>, req.params as HttpCommandParams<K>, req);
    } catch (err) {
      // A throttled command says when to try again, as sign-in does.
      if (err instanceof AppError && err.code === 'RATE_LIMITED') {
        const retryAfter = (err.details as { retryAfter?: number } | undefined)?.retryAfter;
        if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
      }
      throw err;
    }
    if (spec.status === 204) res.status(204).end();
    else res.status(spec.status).json(result);
  });
}
