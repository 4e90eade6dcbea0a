import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { offlineStoreName } from './offline-copies.ts';
import { presenceUser, type PresenceUser } from '../../../shared/presence.ts';
import { readStructure, type StructureEntry } from '../../../shared/structure.ts';
import { isFinalClose } from '../../../shared/collab/close-codes.ts';
import { accessEnd } from '../lib/access-end.svelte.ts';
import { AdoptingWebSocket, yjsUrl } from '../lib/early-sync.ts';
import { jitterReconnection } from '../lib/yjs-reconnect.ts';

export type ConnectionState = 'connecting' | 'connected' | 'offline';

/** Local changes not yet handed to the server, per live document: the page's indicator adds them up. */
class PendingChanges {
  byDoc = $state<Record<string, number>>({});
  total = $derived(Object.values(this.byDoc).reduce((sum, n) => sum + n, 0));
  set(docName: string, count: number): void {
    if ((this.byDoc[docName] ?? 0) !== count) this.byDoc[docName] = count;
  }
  forget(docName: string): void {
    if (docName in this.byDoc) delete this.byDoc[docName];
  }
}
export const pendingChanges = new PendingChanges();


/** Who a collaborator is, as their cursor and the presence list show them (the server sets it from their session). */
export type CollaboratorIdentity = PresenceUser;
export { presenceUser };

/**
 * One live document on the server's /yjs endpoint: a stock y-websocket provider (the session
 * cookie goes with the upgrade). Edits made while offline stay in the Y.Doc and are sent on
 * reconnection; the connection state and the presence list are runes for the components.
 */
export class CollabDoc {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  state = $state<ConnectionState>('connecting');
  synced = $state(false);
  /** The text has arrived once: from the server, or from this browser's copy of it. It stays so when the connection drops. */
  arrived = $state(false);
  /** Everyone else on this document, with their presence. */
  peers = $state<CollaboratorIdentity[]>([]);
  /** Local changes made since the server last had everything (kept across a reload when stored offline). */
  pending = $state(0);

  readonly name: string;
  private readonly stopReconnecting: () => void;
  private readonly offline: IndexeddbPersistence | null = null;
  private readonly stopWatchingNetwork: () => void;
  /** Made with `connect: false` and not connected yet. */
  private waiting: boolean;

  /**
   * `keepOffline`: the person's id when they may write this document: the document and their
   * unsent edits are kept in the browser (y-indexeddb), so a reload, a closed laptop or a lost
   * network loses nothing; the edits go to the server at the next connection. `connect: false`:
   * the document connects when `connect()` is called, not at once.
   */
  constructor(
    name: string,
    identity: CollaboratorIdentity,
    keepOffline: string | null = null,
    { connect = true }: { connect?: boolean } = {},
  ) {
    this.name = name;
    this.waiting = !connect;
    this.doc = new Y.Doc({ gc: !name.startsWith('article:') });
    if (keepOffline) this.offline = new IndexeddbPersistence(offlineStoreName(keepOffline, name), this.doc);
    this.provider = new WebsocketProvider(yjsUrl(), name, this.doc, {
      connect,
      // The server is the authority on who may write: tabs never sync behind its back.
      disableBc: true,
      maxBackoffTime: 2500,
      // The socket the app opened for this document as soon as the URL named it, if any (lib/early-sync.ts).
      WebSocketPolyfill: AdoptingWebSocket,
      // Only an ended session (4401) or mandate (4403) stops the editor: a peer timeout or a
      // busy process (4408, 4503) is worth another try.
      shouldReconnect: (event) => !isFinalClose(event.code),
    });
    // Reconnections after a random wait, longer when the process is busy (4503): a restart's
    // crowd of editors does not come back all at once.
    this.stopReconnecting = jitterReconnection(this.provider);
    // Access ended: the person is told and the page leaves, instead of « hors ligne » for ever.
    this.provider.on('closed', ({ code }) => {
      this.state = 'offline';
      accessEnd.yjsClosed(code);
    });
    this.provider.awareness.setLocalStateField('user', identity);
    this.provider.on('status', ({ status }: { status: string }) => {
      this.state = status === 'connected' ? 'connected' : status === 'connecting' && this.state !== 'offline' ? 'connecting' : 'offline';
    });
    this.provider.on('sync', (synced: boolean) => {
      this.synced = synced;
      if (synced) this.arrived = true;
    });
    const refresh = () => {
      const me = this.provider.awareness.clientID;
      this.peers = [...this.provider.awareness.getStates().entries()]
        .filter(([id, s]) => id !== me && s.user)
        .map(([, s]) => s.user as CollaboratorIdentity);
    };
    this.provider.awareness.on('change', refresh);

    // Changes made while the server cannot hear them are counted until the next sync, in which
    // the provider answers the server's step 1 with all of them (before the server's step 2 ends it).
    const upToDate = () => this.state === 'connected' && this.synced;
    const setPending = (count: number) => {
      this.pending = count;
      pendingChanges.set(name, count);
      void this.offline?.set('pending', count).catch(() => {});
    };
    this.doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin === this.provider || origin === this.offline || upToDate()) return;
      setPending(this.pending + 1);
    });
    this.provider.on('sync', (synced: boolean) => {
      if (synced && this.pending > 0) setPending(0);
    });
    void this.offline?.whenSynced.then(async (store) => {
      // A copy kept in this browser is the text until the server's arrives (an empty store is not).
      if (Y.encodeStateVector(this.doc).length > 1) this.arrived = true;
      const stored = Number(await store.get('pending').catch(() => 0)) || 0;
      if (!upToDate() && stored > this.pending) setPending(stored);
    });

    // The browser knows at once when the network is gone (a closed laptop, a lost Wi-Fi): the
    // provider is told, rather than waiting its 30 s for a silent socket to time out.
    let wentOffline = false;
    const onOffline = () => {
      wentOffline = true;
      this.provider.disconnect();
      this.state = 'offline';
    };
    const onOnline = () => {
      if (!wentOffline || this.waiting) return;
      wentOffline = false;
      this.provider.connect();
    };
    globalThis.addEventListener?.('offline', onOffline);
    globalThis.addEventListener?.('online', onOnline);
    this.stopWatchingNetwork = () => {
      globalThis.removeEventListener?.('offline', onOffline);
      globalThis.removeEventListener?.('online', onOnline);
    };
  }

  /** Connects a document made with `connect: false` (once: the provider reconnects by itself after). */
  connect(): void {
    if (!this.waiting) return;
    this.waiting = false;
    this.provider.connect();
  }

  destroy(): void {
    this.stopReconnecting();
    this.stopWatchingNetwork();
    pendingChanges.forget(this.name);
    this.provider.awareness.setLocalState(null);
    this.provider.destroy();
    // The offline store stays (it is what a reload finds); only its connection closes with the document.
    this.doc.destroy();
  }
}

/** The agreement's outline, live from its structure document (`connect: false`: when `live.connect()` is called). */
export class AgreementOutline {
  readonly live: CollabDoc;
  entries = $state<StructureEntry[]>([]);

  constructor(negotiationId: string, identity: CollaboratorIdentity, options: { connect?: boolean } = {}) {
    this.live = new CollabDoc(`agreement:${negotiationId}`, identity, null, options);
    const refresh = () => (this.entries = readStructure(this.live.doc));
    this.live.doc.on('update', refresh);
    refresh();
  }

  destroy(): void {
    this.live.destroy();
  }
}
