import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BSON, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c } from '../../src/wire/crc32c.ts';
import { startEngine, type RunningEngine } from '../../src/index.ts';

const OP_MSG = 2013;
const OP_QUERY = 2004;

function header(length: number, requestId: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(0, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(body: Record<string, unknown>, options: { flags?: number; sequence?: [string, Record<string, unknown>[]]; checksum?: 'good' | 'bad' } = {}): Buffer {
  let flags = options.flags ?? 0;
  if (options.checksum) flags |= 1;
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  if (options.sequence) {
    const [id, docs] = options.sequence;
    const payload = Buffer.concat([Buffer.from(id + '\0'), ...docs.map((d) => Buffer.from(BSON.serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags);
  const length = 16 + 4 + parts.reduce((n, p) => n + p.length, 0) + (options.checksum ? 4 : 0);
  const msg = Buffer.concat([header(length, 1, OP_MSG), flagBuf, ...parts]);
  if (!options.checksum) return msg;
  const sum = Buffer.alloc(4);
  sum.writeUInt32LE(options.checksum === 'good' ? crc32c(msg) : 12345);
  return Buffer.concat([msg, sum]);
}

function opQuery(ns: string, query: Record<string, unknown>): Buffer {
  const body = Buffer.concat([Buffer.alloc(4), Buffer.from(ns + '\0'), Buffer.alloc(4), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from(BSON.serialize(query))]);
  return Buffer.concat([header(16 + body.length, 2, OP_QUERY), body]);
}

/** A raw connection that collects replies and notices when the server hangs up. */
class RawClient {
  private readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);
  private readonly waiting: ((reply: { opCode: number; body: Record<string, unknown> }) => void)[] = [];
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => this.socket.on('close', () => resolve()));
    this.socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= this.buffer.readInt32LE(0)) {
        const msg = this.buffer.subarray(0, this.buffer.readInt32LE(0));
        this.buffer = this.buffer.subarray(msg.length);
        const opCode = msg.readInt32LE(12);
        const docStart = opCode === OP_MSG ? 21 : 36;
        this.waiting.shift()?.({ opCode, body: BSON.deserialize(msg.subarray(docStart)) });
      }
    });
  }

  send(buf: Buffer): void {
    this.socket.write(buf);
  }

  request(buf: Buffer): Promise<{ opCode: number; body: Record<string, unknown> }> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.send(buf);
    });
  }

  end(): void {
    this.socket.destroy();
  }
}

function within<T>(p: Promise<T>, ms = 3000): Promise<T | 'timeout'> {
  return Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);
}

describe('the embedded engine: wire protocol and bad input', () => {
  let engine: RunningEngine;
  let client: MongoClient;
  const logged: string[] = [];

  beforeAll(async () => {
    const { pino } = await import('pino');
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
    engine = await startEngine({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'engine-wire-')), port: 0, logger });
    client = new MongoClient(engine.uri, { maxPoolSize: 1 });
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await engine.close();
  });

  const stillServes = async () => expect((await client.db('w').command({ ping: 1 })).ok).toBe(1);

  it('answers the legacy OP_QUERY isMaster on admin.$cmd with an OP_REPLY', async () => {
    const raw = new RawClient(engine.port);
    const reply = await raw.request(opQuery('admin.$cmd', { isMaster: 1 }));
    expect(reply.opCode).toBe(1);
    expect(reply.body).toMatchObject({ ismaster: true, maxWireVersion: 25, ok: 1 });
    raw.end();
  });

  it('folds OP_MSG document sequences into the command and accepts a valid checksum', async () => {
    const raw = new RawClient(engine.port);
    const inserted = await raw.request(opMsg({ insert: 'seq', $db: 'w' }, { sequence: ['documents', [{ _id: 1 }, { _id: 2 }]], checksum: 'good' }));
    expect(inserted.body).toMatchObject({ n: 2, ok: 1 });
    raw.end();
  });

  it('an unacknowledged (moreToCome) write gets no reply and is visible to the next command', async () => {
    const raw = new RawClient(engine.port);
    raw.send(opMsg({ insert: 'fire', documents: [{ _id: 'x' }], $db: 'w' }, { flags: 2 }));
    const found = await raw.request(opMsg({ find: 'fire', filter: {}, $db: 'w' }));
    expect((found.body.cursor as { firstBatch: unknown[] }).firstBatch).toEqual([{ _id: 'x' }]);
    raw.end();
  });

  it.each([
    ['garbage bytes', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a length beyond 48 MB', Buffer.concat([header(64 * 1024 * 1024, 1, OP_MSG), Buffer.alloc(16)])],
    ['a wrong opcode', Buffer.concat([header(20, 1, 2002), Buffer.alloc(4)])],
    ['malformed BSON', Buffer.concat([header(16 + 4 + 1 + 9, 1, OP_MSG), Buffer.alloc(4), Buffer.from([0]), Buffer.from([9, 0, 0, 0, 0x42, 0x41, 0x44, 0x21, 0])])],
    ['a bad checksum', opMsg({ ping: 1, $db: 'w' }, { checksum: 'bad' })],
  ])('%s closes that connection only, and the reason is logged', async (_label, bytes) => {
    logged.length = 0;
    const raw = new RawClient(engine.port);
    raw.send(bytes);
    expect(await within(raw.closed)).toBeUndefined();
    expect(logged.some((l) => l.includes('connection closed on bad input'))).toBe(true);
    await stillServes();
  });

  it('a message split across many small TCP writes is reassembled', async () => {
    const raw = new RawClient(engine.port);
    const msg = opMsg({ ping: 1, $db: 'w' });
    const reply = new Promise((resolve) => {
      void raw.request(Buffer.alloc(0)).then(resolve);
    });
    for (let i = 0; i < msg.length; i += 3) raw.send(msg.subarray(i, i + 3));
    expect(await within(reply)).toMatchObject({ body: { ok: 1 } });
    raw.end();
  });
});
