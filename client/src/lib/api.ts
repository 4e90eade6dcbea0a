import type { ErrorCode } from '../../../shared/errors.ts';
import { accessEnd } from './access-end.svelte.ts';

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

/** GETs started ahead of the page that reads them, each taken over once (see `warm`). */
const warmed = new Map<string, { at: number; response: Promise<Response> }>();
const WARM_FOR_MS = 10_000;

function send(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * Starts `GET path` now, while the code of the page that will ask for it is still downloading
 * (on a slow link, one round trip saved). The page's own `api('GET', path)` within 10 s takes
 * the answer over if it succeeded, and asks again otherwise.
 */
export function warm(path: string): void {
  if (warmed.has(path)) return;
  const response = send('GET', path);
  response.catch(() => undefined);
  warmed.set(path, { at: Date.now(), response });
}

/** The warmed answer to `GET path`, taken over; null (at once, so the request leaves now) when there is none. */
function takeWarmed(path: string): Promise<Response | null> | null {
  const entry = warmed.get(path);
  if (!entry) return null;
  warmed.delete(path);
  if (Date.now() - entry.at > WARM_FOR_MS) return null;
  return entry.response.then(
    (response) => (response.ok ? response : null),
    () => null,
  );
}

/** JSON over fetch, same-origin cookies; every failure becomes an ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    // Nothing is awaited before the request is sent: requests leave in the order they are asked for.
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
