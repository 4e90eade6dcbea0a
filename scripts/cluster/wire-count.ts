// A TCP relay in front of the database that counts the commands going through it, by name and
// collection (the first element of each OP_MSG body, `find sessions`): how many wire round
// trips a workload costs, and on what (the cluster benchmark and tests).
import net from 'node:net';

const OP_MSG = 2013;
const OP_QUERY = 2004;

const BSON_STRING = 2;

/** The first element of the BSON document at `offset`: its name, and its value when a string (a collection). */
function firstElement(buf: Buffer, offset: number): string {
  const type = buf[offset + 4]; // after the document's int32 length
  const start = offset + 5;
  const end = buf.indexOf(0, start);
  if (end <= start) return '?';
  const name = buf.toString('utf8', start, end);
  if (type !== BSON_STRING) return name;
  const length = buf.readInt32LE(end + 1);
  return `${name} ${buf.toString('utf8', end + 5, end + 4 + length)}`;
}

export interface WireCounter {
  port: number;
  /** Commands seen since the last reset, by name (and collection). */
  counts(): Record<string, number>;
  reset(): void;
  /** Replies refusing a write on a unique index since the last reset, by index (`seq` for a lost race on an event's number). */
  duplicateKeys(): Record<string, number>;
  /**
   * Holds back the commands named so (`update command_replies`): they reach the database at
   * `release()`, or never if their process dies meanwhile (a write in flight when it was killed).
   */
  hold(name: string): void;
  /** How many held commands wait for `release()` (those of a connection that closed are dropped). */
  heldCount(): number;
  release(): void;
  close(): void;
}

export async function countingRelay(targetPort: number): Promise<WireCounter> {
  let counts = new Map<string, number>();
  let duplicates = new Map<string, number>();
  let holding: string | null = null;
  const held = new Map<net.Socket, Buffer[]>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    // Whole messages only go on, so that one can be held back.
    client.on('data', (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 16) {
        const length = pending.readInt32LE(0);
        if (pending.length < length) break;
        const message = pending.subarray(0, length);
        const opCode = message.readInt32LE(12);
        // OP_MSG: header, flags, then a kind-0 section holding the command.
        const name = opCode === OP_MSG && message[20] === 0 ? firstElement(message, 21) : opCode === OP_QUERY ? 'legacy query' : `op ${opCode}`;
        counts.set(name, (counts.get(name) ?? 0) + 1);
        if (holding === name) held.set(upstream, [...(held.get(upstream) ?? []), Buffer.from(message)]);
        else upstream.write(message);
        pending = pending.subarray(length);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      // mongod's message: `E11000 duplicate key error collection: db.events index: negotiationId_1_seq_1 dup key: …`.
      for (let at = chunk.indexOf('E11000'); at >= 0; at = chunk.indexOf('E11000', at + 6)) {
        const index = /index: (\S+)/.exec(chunk.toString('latin1', at, at + 300))?.[1] ?? '?';
        duplicates.set(index, (duplicates.get(index) ?? 0) + 1);
      }
      client.write(chunk);
    });
    const end = () => {
      held.delete(upstream);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    counts: () => Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])),
    reset: () => {
      counts = new Map();
      duplicates = new Map();
    },
    duplicateKeys: () => Object.fromEntries(duplicates),
    hold: (name) => (holding = name),
    heldCount: () => [...held.values()].reduce((sum, messages) => sum + messages.length, 0),
    release: () => {
      holding = null;
      for (const [upstream, messages] of held) for (const message of messages) upstream.write(message);
      held.clear();
    },
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
