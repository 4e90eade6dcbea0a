import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { Logger } from '../logger.ts';
import { PROBES } from './lifecycle.ts';

/** Path segments that follow these carry a secret (an invitation or reset link's token). */
const SECRET_AFTER = new Set(['invitations', 'invitation', 'reset', 'password-reset', 'verify-email']);
const SECRET_QUERY = /token|secret|password|code/i;

/**
 * One line per HTTP request (method, path, status, time), through the app's logger and so
 * under its redaction of cookies and passwords; link tokens in the path or the query are
 * replaced, since a URL is logged whole.
 */
export function requestLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    // Load balancers probe every few seconds: those lines would drown the rest.
    autoLogging: { ignore: (req) => PROBES.has(pathOf(req.url)) },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url ?? '/'),
        userAgent: req.headers['user-agent'],
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
  });
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0];
}

/** The URL with the tokens it may carry replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const [pathname, query] = url.split('?', 2);
  const segments = pathname.split('/');
  for (let i = 1; i < segments.length; i++) {
    if (SECRET_AFTER.has(segments[i - 1]) && segments[i]) segments[i] = '[redacted]';
  }
  let redacted = segments.join('/');
  if (query !== undefined) {
    const params = new URLSearchParams(query);
    for (const key of [...params.keys()]) if (SECRET_QUERY.test(key)) params.set(key, '[redacted]');
    redacted += `?${params.toString()}`;
  }
  return redacted;
}

