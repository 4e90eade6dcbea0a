import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

/** Every key and channel of the workspace in Redis starts with this (a Redis may serve others too). */
export const KEY_PREFIX = 'negociation:';

/**
 * The format of what the processes say to each other on the channels, the first byte of every
 * message: raise it whenever a message of any channel changes shape. A process ignores a
 * message of another format (and says so once per format in its log) rather than misread it:
 * processes of two releases of different formats share no live changes, but each catches up
 * from the database (README, Deployment: a rolling upgrade). 2: Yjs updates go to the inbox of
 * each process following their document, no longer to a channel per document.
 */
export const MESSAGE_FORMAT = 2;
/** After the format, the sending process's id (16 bytes): a process skips its own messages. */
const ID_BYTES = 16;
const HEADER_BYTES = 1 + ID_BYTES;

type Handler = (body: Buffer) => void;

/**
 * The processes' link through Redis: pub/sub for short-lived signals (events recorded, access
 * ended, presence) and a client for streams and keys. Redis carries liveness only: nothing is
 * stored there that the database does not hold, so losing it costs no data, and every user of
 * the bus has a way to catch up from the database (`onUp`, fired on each reconnection, and
 * `isUp` to poll while it is down).
 *
 * ioredis resubscribes the subscriber's channels after a reconnection by itself; commands
 * issued while Redis is down fail at once (no offline queue) rather than pile up.
 */
export class ClusterBus {
  /** This process, as the others see it. */
  readonly processId = randomUUID();
  private readonly idBytes = Buffer.from(this.processId.replaceAll('-', ''), 'hex');
  /** Commands, publications and streams. */
  readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<Handler>>();
  /** Each channel's SUBSCRIBE, answered once Redis delivers what is published on it. */
  private readonly subscriptions = new Map<string, Promise<unknown>>();
  private readonly upListeners = new Set<() => void>();
  private readonly downListeners = new Set<() => void>();
  /** The other formats heard of (each logged once). */
  private readonly otherFormats = new Set<number>();
  private everUp = false;
  private up = false;
  private closed = false;
  private readonly logger: Logger;
  readonly url: string;

  constructor(url: string, logger: Logger) {
    this.url = url;
    this.logger = logger;
    const options = {
      // A command while Redis is down fails at once: callers fall back to the database.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // Reconnect quickly, then every second: liveness comes back within a second or so of Redis.
      retryStrategy: (times: number) => Math.min(50 * times, 1_000),
      lazyConnect: true,
    };
    this.redis = new Redis(url, { ...options, connectionName: `negociation:${this.processId}` });
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true, autoResubscribe: true, connectionName: `negociation-sub:${this.processId}` });
    for (const client of [this.redis, this.subscriber]) {
      client.on('error', (err: Error) => this.logger.debug({ err: err.message }, 'redis connection error'));
      client.on('ready', () => this.readyChanged());
      client.on('close', () => this.readyChanged());
    }
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message));
  }

  /** Connects both clients; resolves once subscribed (or rejects when Redis cannot be reached). */
  async connect(): Promise<void> {
    // A subscription made before this call has set the subscriber connecting already.
    await Promise.all([this.redis, this.subscriber].map((client) => (client.status === 'wait' ? client.connect() : undefined)));
  }

  /** Both connections are ready now. */
  get isUp(): boolean {
    return this.up;
  }

  /** Redis answered at least once since this process started (readiness). */
  get wasEverUp(): boolean {
    return this.everUp;
  }

  private readyChanged(): void {
    const up = !this.closed && this.redis.status === 'ready' && this.subscriber.status === 'ready';
    if (up === this.up) return;
    this.up = up;
    if (up) {
      this.logger.info({ reconnected: this.everUp }, 'redis connected');
      this.everUp = true;
      this.resubscribe();
      for (const listener of this.upListeners) listener();
    } else if (!this.closed) {
      this.logger.warn('redis unreachable: processes catch up from the database until it is back');
      for (const listener of this.downListeners) listener();
    }
  }

  /** Called on each (re)connection: what went through Redis meanwhile may be lost, catch up. */
  onUp(listener: () => void): () => void {
    this.upListeners.add(listener);
    return () => this.upListeners.delete(listener);
  }

  onDown(listener: () => void): () => void {
    this.downListeners.add(listener);
    return () => this.downListeners.delete(listener);
  }

  /** Sends to every other process subscribed to `channel` (never back to this one). Best effort. */
  publish(channel: string, body: Buffer | string): void {
    this.send(channel, body).catch((err: unknown) => this.logger.debug({ err, channel }, 'redis publish failed'));
  }

  /** As `publish`, answering how many processes received it (none while Redis is down); rejects when Redis fails. */
  async send(channel: string, body: Buffer | string): Promise<number> {
    if (!this.up) return 0;
    return this.redis.publish(this.channelKey(channel), this.message(body));
  }

  /** A channel's name in Redis, for a script that publishes on it (each message `header` then its body). */
  channelKey(channel: string): string {
    return KEY_PREFIX + channel;
  }

  /** What every message of this process starts with (the format, this process's id), for a script that publishes. */
  get header(): Buffer {
    return this.message('');
  }

  private message(body: Buffer | string): Buffer {
    return Buffer.concat([Buffer.of(MESSAGE_FORMAT), this.idBytes, typeof body === 'string' ? Buffer.from(body) : body]);
  }

  /** Calls `handler` with what the other processes publish on `channel`. */
  subscribe(channel: string, handler: Handler): () => void {
    const key = KEY_PREFIX + channel;
    let set = this.handlers.get(key);
    if (!set) {
      this.handlers.set(key, (set = new Set()));
      const subscribing = this.subscriber.subscribe(key);
      // Redis down: the subscription is made again when it is back (`resubscribe`).
      subscribing.catch((err: unknown) => this.logger.debug({ err, channel }, 'redis subscribe failed'));
      this.subscriptions.set(key, subscribing);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(key) === set) {
        this.handlers.delete(key);
        this.subscriptions.delete(key);
        this.subscriber.unsubscribe(key).catch(() => undefined);
      }
    };
  }

  /**
   * Subscribes again to every channel that has handlers. ioredis resubscribes by itself only to
   * the channels Redis had confirmed: a SUBSCRIBE sent while Redis was down (a process started
   * without it, a document opened during an outage) was dropped with the offline queue.
   */
  private resubscribe(): void {
    const keys = [...this.handlers.keys()];
    if (keys.length === 0) return;
    const subscribing = this.subscriber.subscribe(...keys);
    subscribing.catch((err: unknown) => this.logger.warn({ err }, 'redis resubscribe failed'));
    for (const key of keys) this.subscriptions.set(key, subscribing);
  }

  /**
   * Resolves once what is published on `channel` reaches this process (its SUBSCRIBE answered),
   * so that a reader can then look back at what was sent before without a gap. Rejects when the
   * channel is not subscribed or the subscription failed.
   */
  async subscribed(channel: string): Promise<void> {
    const subscribing = this.subscriptions.get(KEY_PREFIX + channel);
    if (!subscribing) throw new Error(`not subscribed to ${channel}`);
    await subscribing;
  }

  private receive(channel: string, message: Buffer): void {
    if (message.length < HEADER_BYTES) return;
    if (message[0] !== MESSAGE_FORMAT) {
      this.otherFormat(message[0], channel);
      return;
    }
    if (message.subarray(1, HEADER_BYTES).equals(this.idBytes)) return;
    const body = message.subarray(HEADER_BYTES);
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(body);
      } catch (err) {
        this.logger.error({ err, channel }, 'cluster message handler failed');
      }
    }
  }

  private otherFormat(format: number, channel: string): void {
    if (this.otherFormats.has(format)) return;
    this.otherFormats.add(format);
    this.logger.warn({ format, ours: MESSAGE_FORMAT, channel }, 'cluster messages of another format ignored: a process of another release shares this redis (live changes between them are not shared; the database still is)');
  }

  /** A connection of its own, for blocking reads (a stream read loop). */
  duplicate(name: string): Redis {
    const client = this.redis.duplicate({ connectionName: `negociation-${name}:${this.processId}`, lazyConnect: false, enableOfflineQueue: true, maxRetriesPerRequest: null });
    client.on('error', (err: Error) => this.logger.debug({ err: err.message, name }, 'redis connection error'));
    return client;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.up = false;
    this.subscriber.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
