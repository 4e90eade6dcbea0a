import { pino, type Logger } from 'pino';

export type { Logger };

/** Never log a password, a cookie or a session token, whatever the call site passes. */
const REDACT = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'cookie',
  '*.cookie',
  'req.headers.cookie',
  'headers.cookie',
  'token',
  '*.token',
  'sessionId',
  '*.sessionId',
];

export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'negociation' }, redact: { paths: REDACT, censor: '[redacted]' } });
}
