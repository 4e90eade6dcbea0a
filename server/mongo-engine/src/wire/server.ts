// The TCP side: frames messages off each socket, runs them one at a time per connection (so a
// client's pipelined unacknowledged write is visible to its next read), and answers. Anything
// malformed closes that connection only, with the reason logged.
import net from 'node:net';
import type { Doc } from '../bson/codec.ts';
import type { EngineState } from '../commands/context.ts';
import { OP_QUERY_COMMANDS, runCommand } from '../commands/registry.ts';
import { CommandError } from '../errors.ts';
import { HEADER_BYTES, MAX_MESSAGE_BYTES, opMsgReply, opReply, parseMessage, WireError } from './framing.ts';

let nextConnectionId = 1;

class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly queue: Buffer[] = [];
  private busy = false;
  private closed = false;
  readonly id = nextConnectionId++;

  private readonly socket: net.Socket;
  private readonly engine: EngineState;

  constructor(
    socket: net.Socket,
    engine: EngineState,
  ) {
    this.socket = socket;
    this.engine = engine;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => engine.logger.debug({ err, connection: this.id }, 'connection error'));
    socket.on('close', () => {
      this.closed = true;
    });
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.engine.logger.warn({ connection: this.id, remote: this.socket.remoteAddress, reason }, 'connection closed on bad input');
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
      const head = this.chunks[0];
      const length = head.readInt32LE(0);
      if (length < HEADER_BYTES || length > MAX_MESSAGE_BYTES) {
        this.close(`message length ${length} outside ${HEADER_BYTES}..${MAX_MESSAGE_BYTES}`);
        return;
      }
      if (this.buffered < length) break;
      this.queue.push(head.subarray(0, length));
      const rest = head.subarray(length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const message = this.queue.shift()!;
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
      }
      this.write(opReply(request.requestId, reply));
      return;
    }
    const db = request.command.$db;
    if (typeof db !== 'string' || db === '') {
      reply = new CommandError(40571, 'OP_MSG requests require a $db argument').toReply();
    } else {
      reply = await runCommand(this.engine, db, request.command, this.id);
    }
    if (!request.moreToCome) this.write(opMsgReply(request.requestId, reply));
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

  constructor(engine: EngineState) {
    this.engine = engine;
    this.server = net.createServer((socket) => {
      const connection = new Connection(socket, engine);
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

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.destroy();
    await closed;
  }
}
