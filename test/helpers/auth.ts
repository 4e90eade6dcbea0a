import type { RunningServer } from '../../server/main.ts';
import { SESSION_COOKIE } from '../../server/auth/session.service.ts';
import { DEMO_PASSWORD } from '../../server/seed/demo-content.ts';

export { DEMO_PASSWORD };

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** A `nego_sid=…` cookie, as returned by `login`. */
  cookie?: string;
  origin?: string;
  headers?: Record<string, string>;
}

/** A real HTTP call to the server's API (`path` without the /api prefix). */
export function call(server: Pick<RunningServer, 'url'>, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  return fetch(`${server.url}/api${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    redirect: 'manual',
  });
}

/** The `name=value` part of the session cookie a response sets, or null. */
export function sessionCookieOf(response: Response): string | null {
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!setCookie) return null;
  const pair = setCookie.split(';')[0];
  return pair === `${SESSION_COOKIE}=` ? null : pair;
}

/** Signs in (demo password by default) and returns the session cookie; throws when refused. */
export async function login(server: Pick<RunningServer, 'url'>, email: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await call(server, '/auth/login', { body: { email, password } });
  const cookie = sessionCookieOf(response);
  if (response.status !== 200 || !cookie) throw new Error(`login as ${email} failed: ${response.status}`);
  return cookie;
}
