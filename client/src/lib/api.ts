import type { ErrorCode } from '../../../shared/errors.ts';

/** A failed API call: the server's error code and HTTP status (0 when the server was unreachable). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'NETWORK';
  readonly retryAfter?: number;

  constructor(
    status: number,
    code: ErrorCode | 'NETWORK',
    message: string,
    retryAfter?: number,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** JSON over fetch, same-origin cookies; every failure becomes an ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network');
  }
  if (response.status === 204) return undefined as T;
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('retry-after')) || undefined;
    throw new ApiError(response.status, payload?.error?.code ?? 'INTERNAL', payload?.error?.message ?? '', retryAfter);
  }
  return payload as T;
}
