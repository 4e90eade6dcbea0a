import { ApiError } from './api.ts';
import { t } from './i18n.svelte.ts';

/**
 * THE one way to tell the person what failed, in their language: a refused command in the
 * server's own words (they name the rule, e.g. « le vote est clos »), a failed read by its kind.
 */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) return t('error.generic');
  if (err.command && err.code !== 'NETWORK' && err.message) return err.message;
  switch (err.code) {
    case 'NETWORK':
      return t('error.network');
    case 'INVALID_CREDENTIALS':
      return t('error.invalidCredentials');
    case 'RATE_LIMITED':
      return t('error.rateLimited', { minutes: Math.max(1, Math.ceil((err.retryAfter ?? 60) / 60)) });
    case 'FORBIDDEN':
      return t('error.forbidden');
    case 'NOT_FOUND':
      return t('error.notFound');
    default:
      // The server's messages are French and written for people; English users get the generic one.
      return err.message && err.status < 500 && document.documentElement.lang !== 'en' ? err.message : t('error.generic');
  }
}
