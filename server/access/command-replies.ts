import type { CommandName } from '../../shared/commands.ts';

/** How long a command's reply is kept for a retry: far beyond a client's reconnection back-off. */
const KEPT_MS = 10 * 60_000;
/** A bound on what one process keeps, whatever the traffic: the oldest replies go first. */
const MOST_KEPT = 20_000;

/**
 * The replies to the commands that carried an id, per person: a command sent again with the
 * same id (the client retries after a lost ack or a reconnection) gets the first reply instead
 * of being applied twice. A command still running is joined, not started again. A refusal is
 * not kept, so that a command refused for a passing reason may be tried again.
 * One process only: a retry that reaches another process is not recognised.
 */
export class CommandReplies {
  // A Map keeps insertion order: the first entries are the oldest.
  private readonly replies = new Map<string, { at: number; reply: Promise<unknown> }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Runs `apply` once per (person, command, id); `commandId` null runs it every time. */
  once<T>(userId: string, name: CommandName, commandId: string | null, apply: () => Promise<T>): Promise<T> {
    if (commandId === null) return apply();
    const key = `${userId}\u0000${name}\u0000${commandId}`;
    const now = this.now();
    this.forgetOlderThan(now - KEPT_MS);
    const kept = this.replies.get(key);
    if (kept) return kept.reply as Promise<T>;
    const reply = apply();
    this.replies.set(key, { at: now, reply });
    reply.catch(() => this.replies.delete(key));
    if (this.replies.size > MOST_KEPT) this.replies.delete(this.replies.keys().next().value as string);
    return reply;
  }

  private forgetOlderThan(limit: number): void {
    for (const [key, { at }] of this.replies) {
      if (at >= limit) break;
      this.replies.delete(key);
    }
  }
}
