import { describe, expect, it } from 'vitest';
import type { MinutesView, SessionView } from '../../shared/sessions/session.ts';
import type { VoteView } from '../../shared/votes/vote.ts';
import { call } from '../helpers/auth.ts';
import { useDemoTable } from '../helpers/demo-table.ts';

describe('a vote’s result names the parties in the negotiation’s order', () => {
  const table = useDemoTable(['secretariat', 'cgt'] as const);
  const { ok } = table;

  const minutesOf = async (sessionId: string): Promise<string> => {
    const res = await call(table.server, `/negotiations/${table.negotiationId}/sessions/${sessionId}/minutes`, { cookie: table.cookies.cgt });
    expect(res.status).toBe(200);
    return ((await res.json()) as MinutesView).text;
  };
  const silentLine = (text: string): string => /Sans bulletin : [^.;]*/.exec(text)?.[0] ?? '';

  it('the stored result and the minutes list the parties without a ballot CFE-CGC before CFTC, a result stored in another order too', async () => {
    const { id: sessionId } = await ok<SessionView>('secretariat', 'session:convene', {
      title: 'Séance du vote',
      startsAt: '2026-12-18T09:30',
      place: 'Paris',
      agenda: [{ kind: 'free', title: 'Pause méridienne' }],
    });
    await ok('secretariat', 'session:open', { sessionId });
    const vote = await ok<VoteView>('secretariat', 'vote:open', { item: { kind: 'question', text: 'Une pause méridienne ?' }, rule: 'consensus', title: 'Pause méridienne', sessionId });
    await ok('cgt', 'vote:cast', { voteId: vote.id, choice: 'pour' });
    const closed = await ok<VoteView>('secretariat', 'vote:close', { voteId: vote.id });
    expect(closed.result!.ballots.map((b) => b.shortName)).toEqual(['AXESS', 'CFDT', 'CGT', 'FO', 'SUD', 'CFE-CGC', 'CFTC']);
    await ok('secretariat', 'session:close', { sessionId });
    expect(silentLine(await minutesOf(sessionId))).toBe('Sans bulletin : AXESS, CFDT, FO, SUD, CFE-CGC, CFTC');

    // A result closed before the ballots were ordered keeps the order it was stored in: the minutes still order it.
    const events = table.server.app.context.db.connection.db!.collection('events');
    const stored = (await events.findOne({ type: 'vote:closed', 'payload.voteId': vote.id }))!;
    const reversed = [...(stored.payload.result.ballots as unknown[])].reverse();
    expect((await events.updateOne({ _id: stored._id }, { $set: { 'payload.result.ballots': reversed } })).modifiedCount).toBe(1);
    await ok('secretariat', 'minutes:draft', { sessionId });
    expect(silentLine(await minutesOf(sessionId))).toBe('Sans bulletin : AXESS, CFDT, FO, SUD, CFE-CGC, CFTC');
  });
});
