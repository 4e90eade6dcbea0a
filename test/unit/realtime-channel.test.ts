import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { NegotiationEvent, Visibility } from '../../shared/events.ts';
import { canSee, type Viewer } from '../../shared/visibility.ts';
import type { CatchUpPage } from '../../server/events/event-store.ts';
import { NegotiationChannel, type EventSink, type EventSource } from '../../server/realtime/channel.ts';

const NEG = 'n1';

/** An in-memory log standing for the event store; `publish` is left to the test. */
class MemoryLog implements EventSource {
  events: NegotiationEvent[] = [];
  reads = 0;
  pageReads = 0;
  append(count: number, visibility: Visibility = { scope: 'committee' }): NegotiationEvent[] {
    const added = Array.from({ length: count }, (_, i) => ({
      negotiationId: NEG,
      seq: this.events.length + i + 1,
      type: 'test:happened',
      payload: {},
      actor: 'u',
      org: null,
      at: new Date(0).toISOString(),
      visibility,
    })) as unknown as NegotiationEvent[];
    this.events.push(...added);
    return added;
  }
  async since(negotiationId: string, sinceSeq: number, limit = 10_000): Promise<NegotiationEvent[]> {
    this.reads += 1;
    await new Promise((r) => setTimeout(r, 1));
    return this.events.filter((e) => e.negotiationId === negotiationId && e.seq > sinceSeq).slice(0, limit);
  }
  async visibleSince(negotiationId: string, viewer: Viewer, sinceSeq: number, limit: number): Promise<CatchUpPage> {
    this.pageReads += 1;
    const end = this.events.length;
    await new Promise((r) => setTimeout(r, 1));
    const visible = this.events.filter((e) => e.negotiationId === negotiationId && e.seq > sinceSeq && e.seq <= end && canSee(viewer, e.visibility));
    const events = visible.slice(0, limit);
    const lastSeq = events.length === limit ? events[events.length - 1].seq : Math.max(sinceSeq, end);
    return { events, lastSeq, more: lastSeq < end };
  }
}

class Client implements EventSink {
  received: number[] = [];
  /** The negotiations whose access-ended notice came, after the events received so far. */
  ended: { negotiationId: string; after: number[] }[] = [];
  readonly id: string;

  constructor(id: string) {
    this.id = id;
  }
  emit(event: 'negotiation:event' | 'negotiation:access-ended', payload: NegotiationEvent | { negotiationId: string }): void {
    if (event === 'negotiation:event') this.received.push((payload as NegotiationEvent).seq);
    else this.ended.push({ negotiationId: payload.negotiationId, after: [...this.received] });
  }
}

const cgt: Viewer = { userId: 'u-cgt', orgId: 'cgt', college: 'union' };
const cfdt: Viewer = { userId: 'u-cfdt', orgId: 'cfdt', college: 'union' };
const settle = () => new Promise((r) => setTimeout(r, 30));

function setup() {
  const log = new MemoryLog();
  const sut = new NegotiationChannel(log, pino({ level: 'silent' }));
  async function join(client: Client, viewer: Viewer, sinceSeq = 0) {
    const { result, release } = sut.join(client, viewer, NEG, sinceSeq);
    const answer = await result;
    client.received.push(...answer.events.map((e) => e.seq));
    release();
    return answer;
  }
  return { log, sut, join };
}

describe('the negotiation channel', () => {
  it('answers a join with what was missed, then streams live events', async () => {
    const { log, sut, join } = setup();
    log.append(3);
    const client = new Client('a');
    const answer = await join(client, cgt, 1);
    expect(answer.lastSeq).toBe(3);
    sut.publish(NEG, log.append(2));
    await settle();
    expect(client.received).toEqual([2, 3, 4, 5]);
  });

  it('events published while the catch-up is read arrive once, after it', async () => {
    const { log, sut } = setup();
    log.append(5);
    const client = new Client('a');
    const { result, release } = sut.join(client, cgt, NEG, 0);
    // Stored during the read: the catch-up may or may not include them; the client gets them once.
    sut.publish(NEG, log.append(3));
    const answer = await result;
    client.received.push(...answer.events.map((e) => e.seq));
    release();
    sut.publish(NEG, log.append(2));
    await settle();
    expect(client.received).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('delivers in seq order when use cases publish out of order, filling holes from the log', async () => {
    const { log, sut, join } = setup();
    const client = new Client('a');
    await join(client, cgt);
    const first = log.append(3);
    const second = log.append(3);
    const never = log.append(1); // stored, never published
    const last = log.append(1);
    sut.publish(NEG, second);
    sut.publish(NEG, first);
    sut.publish(NEG, last);
    void never;
    await settle();
    expect(client.received).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('sends a delegation’s event to that delegation only, live and in the catch-up', async () => {
    const { log, sut, join } = setup();
    log.append(1, { scope: 'delegation', org: 'cgt' });
    const ours = new Client('cgt');
    const theirs = new Client('cfdt');
    const theirAnswer = await join(theirs, cfdt);
    await join(ours, cgt);
    expect(theirAnswer.events).toEqual([]);
    expect(theirAnswer.lastSeq).toBe(1);
    sut.publish(NEG, log.append(1, { scope: 'delegation', org: 'cgt' }));
    sut.publish(NEG, log.append(1));
    await settle();
    expect(ours.received).toEqual([1, 2, 3]);
    expect(theirs.received).toEqual([3]);
  });

  it('reads a hole once for all sockets that miss it', async () => {
    const { log, sut, join } = setup();
    const clients = Array.from({ length: 50 }, (_, i) => new Client(`c${i}`));
    for (const client of clients) await join(client, cgt);
    log.append(5);
    const readsBefore = log.reads;
    sut.publish(NEG, log.append(1));
    await settle();
    expect(log.reads - readsBefore).toBe(1);
    for (const client of clients) expect(client.received).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('the sockets of one viewer joining from the same seq at once share one read of the log', async () => {
    const { log, sut } = setup();
    log.append(5);
    const joins = Array.from({ length: 20 }, (_, i) => sut.join(new Client(`c${i}`), cgt, NEG, 0));
    const answers = await Promise.all(joins.map((j) => j.result));
    expect(log.pageReads).toBe(1);
    for (const answer of answers) expect(answer.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a socket that shares a read begun before it joined still gets what was published in between', async () => {
    const { log, sut } = setup();
    log.append(5);
    const early = new Client('early');
    const late = new Client('late');
    const first = sut.join(early, cgt, NEG, 0);
    // Published while the early read (up to 5) is under way, before the late socket registers.
    sut.publish(NEG, log.append(1));
    const second = sut.join(late, cgt, NEG, 0);
    for (const [client, joined] of [[early, first], [late, second]] as const) {
      client.received.push(...(await joined.result).events.map((e) => e.seq));
      joined.release();
    }
    await settle();
    expect(log.pageReads).toBe(1);
    expect(early.received).toEqual([1, 2, 3, 4, 5, 6]);
    expect(late.received).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('forgets a socket that left', async () => {
    const { log, sut, join } = setup();
    const client = new Client('a');
    await join(client, cgt);
    sut.leaveAll('a');
    sut.publish(NEG, log.append(1));
    await settle();
    expect(client.received).toEqual([]);
    expect(sut.subscriberCount(NEG)).toBe(0);
  });

  it('sends a live event to every up-to-date socket in one broadcast, and to a socket still catching up through its queue', async () => {
    const log = new MemoryLog();
    const broadcasts: { sinks: string[]; seq: number }[] = [];
    const sut = new NegotiationChannel(log, pino({ level: 'silent' }), (sinks, event) => {
      broadcasts.push({ sinks: sinks.map((s) => s.id), seq: event.seq });
      for (const sink of sinks) sink.emit('negotiation:event', event);
    });
    const ready = [new Client('a'), new Client('b'), new Client('c')];
    for (const client of ready) {
      const { result, release } = sut.join(client, client.id === 'c' ? cfdt : cgt, NEG, 0);
      await result;
      release();
    }
    await settle();
    // A fourth socket joins; its catch-up is still being read when the next events are published.
    log.append(2);
    const late = new Client('late');
    const joining = sut.join(late, cgt, NEG, 0);
    sut.publish(NEG, log.events.slice(0, 2));
    sut.publish(NEG, log.append(1, { scope: 'delegation', org: 'cgt' }));
    const answer = await joining.result;
    late.received.push(...answer.events.map((e) => e.seq));
    joining.release();
    await settle();

    // One broadcast per event to the up-to-date sockets; the CFDT socket is left out of the CGT delegation's event.
    expect(broadcasts).toEqual([
      { sinks: ['a', 'b', 'c'], seq: 1 },
      { sinks: ['a', 'b', 'c'], seq: 2 },
      { sinks: ['a', 'b'], seq: 3 },
    ]);
    expect(ready.map((c) => c.received)).toEqual([[1, 2, 3], [1, 2, 3], [1, 2]]);
    expect(late.received).toEqual([1, 2, 3]);

    // Once its queue is empty, the late socket is on the direct path too.
    sut.publish(NEG, log.append(1));
    expect(broadcasts.at(-1)).toEqual({ sinks: ['a', 'b', 'c', 'late'], seq: 4 });
  });
});

describe('a revoked mandate', () => {
  it('stops the stream of the revoked member, after telling them', async () => {
    const { log, sut, join } = setup();
    const revoked = new Client('r');
    const colleague = new Client('c');
    await join(revoked, cgt);
    await join(colleague, { ...cgt, userId: 'u-cgt-2' });
    const [revocation] = log.append(1);
    Object.assign(revocation, { type: 'member:revoked', payload: { userId: 'u-cgt' } });
    sut.publish(NEG, [revocation]);
    sut.publish(NEG, log.append(1));
    await settle();
    expect(revoked.received).toEqual([1]);
    expect(revoked.ended).toEqual([{ negotiationId: NEG, after: [1] }]);
    expect(colleague.received).toEqual([1, 2]);
    expect(colleague.ended).toEqual([]);
    expect(sut.subscriberCount(NEG)).toBe(1);
  });
});

describe('a change of the viewer’s own mandate, in the log’s order', () => {
  /** An event of the viewer's mandate, in place of the log's next test event. */
  function mandate(log: MemoryLog, type: string, payload: Record<string, unknown>): NegotiationEvent {
    const [event] = log.append(1, { scope: 'membership', org: 'cgt' });
    return Object.assign(event, { type, payload });
  }

  it('new roles apply from the next event on: made lead, a delegate hears its organisation’s governance; no longer lead, it hears none', async () => {
    const { log, sut, join } = setup();
    const delegate = new Client('d');
    await join(delegate, { ...cgt, roles: ['delegate'] });
    const governance: Visibility = { scope: 'governance', org: 'cgt' };
    sut.publish(NEG, log.append(1, governance));
    sut.publish(NEG, [mandate(log, 'member:roles-changed', { userId: 'u-cgt', roles: ['delegate', 'lead'] })]);
    sut.publish(NEG, log.append(1, governance));
    sut.publish(NEG, [mandate(log, 'member:roles-changed', { userId: 'u-cgt', roles: ['delegate'] })]);
    sut.publish(NEG, log.append(1, governance));
    // Another member's new roles change nothing for this socket.
    sut.publish(NEG, [mandate(log, 'member:roles-changed', { userId: 'u-cgt-2', roles: ['lead'] })]);
    sut.publish(NEG, log.append(1, governance));
    await settle();
    expect(delegate.received).toEqual([2, 3, 4, 6]);
  });

  it('a suspended mandate stops the stream of the member, after sending them the suspension and then the end of their access', async () => {
    const { log, sut, join } = setup();
    const suspended = new Client('s');
    await join(suspended, cgt);
    sut.publish(NEG, [mandate(log, 'member:suspended', { userId: 'u-cgt', reason: 'absences répétées' })]);
    sut.publish(NEG, log.append(1));
    await settle();
    expect(suspended.received).toEqual([1]);
    expect(suspended.ended).toEqual([{ negotiationId: NEG, after: [1] }]);
    expect(sut.subscriberCount(NEG)).toBe(0);
  });
});
