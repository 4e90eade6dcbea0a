// The TCP side: frames messages off each socket, runs them one at a time per connection (so a
// client's pipelined unacknowledged write is visible to its next read), and answers. Anything
// malformed closes that connection only, with the reason logged.
//
// What a client can make the engine hold is bounded: a message's chunks are kept as they come
// and joined once, when complete (linear whatever the chunking); one message is at most
// MAX_MESSAGE_BYTES; the unfinished messages of all connections together at most
// `maxBufferedBytes` (the connection that adds past it is closed); a message left unfinished,
// nothing more of it received for `frameTimeoutMs`, closes its connection; and a client that
// pipelines more than it is answered stops being read until answers catch up.
import fs from 'node:fs';
import net from 'node:net';
import { ConnectionAuth } from '../auth/session.ts';
import type { Doc } from '../bson/codec.ts';
import type { EngineState } from '../commands/context.ts';
import { OP_QUERY_COMMANDS, runCommand } from '../commands/registry.ts';
import { CommandError } from '../errors.ts';
import { HEADER_BYTES, MAX_MESSAGE_BYTES, opMsgReply, opReply, parseMessage, RefusedMessage, WireError } from './framing.ts';

let nextConnectionId = 1;

/** What one connection may hold of messages read but not yet answered before it stops reading. */
const MAX_QUEUED_BYTES = 2 * MAX_MESSAGE_BYTES;

export interface ServerLimits {
  /** Bytes of unfinished messages all connections together may hold; past it, the one that adds more is closed. */
  maxBufferedBytes: number;
  /** How long an unfinished message may go without receiving a byte before its connection is closed. */
  frameTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = { maxBufferedBytes: 256 * 1024 * 1024, frameTimeoutMs: 30_000 };

/** What every connection of one server shares: the bytes of unfinished messages they hold. */
interface Shared {
  limits: ServerLimits;
  buffered: number;
}

class Connection {
  /** The unfinished message's bytes, as they came: joined once, when complete (linear, whatever the chunking). */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The length the unfinished message announced (0 while fewer than 4 bytes are in). */
  private expected = 0;
  private timer?: NodeJS.Timeout;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private busy = false;
  private closed = false;
  readonly id = nextConnectionId++;

  private readonly socket: net.Socket;
  private readonly engine: EngineState;
  private readonly shared: Shared;
  /** Under `--auth`: who this connection proved to be (nobody at first). */
  private readonly auth?: ConnectionAuth;

  constructor(socket: net.Socket, engine: EngineState, shared: Shared) {
    this.socket = socket;
    this.engine = engine;
    this.shared = shared;
    if (engine.auth) this.auth = new ConnectionAuth(engine, this.id, socket.remoteAddress);
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => engine.logger.debug({ err, connection: this.id }, 'connection error'));
    socket.on('close', () => {
      this.closed = true;
      this.release();
    });
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
    this.engine.logger.warn({ connection: this.id, remote: this.socket.remoteAddress, reason }, 'connection closed on bad input');
    this.socket.destroy();
  }

  /** Gives back what this connection held of the shared budget. */
  private release(): void {
    this.shared.buffered -= this.buffered;
    this.buffered = 0;
    this.chunks = [];
    clearTimeout(this.timer);
  }

  /** The announced length of the message being read: its first four bytes, wherever they lie. */
  private announcedLength(): number {
    const head = this.chunks[0].length >= 4 ? this.chunks[0] : Buffer.concat(this.chunks).subarray(0, 4);
    return head.readInt32LE(0);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.shared.buffered += chunk.length;
    while (this.buffered >= 4) {
      if (this.expected === 0) {
        const length = this.announcedLength();
        if (length < HEADER_BYTES || length > MAX_MESSAGE_BYTES) {
          this.close(`message length ${length} outside ${HEADER_BYTES}..${MAX_MESSAGE_BYTES}`);
          return;
        }
        this.expected = length;
      }
      if (this.buffered < this.expected) break;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
      const message = all.subarray(0, this.expected);
      const rest = all.subarray(this.expected);
      this.shared.buffered -= this.expected;
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.expected = 0;
      // The next message's clock starts with its own first byte.
      clearTimeout(this.timer);
      this.timer = undefined;
      this.queue.push(message);
      this.queuedBytes += message.length;
    }
    if (this.shared.buffered > this.shared.limits.maxBufferedBytes && this.buffered > 0) {
      this.close(`unfinished messages of all connections exceed ${this.shared.limits.maxBufferedBytes} bytes`);
      return;
    }
    if (this.buffered === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    } else {
      // Counted from the last byte that came: a large message arriving slowly is not cut, a
      // message left unfinished is (what a slow sender holds is bounded by the byte caps).
      if (this.timer) this.timer.refresh();
      else this.timer = setTimeout(() => this.close(`a message stayed unfinished, nothing received for ${this.shared.limits.frameTimeoutMs} ms`), this.shared.limits.frameTimeoutMs).unref();
    }
    // Back-pressure: a client that pipelines faster than it is answered waits, its bytes in the kernel.
    if (this.queuedBytes > MAX_QUEUED_BYTES) this.socket.pause();
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const message = this.queue.shift()!;
        this.queuedBytes -= message.length;
        if (this.queuedBytes <= MAX_QUEUED_BYTES) this.socket.resume();
        await this.handle(message);
      }
    } finally {
      this.busy = false;
    }
  }

  private async handle(message: Buffer): Promise<void> {
    let request;
    try {
      request = parseMessage(message);
    } catch (err) {
      if (err instanceof RefusedMessage) {
        const reply = new CommandError(err.code, err.message).toReply();
        this.write(err.kind === 'msg' ? opMsgReply(err.requestId, reply) : opReply(err.requestId, reply));
        return;
      }
      this.close(err instanceof WireError ? err.message : `unparseable message: ${String(err)}`);
      return;
    }
    let reply: Doc;
    if (request.kind === 'query') {
      const ns = request.namespace ?? '';
      const name = Object.keys(request.command)[0] ?? '';
      if (!ns.endsWith('.$cmd')) {
        reply = new CommandError(352, 'Unsupported OP_QUERY command: find. The client driver may require an upgrade.').toReply();
      } else if (!OP_QUERY_COMMANDS.has(name)) {
        reply = new CommandError(352, `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`).toReply();
      } else {
        reply = await runCommand(this.engine, ns.slice(0, ns.indexOf('.')), request.command, this.id);
        if (this.auth) reply = await this.auth.completeHello(request.command, reply);
      }
      this.write(opReply(request.requestId, reply));
      return;
    }
    const db = request.command.$db;
    if (typeof db !== 'string' || db === '') {
      reply = new CommandError(40571, 'OP_MSG requests require a $db argument').toReply();
    } else if (this.auth) {
      reply = await this.runAuthenticated(this.auth, db, request.command);
    } else {
      reply = await runCommand(this.engine, db, request.command, this.id);
    }
    if (!request.moreToCome) this.write(opMsgReply(request.requestId, reply));
  }

  /** Under `--auth`: the handshake and SASL for anyone, everything else once authenticated. */
  private async runAuthenticated(auth: ConnectionAuth, db: string, body: Doc): Promise<Doc> {
    const name = Object.keys(body)[0] ?? '';
    const refusal = auth.refusal(name);
    if (refusal) return refusal;
    const answered = await auth.answer(db, name, body);
    if (answered) return answered;
    const reply = await runCommand(this.engine, db, body, this.id);
    if (name === 'hello' || name === 'isMaster' || name === 'ismaster') return auth.completeHello(body, reply);
    if (name === 'connectionStatus' && auth.user && reply.ok === 1) {
      reply.authInfo = { authenticatedUsers: [{ user: auth.user.name, db: auth.user.db }], authenticatedUserRoles: [{ role: 'root', db: 'admin' }] };
    }
    return reply;
  }

  private write(buf: Buffer): void {
    if (!this.closed) this.socket.write(buf);
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

export class EngineServer {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();

  private readonly engine: EngineState;
  constructor(engine: EngineState, limits: Partial<ServerLimits> = {}) {
    this.engine = engine;
    const shared: Shared = { limits: { ...DEFAULT_LIMITS, ...limits }, buffered: 0 };
    this.server = net.createServer((socket) => {
      const connection = new Connection(socket, engine, shared);
      this.connections.add(connection);
      socket.on('close', () => this.connections.delete(connection));
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  /**
   * Listens on a Unix socket only its owner may open (0600); resolves with port 0. Put it in
   * a directory only the owner may enter (0700), so nobody can reach it before the chmod.
   */
  listenOnSocket(socketPath: string): Promise<number> {
    // A socket file left by a killed engine would make listen fail with EADDRINUSE; the data
    // directory's lock already proves no live engine owns this one.
    if (fs.existsSync(socketPath) && fs.lstatSync(socketPath).isSocket()) fs.unlinkSync(socketPath);
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => {
        this.server.off('error', reject);
        fs.chmodSync(socketPath, 0o600);
        resolve(0);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.destroy();
    await closed;
  }
}
