import type { Redis } from 'ioredis';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as decoding from 'lib0/decoding';
import type { ClusterBus } from '../cluster/bus.ts';
import { KEY_PREFIX } from '../cluster/bus.ts';
import type { Logger } from '../logger.ts';
import type { DocReplica, DocStore } from './doc-store.ts';
import { Origin, type SharedDoc } from './shared-doc.ts';

/** A stream keeps what was added in the last minute: longer than any update waits to be stored. */
export const STREAM_RETENTION_MS = 60_000;
/** An idle stream disappears after this (the next update re-creates it). */
const STREAM_EXPIRY_MS = 2 * STREAM_RETENTION_MS;
/** How long one blocking read waits before it is made again (new documents interrupt it sooner). */
const BLOCK_MS = 1_000;
/** While Redis is down, the open documents are read from the database this often. */
export const REFRESH_WHILE_DOWN_MS = 1_000;
/**
 * Once Redis is back, the database is read again at these delays: an update another process
 * accepted while Redis was down reaches the database in its next batch (100 ms, longer on a
 * busy machine), after the read made at once, and it is in no stream.
 */
export const REFRESH_AFTER_UP_MS = [250, 1_000, 2_500] as const;

const UPDATE = Buffer.from('u');
/** On a document's presence channel: an awareness update, or a request for everyone's states. */
const PRESENCE_UPDATE = 0x61; // 'a'
const PRESENCE_QUERY = 0x71; // 'q'

interface Followed {
  doc: SharedDoc;
  /** The id of the last stream entry applied ('0-0': from the stream's start). */
  position: string;
  expiresSetAt: number;
  offAwareness: () => void;
}

/**
 * Each open document's updates, shared with every process that has it open, over one Redis
 * stream per document: `XADD` for every update this process accepts, one blocking `XREAD` loop
 * over the streams of the documents it has open to apply the others' (neither stored nor
 * published again here: their process stores them). Presence goes over pub/sub (see `follow`).
 *
 * A process opening a document reads the stream's last minute before the database, so an
 * update accepted elsewhere but not yet stored is not missed; the read loop starts from the
 * last entry read. Redis down: updates still reach storage (each process stores its own), and
 * the open documents are read from the database every REFRESH_WHILE_DOWN_MS, and at once and a
 * few times more (REFRESH_AFTER_UP_MS) when Redis is back.
 */
export class DocReplication implements DocReplica {
  private readonly followed = new Map<string, Followed>();
  private readonly reader: Redis;
  private readerId: number | null = null;
  private reading = false;
  /** Bumped when the set of documents changes; the read in flight covers `readGeneration`. */
  private generation = 0;
  private readGeneration = 0;
  private kicking: NodeJS.Timeout | null = null;
  private closed = false;
  private refreshTimer: NodeJS.Timeout | null = null;
  private afterUp: NodeJS.Timeout[] = [];
  private store: DocStore | null = null;
  private readonly offs: (() => void)[] = [];

  private readonly bus: ClusterBus;
  private readonly logger: Logger;

  constructor(bus: ClusterBus, logger: Logger) {
    this.bus = bus;
    this.logger = logger;
    this.reader = bus.duplicate('yjs-reader');
    this.reader.on('ready', () => {
      this.reader
        .client('ID')
        .then((id) => (this.readerId = Number(id)))
        .catch(() => undefined);
    });
  }

  /** Starts the read loop for `store`'s documents. */
  start(store: DocStore): void {
    this.store = store;
    this.offs.push(
      this.bus.onUp(() => {
        this.stopRefreshing();
        void this.refresh();
        for (const ms of REFRESH_AFTER_UP_MS) this.afterUp.push(setTimeout(() => void this.refresh(), ms).unref());
        this.interrupt();
      }),
      this.bus.onDown(() => this.refreshWhileDown()),
    );
    if (!this.bus.isUp) this.refreshWhileDown();
    void this.loop();
  }

  private key(docName: string): string {
    return `${KEY_PREFIX}yjs:${docName}`;
  }

  async recent(docName: string): Promise<{ updates: Uint8Array[]; position: string }> {
    if (!this.bus.isUp) return { updates: [], position: '0-0' };
    try {
      const entries = await this.bus.redis.xrangeBuffer(this.key(docName), '-', '+');
      const updates: Uint8Array[] = [];
      for (const [, fields] of entries) {
        const entry = readEntry(fields);
        if (entry?.type.equals(UPDATE)) updates.push(entry.data);
      }
      return { updates, position: entries.length > 0 ? entries[entries.length - 1][0].toString() : '0-0' };
    } catch (err) {
      this.logger.warn({ err, doc: docName }, 'recent yjs updates unreadable: the database alone is read');
      return { updates: [], position: '0-0' };
    }
  }

  /**
   * Presence is ephemeral: it goes over pub/sub, never into the stream (nothing to replay, and
   * each client renews its state every 15 s). A process that opens a document asks the others
   * for the states of their clients, so its own see everyone at once.
   */
  follow(doc: SharedDoc, position: string): void {
    const channel = `yjs-presence:${doc.name}`;
    const publishStates = (clients: number[]) => {
      if (clients.length === 0) return;
      this.bus.publish(channel, Buffer.concat([Buffer.of(PRESENCE_UPDATE), awarenessProtocol.encodeAwarenessUpdate(doc.awareness, clients)]));
    };
    const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === Origin.REMOTE) return;
      publishStates([...added, ...updated, ...removed]);
    };
    /** The clients connected to this process (the others' are REMOTE and answered by their own process). */
    const ownClients = () => [...doc.awareness.getStates().keys()].filter((id) => !this.remoteClients(doc).has(id));
    const unsubscribe = this.bus.subscribe(channel, (body) => {
      try {
        if (body[0] === PRESENCE_QUERY) publishStates(ownClients());
        else if (body[0] === PRESENCE_UPDATE) {
          const update = body.subarray(1);
          for (const id of readClients(update)) this.remoteClients(doc).add(id);
          awarenessProtocol.applyAwarenessUpdate(doc.awareness, update, Origin.REMOTE);
        }
      } catch (err) {
        this.logger.warn({ err, doc: doc.name }, 'unreadable presence message skipped');
      }
    });
    doc.awareness.on('update', onAwareness);
    this.followed.set(doc.name, {
      doc,
      position: position || '0-0',
      expiresSetAt: 0,
      offAwareness: () => {
        doc.awareness.off('update', onAwareness);
        unsubscribe();
      },
    });
    this.bus.publish(channel, Buffer.of(PRESENCE_QUERY));
    this.interrupt();
  }

  private readonly remote = new WeakMap<SharedDoc, Set<number>>();
  /** The awareness clients of `doc` that came from other processes. */
  private remoteClients(doc: SharedDoc): Set<number> {
    let set = this.remote.get(doc);
    if (!set) this.remote.set(doc, (set = new Set()));
    return set;
  }

  unfollow(doc: SharedDoc): void {
    const followed = this.followed.get(doc.name);
    if (!followed || followed.doc !== doc) return;
    followed.offAwareness();
    this.followed.delete(doc.name);
  }

  publish(doc: SharedDoc, update: Uint8Array): void {
    this.add(doc.name, UPDATE, update);
  }

  private add(docName: string, type: Buffer, data: Uint8Array): void {
    if (!this.bus.isUp) return;
    const key = this.key(docName);
    const minId = `${Date.now() - STREAM_RETENTION_MS}-0`;
    const redis = this.bus.redis;
    redis
      .xadd(key, 'MINID', '~', minId, '*', 'f', this.bus.processId, 't', type, 'd', Buffer.from(data.buffer, data.byteOffset, data.byteLength))
      .catch((err: unknown) => this.logger.debug({ err, doc: docName }, 'yjs update not shared (redis)'));
    const followed = this.followed.get(docName);
    const now = Date.now();
    if (!followed || now - followed.expiresSetAt > STREAM_RETENTION_MS / 2) {
      if (followed) followed.expiresSetAt = now;
      redis.pexpire(key, STREAM_EXPIRY_MS).catch(() => undefined);
    }
  }

  /**
   * Wakes the blocked read: the set of documents changed. The unblock travels on another
   * connection and may arrive before the read blocks, so it is sent again until a read that
   * covers the change has started.
   */
  private interrupt(): void {
    this.generation++;
    this.kick();
  }

  private kick(): void {
    if (this.kicking || this.closed) return;
    if (!this.reading || this.readGeneration >= this.generation) return;
    if (this.readerId !== null && this.bus.isUp) this.bus.redis.client('UNBLOCK', this.readerId).catch(() => undefined);
    this.kicking = setTimeout(() => {
      this.kicking = null;
      this.kick();
    }, 20);
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      if (this.followed.size === 0 || this.reader.status !== 'ready') {
        await sleep(this.followed.size === 0 ? 50 : 200);
        continue;
      }
      const names = [...this.followed.keys()];
      const positions = names.map((name) => this.followed.get(name)!.position);
      let result: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        this.reading = true;
        this.readGeneration = this.generation;
        result = await this.reader.xreadBuffer('COUNT', 1000, 'BLOCK', BLOCK_MS, 'STREAMS', ...names.map((n) => this.key(n)), ...positions);
      } catch (err) {
        if (!this.closed) {
          this.logger.debug({ err }, 'yjs stream read failed');
          await sleep(200);
        }
        continue;
      } finally {
        this.reading = false;
      }
      for (const [key, entries] of result ?? []) this.apply(key.toString().slice(this.key('').length), entries);
    }
  }

  private apply(docName: string, entries: [Buffer, Buffer[]][]): void {
    const followed = this.followed.get(docName);
    if (!followed) return;
    const { doc } = followed;
    const updates: Uint8Array[] = [];
    for (const [id, fields] of entries) {
      followed.position = id.toString();
      const entry = readEntry(fields);
      if (!entry || entry.from === this.bus.processId) continue;
      try {
        if (entry.type.equals(UPDATE)) updates.push(entry.data);
      } catch (err) {
        this.logger.warn({ err, doc: docName }, 'unreadable entry in a yjs stream skipped');
      }
    }
    if (updates.length === 0) return;
    // One transaction per read: the local clients get one message per batch of the others' updates.
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update, Origin.REMOTE);
    }, Origin.REMOTE);
  }

  private refreshWhileDown(): void {
    if (this.refreshTimer || this.closed) return;
    this.refreshTimer = setInterval(() => void this.refresh(), REFRESH_WHILE_DOWN_MS);
    this.refreshTimer.unref();
  }

  private stopRefreshing(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    for (const timer of this.afterUp.splice(0)) clearTimeout(timer);
  }

  private async refresh(): Promise<void> {
    try {
      await this.store?.refreshFromStorage();
    } catch (err) {
      this.logger.warn({ err }, 'open documents not refreshed from the database');
    }
  }

  close(): void {
    this.closed = true;
    if (this.kicking) clearTimeout(this.kicking);
    this.stopRefreshing();
    for (const off of this.offs) off();
    for (const followed of this.followed.values()) followed.offAwareness();
    this.followed.clear();
    this.reader.disconnect();
  }
}

/** The client ids an awareness update carries (its first varuint is their count, then id, clock, state each). */
function readClients(update: Uint8Array): number[] {
  const decoder = decoding.createDecoder(update);
  const ids: number[] = [];
  for (let n = decoding.readVarUint(decoder); n > 0; n--) {
    ids.push(decoding.readVarUint(decoder));
    decoding.readVarUint(decoder);
    decoding.readVarString(decoder);
  }
  return ids;
}

function readEntry(fields: Buffer[]): { from: string; type: Buffer; data: Uint8Array } | null {
  let from: string | null = null;
  let type: Buffer | null = null;
  let data: Buffer | null = null;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i].toString();
    if (name === 'f') from = fields[i + 1].toString();
    else if (name === 't') type = fields[i + 1];
    else if (name === 'd') data = fields[i + 1];
  }
  if (from === null || !type || !data) return null;
  return { from, type, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
