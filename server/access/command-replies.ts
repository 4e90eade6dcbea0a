import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { CommandName } from '../../shared/commands.ts';
import type { NegotiationEvent } from '../../shared/events.ts';
import { AppError } from '../common/app-error.ts';
import { JOURNAL_SOON, runInProcess, type InProcessCommand } from '../db/connection.ts';
import { asCommand } from '../events/command-scope.ts';
import { eventModel, type EventDoc } from '../events/event.model.ts';
import { CommandAlreadyRecorded, toNegotiationEvent } from '../events/event-store.ts';

/** How long a command's reply is kept for a retry: far beyond a client's reconnection back-off. */
const KEPT_MS = 10 * 60_000;
/**
 * A command being applied holds its id for this long, renewed while it runs: a process killed
 * in the middle stops holding it this long after, and a retry elsewhere applies it then.
 */
export const CLAIM_MS = 5_000;
const RENEW_EVERY_MS = 1_000;
/** A retry waiting for the first attempt's reply asks the database this often. */
const POLL_MS = 25;
/** A retry that cannot get a reply nor the claim within this is refused (UNAVAILABLE). */
const WAIT_AT_MOST_MS = 30_000;
const DUPLICATE_KEY = 11000;

/**
 * A command id in use: `running` while a process applies it (`owner`, until `until`), then
 * `done` with the reply as the client received it (JSON). The TTL index forgets it KEPT_MS
 * after it was first seen, or after its reply was kept. Refusals are not kept (see CommandReplies).
 */
const commandReplySchema = new Schema(
  {
    /** person \0 command \0 command id: an id is the client's, unique per person only. */
    _id: { type: String, required: true },
    state: { type: String, enum: ['running', 'done'], required: true },
    owner: { type: String, required: true },
    until: { type: Number, required: true },
    reply: { type: String },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'command_replies' },
);
commandReplySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

interface CommandReplyDoc {
  _id: string;
  state: 'running' | 'done';
  owner: string;
  until: number;
  reply?: string;
  expiresAt: Date;
}

function commandReplyModel(connection: Connection): Model<CommandReplyDoc> {
  return (connection.models.CommandReply as Model<CommandReplyDoc>) ?? connection.model<CommandReplyDoc>('CommandReply', commandReplySchema);
}

/**
 * The replies to the commands that carried an id, per person, kept in the database so that
 * every process sees them: a command sent again with the same id (the client retries after a
 * lost ack, a reconnection, or its process being killed, maybe on another process) gets the
 * first reply instead of being applied twice. A command still running, here or on another
 * process, is waited for, not started again. A refusal is not kept, so that a command refused
 * for a passing reason may be tried again.
 *
 * A process killed after the command's events were recorded but before its reply was kept
 * (a few milliseconds) leaves no reply, but its events carry the command (the first one, under
 * a unique index: server/events/command-scope.ts): the retry that takes the lapsed claim finds
 * them and answers from them (`replay`: the thing the event names, as it stands) instead of
 * applying the command again; a command without `replay`, or whose first event names nothing it
 * can answer with, is refused then (CONFLICT), never applied twice. Two attempts racing (the first one
 * paused past its claim) cannot both record it: the second's append is refused by the index.
 */
export class CommandReplies {
  /** The commands this process is applying or waiting for: a duplicate here joins them. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly owner = randomUUID();
  private readonly model: Model<CommandReplyDoc>;
  private indexes: Promise<unknown> | null = null;
  private readonly now: () => number;
  private readonly command?: InProcessCommand;

  /**
   * `command`, when the database is the embedded engine of this process: the claim and the
   * reply are written to it directly, without the driver and the socket (two writes per
   * command, which through the driver cost more than the rest of a `position:declare`).
   */
  constructor(connection: Connection, options: { now?: () => number; command?: InProcessCommand } = {}) {
    this.model = commandReplyModel(connection);
    this.now = options.now ?? Date.now;
    this.command = options.command;
  }

  /**
   * Runs `apply` once per (person, command, id) across the cluster; `commandId` null runs it
   * every time. `replay` answers from the first event the command recorded, when its first
   * attempt recorded it but died before its reply was kept.
   */
  once<T>(userId: string, name: CommandName, commandId: string | null, apply: () => Promise<T>, replay?: Replay<T>): Promise<T> {
    if (commandId === null) return apply();
    const key = `${userId}\u0000${name}\u0000${commandId}`;
    const joined = this.inFlight.get(key);
    if (joined) return joined as Promise<T>;
    const reply = this.settle(key, apply, replay).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, reply);
    return reply;
  }

  private async settle<T>(key: string, apply: () => Promise<T>, replay: Replay<T> | undefined): Promise<T> {
    this.indexes ??= this.model.createIndexes().catch(() => (this.indexes = null));
    await this.indexes;
    const giveUpAt = this.now() + WAIT_AT_MOST_MS;
    for (;;) {
      const now = this.now();
      try {
        const expiresAt = new Date(now + KEPT_MS);
        await this.claim({ _id: key, state: 'running', owner: this.owner, until: now + CLAIM_MS, expiresAt });
        return await this.run(key, apply, replay, expiresAt);
      } catch (err) {
        if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
      }
      const kept = await this.model.findById(key).lean();
      if (kept?.state === 'done') return (kept.reply === undefined ? undefined : JSON.parse(kept.reply)) as T;
      if (kept && kept.until <= now) {
        // Its process stopped renewing it (killed): this one applies the command instead.
        const taken = await this.model.updateOne({ _id: key, state: 'running', owner: kept.owner, until: kept.until }, { $set: { owner: this.owner, until: now + CLAIM_MS } });
        if (taken.modifiedCount === 1) {
          // It may have recorded the command before it died: then answer from that record.
          const recorded = await this.recorded(key);
          return recorded ? this.answerFrom(key, recorded, replay) : this.run(key, apply, replay, kept.expiresAt);
        }
      }
      if (this.now() > giveUpAt) throw new AppError('UNAVAILABLE', 'Cette commande est encore en cours ailleurs : réessayez dans un instant.');
      // Gone (the first attempt was refused): claim it again at once; else wait for its reply.
      if (kept) await sleep(POLL_MS);
    }
  }

  private async run<T>(key: string, apply: () => Promise<T>, replay: Replay<T> | undefined, expiresAt: Date): Promise<T> {
    const renew = setInterval(() => this.renew(key, expiresAt), RENEW_EVERY_MS);
    renew.unref();
    let result: T;
    try {
      result = await asCommand(key, apply);
    } catch (err) {
      clearInterval(renew);
      if (err instanceof CommandAlreadyRecorded) {
        const recorded = await this.recorded(key);
        if (recorded) return this.answerFrom(key, recorded, replay);
      }
      await this.model.deleteOne({ _id: key, owner: this.owner }).catch(() => undefined);
      throw err;
    }
    clearInterval(renew);
    return this.keep(key, result);
  }

  /**
   * The claim is held for CLAIM_MS more (in the engine of this process directly when it is
   * there), replaced whole as the reply is (see keep): a server that fell behind renews hundreds.
   */
  private renew(key: string, expiresAt: Date): void {
    const filter = { _id: key, owner: this.owner, state: 'running' as const };
    const held: Omit<CommandReplyDoc, '_id'> = { state: 'running', owner: this.owner, until: this.now() + CLAIM_MS, expiresAt };
    const renewed = this.command
      ? runInProcess(this.command, { update: this.model.collection.collectionName, updates: [{ q: filter, u: held }], writeConcern: JOURNAL_SOON }).then(({ durable }) => durable)
      : this.model.replaceOne(filter, held);
    renewed.catch(() => undefined);
  }

  /**
   * Takes the command's id (a duplicate key error when it is taken). In the engine of this
   * process the claim is not waited for on disk, nor given a group commit of its own (it goes
   * with its events'): whoever reads it is this engine, in this process, and its journal keeps
   * order, so a crash that loses the claim loses every write the command made after it too
   * (its events), and a retry then applies it afresh. Through the driver the insert is
   * answered once durable.
   */
  private async claim(doc: CommandReplyDoc): Promise<void> {
    if (!this.command) {
      await this.model.create(doc);
      return;
    }
    const { error, durable } = await runInProcess(this.command, { insert: this.model.collection.collectionName, documents: [doc], writeConcern: JOURNAL_SOON });
    durable.catch(() => undefined); // a failed sync undoes the claim, and fails the command's own writes after it
    if (error) throw error;
  }

  /**
   * Keeps the reply for a retry. The claim is replaced whole (still only if this process holds
   * it), kept KEPT_MS from now: in the embedded engine a `$set` goes through its update
   * operators, which cost four times the replacement (407 against 93 µs of CPU).
   *
   * Through the driver, the reply is on disk before the client is answered. In the engine of
   * this process it goes to disk with the next group commit (the next command's events, or
   * within 100 ms), not one of its own before the answer: the command's commit point is its
   * events, durable before this is called, and what makes a retry apply it once is their unique
   * command index, not the reply. A crash in that window loses the reply (and, the journal
   * keeping order, nothing written before it): the claim, on disk since the events, lapses, and
   * the retry is answered from the recorded events (`answerFrom`), as when a process dies
   * between its events and its reply today. A client that got its answer does not retry; the
   * one whose answer was lost with the process gets the same reply, or the thing as it stands.
   * A retry in this process meanwhile joins `inFlight`, or reads the reply once it is durable.
   */
  private async keep<T>(key: string, result: T): Promise<T> {
    const reply = JSON.stringify(result);
    const now = this.now();
    const filter = { _id: key, owner: this.owner };
    const done: Omit<CommandReplyDoc, '_id'> = { state: 'done', owner: this.owner, until: now, ...(reply === undefined ? {} : { reply }), expiresAt: new Date(now + KEPT_MS) };
    if (!this.command) {
      await this.model.replaceOne(filter, done);
      return result;
    }
    const { error, durable } = await runInProcess(this.command, { update: this.model.collection.collectionName, updates: [{ q: filter, u: done }], writeConcern: JOURNAL_SOON });
    if (error) throw error;
    durable.catch(() => undefined); // lost: the engine undid it, and a retry answers from the events
    return result;
  }

  /** The first event the command recorded, if an attempt of it did. */
  private async recorded(key: string): Promise<NegotiationEvent | null> {
    const doc = await eventModel(this.model.db).findOne({ command: key }).lean();
    return doc ? toNegotiationEvent(doc as EventDoc) : null;
  }

  private async answerFrom<T>(key: string, event: NegotiationEvent, replay: Replay<T> | undefined): Promise<T> {
    try {
      if (!replay) throw replyLost();
      return await this.keep(key, await replay(event));
    } catch (err) {
      // Not answered: the claim goes, so that a later retry is not kept waiting for it.
      await this.model.deleteOne({ _id: key, owner: this.owner }).catch(() => undefined);
      throw err;
    }
  }
}

/** The refusal of a retried command whose first attempt recorded it but whose reply cannot be told again. */
export function replyLost(): AppError {
  return new AppError('CONFLICT', 'Cette commande a déjà été appliquée ; sa réponse n’a pas pu être conservée.');
}

/** How a command answers from the first event it recorded (the same reply as its first attempt's). */
export type Replay<T> = (event: NegotiationEvent) => Promise<T> | T;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
