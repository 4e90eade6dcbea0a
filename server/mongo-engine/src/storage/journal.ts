// The append-only journal with group commit: writes that arrive while an fsync is in flight
// are gathered and made durable together by the next one, so fifty concurrent writers cost
// a few fsyncs, not fifty. A write is acknowledged only after the fsync that covers it.
//
// Each group goes to disk behind a batch marker saying how many bytes follow it: at start,
// damage inside the last group of the last journal is the torn tail of a crash (that group
// was never acknowledged), and damage anywhere else is corruption (see store.ts).
//
// A failed write or fsync (a full disk, an I/O error) loses nothing acknowledged and shows
// nothing that was not: the file is cut back to its last durable byte, `lost` undoes in
// memory every operation after the last durable one before any of their writers hears back,
// and the journal takes the next writes as if nothing happened, so writes resume on their own
// once space returns. Until a write succeeds again, `writable` is false; a probe retries
// every second even when nobody writes.
import fs from 'node:fs';
import type { Doc } from '../bson/codec.ts';
import { batchMarker, encodeWith, frame, frameDoc } from './records.ts';

interface Waiter {
  upTo: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

type Pending = { buf: Buffer; seq: number } | { rotateTo: number; done: () => void; fail: (err: unknown) => void };

export interface JournalHooks {
  /** Every record up to `seq` is on disk. */
  durable(seq: number): void;
  /** No record after `seq` will ever be: undo them, synchronously, before their writers are told. */
  lost(seq: number, err: unknown): void;
}

const PROBE_MS = 1_000;
/**
 * The longest a record written with `syncSoon` waits for a group commit that someone else asks
 * for: mongod's journal commit interval (`commitIntervalMs`, 100 ms).
 */
export const COMMIT_INTERVAL_MS = 100;

export class Journal {
  private queue: Pending[] = [];
  private waiters: Waiter[] = [];
  private appended = 0;
  private durable = 0;
  private flushing = false;
  /** Why the last attempt to write failed; cleared by the next write that succeeds. */
  private failure: unknown;
  /** The file must be cut back to `fileBytes` before anything else is written to it. */
  private needsTruncate = false;
  private probe?: NodeJS.Timeout;
  /** The group commit `syncSoon` asked for, at the latest. */
  private commitSoon?: NodeJS.Timeout;
  private closed = false;
  /** Bytes of the current file that are durable: where a failed write is cut back to. */
  private fileBytes: number;
  /** fsyncs done so far: appended / flushes is the group-commit factor. */
  flushes = 0;
  /** Group commits started by the commit interval (`syncSoon` with nobody asking meanwhile), of `flushes`' cause. */
  intervalCommits = 0;
  /** Bytes written to the current file, pending ones included (drives compaction). */
  bytes: number;
  hooks?: JournalHooks;

  private fd: number;

  constructor(fd: number, size: number) {
    this.fd = fd;
    this.bytes = size;
    this.fileBytes = size;
  }

  /** Sequence number of the last appended record. */
  get lastSeq(): number {
    return this.appended;
  }

  /** Sequence number of the last record on disk. */
  get durableSeq(): number {
    return this.durable;
  }

  /** Whether the last attempt to write succeeded (false from a failed write until one succeeds). */
  get writable(): boolean {
    return this.failure === undefined;
  }

  /** Why the journal cannot write right now, when it cannot. */
  get lastError(): unknown {
    return this.failure;
  }

  /** Appends an operation; `d`, when given, is its document already encoded (see encodeWith). */
  append(op: Doc, d?: Uint8Array): number {
    const buf = d ? frame(encodeWith(op, 'd', d)) : frameDoc(op);
    this.appended++;
    this.bytes += buf.length;
    this.queue.push({ buf, seq: this.appended });
    return this.appended;
  }

  /** Resolves once every record up to `upTo` is on disk; rejects when one of them was lost. */
  sync(upTo: number = this.appended): Promise<void> {
    if (upTo <= this.durable) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.kick();
    });
  }

  /**
   * Resolves once every record up to `upTo` is on disk, without a group commit of its own:
   * the records go to disk with the next group another writer asks for (`sync`), or after
   * COMMIT_INTERVAL_MS when nobody does, as a write with `j: false` does in mongod. For
   * records nobody is told of before they are durable, or that may be lost with the writes
   * after them (the journal keeps order): a command's claim, its kept reply.
   */
  syncSoon(upTo: number = this.appended): Promise<void> {
    if (upTo <= this.durable) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      if (this.commitSoon) return;
      this.commitSoon = setTimeout(() => {
        this.commitSoon = undefined;
        if (this.appended > this.durable) this.intervalCommits++;
        this.kick();
      }, COMMIT_INTERVAL_MS);
      this.commitSoon.unref();
    });
  }

  /**
   * Records appended from now on go to `fd`; earlier ones still go to the current file.
   * Rejects (and `fd` is not used) when a record before the switch was lost.
   */
  rotate(fd: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rotateTo: fd, done: resolve, fail: reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    let batch: Pending[] = [];
    try {
      if (this.needsTruncate) this.truncate();
      while (this.queue.length > 0) {
        batch = this.queue;
        this.queue = [];
        let buffers: Buffer[] = [];
        let lastSeq = this.durable;
        const writeOut = async () => {
          if (buffers.length === 0) return;
          const marker = batchMarker(buffers.reduce((n, b) => n + b.length, 0));
          const group = Buffer.concat([marker, ...buffers]);
          this.needsTruncate = true;
          writeAll(this.fd, group);
          await fdatasync(this.fd);
          this.needsTruncate = false;
          this.fileBytes += group.length;
          this.flushes++;
          buffers = [];
          this.succeeded(lastSeq);
        };
        while (batch.length > 0) {
          const item = batch[0];
          if ('buf' in item) {
            buffers.push(item.buf);
            lastSeq = item.seq;
          } else {
            await writeOut();
            const old = this.fd;
            this.fd = item.rotateTo;
            this.fileBytes = 0;
            this.bytes = 0;
            for (const next of [...batch.slice(1), ...this.queue]) if ('buf' in next) this.bytes += next.buf.length;
            fs.closeSync(old);
            item.done();
          }
          batch.shift();
        }
        await writeOut();
        // The writers just told their records are durable go on before the next group is cut
        // (their promise continuations, however deep, run before a nextTick queued now; no I/O
        // does): what they append meanwhile, a command's reply after its events, joins that
        // group instead of waiting for the one after it, one fdatasync later.
        if (this.queue.length > 0) await new Promise((resolve) => process.nextTick(resolve));
      }
    } catch (err) {
      this.fail(err, batch);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.kick();
    }
  }

  private succeeded(seq: number): void {
    this.durable = seq;
    if (this.failure !== undefined) {
      this.failure = undefined;
      clearInterval(this.probe);
      this.probe = undefined;
    }
    this.hooks?.durable(seq);
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.upTo <= this.durable) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Cuts the current file back to its durable length (what a failed write may have left after it). */
  private truncate(): void {
    fs.ftruncateSync(this.fd, this.fileBytes);
    this.needsTruncate = false;
  }

  /** A write failed: everything after the last durable record is undone and its writers told. */
  private fail(err: unknown, batch: Pending[]): void {
    this.failure = err;
    try {
      if (this.needsTruncate) this.truncate();
    } catch {
      // Still cannot cut the file: the next attempt (a write or the probe) tries again first.
    }
    const lost = [...batch, ...this.queue];
    this.queue = [];
    this.appended = this.durable;
    this.bytes = this.fileBytes;
    this.hooks?.lost(this.durable, err);
    for (const w of this.waiters) w.reject(err);
    this.waiters = [];
    for (const item of lost) if (!('buf' in item)) item.fail(err);
    this.probe ??= setInterval(() => this.tryAgain(), PROBE_MS);
    this.probe.unref();
  }

  /** While unwritable: writes an empty group to learn whether the disk takes writes again. */
  private tryAgain(): void {
    if (this.flushing || this.closed || this.failure === undefined) return;
    this.flushing = true;
    void (async () => {
      try {
        if (this.needsTruncate) this.truncate();
        const marker = batchMarker(0);
        this.needsTruncate = true;
        writeAll(this.fd, marker);
        await fdatasync(this.fd);
        this.needsTruncate = false;
        this.fileBytes += marker.length;
        this.succeeded(this.durable);
      } catch (err) {
        this.failure = err;
      } finally {
        this.flushing = false;
        if (this.queue.length > 0) this.kick();
      }
    })();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.probe);
    clearTimeout(this.commitSoon);
    await this.sync().catch(() => undefined);
    while (this.flushing) await new Promise((r) => setImmediate(r));
    fs.closeSync(this.fd);
  }
}

/**
 * Writes the records into the file's page cache, here on the event loop: a few kilobytes
 * copied take microseconds, and the records reach the disk with the one fdatasync that
 * follows, on the thread pool (a second trip there for the write alone would delay every
 * acknowledgement by one more turn of the event loop).
 */
function writeAll(fd: number, all: Buffer): void {
  // Written until done: a write may stop short.
  let offset = 0;
  while (offset < all.length) offset += fs.writeSync(fd, all, offset, all.length - offset, null);
}

function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}
