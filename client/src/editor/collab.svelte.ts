import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { presenceUser, type PresenceUser } from '../../../shared/presence.ts';
import { readStructure, type StructureEntry } from '../../../shared/structure.ts';
import { isFinalClose } from '../../../shared/collab/close-codes.ts';
import { accessEnd } from '../lib/access-end.svelte.ts';
import { AdoptingWebSocket, yjsUrl } from '../lib/early-sync.ts';
import { jitterReconnection } from '../lib/yjs-reconnect.ts';

export type ConnectionState = 'connecting' | 'connected' | 'offline';

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
  /** Everyone else on this document, with their presence. */
  peers = $state<CollaboratorIdentity[]>([]);

  readonly name: string;
  private readonly stopReconnecting: () => void;

  constructor(
    name: string,
    identity: CollaboratorIdentity,
  ) {
    this.name = name;
    this.doc = new Y.Doc({ gc: !name.startsWith('article:') });
    this.provider = new WebsocketProvider(yjsUrl(), name, this.doc, {
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
    this.provider.on('sync', (synced: boolean) => (this.synced = synced));
    const refresh = () => {
      const me = this.provider.awareness.clientID;
      this.peers = [...this.provider.awareness.getStates().entries()]
        .filter(([id, s]) => id !== me && s.user)
        .map(([, s]) => s.user as CollaboratorIdentity);
    };
    this.provider.awareness.on('change', refresh);
  }

  destroy(): void {
    this.stopReconnecting();
    this.provider.awareness.setLocalState(null);
    this.provider.destroy();
    this.doc.destroy();
  }
}

/** The agreement's outline, live from its structure document. */
export class AgreementOutline {
  readonly live: CollabDoc;
  entries = $state<StructureEntry[]>([]);

  constructor(negotiationId: string, identity: CollaboratorIdentity) {
    this.live = new CollabDoc(`agreement:${negotiationId}`, identity);
    const refresh = () => (this.entries = readStructure(this.live.doc));
    this.live.doc.on('update', refresh);
    refresh();
  }

  destroy(): void {
    this.live.destroy();
  }
}
