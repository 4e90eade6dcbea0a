import { describe, expect, it } from 'vitest';
import type { Ack } from '../../shared/errors.ts';
import { login } from '../helpers/auth.ts';
import { useCluster } from '../helpers/cluster.ts';
import { command, connect } from './realtime-client.ts';

const SECRETARIAT = 'secretariat@axess.demo';

/** Two processes; what they send the database goes through a relay that can hold a write back. */
describe('a command whose process dies between its record and its reply', () => {
  const sut = useCluster(2, { countWire: true });

  /**
   * Sends `name` to process `dies`, whose reply never reaches the database: the command's
   * record (`recorded`) is in the log, then that process is SIGKILLed. The same command id is
   * then sent twice to process `retries`: what both answered.
   */
  async function killedBeforeReplying<T>(name: string, body: object, recorded: () => Promise<unknown[]>, dies: number, retries: number): Promise<Ack<T>[]> {
    const cookie = await login(sut.at(dies), SECRETARIAT);
    const first = await connect(sut.at(dies), cookie);
    sut.wire.hold('update command_replies');
    void command(first, name, body).catch(() => undefined);
    const deadline = Date.now() + 15_000;
    while ((await recorded()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await recorded()).toHaveLength(1);
    await sut.cluster.kill(dies);
    first.close();
    sut.wire.release();
    // The client sends it again, to the other process: once the dead claim lapses, the record answers.
    const retry = await connect(sut.at(retries), cookie);
    sut.closeAfterTest(retry);
    const again = await command<T>(retry, name, body);
    // And a third time: the reply is kept now.
    return [again, await command<T>(retry, name, body)];
  }

  it('is applied once: the same command id retried on another process is answered from what the first attempt recorded', async () => {
    const negotiationId = sut.ids.negotiations.cppni;
    const title = 'Vote dont le processus meurt avant de répondre';
    const body = { negotiationId, item: { kind: 'text' }, rule: 'double-majority', title, commandId: 'killed-before-reply' };
    const recorded = () => sut.db.collection('events').find({ negotiationId, type: 'vote:opened', 'payload.title': title }).toArray();
    const answers = await killedBeforeReplying<{ id: string; title: string }>('vote:open', body, recorded, 0, 1);
    const votes = await recorded();
    expect(votes).toHaveLength(1);
    expect(answers[0]).toMatchObject({ ok: true, data: { id: votes[0].payload.voteId, title } });
    expect(answers[1]).toMatchObject({ ok: true, data: { id: votes[0].payload.voteId } });
  }, 60_000);

  it('any command on one thing answers with that thing, as it stands, and is recorded once (a session convened)', async () => {
    if (!sut.cluster.processes[0].child) await sut.cluster.startProcess(0);
    const negotiationId = sut.ids.negotiations.cppni;
    const title = 'Séance dont le processus meurt avant de répondre';
    const body = { negotiationId, title, startsAt: '2027-03-02T09:30:00.000Z', place: 'Paris', commandId: 'convened-then-killed' };
    const recorded = () => sut.db.collection('events').find({ negotiationId, type: 'session:convened', 'payload.title': title }).toArray();
    const answers = await killedBeforeReplying<{ id: string; title: string; status: string }>('session:convene', body, recorded, 1, 0);
    const sessions = await recorded();
    expect(sessions).toHaveLength(1);
    // Before, only vote:open and position:declare answered so: this one was refused CONFLICT (« déjà appliquée »).
    expect(answers[0]).toMatchObject({ ok: true, data: { id: sessions[0].payload.sessionId, title, status: 'convened' } });
    expect(answers[1]).toMatchObject({ ok: true, data: { id: sessions[0].payload.sessionId } });
  }, 90_000);

  it('a session’s close, whose first record is the version it takes, is answered with the closed session and recorded once', async () => {
    if (!sut.cluster.processes[1].child) await sut.cluster.startProcess(1);
    const negotiationId = sut.ids.negotiations.cppni;
    const secretariat = await connect(sut.at(0), await login(sut.at(0), SECRETARIAT));
    sut.closeAfterTest(secretariat);
    const convened = await command<{ id: string }>(secretariat, 'session:convene', { negotiationId, title: 'Séance close par un processus tué', startsAt: '2027-03-09T09:30:00.000Z', place: 'Paris' });
    const sessionId = convened.ok ? convened.data.id : '';
    expect(await command(secretariat, 'session:open', { negotiationId, sessionId })).toMatchObject({ ok: true });
    const body = { negotiationId, sessionId, commandId: 'closed-then-killed' };
    const recorded = () => sut.db.collection('events').find({ negotiationId, type: 'session:closed', 'payload.sessionId': sessionId }).toArray();
    const answers = await killedBeforeReplying<{ id: string; status: string }>('session:close', body, recorded, 0, 1);
    expect(await recorded()).toHaveLength(1);
    // Before, the retry found the version first and was refused CONFLICT, the session closed all the same.
    expect(answers[0]).toMatchObject({ ok: true, data: { id: sessionId, status: 'closed' } });
    expect(answers[1]).toMatchObject({ ok: true, data: { id: sessionId, status: 'closed' } });
  }, 90_000);
});
