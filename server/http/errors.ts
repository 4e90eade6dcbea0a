import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
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
    const appError = err instanceof AppError ? err : (requestError(err) ?? toAppError(err));
    if (appError.code === 'INTERNAL') logger.error({ err, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    const retryAfter = (appError.details as { retryAfter?: unknown } | undefined)?.retryAfter;
    if (appError.code === 'RATE_LIMITED' && typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res.status(appError.status).json({ error: appError.toAckError() });
  };
}

/**
 * What the libraries under the routes (the body parsers, the router) say about a request
 * they refused: an error with a 4xx `status` (a body too large, in an unknown encoding, a
 * path that does not decode). The client's mistake, answered as such, never as a 500; their
 * own message is not passed on.
 */
function requestError(err: unknown): AppError | null {
  const e = err as { status?: unknown; type?: unknown } | null;
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500) return null;
  switch (e.status) {
    case 403:
      return new AppError('FORBIDDEN', 'Accès refusé.');
    case 404:
      return new AppError('NOT_FOUND', 'Ressource introuvable.');
    case 413:
      return new AppError('PAYLOAD_TOO_LARGE', 'Requête trop volumineuse.');
    case 415:
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Le corps de la requête est dans un encodage ou un jeu de caractères non pris en charge.');
    default:
      return new AppError('BAD_REQUEST', e.type === 'entity.parse.failed' ? 'Corps JSON invalide.' : 'Requête mal formée.');
  }
}

/**
 * For the HTTP server's `clientError`: a request Node's parser refused before any route saw
 * it (headers over the limit, not HTTP at all, too slow to arrive) is answered in the same
 * JSON shape as every other error, with the status Node itself would give, then closed.
 */
export function answerClientError(logger: Logger): (err: NodeJS.ErrnoException, socket: Duplex) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const error =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? new AppError('HEADERS_TOO_LARGE', 'Les en-têtes de la requête sont trop volumineux.')
        : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
          ? new AppError('PAYLOAD_TOO_LARGE', 'Requête trop volumineuse.')
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? new AppError('REQUEST_TIMEOUT', 'La requête n’est pas arrivée à temps.')
            : new AppError('BAD_REQUEST', 'Requête HTTP mal formée.');
    logger.debug({ code: err.code, status: error.status }, 'malformed HTTP request refused');
    // As Node does: no answer over a response of this connection already under way.
    const underWay = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!underWay?.headersSent) {
      const body = JSON.stringify({ error: error.toAckError() });
      socket.end(
        `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    setTimeout(() => socket.destroy(), 1000).unref();
  };
}
