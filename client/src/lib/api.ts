import type { ErrorCode } from '../../../shared/errors.ts';
import { accessEnd } from './access-end.svelte.ts';
import { forgetWarmed, send, takeWarmed } from './early-reads.ts';

/**
 * THE client's error: a failed API call or a refused command, with the server's error code
 * and HTTP status (0 when the server was unreachable). `command` names the socket command the
 * server refused: its sentence says which rule refused it (lib/errors.ts tells it as it is).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'NETWORK';
  readonly retryAfter?: number;
  readonly command?: string;

  constructor(
    status: number,
    code: ErrorCode | 'NETWORK',
    message: string,
    retryAfter?: number,
    command?: string,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.command = command;
  }
}

/** JSON over fetch, same-origin cookies; every failure becomes an ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    // Nothing is awaited before the request is sent: requests leave in the order they are asked for.
    if (method !== 'GET') forgetWarmed();
    const taken = method === 'GET' ? takeWarmed(path) : null;
    response = (taken && (await taken)) ?? (await send(method, path, body));
  } catch {
    throw new ApiError(0, 'NETWORK', 'network');
  }
  if (response.status === 204) return undefined as T;
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('retry-after')) || undefined;
    // A page's call refused for want of a session: it ended behind this tab (App says so). The
    // session check itself and the sign-in forms answer their own 401s.
    if (response.status === 401 && payload?.error?.code === 'UNAUTHENTICATED' && path !== '/me' && !path.startsWith('/auth/')) accessEnd.sessionEnded();
    throw new ApiError(response.status, payload?.error?.code ?? 'INTERNAL', payload?.error?.message ?? '', retryAfter);
  }
  return payload as T;
}
