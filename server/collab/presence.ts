import * as awarenessProtocol from 'y-protocols/awareness';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { PresenceStateSchema, type PresenceUser } from '../../shared/presence.ts';
import type { Logger } from '../logger.ts';

/** A connected client, as a document sees it. */
export interface DocPeer {
  send(message: Uint8Array): void;
  /** The user behind the connection (their awareness ids stay theirs a while after they leave). */
  readonly userId: string;
  /** Awareness client ids this peer holds (see PresenceRegistry): removed when it leaves. */
  readonly awarenessIds: Set<number>;
}

/** What presence needs of a live document (SharedDoc): its awareness, its registry, its peers. */
interface PresenceDoc {
  readonly awareness: awarenessProtocol.Awareness;
  readonly presence: PresenceRegistry;
  readonly peers: { has(peer: DocPeer): boolean };
}

/** A presence state (cursor, selection, name) takes a few hundred bytes; anything past this is dropped. */
export const PRESENCE_MAX_BYTES = 8 * 1024;
/** Presence changes relayed per connection: a burst of this many… */
export const PRESENCE_BURST = 20;
/** …then this many a second; the latest state always goes through, late rather than never. */
export const PRESENCE_PER_SECOND = 10;
/** A y-websocket provider speaks for one awareness client id, its own. */
const IDS_PER_CONNECTION = 1;
/**
 * When a connection leaves, its ids stay reserved for its user this long (the awareness
 * timeout), so that a tab reconnecting after a network blip gets its presence back and no
 * one else takes it meanwhile.
 */
const RESERVED_MS = 30_000;

/**
 * Which connection speaks for each awareness client id of one document. The awareness
 * protocol lets any client set the state of any id (the highest clock wins): here the first
 * connection to announce an id holds it until it leaves, and states for an id it does not
 * hold are dropped.
 */
export class PresenceRegistry {
  private readonly owners = new Map<number, DocPeer>();
  private readonly reserved = new Map<number, { userId: string; until: number }>();

  ownerOf(id: number): DocPeer | undefined {
    return this.owners.get(id);
  }

  /** Whether `peer` may take `id`: it holds none yet, nobody holds `id`, and it is not kept for someone else who just left. */
  mayClaim(peer: DocPeer, id: number, now: number): boolean {
    if (peer.awarenessIds.size >= IDS_PER_CONNECTION || this.owners.has(id)) return false;
    const kept = this.reserved.get(id);
    return !kept || kept.until <= now || kept.userId === peer.userId;
  }

  claim(peer: DocPeer, id: number): void {
    this.owners.set(id, peer);
    this.reserved.delete(id);
    peer.awarenessIds.add(id);
  }

  /** A connection left: its ids are kept for its user a while. Returns them (their states are to be removed). */
  release(peer: DocPeer, now: number): number[] {
    for (const [id, kept] of this.reserved) if (kept.until <= now) this.reserved.delete(id);
    const ids = [...peer.awarenessIds];
    for (const id of ids) {
      if (this.owners.get(id) === peer) this.owners.delete(id);
      this.reserved.set(id, { userId: peer.userId, until: now + RESERVED_MS });
    }
    peer.awarenessIds.clear();
    return ids;
  }
}

interface Entry {
  id: number;
  clock: number;
  /** The state as the client sent it (JSON): read only when its turn comes. */
  bytes: Uint8Array;
}

type DropReason = 'oversize' | 'foreign' | 'malformed';

const utf8 = new TextDecoder();
const NULL_STATE = new TextEncoder().encode('null');

/** A removal: the state `null`. */
function isRemoval(bytes: Uint8Array): boolean {
  return bytes.length === NULL_STATE.length && bytes.every((b, i) => b === NULL_STATE[i]);
}

/**
 * What one connection may say about presence: states for its own id only, each at most
 * PRESENCE_MAX_BYTES, at most PRESENCE_BURST at once and PRESENCE_PER_SECOND after that
 * (the latest state waits for its turn, intermediate ones are skipped: a flood costs a map
 * entry, states are read only when relayed), and always under the name and organisation of
 * its session.
 *
 * A stock y-websocket client sends back every presence change it receives (others' states,
 * with the clock they already have): those echoes are dropped quietly; a state for another
 * connection's id with a newer clock is an attempt to speak for someone else, and is logged.
 */
export class PresenceGuard {
  private tokens = PRESENCE_BURST;
  private refilledAt = Date.now();
  /** The latest state of each id waiting for a token (made when a state first waits: most connections announce one). */
  private waiting: Map<number, Entry> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dropped: Record<DropReason, number> | null = null;

  private readonly peer: DocPeer;
  private readonly identity: () => PresenceUser;
  private readonly logger: () => Logger;

  constructor(peer: DocPeer, identity: () => PresenceUser, logger: () => Logger) {
    this.peer = peer;
    this.identity = identity;
    this.logger = logger;
  }

  /** An awareness update from the connection (throws on a message that cannot be decoded). */
  receive(doc: PresenceDoc, update: Uint8Array): void {
    const admitted = this.admit(doc, update);
    if (admitted.length === 0) return;
    this.waiting ??= new Map();
    for (const entry of admitted) this.waiting.set(entry.id, entry);
    this.flush(doc);
  }

  /** The connection left: nothing more is relayed for it. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiting?.clear();
  }

  private admit(doc: PresenceDoc, update: Uint8Array): Entry[] {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    const now = Date.now();
    const admitted: Entry[] = [];
    for (let i = 0; i < count; i++) {
      const id = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const bytes = decoding.readVarUint8Array(decoder);
      // Checked before the state is decoded: a 6 MB state costs a skip, not a parse.
      if (bytes.length > PRESENCE_MAX_BYTES) {
        this.drop('oversize', { id, bytes: bytes.length });
        continue;
      }
      const known = doc.awareness.meta.get(id)?.clock ?? 0;
      const owner = doc.presence.ownerOf(id);
      if (owner && owner !== this.peer) {
        if (clock > known) this.drop('foreign', { id });
        continue; // otherwise an echo of what the server sent
      }
      if (owner) {
        // Nothing newer than what the server has (the protocol's rule: a newer clock, or a removal at the same clock).
        if (clock < known || (clock === known && !isRemoval(bytes))) continue;
      } else {
        // A departure, or a state the server already has, echoed back.
        if (isRemoval(bytes) || clock <= known) continue;
        if (!doc.presence.mayClaim(this.peer, id, now)) {
          this.drop('foreign', { id });
          continue;
        }
        doc.presence.claim(this.peer, id);
      }
      // A copy: the view would keep the whole message (up to 8 MB) alive while it waits.
      admitted.push({ id, clock, bytes: bytes.slice() });
    }
    return admitted;
  }

  /** The state with the session's `user` in place of the client's; undefined when it is no JSON object (nor null). */
  private rewrite(bytes: Uint8Array): string | undefined {
    let value: unknown;
    try {
      value = JSON.parse(utf8.decode(bytes));
    } catch {
      return undefined;
    }
    if (value === null) return 'null';
    const parsed = PresenceStateSchema.safeParse(value);
    if (!parsed.success) return undefined;
    return JSON.stringify({ ...parsed.data, user: this.identity() });
  }

  /** Applies what waits, as far as the tokens go; the rest waits for the next token. */
  private flush(doc: PresenceDoc): void {
    const now = Date.now();
    this.tokens = Math.min(PRESENCE_BURST, this.tokens + ((now - this.refilledAt) * PRESENCE_PER_SECOND) / 1000);
    this.refilledAt = now;
    if (!this.waiting || this.waiting.size === 0) return;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      const states: { id: number; clock: number; json: string }[] = [];
      for (const { id, clock, bytes } of this.waiting.values()) {
        const json = this.rewrite(bytes);
        if (json === undefined) this.drop('malformed', { id });
        else states.push({ id, clock, json });
      }
      this.waiting.clear();
      if (states.length > 0) awarenessProtocol.applyAwarenessUpdate(doc.awareness, encodeStates(states), this.peer);
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (doc.peers.has(this.peer)) this.flush(doc);
      },
      Math.ceil(((1 - this.tokens) * 1000) / PRESENCE_PER_SECOND),
    );
    this.timer.unref();
  }

  private drop(reason: DropReason, details: Record<string, unknown>): void {
    this.dropped ??= { oversize: 0, foreign: 0, malformed: 0 };
    const n = ++this.dropped[reason];
    if (n === 1 || n % 100 === 0) this.logger().warn({ reason, dropped: n, ...details }, 'yjs presence state dropped');
  }
}

function encodeStates(states: readonly { id: number; clock: number; json: string }[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, states.length);
  for (const { id, clock, json } of states) {
    encoding.writeVarUint(encoder, id);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, json);
  }
  return encoding.toUint8Array(encoder);
}
