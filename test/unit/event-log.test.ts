import { describe, expect, it } from 'vitest';
import type { EventDraft, NegotiationEvent } from '../../shared/events.ts';
import { EventLog, SYSTEM } from '../../server/events/event-log.ts';
import type { EventStore } from '../../server/events/event-store.ts';

const NEG = 'a'.repeat(24);

/** An in-memory stand-in for the store: appends resolve when `durable` is called. */
function memoryStore() {
  const stored: NegotiationEvent[] = [];
  const pending: (() => void)[] = [];
  const store = {
    append(negotiationId: string, drafts: EventDraft[], now?: () => Date): Promise<NegotiationEvent[]> {
      const at = (now ?? (() => new Date('2026-01-05T10:00:00Z')))().toISOString();
      const events = drafts.map(
        (d): NegotiationEvent => ({ negotiationId, seq: stored.length + 1, type: d.type, payload: d.payload, actor: d.actor, org: d.org ?? null, at, visibility: d.visibility ?? { scope: 'committee' } }) as NegotiationEvent,
      );
      stored.push(...events);
      return new Promise((resolve) => pending.push(() => resolve(events)));
    },
    since: async () => stored,
  };
  return { store: store as unknown as EventStore, stored, durable: () => pending.splice(0).forEach((fn) => fn()) };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('the event log', () => {
  it('stamps each event with the actor and organisation, unless a draft names its own', async () => {
    const { store, durable } = memoryStore();
    const sut = new EventLog(store);
    const recording = sut.record(NEG, { actor: 'u1', org: 'cgt' }, [
      { type: 'vote:closed', payload: {} as never },
      { type: 'agreement:voided', payload: {} as never, by: SYSTEM },
    ]);
    durable();
    const events = await recording;
    expect(events.map((e) => [e.actor, e.org])).toEqual([
      ['u1', 'cgt'],
      ['system', null],
    ]);
  });

  it('hands events to the channel only once the append is durable', async () => {
    const { store, durable } = memoryStore();
    const published: number[] = [];
    const sut = new EventLog(store, { publish: (_n, events) => published.push(...events.map((e) => e.seq)) });
    const recording = sut.record(NEG, SYSTEM, [{ type: 'test:one' as never, payload: {} as never }]);
    await tick();
    expect(published).toEqual([]);
    durable();
    await recording;
    expect(published).toEqual([1]);
  });

  it('runs the commands of one negotiation one at a time, in arrival order, and a failure does not stop the next', async () => {
    const sut = new EventLog(memoryStore().store);
    const order: string[] = [];
    let release!: () => void;
    const first = sut.serialize(NEG, async () => {
      order.push('first starts');
      await new Promise<void>((r) => (release = r));
      order.push('first ends');
      throw new Error('first failed');
    });
    const second = sut.serialize(NEG, async () => {
      order.push('second');
      return 2;
    });
    const elsewhere = sut.serialize('b'.repeat(24), async () => {
      order.push('another negotiation');
    });
    await elsewhere;
    await tick();
    expect(order).toEqual(['first starts', 'another negotiation']);
    release();
    await expect(first).rejects.toThrow('first failed');
    expect(await second).toBe(2);
    expect(order).toEqual(['first starts', 'another negotiation', 'first ends', 'second']);
  });

  it('runs a task queued from inside its own negotiation’s lane at once, instead of waiting for itself forever', async () => {
    const sut = new EventLog(memoryStore().store);
    const result = await sut.serialize(NEG, () => sut.serialize(NEG, async () => 'nested'));
    expect(result).toBe('nested');
  });
});
