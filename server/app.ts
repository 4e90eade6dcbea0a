import { objectIds, systemClock, type Clock, type IdSource } from './events/clock.ts';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import expressStaticGzip from 'express-static-gzip';
import { Server as SocketServer } from 'socket.io';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Database } from './db/connection.ts';
import { answerClientError, apiNotFound, errorHandler } from './http/errors.ts';
import { answerUnknownCommands, keepCommandReplies } from './access/socket-command.ts';
import { InFlight } from './http/lifecycle.ts';
import { CloseCode } from '../shared/collab/close-codes.ts';
import { Readiness, type ReadinessCheck } from './http/readiness.ts';
import { requestLogger } from './http/request-log.ts';
import { routeHtml, type AppHtml } from './http/route-preloads.ts';
import { securityHeaders } from './http/security-headers.ts';
import { compressAnswers } from './http/compress-answers.ts';
import { EventStore } from './events/event-store.ts';
import { EventLog } from './events/event-log.ts';
import { NegotiationChannel, roomBroadcast } from './realtime/channel.ts';
import { coalesceFrames } from './realtime/coalesced-frames.ts';
import type { AppServer } from './realtime/sockets.ts';
import { ClusterBus } from './cluster/bus.ts';
import { ClusterEvents } from './cluster/cluster-events.ts';
import { Leases } from './cluster/lease.ts';
import { RedisAppendOwners } from './cluster/append-owner.ts';
import { shareAccessEnds } from './cluster/cluster-access.ts';
import { liveAccessOf } from './auth/live-access.ts';
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLIENT_DIST = path.join(ROOT, 'dist', 'client');

/** A handler for WebSocket upgrades on a path prefix (the Yjs sync path registers one). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** What every capability receives to register its routes, events and hooks. */
export interface AppContext {
  config: Config;
  logger: Logger;
  db: Database;
  /**
   * The negotiation event log: one per app, so that appends stay gap-free and ordered. Every
   * use case records through it; it appends, then hands the events to `channel`.
   */
  events: EventLog;
  /** Delivers each negotiation's events to the sockets that joined it, filtered by visibility. */
  channel: NegotiationChannel;
  /** The time use cases act at (events are stamped with it): passed in, never read inline. */
  clock: Clock;
  /** New ids for what use cases create. */
  ids: IdSource;
  app: Express;
  api: express.Router;
  /** Socket.IO, typed by the command and event catalogues of shared/. */
  io: AppServer;
  httpServer: HttpServer;
  onUpgrade(prefix: string, handler: UpgradeHandler): void;
  onClose(fn: () => Promise<void> | void): void;
  /** A dependency `GET /api/ready` checks (the database is registered here; Redis registers its own). */
  onReadiness(name: string, check: ReadinessCheck): void;
  /**
   * The link to the other processes of the workspace (REDIS_URL), or null when this process is
   * the whole workspace. Short-lived traffic only: what it carries, the database also holds.
   */
  cluster: ClusterBus | null;
}

export interface App {
  context: AppContext;
  httpServer: HttpServer;
  /** Requests and commands under way, for the drain (server/main.ts). */
  inFlight: InFlight;
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export type Capability = (ctx: AppContext) => void | Promise<void>;

/** Wires HTTP, Socket.IO and WebSocket upgrades on one server; capabilities add the rest. */
export async function createApp(
  config: Config,
  logger: Logger,
  db: Database,
  capabilities: Capability[] = [],
  /** The time and the ids the use cases take; the system's by default (tests may fix them). */
  sources: { clock?: Clock; ids?: IdSource } = {},
): Promise<App> {
  const clock = sources.clock ?? systemClock;
  const ids = sources.ids ?? objectIds;
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-* is believed from the configured proxies only (TRUST_PROXY), never from anyone.
  app.set('trust proxy', trustProxy(config.TRUST_PROXY));
  const inFlight = new InFlight();
  const readiness = new Readiness(inFlight, logger);
  readiness.add('db', async () => {
    await db.connection.db!.admin().ping();
    const { writable, reason } = db.writable();
    if (!writable) throw new Error(`the database cannot write: ${reason}`);
  });
  app.use(requestLogger(logger));
  app.use(inFlight.http);
  const html = routeHtml(CLIENT_DIST);
  app.use(securityHeaders(() => html.inlineScripts()));

  const api = express.Router();
  api.use(compressAnswers());
  api.use(express.json({ limit: '256kb' }));
  api.get('/health', (_req, res) => {
    res.json({ ok: true, db: db.kind, version: VERSION });
  });
  api.get('/ready', readiness.route);

  const httpServer = createServer(app);
  const io: AppServer = new SocketServer(httpServer, { serveClient: false, maxHttpBufferSize: 1e6 });
  coalesceFrames(io);
  io.on('connection', inFlight.socket);
  io.on('connection', answerUnknownCommands);
  httpServer.on('clientError', answerClientError(logger));
  const upgrades: [string, UpgradeHandler][] = [];
  const closers: (() => Promise<void> | void)[] = [];
  const store = new EventStore(db.connection, db.command);
  await store.init();
  keepCommandReplies(db.connection, db.command);
  const channel = new NegotiationChannel(store, logger.child({ capability: 'realtime' }), roomBroadcast(io));
  // Several processes (REDIS_URL): each delivers the others' events to its sockets, and a
  // negotiation's serialised commands hold its lease across the cluster.
  const cluster = config.REDIS_URL ? new ClusterBus(config.REDIS_URL, logger.child({ capability: 'cluster' })) : null;
  const clusterEvents = cluster ? new ClusterEvents(cluster, channel, db.connection, logger.child({ capability: 'cluster' })) : null;
  const leases = cluster ? new Leases(db.connection.db!, cluster, logger.child({ capability: 'cluster' })) : null;
  const owners = cluster ? new RedisAppendOwners(cluster, logger.child({ capability: 'cluster' })) : null;
  const events = new EventLog(store, clusterEvents?.publisher ?? channel, leases ? (negotiationId, task) => leases.with(`negotiation:${negotiationId}`, task) : null, clock, owners);
  if (cluster) {
    // Started without Redis, a process serves all the same (the log carries the others' events
    // meanwhile), but is not ready until it has reached Redis once: a load balancer then
    // sends it no one whose live view it could not keep. An outage later never fails it.
    cluster.connect().catch((err: unknown) => logger.warn({ err }, 'redis not reachable at start: retrying'));
    readiness.add('redis', async () => {
      if (!cluster.wasEverUp) throw new Error('redis never reached since start');
    });
  }

  httpServer.on('upgrade', (req, socket, head) => {
    const url = req.url ?? '';
    // Socket.IO handles its own upgrades on /socket.io/.
    if (url.startsWith('/socket.io/')) return;
    const match = upgrades.find(([prefix]) => url.startsWith(prefix));
    if (match) match[1](req, socket, head);
    else socket.destroy();
  });

  const context: AppContext = {
    config,
    logger,
    db,
    events,
    channel,
    clock,
    ids,
    app,
    api,
    io,
    httpServer,
    onUpgrade: (prefix, handler) => upgrades.push([prefix, handler]),
    onClose: (fn) => closers.push(fn),
    onReadiness: (name, check) => readiness.add(name, check),
    cluster,
  };
  for (const capability of capabilities) await capability(context);
  if (cluster) {
    clusterEvents!.start((negotiationId, received) => events.heard(negotiationId, received));
    const live = liveAccessOf(db.connection);
    const unshare = live ? shareAccessEnds(live, cluster) : () => undefined;
    // Closed after every capability (they may still publish while they stop).
    closers.unshift(async () => {
      unshare();
      clusterEvents!.stop();
      leases!.close();
      await owners!.close();
      await cluster.close();
    });
  }

  app.use('/api', api);
  app.use('/api', apiNotFound);
  serveClient(app, html);
  app.use(errorHandler(logger));

  return {
    context,
    httpServer,
    inFlight,
    listen(port = config.PORT, host = config.HOST) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    async close() {
      for (const fn of closers.reverse()) await fn();
      closeSocketTransports(io);
      // Requests still open (a drain gave up on them) end here: io.close waits for every connection.
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}

/**
 * Closes every Socket.IO connection as a restart, not as a dismissal: the WebSocket under it
 * gets 1012 (service restart), and clients see a lost transport and reconnect, whereas a
 * server-side disconnect ("io server disconnect") would tell them not to.
 */
function closeSocketTransports(io: SocketServer): void {
  for (const socket of io.of('/').sockets.values()) {
    const ws = (socket.conn.transport as { socket?: { close?: (code: number, reason: string) => void } }).socket;
    if (socket.conn.transport.name === 'websocket' && ws?.close) ws.close(CloseCode.SERVICE_RESTART, 'server restarting');
    else socket.conn.close();
  }
}

/** TRUST_PROXY as Express reads it: a hop count, or a list of addresses, subnets and names (`loopback`). */
export function trustProxy(value: string | undefined): number | string | false {
  if (value === undefined) return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * The built Svelte app, with the SPA fallback for client-side routes. Vite names every file
 * under assets/ by a hash of its content, so those are cached for a year and never revalidated;
 * the build writes them brotli- and gzip-compressed beside the originals, and each browser
 * gets the best it accepts. index.html names the current hashes: it is revalidated each time.
 */
function serveClient(app: Express, html: AppHtml): void {
  app.use(
    '/assets',
    expressStaticGzip(path.join(CLIENT_DIST, 'assets'), {
      enableBrotli: true,
      orderPreference: ['br', 'gz'],
      serveStatic: { index: false, maxAge: '1y', immutable: true },
    }),
  );
  // A hash the build no longer has (an old index.html): a plain 404, not the app's HTML.
  app.use('/assets', (_req, res) => {
    res.status(404).end();
  });
  app.use(express.static(CLIENT_DIST, { index: false, maxAge: '1h' }));
  // Compressed as the API's answers are: the text page's HTML carries the early start (4 kB, 2 kB brotli).
  app.get(/^(?!\/api\/|\/yjs\/|\/socket\.io\/).*/, compressAnswers(), (req, res, next) => {
    const page = html.of(req.path);
    if (page === null) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  });
}
