import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jitterReconnection, reconnectDelay } from '../../client/src/lib/yjs-reconnect.ts';
import { CloseCode } from '../../shared/collab/close-codes.ts';
import { presenceUser } from '../../shared/presence.ts';
import { DocStore } from '../../server/collab/doc-store.ts';
import { MemoryPersistence, type StoredDoc } from '../../server/collab/persistence.ts';
import { YjsServer, type Authorize } from '../../server/collab/yjs-server.ts';
import { cookieWebSocket, waitFor } from './yjs-helpers.ts';

// A process caps the documents it loads at once: past the cap a connection is closed with
// TRY_AGAIN_LATER (4503), and the editor's providers come back after a jittered, longer wait.

const authorize: Authorize = async () => ({ ok: true, principal: { userId: 'u1', negotiationId: 'n1', canWrite: true, presence: presenceUser('Rédactrice', 'AXESS') } });

/** Storage whose loads wait until the test lets them go: loads stay "in progress" as long as it likes. */
class GatedPersistence extends MemoryPersistence {
  private open!: () => void;
  readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  release(): void {
    this.open();
  }
  override async load(docName: string): Promise<StoredDoc> {
    await this.gate;
    return super.load(docName);
  }
}

describe('a cap on concurrent document loads', () => {
  let persistence: GatedPersistence;
  let store: DocStore;
  let yjs: YjsServer;
  let http: Server;
  let url: string;
  const providers: { provider: WebsocketProvider; stop: () => void }[] = [];

  beforeEach(async () => {
    persistence = new GatedPersistence();
    const logger = pino({ level: 'silent' });
    store = new DocStore({ persistence, logger, initialState: async () => null, maxConcurrentLoads: 1 });
    yjs = new YjsServer({ store, authorize, logger });
    http = createServer();
    http.on('upgrade', (req, socket, head) => yjs.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/yjs`;
  });

  afterEach(async () => {
    for (const { provider, stop } of providers.splice(0)) {
      stop();
      provider.destroy();
    }
    persistence.release();
    await yjs.close();
    await store.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  /** An editor's provider (jittered reconnection) that notes when each of its sockets is opened and how each was closed. */
  function editor(docName: string, random: () => number = Math.random) {
    const opened: number[] = [];
    const closes: number[] = [];
    const Base = cookieWebSocket('sid=writer');
    const Counting = class extends Base {
      constructor(address: string | URL, protocols?: string | string[]) {
        super(address, protocols);
        opened.push(performance.now());
      }
    };
    const provider = new WebsocketProvider(url, docName, new Y.Doc(), { WebSocketPolyfill: Counting as never, disableBc: true });
    provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
    const stop = jitterReconnection(provider, random);
    providers.push({ provider, stop });
    return { provider, opened, closes };
  }

  it('past the cap a connection is closed with 4503, and the crowd comes back spread out, after the busy wait, then syncs', async () => {
    const first = editor('article:held');
    await waitFor(() => first.opened.length === 1 && first.provider.wsconnected, 5_000, 'the first load under way');
    const crowd = Array.from({ length: 20 }, (_, i) => editor(`article:crowd${i}`));
    await waitFor(() => crowd.every((c) => c.closes.includes(CloseCode.TRY_AGAIN_LATER)), 10_000, 'every other load refused with 4503');
    persistence.release();
    await waitFor(() => [first, ...crowd].every((c) => c.provider.synced), 20_000, 'every editor synced once the process has room');
    // Each came back no sooner than half the busy wait (1 s), and not all at the same instant.
    const retries = crowd.map((c) => c.opened[1] - c.opened[0]);
    for (const wait of retries) expect(wait).toBeGreaterThanOrEqual(480);
    expect(Math.max(...retries) - Math.min(...retries)).toBeGreaterThan(300);
  }, 40_000);

  it('the wait doubles, is drawn between half and one and a half of it, and is longer for a busy process', () => {
    expect(reconnectDelay(1, 1006, () => 0)).toBe(50);
    expect(reconnectDelay(1, 1006, () => 0.999)).toBe(150);
    expect(reconnectDelay(3, 1006, () => 0.5)).toBe(400);
    expect(reconnectDelay(20, 1006, () => 0.5)).toBe(2_500);
    expect(reconnectDelay(1, CloseCode.TRY_AGAIN_LATER, () => 0)).toBe(500);
    expect(reconnectDelay(2, CloseCode.TRY_AGAIN_LATER, () => 0.5)).toBe(2_000);
    expect(reconnectDelay(20, CloseCode.TRY_AGAIN_LATER, () => 0.999)).toBe(14_990);
    expect(reconnectDelay(1, null, () => 0.5)).toBe(100);
  });
});
