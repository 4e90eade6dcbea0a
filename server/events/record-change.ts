import type { Action } from '../../shared/access.ts';
import { assertCan, type Actor } from '../access/access.service.ts';
import type { Logger } from '../logger.ts';
import { stampOf, type EventLog, type RecordDraft } from './event-log.ts';

/** One command on one thing of a negotiation (a session, a vote), as `recordChange` runs it. */
export interface Change<T> {
  /** The thing as it stands, read in the negotiation's lane (and read again as the answer). */
  read(): Promise<T>;
  /** The rule: what to record given the thing as it stands; nothing when the command changes nothing. Throws to refuse. */
  decide(current: T): RecordDraft[] | Promise<RecordDraft[]>;
  /**
   * What a recorded change brings along, still in the lane (the minutes' attendance rewritten,
   * the minutes drafted at the close); answers the thing again when that changed it.
   */
  follow?(changed: T): Promise<T | void>;
}

/**
 * The shape every such command takes: the actor's mandate is checked first; then, one command
 * of the negotiation at a time (`events.serialize`), the thing is read, the rule decides, the
 * events are appended in the actor's name, and the thing is read again as the command's answer.
 * A command that changes nothing records nothing and answers the thing as it was.
 */
export async function recordChange<T>(
  ctx: { events: Pick<EventLog, 'serialize' | 'record'>; logger?: Logger },
  actor: Actor,
  action: Action,
  change: Change<T>,
): Promise<T> {
  assertCan(actor, action);
  return ctx.events.serialize(actor.negotiationId, async () => {
    const current = await change.read();
    const drafts = await change.decide(current);
    if (drafts.length === 0) return current;
    await ctx.events.record(actor.negotiationId, stampOf(actor), drafts);
    ctx.logger?.info({ negotiationId: actor.negotiationId, actor: actor.user.id, org: actor.org.id, events: drafts.map((d) => d.type) }, 'change recorded');
    const changed = await change.read();
    return (await change.follow?.(changed)) ?? changed;
  });
}
