import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import { PresenceRegistry, type DocPeer } from './presence.ts';

export type { DocPeer } from './presence.ts';

/** The y-websocket message types (first varuint of every message). */
export const MessageType = { SYNC: 0, AWARENESS: 1, AUTH: 2, QUERY_AWARENESS: 3 } as const;

/**
 * Where an update came from, for the persistence and broadcast hooks. LOAD and REMOTE are
 * stored already, or by another process: neither is stored nor published again.
 */
export const Origin = { LOAD: 'load', SEED: 'seed', SERVER: 'server', REMOTE: 'remote' } as const;

/** An update this process must store and tell the other processes about (its clients', its own). */
export function isOwnUpdate(origin: unknown): boolean {
  return origin !== Origin.LOAD && origin !== Origin.REMOTE;
}

/** Whether a transaction inserted or deleted anything (Yjs's own test before it emits `update`). */
function changed(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size > 0) return true;
  for (const [client, clock] of transaction.afterState) if (transaction.beforeState.get(client) !== clock) return true;
  return false;
}

/**
 * One live document: the Y.Doc, its awareness and its peers. Updates and awareness
 * changes are broadcast to every peer but the one that sent them.
 */
export class SharedDoc extends Y.Doc {
  readonly awareness: awarenessProtocol.Awareness;
  readonly peers = new Set<DocPeer>();
  /** Which peer speaks for each awareness client id. */
  readonly presence = new PresenceRegistry();
  /** Records stored since the last compaction (one per tick with changes). */
  storedSinceCompaction = 0;
  /**
   * What this copy knows is stored: the state's version and the ids of the records it loaded or
   * stored since, all of them applied to it; null when it must read storage to know.
   */
  storage: { version: number | null; recordIds: unknown[] } | null = null;
  /**
   * Other processes' updates were applied since storage was last compared with this copy:
   * their process stores them, unless it died first (see DocStore.compact).
   */
  remoteSinceCheck = false;
  /** When the document last changed (epoch ms), for its idle compaction: a field, read and written per update. */
  changedAt = 0;
  /** Server-side users of the document (REST use cases): it stays loaded while held. */
  holds = 0;
  /**
   * A client's update message being applied (see `applyFrom`): its own bytes are relayed to
   * the other peers as they came, instead of the update being encoded again per message.
   */
  private relaying: { from: DocPeer; message: Uint8Array } | null = null;

  readonly name: string;

  constructor(name: string, gc: boolean) {
    // The name is the document's identity; Yjs's default guid (uuidv4) costs one call to the
    // system's random source per character, some thirty per document loaded.
    super({ gc, guid: name });
    this.name = name;
    this.awareness = new awarenessProtocol.Awareness(this);
    // Awareness keeps a timer per document to drop the states nobody renewed; the store runs
    // one sweep for all its documents instead (expireStalePresence): 301 timers for an agreement.
    clearInterval(this.awareness._checkInterval);
    this.awareness.setLocalState(null);
    this.on('update', (update: Uint8Array, origin: unknown) => {
      if (this.peers.size === 0) return;
      if (this.relaying && this.relaying.from === origin) return this.broadcast(this.relaying.message, origin);
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.SYNC);
      syncProtocol.writeUpdate(encoder, update);
      this.broadcast(encoding.toUint8Array(encoder), origin);
    });
    this.awareness.on(
      'update',
      ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        const changed = [...added, ...updated, ...removed];
        if (this.peers.size === 0) return;
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.AWARENESS);
        encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
        this.broadcast(encoding.toUint8Array(encoder), origin);
      },
    );
  }

  /**
   * Applies a peer's update, `message` being the whole y-websocket update message that
   * carried it. If the update changes the document, the listeners of `update` (the broadcast,
   * storage, the other processes) get the update as it came, and the other peers `message`
   * itself, as a relay would pass it on: Yjs does not encode the transaction again (its
   * encoding holds the same changes, less what the document already had; it was a tenth of
   * the server's time under W2). While the document holds items waiting for a missing
   * dependency, this update may integrate them: then Yjs's own encoding is what is stored.
   */
  applyFrom(peer: DocPeer, update: Uint8Array, message: Uint8Array): void {
    this.relaying = { from: peer, message };
    try {
      if (this.waiting) {
        Y.applyUpdate(this, update, peer);
        return;
      }
      const transaction = this.transactUnencoded(() => Y.applyUpdate(this, update, peer), peer);
      // What arrived but waits for a dependency is stored too: the update that brings the
      // dependency will not carry it again.
      if (transaction && (changed(transaction) || this.waiting)) this.emit('update', [update, peer, this, transaction]);
    } finally {
      this.relaying = null;
    }
  }

  /**
   * Applies the other processes' updates (Origin.REMOTE) in one transaction. As `applyFrom`,
   * Yjs does not encode the transaction again for the listeners of `update` (this process's
   * peers): they get each update as it came. With items waiting for a missing dependency
   * before, an update may integrate them: Yjs's own encoding then carries them too.
   */
  applyRemote(updates: readonly Uint8Array[]): void {
    const apply = () => {
      for (const update of updates) Y.applyUpdate(this, update, Origin.REMOTE);
    };
    if (this.waiting) {
      this.transact(apply, Origin.REMOTE);
      return;
    }
    const transaction = this.transactUnencoded(apply, Origin.REMOTE);
    if (transaction && (changed(transaction) || this.waiting)) for (const update of updates) this.emit('update', [update, Origin.REMOTE, this, transaction]);
  }

  /** Items wait for a missing dependency. */
  private get waiting(): boolean {
    return this.store.pendingStructs !== null || this.store.pendingDs !== null;
  }

  /** Runs `apply` in one transaction of `origin` that Yjs does not encode for the listeners of `update` (the caller tells them). */
  private transactUnencoded(apply: () => void, origin: unknown): Y.Transaction | null {
    const listeners = this._observers.get('update');
    let transaction: Y.Transaction | null = null;
    // Without listeners, Yjs skips the encoding; as Y.applyUpdate does, a remote transaction.
    this._observers.delete('update');
    try {
      Y.transact(this, (tr) => {
        transaction = tr;
        apply();
      }, origin, false);
    } finally {
      if (listeners) this._observers.set('update', listeners);
    }
    return transaction;
  }

  private broadcast(message: Uint8Array, origin: unknown): void {
    for (const peer of this.peers) if (peer !== origin) peer.send(message);
  }

  /**
   * Drops the presence states their client has not renewed within the awareness timeout (30 s),
   * as y-protocols' own timer does; the server has no state of its own to renew.
   */
  expireStalePresence(now = Date.now()): void {
    if (this.awareness.states.size === 0) return;
    const stale: number[] = [];
    for (const [id, meta] of this.awareness.meta) {
      if (id !== this.clientID && now - meta.lastUpdated >= awarenessProtocol.outdatedTimeout && this.awareness.states.has(id)) stale.push(id);
    }
    if (stale.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, stale, 'timeout');
  }

  /** Removes a departing peer and the presence it had announced. */
  removePeer(peer: DocPeer): void {
    if (!this.peers.delete(peer)) return;
    const ids = this.presence.release(peer, Date.now());
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, null);
  }

  override destroy(): void {
    this.awareness.destroy();
    super.destroy();
  }
}
