/**
 * WebSocket close codes of the Yjs endpoint, shared by the server that closes and the editor
 * that reacts. 1000–1015 are the protocol's own (RFC 6455); 4000–4999 are ours, mirroring the
 * HTTP status a client would recognise.
 */
export const CloseCode = {
  /** The server is shutting down; the provider reconnects to the next one. */
  GOING_AWAY: 1001,
  /** The server is restarting (a drain): the provider reconnects, to it or to another process. */
  SERVICE_RESTART: 1012,
  /** A message over MAX_MESSAGE_BYTES. */
  MESSAGE_TOO_BIG: 1009,
  /** The message could not be decoded as a Yjs sync or awareness message. */
  BAD_MESSAGE: 4400,
  /** The session ended while the connection was open. */
  UNAUTHENTICATED: 4401,
  /** The mandate was revoked while the connection was open. */
  FORBIDDEN: 4403,
  /**
   * What this connection may do changed while it was open (a session's minutes were approved):
   * the provider reconnects and is authorised again. Not an ended access.
   */
  RIGHTS_CHANGED: 4409,
  /** The peer stopped answering pings. */
  TIMEOUT: 4408,
  /** The process is loading too many documents at once (a restart's reconnections): come back after a random wait. */
  TRY_AGAIN_LATER: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Whether the editor should stop reconnecting after this close: retrying cannot help when
 * the session ended or the mandate is gone (the person must sign in again, or has lost access).
 */
export function isFinalClose(code: number): boolean {
  return code === CloseCode.UNAUTHENTICATED || code === CloseCode.FORBIDDEN;
}

/** Larger than any article a person types; a full 300-article paste still fits. */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
