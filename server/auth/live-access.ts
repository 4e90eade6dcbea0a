import type { Connection } from 'mongoose';
import type { Logger } from '../logger.ts';
import { loadActor } from '../access/access.service.ts';
import { sessionModel } from './session.model.ts';
import { userModel } from './user.model.ts';

/**
 * Whose access just ended, as the use cases say it. The one vocabulary of "close this
 * person's connections": a cross-process bus only has to carry these to every process.
 */
export type AccessEnd =
  /** A session ended: signed out, expired, or deleted. */
  | { kind: 'session-ended'; sessionId: string }
  /** Every session of a person but one ended (a new password, a new email): `except` is the one kept. */
  | { kind: 'sessions-ended'; userId: string; except?: string | null }
  /** A person's mandate in a negotiation changed (revoked, suspended, roles changed): check it again now. */
  | { kind: 'mandate-changed'; userId: string; negotiationId: string };

/** An open connection (a Socket.IO socket, a Yjs WebSocket), as the live-access registry sees it. */
export interface LiveConnection {
  readonly userId: string;
  /** The id (token hash) of the session it was opened with. */
  readonly sessionId: string | null;
  /** The negotiations it reads now. */
  negotiations(): Iterable<string>;
  /** The session is over: close, saying why. */
  end(): void;
  /** The mandate in this negotiation changed: decide again now (stop, or carry on with the rights it has now). */
  recheck(negotiationId: string): void;
}

/** A silent connection is re-checked at least this often (what no signal told us: a change made with mongosh, a lost message). */
export const SWEEP_EVERY_MS = 30_000;
// setTimeout's limit (about 24.8 days); a session's idle end is 12 h away at most.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Access ends when it ends: every open connection of the app is registered here, and a
 * sign-out, a password change, a revocation, a suspension or a session's expiry closes the
 * person's connections at once, whether they are sending anything or not.
 *
 * `ended` is the one entry point. Today it acts on this process's connections; with several
 * processes, a bus subscribed through `onEnded` forwards each signal, and the other processes
 * call `apply` with it. Besides the signals, every connection is checked again every
 * SWEEP_EVERY_MS against the database, and each session's expiry has its own timer.
 */
export class LiveAccess {
  private readonly connections = new Set<LiveConnection>();
  private readonly listeners = new Set<(end: AccessEnd) => void>();
  /** One timer per session followed: it fires when the session would expire. */
  private readonly expiries = new Map<string, NodeJS.Timeout>();
  /** Armed while a connection is followed: with none, there is nothing to check. */
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  private readonly connection: Connection;
  private readonly logger: Logger;
  private readonly sweepEveryMs: number;

  constructor(connection: Connection, logger: Logger, sweepEveryMs = SWEEP_EVERY_MS) {
    this.connection = connection;
    this.logger = logger;
    this.sweepEveryMs = sweepEveryMs;
  }

  get size(): number {
    return this.connections.size;
  }

  /** Registers an open connection; returns what unregisters it (call it on close). */
  track(live: LiveConnection): () => void {
    this.connections.add(live);
    this.sweeper ??= setInterval(() => void this.sweep(), this.sweepEveryMs).unref();
    if (live.sessionId && !this.expiries.has(live.sessionId)) void this.followExpiry(live.sessionId);
    return () => {
      this.forget(live);
      const { sessionId } = live;
      if (sessionId && ![...this.connections].some((c) => c.sessionId === sessionId)) {
        clearTimeout(this.expiries.get(sessionId));
        this.expiries.delete(sessionId);
      }
    };
  }

  /** A use case says whose access ended: acted on here, and handed to whoever listens (a bus). */
  ended(end: AccessEnd): void {
    this.apply(end);
    for (const listener of this.listeners) listener(end);
  }

  /** For a cross-process bus: it is told of every signal raised in this process. */
  onEnded(listener: (end: AccessEnd) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Acts on a signal for this process's connections (a bus calls this with the others' signals). */
  apply(end: AccessEnd): void {
    for (const live of [...this.connections]) {
      try {
        if (end.kind === 'session-ended' && live.sessionId === end.sessionId) this.close(live, end.kind);
        else if (end.kind === 'sessions-ended' && live.userId === end.userId && live.sessionId !== (end.except ?? null)) this.close(live, end.kind);
        else if (end.kind === 'mandate-changed' && live.userId === end.userId && [...live.negotiations()].includes(end.negotiationId)) {
          live.recheck(end.negotiationId);
        }
      } catch (err) {
        this.logger.error({ err, kind: end.kind }, 'a connection could not be closed');
      }
    }
  }

  /** Stops following a connection; the sweep stops with the last one. */
  private forget(live: LiveConnection): void {
    this.connections.delete(live);
    if (this.connections.size > 0 || !this.sweeper) return;
    clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private close(live: LiveConnection, why: AccessEnd['kind']): void {
    this.forget(live);
    this.logger.info({ userId: live.userId, why }, 'access ended: connection closed');
    live.end();
  }

  /** Reads the session's expiry and sets a timer for it; at that time, checks again (activity may have moved it). */
  private async followExpiry(sessionId: string): Promise<void> {
    const session = await sessionModel(this.connection).findById(sessionId, { expiresAt: 1 }).lean().catch(() => null);
    if (![...this.connections].some((c) => c.sessionId === sessionId)) return;
    const wait = session ? session.expiresAt.getTime() - Date.now() : 0;
    if (wait <= 0) {
      this.ended({ kind: 'session-ended', sessionId });
      return;
    }
    clearTimeout(this.expiries.get(sessionId));
    const timer = setTimeout(() => {
      this.expiries.delete(sessionId);
      void this.followExpiry(sessionId);
    }, Math.min(wait + 50, MAX_TIMER_MS));
    timer.unref();
    this.expiries.set(sessionId, timer);
  }

  /**
   * Checks every open connection against the database: sessions that are gone or expired,
   * accounts that are gone, mandates no longer held. What no signal reported (a write by
   * another tool, a signal lost between processes) is caught here, within SWEEP_EVERY_MS.
   */
  sweep(now = new Date()): Promise<void> {
    this.sweeping ??= this.sweepOnce(now)
      .catch((err: unknown) => this.logger.warn({ err }, 'live access sweep failed'))
      .finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweepOnce(now: Date): Promise<void> {
    const open = [...this.connections];
    if (open.length === 0) return;
    const sessionIds = [...new Set(open.map((c) => c.sessionId).filter((id): id is string => !!id))];
    const sessions = await sessionModel(this.connection)
      .find({ _id: { $in: sessionIds } }, { userId: 1, expiresAt: 1 })
      .lean();
    const alive = new Set(sessions.filter((s) => s.expiresAt.getTime() > now.getTime()).map((s) => String(s._id)));
    for (const live of open) if (!live.sessionId || !alive.has(live.sessionId)) this.close(live, 'session-ended');

    const remaining = open.filter((c) => this.connections.has(c));
    const users = await userModel(this.connection)
      .find({ _id: { $in: [...new Set(remaining.map((c) => c.userId))] } }, { name: 1, email: 1 })
      .lean();
    const byId = new Map(users.map((u) => [String(u._id), { id: String(u._id), name: u.name, email: u.email }]));
    const checked = new Map<string, boolean>();
    for (const live of remaining) {
      const user = byId.get(live.userId);
      if (!user) {
        this.close(live, 'sessions-ended');
        continue;
      }
      for (const negotiationId of [...live.negotiations()]) {
        const key = `${live.userId}:${negotiationId}`;
        let holds = checked.get(key);
        if (holds === undefined) checked.set(key, (holds = !!(await loadActor(this.connection, user, negotiationId))));
        if (!holds) live.recheck(negotiationId);
      }
    }
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
    this.connections.clear();
  }
}

const registries = new WeakMap<Connection, LiveAccess>();

export function createLiveAccess(connection: Connection, logger: Logger): LiveAccess {
  const live = new LiveAccess(connection, logger);
  registries.set(connection, live);
  return live;
}

/** The app's registry (every capability that opens connections or ends access reaches it here). */
export function liveAccessOf(connection: Connection): LiveAccess | undefined {
  return registries.get(connection);
}
