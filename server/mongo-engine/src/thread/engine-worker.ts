// The engine on a thread of its own (see thread/engine-thread.ts): this worker owns the data
// directory and its lock, the journal and the listener; the hosting thread sends it commands
// as BSON and hears replies, durability, health and changes back.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { decode, encode } from '../bson/codec.ts';
import type { CollectionChange } from '../catalog.ts';
import { startEngine, type EngineOptions, type RunningEngine } from '../index.ts';
import type { ChangeFilter } from './engine-thread.ts';
import type { FromEngine, Outcome, ToEngine } from './messages.ts';

const { options, changes, announceChanges } = workerData as { options: EngineOptions; changes: MessagePort; announceChanges: boolean | ChangeFilter };
const port = parentPort!;
const post = (message: FromEngine, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer ?? []);

/** The bytes of an encoded document, as their own buffer to hand over (transfer) to the other thread. */
function ownBytes(doc: Record<string, unknown>): Uint8Array {
  const bytes = encode(doc);
  // Small buffers share Node's pool: copy, so that only this document's bytes move.
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

// Changes are gathered and posted before anything is answered: every write is announced to
// the hosting thread before its writer can learn of it (a reply waits for its own fsync, and
// an in-process reply is preceded by a flush), so the hosting thread's catchUp sees it.
let pending: CollectionChange[] = [];
let flushQueued = false;
function flushChanges(): void {
  flushQueued = false;
  if (pending.length === 0) return;
  const bytes = ownBytes({ changes: pending });
  pending = [];
  changes.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
}
/** The engine, once started (its health is reported from then on). */
const hosted: { engine?: RunningEngine } = {};
let lastHealth: { writable: boolean; reason?: string } = { writable: true };
/**
 * Health travels with the changes, on the port the hosting thread drains synchronously: a
 * failed journal write is announced before any writer hears of its failure.
 */
function reportHealth(): void {
  const health = hosted.engine?.health();
  if (!health || (health.writable === lastHealth.writable && health.reason === lastHealth.reason)) return;
  lastHealth = health;
  flushChanges();
  changes.postMessage({ health });
}
async function start(): Promise<RunningEngine> {
  try {
    return await startEngine({ ...options, onHealthChange: reportHealth });
  } catch (err) {
    const e = err as Error & { code?: unknown };
    post({ type: 'failed', error: { name: e.constructor?.name ?? 'Error', message: e.message ?? String(err), code: e.code } });
    process.exit(1);
  }
}
const running = await start();
hosted.engine = running;
if (announceChanges) {
  const { db, kinds } = announceChanges === true ? {} : announceChanges;
  const announced = kinds && new Set(kinds);
  running.watch((change) => {
    if ((db !== undefined && change.db !== db) || (announced && !announced.has(change.kind))) return;
    pending.push(change);
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flushChanges);
    }
  });
}

/** Outcomes gathered over one turn of the event loop, posted as one message (in their order). */
let outcomes: Outcome[] = [];
let transfers: ArrayBuffer[] = [];
function postOutcomes(): void {
  const message: FromEngine = { type: 'outcomes', outcomes };
  const list = transfers;
  outcomes = [];
  transfers = [];
  post(message, list);
}
function answer(outcome: Outcome): void {
  // What a command changed is announced before it is answered.
  flushChanges();
  if (outcomes.length === 0) queueMicrotask(postOutcomes);
  outcomes.push(outcome);
  if (outcome.kind === 'reply' && outcome.reply) transfers.push(outcome.reply.buffer as ArrayBuffer);
}
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

function run({ id, db, body: bytes }: { id: number; db: string; body: Uint8Array }): void {
  let body: Record<string, unknown>;
  try {
    body = decode(bytes);
  } catch (err) {
    answer({ kind: 'reply', id, error: messageOf(err) });
    return;
  }
  running.command(db, body).then(
    ({ reply, durable }) => {
      answer({ kind: 'reply', id, reply: ownBytes(reply) });
      durable.then(
        () => answer({ kind: 'durable', id }),
        (err: unknown) => answer({ kind: 'durable', id, error: messageOf(err) }),
      );
    },
    (err: unknown) => answer({ kind: 'reply', id, error: messageOf(err) }),
  );
}

port.on('message', (message: ToEngine) => {
  switch (message.type) {
    case 'commands':
      for (const command of message.commands) run(command);
      return;
    case 'close':
      running.close().then(
        () => {
          flushChanges();
          post({ type: 'closed' });
          port.close();
          changes.close();
        },
        (err: unknown) => post({ type: 'closed', error: err instanceof Error ? err.message : String(err) }),
      );
      return;
  }
});

post({ type: 'ready', uri: running.uri, port: running.port });
