/**
 * GETs started ahead of the page that reads them, each taken over once by `api()` (lib/api.ts).
 * This module imports nothing: it is in the app's first script, and in the early start inlined
 * in the page's HTML (early-start.ts), which runs before any of the app's code has arrived. The
 * two copies share one table through a global, so what the HTML started, the app takes over.
 */

interface Warmed {
  at: number;
  response: Promise<Response>;
}

const WARM_FOR_MS = 10_000;

const shared = globalThis as { __negociationEarlyReads?: Map<string, Warmed> };
const warmed = (shared.__negociationEarlyReads ??= new Map<string, Warmed>());

/** A request to the API as the app sends every one: same-origin cookies, JSON. */
export function send(method: string, path: string, body?: unknown): Promise<Response> {
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
 * the answer over, unless the server was unreachable or failed (5xx): then it asks again.
 */
export function warm(path: string): void {
  if (warmed.has(path)) return;
  const response = send('GET', path);
  response.catch(() => undefined);
  warmed.set(path, { at: Date.now(), response });
}

/**
 * The warmed answer to `GET path`, taken over; null (at once, so the request leaves now) when
 * there is none. A refusal (401 before signing in, 404) is the server's answer: asking again
 * would cost a round trip for the same one.
 */
export function takeWarmed(path: string): Promise<Response | null> | null {
  const entry = warmed.get(path);
  if (!entry) return null;
  warmed.delete(path);
  if (Date.now() - entry.at > WARM_FOR_MS) return null;
  return entry.response.then(
    (response) => (response.status < 500 ? response : null),
    () => null,
  );
}

/**
 * Forgets every answer started and not yet taken: a write (signing in above all) may change what
 * they would say, and the 401 asked for before signing in is no answer for the page shown after.
 */
export function forgetWarmed(): void {
  warmed.clear();
}
