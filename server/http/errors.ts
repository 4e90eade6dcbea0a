import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, toAppError } from '../common/app-error.ts';
import type { Logger } from '../logger.ts';

/** Unknown API routes answer JSON, never the HTML of the client. */
export const apiNotFound: RequestHandler = (_req, _res, next) => {
  next(new AppError('NOT_FOUND', 'Ressource introuvable.'));
};

/** Every error leaves as `{ error: { code, message } }`; internals are logged, never sent. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let appError: AppError;
    if (err?.type === 'entity.too.large') appError = new AppError('PAYLOAD_TOO_LARGE', 'Requête trop volumineuse.');
    else if (err?.type === 'entity.parse.failed') appError = new AppError('BAD_REQUEST', 'Corps JSON invalide.');
    else appError = toAppError(err);
    if (appError.code === 'INTERNAL') logger.error({ err, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    const retryAfter = (appError.details as { retryAfter?: unknown } | undefined)?.retryAfter;
    if (appError.code === 'RATE_LIMITED' && typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res.status(appError.status).json({ error: appError.toAckError() });
  };
}
