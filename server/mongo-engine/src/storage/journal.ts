// The append-only journal with group commit: writes that arrive while an fsync is in flight
// are gathered and made durable together by the next one, so fifty concurrent writers cost
// a few fsyncs, not fifty. A write is acknowledged only after the fsync that covers it.
import fs from 'node:fs';
import type { Doc } from '../bson/codec.ts';
import { encodeWith, frame, frameDoc } from './records.ts';

interface Waiter {
  upTo: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

type Pending = { buf: Buffer; seq: number } | { rotateTo: number; done: () => void };

export class Journal {
  private queue: Pending[] = [];
  private waiters: Waiter[] = [];
  private appended = 0;
  private durable = 0;
  private flushing = false;
  private failure: unknown;
  /** fsyncs done so far: appended / flushes is the group-commit factor. */
  flushes = 0;
  /** Bytes written to the current file (drives compaction). */
  bytes: number;

  private fd: number;

  constructor(
    fd: number,
    size: number,
  ) {
    this.fd = fd;
    this.bytes = size;
  }

  /** Sequence number of the last appended record. */
  get lastSeq(): number {
    return this.appended;
  }

  /** Appends an operation; `d`, when given, is its document already encoded (see encodeWith). */
  append(op: Doc, d?: Uint8Array): number {
    const buf = d ? frame(encodeWith(op, 'd', d)) : frameDoc(op);
    this.appended++;
    this.bytes += buf.length;
    this.queue.push({ buf, seq: this.appended });
    return this.appended;
  }

  /** Resolves once every record up to `upTo` is on disk. */
  sync(upTo: number = this.appended): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (upTo <= this.durable) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.kick();
    });
  }

  /** Records appended from now on go to `fd`; earlier ones still go to the current file. */
  rotate(fd: number): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ rotateTo: fd, done: resolve });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        let buffers: Buffer[] = [];
        let lastSeq = this.durable;
        const writeOut = async () => {
          if (buffers.length === 0) return;
          writeAll(this.fd, buffers);
          await fdatasync(this.fd);
          this.flushes++;
          buffers = [];
        };
        for (const item of batch) {
          if ('buf' in item) {
            buffers.push(item.buf);
            lastSeq = item.seq;
          } else {
            await writeOut();
            const old = this.fd;
            this.fd = item.rotateTo;
            this.bytes = 0;
            for (const item2 of this.queue) if ('buf' in item2) this.bytes += item2.buf.length;
            fs.closeSync(old);
            item.done();
          }
        }
        await writeOut();
        this.durable = lastSeq;
        this.release();
      }
    } catch (err) {
      // A failed fsync leaves the journal in an unknown state: refuse every later write.
      this.failure = err;
      for (const w of this.waiters) w.reject(err);
      this.waiters = [];
    } finally {
      this.flushing = false;
      if (this.queue.length > 0 && !this.failure) this.kick();
    }
  }

  private release(): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.upTo <= this.durable) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  async close(): Promise<void> {
    await this.sync();
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
function writeAll(fd: number, buffers: Buffer[]): void {
  // One contiguous buffer, written until done: a write may stop short.
  const all = buffers.length === 1 ? buffers[0] : Buffer.concat(buffers);
  let offset = 0;
  while (offset < all.length) offset += fs.writeSync(fd, all, offset, all.length - offset, null);
}

function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}
