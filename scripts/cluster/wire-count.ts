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
  close(): void;
}

export async function countingRelay(targetPort: number): Promise<WireCounter> {
  let counts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 16) {
        const length = pending.readInt32LE(0);
        if (pending.length < length) break;
        const opCode = pending.readInt32LE(12);
        // OP_MSG: header, flags, then a kind-0 section holding the command.
        const name = opCode === OP_MSG && pending[20] === 0 ? firstElement(pending, 21) : opCode === OP_QUERY ? 'legacy query' : `op ${opCode}`;
        counts.set(name, (counts.get(name) ?? 0) + 1);
        pending = pending.subarray(length);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
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
    reset: () => (counts = new Map()),
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
