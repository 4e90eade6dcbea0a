import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The browser's security headers (helmet). The client talks to its own origin only: scripts,
 * styles, fetches and WebSockets ('self' covers ws: and wss: to the same host in CSP 3, so no
 * blanket ws:/wss:). No inline <style> elements either; style *attributes* stay allowed
 * (`style-src-attr`), since the editor's collaboration carets colour themselves with them.
 * HSTS and upgrade-insecure-requests only on HTTPS requests (directly, or behind a trusted
 * proxy's X-Forwarded-Proto): sent over plain HTTP they would break a LAN install without TLS.
 * Scripts: our own files, and the built HTML's inline early start by its hash (`inlineScripts`).
 */
export function securityHeaders(inlineScripts: () => string[] = () => []): RequestHandler {
  const policy = (https: boolean) =>
    helmet({
      contentSecurityPolicy: {
        directives: {
          connectSrc: ["'self'"],
          scriptSrc: ["'self'", () => inlineScripts().join(' ')],
          imgSrc: ["'self'", 'data:', 'blob:'],
          styleSrc: ["'self'"],
          styleSrcAttr: ["'unsafe-inline'"],
          upgradeInsecureRequests: https ? [] : null,
        },
      },
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    });
  const overHttps = policy(true);
  const overHttp = policy(false);
  return (req, res, next) => (req.secure ? overHttps : overHttp)(req, res, next);
}
