// The load balancer of `npm run cluster`: one port, round robin over the workspace processes,
// HTTP and WebSocket upgrades alike, no sticky sessions (the clients use WebSocket only). A
// process that refuses connections is skipped for a moment; a WebSocket whose process dies is
// closed, and its client reconnects through here to another one.
import http from 'node:http';
import type net from 'node:net';
import { createProxyServer } from 'http-proxy-3';

export interface RunningProxy {
  url: string;
  port: number;
  close(): void;
}

/** A process that refused a connection is left out this long. */
const DOWN_MS = 1_000;

export async function startProxy({ port, targets }: { port: number; targets: number[] }): Promise<RunningProxy> {
  const proxy = createProxyServer({ ws: true, xfwd: true, proxyTimeout: 120_000 });
  const downUntil = new Map<number, number>();
  let next = 0;
  const pick = (): number => {
    const now = Date.now();
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(next + i) % targets.length];
      if ((downUntil.get(target) ?? 0) <= now) {
        next = (next + i + 1) % targets.length;
        return target;
      }
    }
    next = (next + 1) % targets.length;
    return targets[next];
  };
  const refused = (target: number, err: Error) => {
    if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED' || (err as NodeJS.ErrnoException).code === 'ECONNRESET') downUntil.set(target, Date.now() + DOWN_MS);
  };

  const server = http.createServer((req, res) => {
    const target = pick();
    proxy.web(req, res, { target: `http://127.0.0.1:${target}` }, (err) => {
      refused(target, err as Error);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'Aucun serveur disponible.' } }));
    });
  });
  server.on('upgrade', (req, socket: net.Socket, head) => {
    socket.on('error', () => socket.destroy());
    const target = pick();
    proxy.ws(req, socket, head, { target: `ws://127.0.0.1:${target}` }, (err) => {
      refused(target, err as Error);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close() {
      server.closeAllConnections();
      server.close();
      proxy.close();
    },
  };
}
