import type { Request } from 'express';

/**
 * The client's address, as throttles count it: the socket's own, unless the app trusts a
 * proxy (TRUST_PROXY), whose X-Forwarded-For then names the client. A header sent by anyone
 * else is ignored, so nobody picks the address they are counted under.
 */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
