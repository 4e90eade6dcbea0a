import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Logger } from '../logger.ts';
import { CloseCode, MAX_MESSAGE_BYTES } from '../../shared/collab/close-codes.ts';
import { TooManyLoads, type DocStore } from './doc-store.ts';
import { MessageType, type DocPeer, type SharedDoc } from './shared-doc.ts';
import { PresenceGuard } from './presence.ts';
import type { PresenceUser } from '../../shared/presence.ts';
import type { LiveAccess } from '../auth/live-access.ts';
import { liveYjsConnection } from '../auth/live-connections.ts';

/** Who is connected, as the authorisation hook established it. */
export interface Principal {
  userId: string;
  negotiationId: string;
  /** Holds the pen (`text:write`); everyone else is read-only. */
  canWrite: boolean;
  /** Who the others see on this document: from the session and the mandate, never from the client. */
  presence: PresenceUser;
}

export type Authorization = { ok: true; principal: Principal } | { ok: false; status: 401 | 403 };

/** Decides a connection from its Cookie and Origin headers and the document it asks for. */
export type Authorize = (request: {
  cookie: string | undefined;
  origin: string | undefined;
  host: string | undefined;
  docName: string;
  /** Read from the database, not from answers shared for a burst of connections (access may have just ended). */
  fresh?: boolean;
}) => Promise<Authorization>;

export interface YjsServerOptions {
  store: DocStore;
  authorize: Authorize;
  logger: Logger;
  /** The path prefix the upgrade handler is mounted on (`/yjs/`). */
  prefix?: string;
  maxMessageBytes?: number;
  /** A connection's rights are asked again when older than this (revoked mandates, ended sessions). */
  recheckEveryMs?: number;
  pingEveryMs?: number;
  /** Where each connection is registered, so that a sign-out or a revocation closes it at once. */
  live?: LiveAccess;
}

const STATUS_LINE = { 401: '401 Unauthorized', 403: '403 Forbidden', 404: '404 Not Found' } as const;

/** Answers an upgrade request with a plain HTTP status instead of switching protocols. */
function refuseUpgrade(socket: Duplex, status: keyof typeof STATUS_LINE): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${STATUS_LINE[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * The Yjs endpoint: the standard y-websocket protocol (sync step 1/2, updates, awareness,
 * awareness query) over `ws`, so that a stock WebsocketProvider connects. Every connection
 * is authorised at upgrade, every message again: only a principal who holds the pen may
 * change a document; the updates of anyone else are dropped and logged, their presence
 * still flows, under the name the server gives it (PresenceGuard).
 */
export class YjsServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<CollabConnection>();
  /** Armed while a connection is open: a process with none wakes up for nothing. */
  private pingTimer: NodeJS.Timeout | null = null;
  readonly prefix: string;

  private readonly options: YjsServerOptions;

  constructor(options: YjsServerOptions) {
    this.options = options;
    this.prefix = options.prefix ?? '/yjs/';
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageBytes ?? MAX_MESSAGE_BYTES,
      perMessageDeflate: false,
    });
  }

  /** A connection that stops answering pings is closed within two rounds. */
  private pingWhileConnected(): void {
    if (this.pingTimer) return;
    this.pingTimer = setInterval(() => {
      for (const connection of this.connections) connection.ping();
    }, this.options.pingEveryMs ?? 30_000);
    this.pingTimer.unref();
  }

  private stopPinging(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  get logger(): Logger {
    return this.options.logger;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** For `ctx.onUpgrade('/yjs/', …)`. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    void this.upgrade(req, socket, head).catch((err) => {
      this.logger.error({ err }, 'yjs upgrade failed');
      refuseUpgrade(socket, 403);
    });
  };

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let docName: string;
    try {
      docName = decodeURIComponent(url.pathname.slice(this.prefix.length));
    } catch {
      return refuseUpgrade(socket, 404);
    }
    const decision = await this.options.authorize({
      cookie: req.headers.cookie,
      origin: req.headers.origin,
      host: req.headers.host,
      docName,
    });
    if (!decision.ok) {
      this.logger.info({ doc: docName, status: decision.status }, 'yjs connection refused');
      return refuseUpgrade(socket, decision.status);
    }
    if (socket.destroyed) return;
    const request = { cookie: req.headers.cookie, origin: req.headers.origin, host: req.headers.host, docName };
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new CollabConnection(this, ws, docName, decision.principal, request);
      this.connections.add(connection);
      this.pingWhileConnected();
      const untrack = this.options.live?.track(liveYjsConnection(connection, request.cookie));
      ws.once('close', () => {
        this.connections.delete(connection);
        if (this.connections.size === 0) this.stopPinging();
        untrack?.();
      });
      void connection.start(this.options.store);
    });
  }

  reauthorize(request: Parameters<Authorize>[0]): Promise<Authorization> {
    return this.options.authorize(request);
  }

  get recheckEveryMs(): number {
    return this.options.recheckEveryMs ?? 5_000;
  }

  /** Closes every connection (providers reconnect to the next server) and stops. */
  async close(): Promise<void> {
    this.stopPinging();
    for (const connection of this.connections) connection.close(CloseCode.SERVICE_RESTART, 'server restarting');
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** One client on one document. */
export class CollabConnection implements DocPeer {
  readonly awarenessIds = new Set<number>();
  private doc: SharedDoc | null = null;
  private queue: Uint8Array[] | null = [];
  private alive = true;
  private checkedAt = Date.now();
  private rechecking = false;
  private dropped = 0;
  private log: Logger | null = null;
  private readonly presence: PresenceGuard;

  private readonly server: YjsServer;
  private readonly ws: WebSocket;
  private readonly docName: string;
  private principal: Principal;
  private readonly request: Parameters<Authorize>[0];

  constructor(
    server: YjsServer,
    ws: WebSocket,
    docName: string,
    principal: Principal,
    request: Parameters<Authorize>[0],
  ) {
    this.server = server;
    this.ws = ws;
    this.docName = docName;
    this.principal = principal;
    this.request = request;
    this.presence = new PresenceGuard(this, () => this.principal.presence, () => this.logger);
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: RawData) => this.receive(toBytes(data)));
    ws.on('pong', () => (this.alive = true));
    ws.on('error', (err) => this.logger.debug({ err }, 'yjs socket error'));
    ws.once('close', (code) => {
      if (code === CloseCode.MESSAGE_TOO_BIG) this.logger.warn('yjs message over the size limit: connection closed');
      this.leave();
    });
  }

  /**
   * The connection's logger, made when it first logs: most connections never do, and a pino
   * child per connection cost 0.6 KB and 19 µs (its bindings serialised) on every open.
   */
  private get logger(): Logger {
    this.log ??= this.server.logger.child({ doc: this.docName, user: this.principal.userId, negotiationId: this.principal.negotiationId });
    return this.log;
  }

  async start(store: DocStore): Promise<void> {
    let doc: SharedDoc;
    try {
      doc = await store.open(this.docName);
    } catch (err) {
      if (err instanceof TooManyLoads) {
        this.logger.info('too many documents loading: client asked to come back later');
        this.close(CloseCode.TRY_AGAIN_LATER, 'busy, retry later');
        return;
      }
      this.logger.error({ err }, 'yjs document could not be loaded');
      this.close(CloseCode.GOING_AWAY, 'document unavailable');
      return;
    }
    if (this.ws.readyState !== this.ws.OPEN) {
      store.release(doc);
      return;
    }
    this.doc = doc;
    this.store = store;
    doc.peers.add(this);
    // Sync step 1: the client answers with what the server lacks (step 2), and asks likewise.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.SYNC);
    syncProtocol.writeSyncStep1(encoder, doc);
    this.send(encoding.toUint8Array(encoder));
    const states = doc.awareness.getStates();
    if (states.size > 0) this.send(this.awarenessMessage(doc, [...states.keys()]));
    const queued = this.queue ?? [];
    this.queue = null;
    for (const message of queued) this.handle(message);
  }

  private store: DocStore | null = null;

  private receive(message: Uint8Array): void {
    if (this.queue) this.queue.push(message);
    else this.handle(message);
  }

  private handle(message: Uint8Array): void {
    const doc = this.doc;
    if (!doc || this.ws.readyState !== this.ws.OPEN) return;
    this.maybeRecheck();
    try {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      switch (type) {
        case MessageType.SYNC:
          this.handleSync(doc, decoder, message);
          break;
        case MessageType.AWARENESS:
          this.presence.receive(doc, decoding.readVarUint8Array(decoder));
          break;
        case MessageType.QUERY_AWARENESS:
          this.send(this.awarenessMessage(doc, [...doc.awareness.getStates().keys()]));
          break;
        case MessageType.AUTH:
          break; // permissions are the server's to decide, not the client's to claim
        default:
          throw new Error(`unknown message type ${type}`);
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, bytes: message.length }, 'yjs message could not be read: connection closed');
      this.close(CloseCode.BAD_MESSAGE, 'unreadable message');
    }
  }

  private handleSync(doc: SharedDoc, decoder: decoding.Decoder, message: Uint8Array): void {
    const syncType = decoding.readVarUint(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.SYNC);
      syncProtocol.readSyncStep1(decoder, encoder, doc);
      this.send(encoding.toUint8Array(encoder));
      return;
    }
    if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) {
      throw new Error(`unknown sync message ${syncType}`);
    }
    const update = decoding.readVarUint8Array(decoder);
    if (this.principal.canWrite) {
      // A plain update message, nothing after it, is relayed as it came. A sync step 2 is
      // re-encoded as an update: to a provider, a step 2 also means "you are in sync now".
      if (syncType === syncProtocol.messageYjsUpdate && decoder.pos === message.length) doc.applyFrom(this, update, message);
      else Y.applyUpdate(doc, update, this);
      return;
    }
    // A read-only client's update is never applied, stored or relayed. Its sync step 2 is
    // usually empty (nothing the server lacks): only real attempts are reported.
    if (!isEmptyUpdate(update)) {
      this.dropped++;
      if (this.dropped === 1 || this.dropped % 100 === 0) {
        this.logger.warn({ dropped: this.dropped, bytes: update.length }, 'yjs update from a read-only member dropped');
      }
    }
  }

  private awarenessMessage(doc: SharedDoc, clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(doc.awareness, clients));
    return encoding.toUint8Array(encoder);
  }

  /** The rights of an open connection are asked again now and then, without holding up messages. */
  private maybeRecheck(): void {
    if (this.rechecking || Date.now() - this.checkedAt < this.server.recheckEveryMs) return;
    this.recheck(false);
  }

  get negotiationId(): string {
    return this.principal.negotiationId;
  }

  /** Access may have just ended (a revocation, a new role): asks again now, from the database. */
  recheckNow(): void {
    this.recheck(true);
  }

  /** The session this connection was opened with has ended: it stops at once, silent or not. */
  closeForEndedSession(): void {
    this.logger.info('session ended: yjs connection closed');
    this.close(CloseCode.UNAUTHENTICATED, 'session ended');
  }

  private recheck(fresh: boolean): void {
    this.rechecking = true;
    this.server
      .reauthorize({ ...this.request, fresh })
      .then((decision) => {
        this.checkedAt = Date.now();
        if (decision.ok) {
          this.principal = decision.principal;
          return;
        }
        this.logger.info({ status: decision.status }, 'yjs connection no longer authorised: closed');
        this.close(decision.status === 401 ? CloseCode.UNAUTHENTICATED : CloseCode.FORBIDDEN, 'not authorised');
      })
      .catch((err) => this.logger.error({ err }, 'yjs re-authorisation failed'))
      .finally(() => (this.rechecking = false));
  }

  send(message: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    corkForThisTurn(this.ws);
    this.ws.send(message, (err) => {
      if (err) this.close(CloseCode.GOING_AWAY, 'send failed');
    });
  }

  ping(): void {
    if (!this.alive) {
      this.close(CloseCode.TIMEOUT, 'no pong');
      this.ws.terminate();
      return;
    }
    this.alive = false;
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
  }

  close(code: CloseCode, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
    this.leave();
  }

  get userId(): string {
    return this.principal.userId;
  }

  private editorOf: { principal: Principal; editor: { userId: string; name: string; org: string } } | null = null;

  /** Who writes through this connection, for the record of who wrote what (one object per principal, not per transaction). */
  get editor(): { userId: string; name: string; org: string } {
    const principal = this.principal;
    if (this.editorOf?.principal !== principal) {
      this.editorOf = { principal, editor: { userId: principal.userId, name: principal.presence.name, org: principal.presence.org } };
    }
    return this.editorOf.editor;
  }

  private leave(): void {
    this.presence.stop();
    const doc = this.doc;
    if (!doc) return;
    this.doc = null;
    doc.removePeer(this);
    this.store?.release(doc);
  }
}

/** ws's own field for its TCP socket (stable since ws 1; server/realtime/coalesced-frames.ts reaches it too). */
type Corkable = { cork(): void; uncork(): void };
const corked = new Set<Corkable>();
let uncorkScheduled = false;

/**
 * Holds a connection's frames until this turn of the event loop has handled its input, then
 * writes them in one system call. Under load one turn reads many clients' updates, each sent
 * on to the same peers: one `writev` per peer and turn instead of one per message and peer
 * (`writev` was the first cost of the server under W1 and W2). A message waits at most for
 * the rest of the turn (setImmediate runs right after the I/O callbacks); ws corks each frame
 * itself too, and Node counts corks, so the frames go out when the last is lifted.
 */
function corkForThisTurn(ws: WebSocket): void {
  const tcp = (ws as unknown as { _socket?: Partial<Corkable> })._socket;
  if (!tcp || typeof tcp.cork !== 'function' || typeof tcp.uncork !== 'function' || corked.has(tcp as Corkable)) return;
  tcp.cork();
  corked.add(tcp as Corkable);
  if (!uncorkScheduled) {
    uncorkScheduled = true;
    setImmediate(uncorkAll);
  }
}

function uncorkAll(): void {
  uncorkScheduled = false;
  for (const tcp of corked) tcp.uncork();
  corked.clear();
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** An update with no insertion and no deletion (what an up-to-date client sends in step 2). */
function isEmptyUpdate(update: Uint8Array): boolean {
  if (update.length <= 2) return true;
  try {
    const decoded = Y.decodeUpdate(update);
    return decoded.structs.length === 0 && decoded.ds.clients.size === 0;
  } catch {
    return false;
  }
}
