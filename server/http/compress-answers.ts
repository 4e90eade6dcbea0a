import compression from 'compression';
import type { RequestHandler } from 'express';

/**
 * The API's answers compressed (gzip, brotli or deflate, as the client accepts): a negotiation's
 * detail is 7 kB of JSON, and a delegate on a slow mobile link reads it before the text page
 * shows. Below 1 kB it is not worth the work; files the server builds (PDF, DOCX) are already
 * compressed and the library leaves them be (only compressible media types).
 */
export function compressAnswers(): RequestHandler {
  return compression({ threshold: 1024 });
}
