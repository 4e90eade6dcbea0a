import { describe, expect, it } from 'vitest';
import { login } from '../helpers/auth.ts';
import { useCluster } from '../helpers/cluster.ts';
import { command, connect } from './realtime-client.ts';

const SECRETARIAT = 'secretariat@axess.demo';

/** Two processes; what they send the database goes through a relay that can hold a write back. */
describe('a command whose process dies between its record and its reply', () => {
  const sut = useCluster(2, { countWire: true });

  it('is applied once: the same command id retried on another process is answered from what the first attempt recorded', async () => {
    const negotiationId = sut.ids.negotiations.cppni;
    const cookie = await login({ url: sut.cluster.processes[0].url }, SECRETARIAT);
    const first = await connect({ url: sut.cluster.processes[0].url }, cookie);
    const title = 'Vote dont le processus meurt avant de répondre';
    const body = { negotiationId, item: { kind: 'text' }, rule: 'double-majority', title, commandId: 'killed-before-reply' };
    const recorded = () => sut.db.collection('events').find({ negotiationId, type: 'vote:opened', 'payload.title': title }).toArray();
    // Process 0 records the vote, but its reply never reaches the database: it is killed first.
    sut.wire.hold('update command_replies');
    void command(first, 'vote:open', body).catch(() => undefined);
    const deadline = Date.now() + 15_000;
    while ((await recorded()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await recorded()).toHaveLength(1);
    await sut.cluster.kill(0);
    first.close();
    sut.wire.release();
    // The client sends it again, to process 1: once the dead claim lapses, the recorded vote answers.
    const retry = await connect({ url: sut.cluster.processes[1].url }, cookie);
    try {
      const again = await command<{ id: string; title: string }>(retry, 'vote:open', body);
      const votes = await recorded();
      expect(votes).toHaveLength(1);
      expect(again).toMatchObject({ ok: true, data: { id: votes[0].payload.voteId, title } });
      // And a third time: the reply is kept now.
      expect(await command<{ id: string }>(retry, 'vote:open', body)).toMatchObject({ ok: true, data: { id: votes[0].payload.voteId } });
      expect(await recorded()).toHaveLength(1);
    } finally {
      retry.close();
    }
  }, 60_000);
});
