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
/** While Redis is down, the open documents are read from the database this often. */
export const REFRESH_WHILE_DOWN_MS = 1_000;
/**
 * Once Redis is back, the database is read again at these delays: an update another process
 * accepted while Redis was down reaches the database in its next batch (100 ms, longer on a
 * busy machine), after the read made at once, and it is in no stream.
 */
export const REFRESH_AFTER_UP_MS = [250, 1_000, 2_500] as const;
/**
 * Back from an outage, the streams are read again from this long before it began (by this
 * process's clock; the stream's ids are Redis's): what was published just before the link
 * broke may not have arrived.
 */
const CATCH_UP_MARGIN_MS = 5_000;

const UPDATE = Buffer.from('u');
/**
 * A process following a document is registered in the document's followers (a sorted set, its
 * id scored by when the registration lapses) for this long, renewed every third of it while it
 * has the document open: a killed process stops being sent its documents' updates within this.
 */
export const FOLLOWING_TTL_MS = 60_000;
/** An update on its way to a follower: its length (4 bytes), its document's name's (2), the name, the update. */
const ENTRY_HEADER_BYTES = 6;

/**
 * A turn's updates shared in one command: each added to its document's stream (the stream's
 * expiry pushed back when asked), and sent to every other process following its document, in
 * one message per process for the whole turn, on that process's inbox channel. The update
 * travels once to Redis, and to each follower once; never back to its sender.
 * KEYS: each update's stream and its document's followers. ARGV: this process's id, the
 * stream's MINID, its expiry (ms), now (ms: followers registered until before then have
 * lapsed), the inbox channels' prefix, the message header (format and process id); then for
 * each update its entry (ENTRY_HEADER_BYTES, the document's name, the update) and '1' when its
 * stream's expiry is pushed back. A document's followers are read once per command, however
 * many of its updates it carries (the script runs alone: they cannot change meanwhile).
 */
const SHARE = `
local batches, order, followers = {}, {}, {}
for k = 1, #KEYS / 2 do
  local entry = ARGV[5 + 2 * k]
  local update = string.sub(entry, 7 + string.byte(entry, 5) * 256 + string.byte(entry, 6))
  redis.call('XADD', KEYS[2 * k - 1], 'MINID', '~', ARGV[2], '*', 'f', ARGV[1], 't', 'u', 'd', update) -- 'u': UPDATE
  if ARGV[6 + 2 * k] == '1' then redis.call('PEXPIRE', KEYS[2 * k - 1], ARGV[3]) end
  local set = KEYS[2 * k]
  followers[set] = followers[set] or redis.call('ZRANGEBYSCORE', set, ARGV[4], '+inf')
  for _, id in ipairs(followers[set]) do
    if id ~= ARGV[1] then
      if not batches[id] then
        batches[id] = { ARGV[6] }
        order[#order + 1] = id
      end
      table.insert(batches[id], entry)
    end
  end
end
for _, id in ipairs(order) do redis.call('PUBLISH', ARGV[5] .. id, table.concat(batches[id])) end
return #order`;
const SHARE_COMMAND = 'negociationShareYjsUpdates';
type ShareCommand = (keyCount: number, ...args: (string | number | Buffer)[]) => Promise<number>;
/** On a document's presence channel: an awareness update, or a request for everyone's states. */
const PRESENCE_UPDATE = 0x61; // 'a'
const PRESENCE_QUERY = 0x71; // 'q'

interface Followed {
  doc: SharedDoc;
  /** The id of the last stream entry read ('0-0': from the stream's start). */
  position: string;
  /** The others' updates received since the last transaction (applied together, see `receive`). */
  inbox: Uint8Array[];
  off: () => void;
}

/**
 * Each open document's updates, shared with every process that has it open: live over Redis
 * pub/sub, and kept a minute in one Redis stream per document for a process that opens the
 * document or comes back from an outage. The updates a process accepts in one turn of its
 * event loop go in one command (SHARE): each added to its stream, and sent to the processes
 * registered as following its document, one message per process for the turn, on that
 * process's inbox channel (`yjs-inbox:<process id>`). The others apply them without storing or
 * publishing them again (their process stores them).
 *
 * Why an inbox per process and not a channel per document: Redis sends a message to every
 * subscriber of its channel, its sender included, so with one channel per document every
 * update came back to the process that sent it (read, parsed and dropped on the sender's id),
 * and each update was a message of its own to every other process. A process that alone has a
 * document open now publishes nothing for it.
 *
 * Why not a blocking `XREAD` over the open documents' streams: each call names every stream
 * (100 open documents: 100 keys and positions per call, registered and dropped again by Redis
 * at every wake-up), and at 2,000 updates/s the loop woke up for almost every update. Pub/sub
 * delivers each update to the processes that listen to its document, at no cost per open
 * document.
 *
 * No gap between the two: a process opening a document reads the stream's last minute before
 * the database (doc-store), then registers as a follower, and once registered reads the stream
 * again from where it stopped. An update shared before the registration was added to the
 * stream, so that second read has it. Duplicates are harmless (Yjs ignores
 * what it has). Redis down: updates still reach storage (each process stores its own), and
 * the open documents are read from the database every REFRESH_WHILE_DOWN_MS; when Redis is
 * back, the streams from before the outage and the database are read again.
 */
export class DocReplication implements DocReplica {
  private readonly followed = new Map<string, Followed>();
  /** Renews this process's registration as a follower of its open documents. */
  private renewal: NodeJS.Timeout | null = null;
  /**
   * Updates accepted and not yet shared: those of this turn of the event loop, sent in one
   * command at its end, or, while a SHARE is on its way, every one accepted meanwhile, sent
   * together once it is answered.
   */
  private outbox: { docName: string; data: Buffer }[] = [];
  private sending: NodeJS.Immediate | null = null;
  /** A SHARE is on its way to Redis (see `send`). */
  private inFlight = false;
  /** When each stream's expiry was last pushed back by this process. */
  private readonly expirySetAt = new Map<string, number>();
  private downAt: number | null = null;
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
  }

  /** Starts following `store`'s documents through Redis outages. */
  start(store: DocStore): void {
    this.store = store;
    this.offs.push(this.bus.subscribe(this.inboxChannel, (body) => this.receiveInbox(body)));
    this.renewal = setInterval(() => {
      if (this.bus.isUp) this.register([...this.followed.keys()]).catch((err: unknown) => this.logger.debug({ err }, 'yjs followers not renewed (redis)'));
    }, FOLLOWING_TTL_MS / 3);
    this.renewal.unref();
    this.offs.push(
      this.bus.onUp(() => {
        this.stopRefreshing();
        const since = this.downAt === null ? null : this.downAt - CATCH_UP_MARGIN_MS;
        this.downAt = null;
        const catchUp = () => {
          void this.refresh();
          if (since === null) return;
          for (const followed of this.followed.values()) {
            this.catchUp(followed, since).catch((err: unknown) => this.logger.debug({ err, doc: followed.doc.name }, 'yjs stream not read after the outage'));
          }
        };
        catchUp();
        for (const ms of REFRESH_AFTER_UP_MS) this.afterUp.push(setTimeout(catchUp, ms).unref());
      }),
      this.bus.onDown(() => {
        this.downAt ??= Date.now();
        this.refreshWhileDown();
      }),
    );
    if (!this.bus.isUp) {
      this.downAt = Date.now();
      this.refreshWhileDown();
    }
  }

  private key(docName: string): string {
    return `${KEY_PREFIX}yjs:${docName}`;
  }

  /** The sorted set of the processes following a document (see FOLLOWING_TTL_MS). */
  private followersKey(docName: string): string {
    return `${KEY_PREFIX}yjs-followers:${docName}`;
  }

  /** Where the others send this process the updates of the documents it follows. */
  private get inboxChannel(): string {
    return `yjs-inbox:${this.bus.processId}`;
  }

  /**
   * Registers this process as following `docNames` (or renews it) until FOLLOWING_TTL_MS from
   * now, and forgets the followers that lapsed.
   */
  private async register(docNames: string[]): Promise<void> {
    if (docNames.length === 0) return;
    const now = Date.now();
    const pipeline = this.bus.redis.pipeline();
    for (const name of docNames) {
      const key = this.followersKey(name);
      pipeline.zadd(key, now + FOLLOWING_TTL_MS, this.bus.processId).zremrangebyscore(key, '-inf', now).pexpire(key, 2 * FOLLOWING_TTL_MS);
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
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
   * From now on the others' updates for `doc` reach it live, and those added to its stream
   * after `position` (before this process was registered as its follower) are read once it is.
   *
   * Presence is ephemeral: it goes over pub/sub, never into the stream (nothing to replay, and
   * each client renews its state every 15 s). A process that opens a document asks the others
   * for the states of their clients, so its own see everyone at once.
   */
  follow(doc: SharedDoc, position: string): void {
    const followed: Followed = { doc, position: position || '0-0', inbox: [], off: this.followPresence(doc) };
    this.followed.set(doc.name, followed);
    this.catchUp(followed).catch((err: unknown) => this.logger.debug({ err, doc: doc.name }, 'yjs document not followed yet (redis): caught up when it is back'));
  }

  /**
   * A message of another process: the updates of one turn of its, for the documents this
   * process follows (each entry: ENTRY_HEADER_BYTES, the document's name, the update). The
   * updates of one read from the socket are applied together once it is parsed (a microtask),
   * one transaction per document: the local clients get one message per batch.
   */
  private receiveInbox(body: Buffer): void {
    for (let at = 0; at + ENTRY_HEADER_BYTES <= body.length; ) {
      const length = body.readUInt32BE(at);
      const nameEnd = at + ENTRY_HEADER_BYTES + body.readUInt16BE(at + 4);
      const followed = this.followed.get(body.toString('utf8', at + ENTRY_HEADER_BYTES, nameEnd));
      at = nameEnd + length;
      if (!followed) continue;
      followed.inbox.push(new Uint8Array(body.buffer, body.byteOffset + nameEnd, length));
      if (followed.inbox.length === 1) queueMicrotask(() => this.applyInbox(followed));
    }
  }

  private applyInbox(followed: Followed): void {
    const updates = followed.inbox.splice(0);
    if (updates.length === 0 || this.followed.get(followed.doc.name) !== followed) return;
    try {
      followed.doc.applyRemote(updates);
    } catch (err) {
      this.logger.warn({ err, doc: followed.doc.name }, 'unreadable yjs update from another process skipped');
    }
  }

  /**
   * Registers this process as a follower of the document (its inbox subscribed first), then
   * reads what the others added to the document's stream after its position (or since
   * `sinceMs`) and applies it. No gap: SHARE adds an update to the stream before it looks for
   * the followers, in one script, so an update that found this process unregistered is in the
   * stream when it is read here.
   */
  private async catchUp(followed: Followed, sinceMs?: number): Promise<void> {
    const name = followed.doc.name;
    await this.bus.subscribed(this.inboxChannel);
    await this.register([name]);
    const from = sinceMs === undefined ? followed.position : laterId(followed.position, `${Math.max(0, sinceMs)}-0`);
    let entries: [Buffer, Buffer[]][];
    try {
      entries = await this.bus.redis.xrangeBuffer(this.key(name), `(${from}`, '+');
    } catch (err) {
      this.logger.debug({ err, doc: name }, 'yjs stream not read (redis): read again when it is back');
      return;
    }
    if (entries.length === 0 || this.followed.get(name) !== followed) return;
    followed.position = laterId(followed.position, entries[entries.length - 1][0].toString());
    for (const [, fields] of entries) {
      const entry = readEntry(fields);
      if (entry && entry.from !== this.bus.processId && entry.type.equals(UPDATE)) followed.inbox.push(entry.data);
    }
    this.applyInbox(followed);
  }

  private followPresence(doc: SharedDoc): () => void {
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
    this.bus.publish(channel, Buffer.of(PRESENCE_QUERY));
    return () => {
      doc.awareness.off('update', onAwareness);
      unsubscribe();
    };
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
    followed.off();
    this.followed.delete(doc.name);
    this.expirySetAt.delete(doc.name);
    if (this.bus.isUp) this.bus.redis.zrem(this.followersKey(doc.name), this.bus.processId).catch((err: unknown) => this.logger.debug({ err, doc: doc.name }, 'yjs follower not removed (redis): it lapses'));
  }

  publish(doc: SharedDoc, update: Uint8Array): void {
    if (!this.bus.isUp) return;
    this.outbox.push({ docName: doc.name, data: Buffer.from(update.buffer, update.byteOffset, update.byteLength) });
    if (!this.inFlight) this.sending ??= setImmediate(() => this.send());
  }

  private shareCommand: ShareCommand | null = null;
  /** The SHARE script, defined once on the bus's connection (sent by its SHA, its text only when Redis lacks it). */
  private get share(): ShareCommand {
    if (this.shareCommand) return this.shareCommand;
    this.bus.redis.defineCommand(SHARE_COMMAND, { lua: SHARE });
    const redis = this.bus.redis as unknown as Record<string, ShareCommand>;
    return (this.shareCommand = redis[SHARE_COMMAND].bind(this.bus.redis));
  }

  /**
   * One command for the updates waiting: each added to its stream, then sent to its followers
   * (in this order: see `catchUp`). One SHARE at a time is on its way: the updates accepted
   * meanwhile wait for its answer and go in the next, together. Under load a process accepts
   * updates in many turns of its event loop while one is answered, and one command per turn
   * (each a socket write here and a script run in Redis, 0.58 per update in Y2 with three
   * processes) became the first cost of sharing; an update waits one round trip to Redis at
   * most, in the order it came.
   */
  private send(): void {
    this.sending = null;
    const outbox = this.outbox;
    this.outbox = [];
    if (outbox.length === 0 || !this.bus.isUp) return;
    this.inFlight = true;
    const now = Date.now();
    const keys: string[] = [];
    const perUpdate: (string | Buffer)[] = [];
    for (const { docName, data } of outbox) {
      keys.push(this.key(docName), this.followersKey(docName));
      const pushBack = now - (this.expirySetAt.get(docName) ?? 0) > STREAM_RETENTION_MS / 2;
      if (pushBack) this.expirySetAt.set(docName, now);
      perUpdate.push(entry(docName, data), pushBack ? '1' : '0');
    }
    const inboxes = this.bus.channelKey('yjs-inbox:');
    this.share(keys.length, ...keys, this.bus.processId, `${now - STREAM_RETENTION_MS}-0`, STREAM_EXPIRY_MS, now, inboxes, this.bus.header, ...perUpdate)
      .catch((err: unknown) => this.logger.debug({ err }, 'yjs updates not shared (redis)'))
      .finally(() => {
        this.inFlight = false;
        if (this.outbox.length > 0 && !this.closed) this.sending ??= setImmediate(() => this.send());
      });
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
    if (this.renewal) clearInterval(this.renewal);
    if (this.sending) clearImmediate(this.sending);
    this.send();
    this.stopRefreshing();
    for (const off of this.offs) off();
    for (const followed of this.followed.values()) followed.off();
    this.followed.clear();
  }
}

/** An update on its way to the followers of its document (see ENTRY_HEADER_BYTES). */
function entry(docName: string, update: Buffer): Buffer {
  const nameLength = Buffer.byteLength(docName);
  const bytes = Buffer.allocUnsafe(ENTRY_HEADER_BYTES + nameLength + update.length);
  bytes.writeUInt32BE(update.length, 0);
  bytes.writeUInt16BE(nameLength, 4);
  bytes.write(docName, ENTRY_HEADER_BYTES);
  update.copy(bytes, ENTRY_HEADER_BYTES + nameLength);
  return bytes;
}

/** The later of two stream ids (`ms-seq`). */
function laterId(a: string, b: string): string {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am > bm || (am === bm && as >= bs) ? a : b;
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
