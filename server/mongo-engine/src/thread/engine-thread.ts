// The engine on a thread of its own, in the hosting process. Its clients' driver (mongoose,
// on the hosting thread) and the engine (decoding, running, journaling, replying) then run in
// parallel on two cores, as they would with the engine in a process of its own, while the
// engine stays sealed in the process: the worker owns the data directory, its lock, the
// journal and the listener (the Unix socket), exactly as `startEngine` would on this thread.
//
// In-process commands travel as BSON bytes handed over (transferred, not copied) on the
// worker's port: the reply once applied, then a second message once durable. Changes come on
// a port of their own, which the hosting thread can drain synchronously (`catchUp`): the
// worker posts each change before the write is answered to anyone, so whoever reads after
// catchUp has heard of every write whose writer was answered.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { decode, encode, type Doc } from '../bson/codec.ts';
import type { ChangeWatcher, CollectionChange } from '../catalog.ts';
import { NoUsersError, type EngineOptions, type RunningEngine } from '../index.ts';
import { DirectoryInUseError } from '../storage/dir-lock.ts';
import type { CommandMessage, FromEngine, Outcome, ToEngine } from './messages.ts';

export interface ThreadedEngine extends RunningEngine {
  /**
   * Delivers to the watchers, synchronously, every change the engine has announced so far:
   * call it before trusting anything kept from an earlier read (a cache).
   */
  catchUp(): void;
}

/** Options that can cross to the worker (no logger: the worker logs nothing of its own). */
export type ThreadedEngineOptions = Omit<EngineOptions, 'logger' | 'onHealthChange'> & {
  /**
   * Announce the writes to this thread, from the start (so that no write made before a
   * watcher subscribed can be missed by what it then reads): needed for `watch`. `true` for
   * every write, or only those of `db` and of `kinds` (each announcement costs the engine's
   * thread an encoding and a message: a cache that inserts cannot make stale asks for the others).
   */
  announceChanges?: boolean | ChangeFilter;
};

/** Which writes the engine's thread announces. */
export interface ChangeFilter {
  db?: string;
  kinds?: CollectionChange['kind'][];
}

interface Pending {
  resolve: (value: { reply: Doc; durable: Promise<void> }) => void;
  reject: (err: Error) => void;
  durable?: { resolve: () => void; reject: (err: Error) => void };
}

/** Starts the engine on a worker thread; resolves once it listens (or rejects as startEngine would). */
export async function startEngineThread(options: ThreadedEngineOptions): Promise<ThreadedEngine> {
  const { announceChanges, ...engineOptions } = options;
  const { port1: changes, port2: workerChanges } = new MessageChannel();
  const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), {
    workerData: { options: engineOptions, changes: workerChanges, announceChanges: announceChanges ?? false },
    transferList: [workerChanges],
  });
  const send = (message: ToEngine, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer ?? []);

  const pending = new Map<number, Pending>();
  let nextId = 1;
  let health: { writable: boolean; reason?: string } = { writable: true };
  let stopped: Error | undefined;
  const watchers = new Set<ChangeWatcher>();
  let closed: ((error?: string) => void) | undefined;

  const deliver = (message: Uint8Array | { health: { writable: boolean; reason?: string } }) => {
    if (!(message instanceof Uint8Array)) {
      health = message.health;
      return;
    }
    const { changes: list } = decode(message) as { changes: CollectionChange[] };
    for (const change of list) for (const watcher of watchers) watcher(change);
  };
  const catchUp = () => {
    for (let m = receiveMessageOnPort(changes); m; m = receiveMessageOnPort(changes)) deliver(m.message as Parameters<typeof deliver>[0]);
  };
  changes.on('message', deliver);
  changes.unref();

  /** Every command still waiting fails: the engine's thread is gone. */
  const fail = (err: Error) => {
    stopped ??= err;
    health = { writable: false, reason: err.message };
    for (const p of pending.values()) {
      p.reject(err);
      p.durable?.reject(err);
    }
    pending.clear();
  };

  const settle = (outcome: Outcome) => {
    const p = pending.get(outcome.id);
    if (!p) return;
    if (outcome.kind === 'durable') {
      pending.delete(outcome.id);
      if (outcome.error === undefined) p.durable?.resolve();
      else p.durable?.reject(new Error(outcome.error));
      return;
    }
    if (outcome.error !== undefined || !outcome.reply) {
      pending.delete(outcome.id);
      p.reject(new Error(outcome.error ?? 'the embedded engine did not answer'));
      return;
    }
    const durable = new Promise<void>((resolveDurable, rejectDurable) => {
      p.durable = { resolve: resolveDurable, reject: rejectDurable };
    });
    durable.catch(() => undefined);
    p.resolve({ reply: decode(outcome.reply), durable });
  };

  // Commands issued in one turn of this thread's event loop go as one message.
  let queued: CommandMessage[] = [];
  let transfers: ArrayBuffer[] = [];
  const sendQueued = () => {
    const message: ToEngine = { type: 'commands', commands: queued };
    const list = transfers;
    queued = [];
    transfers = [];
    send(message, list);
  };

  const started = new Promise<{ uri: string; port: number }>((resolve, reject) => {
    worker.on('message', (message: FromEngine) => {
      switch (message.type) {
        case 'ready':
          resolve(message);
          return;
        case 'failed': {
          const { name, message: text } = message.error;
          reject(name === 'NoUsersError' ? new NoUsersError(text) : name === 'DirectoryInUseError' ? new DirectoryInUseError(text) : new Error(text));
          return;
        }
        case 'outcomes':
          // What these commands changed was announced before they were answered.
          catchUp();
          for (const outcome of message.outcomes) settle(outcome);
          return;
        case 'closed':
          closed?.(message.error);
          return;
      }
    });
    worker.once('error', (err) => {
      reject(err);
      fail(err);
    });
    worker.once('exit', (code) => {
      reject(new Error(`the embedded engine's thread stopped (exit code ${code})`));
      fail(new Error('the embedded engine is closed'));
      closed?.();
    });
  });
  const { uri, port } = await started;

  let closing: Promise<void> | undefined;
  return {
    uri,
    port,
    command(db, body) {
      if (closing || stopped) return Promise.reject(stopped ?? new Error('the embedded engine is closed'));
      const id = nextId++;
      const bytes = encode(body);
      // Small documents share Node's buffer pool: only this document's bytes are handed over.
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        if (queued.length === 0) queueMicrotask(sendQueued);
        queued.push({ id, db, body: own });
        transfers.push(own.buffer as ArrayBuffer);
      });
    },
    health() {
      catchUp();
      return health;
    },
    watch(watcher) {
      if (!announceChanges) throw new Error('the engine was started without announceChanges: nothing to watch');
      watchers.add(watcher);
      return () => void watchers.delete(watcher);
    },
    catchUp,
    close() {
      closing ??= (async () => {
        if (!stopped) {
          const error = await new Promise<string | undefined>((resolve) => {
            closed = resolve;
            send({ type: 'close' });
          });
          catchUp();
          await worker.terminate();
          if (error) throw new Error(error);
        }
        changes.close();
      })();
      return closing;
    },
  };
}
