/**
 * The closed list of error codes the workspace answers with, on every channel
 * (HTTP bodies, Socket.IO acks, CLI messages). The server maps each to a status.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'GONE',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'UNPROCESSABLE',
  'INTERNAL',
  /** The server is restarting or not ready: try again shortly. */
  'UNAVAILABLE',
  /** A Socket.IO command this server does not know (another version of the client, a typo). */
  'UNKNOWN_COMMAND',
  /** The request's headers are over the server's limit (16 KB). */
  'HEADERS_TOO_LARGE',
  /** A body in a content encoding or charset the server does not read. */
  'UNSUPPORTED_MEDIA_TYPE',
  /** The request did not arrive whole in time. */
  'REQUEST_TIMEOUT',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AckError {
  code: ErrorCode;
  message: string;
}

/** Every Socket.IO acknowledgement has this one shape. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
