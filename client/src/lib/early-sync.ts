/**
 * The live documents a URL names start syncing as soon as the app's first script runs, before
 * the editor's code has arrived: on a slow link the WebSocket handshake (a round trip) and the
 * document's first exchange then overlap the download of the editor stack instead of
 * following it. Each early socket is handed over, with what it received meanwhile, to the
 * y-websocket provider that asks for its URL (`AdoptingWebSocket`); one nobody claims is closed.
 * This module stays in the first chunk: it imports nothing (no Yjs before the editor). It is
 * also in the early start inlined in the page's HTML (early-start.ts): the two copies share one
 * table through a global, so the sockets the HTML opened are the ones the editor adopts.
 */

/**
 * The y-websocket "sync step 1" of an empty document: message type sync (0), step 1 (0), then
 * its state vector as a byte array of length 1 holding zero entries. The server answers it
 * with the whole document (step 2), which waits in the socket's buffer for the provider.
 */
export const SYNC_STEP1_OF_EMPTY_DOC = Uint8Array.of(0, 0, 1, 0);

/** An early socket that no page claimed within this time is closed. */
const UNCLAIMED_MS = 15_000;

interface EarlySocket {
  socket: WebSocket;
  received: MessageEvent[];
  timer: ReturnType<typeof setTimeout>;
}

const shared = globalThis as { __negociationEarlySockets?: Map<string, EarlySocket> };
const early = (shared.__negociationEarlySockets ??= new Map<string, EarlySocket>());

/** The server's Yjs endpoint, on the page's own origin. */
export function yjsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/yjs`;
}

/** Opens the WebSocket of the live document `docName` (`agreement:<id>`, `article:<id>`) now. */
export function openEarly(docName: string): void {
  const url = `${yjsUrl()}/${docName}`;
  if (early.has(url) || typeof WebSocket === 'undefined') return;
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  const entry: EarlySocket = {
    socket,
    received: [],
    timer: setTimeout(() => {
      early.delete(url);
      socket.close();
    }, UNCLAIMED_MS),
  };
  socket.onopen = () => socket.send(SYNC_STEP1_OF_EMPTY_DOC);
  socket.onmessage = (event: MessageEvent) => entry.received.push(event);
  // Refused (signed out, no access) or lost: the provider will open its own and hear why.
  socket.onclose = () => {
    clearTimeout(entry.timer);
    early.delete(url);
  };
  early.set(url, entry);
}

/** The early socket of `url` with its buffered messages, once; null when there is none still usable. */
function claim(url: string): EarlySocket | null {
  const entry = early.get(url);
  if (!entry) return null;
  early.delete(url);
  clearTimeout(entry.timer);
  const { socket } = entry;
  socket.onopen = socket.onmessage = socket.onclose = null;
  if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) return null;
  return entry;
}

/**
 * For y-websocket's `WebSocketPolyfill` option: `new AdoptingWebSocket(url)` is the early
 * socket of that URL when there is one, else a new WebSocket. The provider sets its handlers
 * right after construction; what the early socket received is replayed to them next (before
 * any further event, which is a task), then its "open" when it is open already: the provider
 * has the document at once, and its own step 1 then asks only for what changed since.
 */
export const AdoptingWebSocket = function AdoptingWebSocket(url: string, protocols?: string | string[]): WebSocket {
  const entry = claim(url);
  if (!entry) return new WebSocket(url, protocols);
  const { socket, received } = entry;
  queueMicrotask(() => {
    for (const event of received) socket.onmessage?.(event);
    if (socket.readyState === WebSocket.OPEN) socket.onopen?.(new Event('open'));
  });
  return socket;
} as unknown as typeof WebSocket;
