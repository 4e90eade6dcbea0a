import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';

/** A `ws` WebSocket class that sends a Cookie header, for y-websocket in Node. */
export function cookieWebSocket(cookie: string | undefined): typeof WebSocket {
  return class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, cookie ? { headers: { cookie } } : {});
    }
  } as unknown as typeof WebSocket;
}

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  text(): string;
  destroy(): void;
}

/** A stock y-websocket provider on `ws://…/yjs`, with the session cookie. */
export function connectClient(baseUrl: string, docName: string, cookie?: string, doc = new Y.Doc()): TestClient {
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/yjs`, docName, doc, {
    WebSocketPolyfill: cookieWebSocket(cookie) as never,
    // Providers in one process would otherwise sync through BroadcastChannel, behind the server's back.
    disableBc: true,
    maxBackoffTime: 200,
  });
  return {
    doc,
    provider,
    text: () => fragmentText(doc),
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** The text of the editor's fragment, paragraphs joined by newlines. */
export function fragmentText(doc: Y.Doc): string {
  return doc
    .getXmlFragment('default')
    .toArray()
    .map((node) => (node instanceof Y.XmlElement ? node.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : '')).join('') : ''))
    .join('\n');
}

/** Appends a paragraph (what the editor does when someone types a new line). */
export function appendParagraph(doc: Y.Doc, text: string): void {
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [paragraph]);
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function synced(client: TestClient, timeoutMs = 10_000): Promise<void> {
  return waitFor(() => client.provider.synced, timeoutMs, 'sync');
}

/** The HTTP status a WebSocket upgrade is answered with (101 when accepted). */
export function upgradeStatus(url: string, cookie?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, cookie ? { headers: { cookie } } : {});
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(0));
  });
}
