import { describe, expect, it } from 'vitest';
import type { CurrentItemView, MinutesView, SessionView } from '../../shared/sessions/session.ts';
import { call } from '../helpers/auth.ts';
import { useDemoTable } from '../helpers/demo-table.ts';
import { collect, join, until } from './realtime-client.ts';

const SEATS = ['secretariat', 'chair', 'cfdt', 'cgt'] as const;

describe('the speakers list (« liste des orateurs »)', () => {
  const demo = useDemoTable(SEATS);
  const { cookies, sockets, send, ok, head } = demo;

  it('the chair keeps each item’s list live: adds, reorders, marks « a parlé », removes; delegates may not; the minutes name who spoke', async () => {
    const o = demo.ids.organisations;
    const session = await ok<SessionView>('secretariat', 'session:convene', {
      title: 'Séance avec orateurs',
      startsAt: '2026-12-15T09:30',
      place: 'Paris',
      agenda: [
        { kind: 'free', title: 'Déclarations liminaires' },
        { kind: 'free', title: 'Questions diverses' },
      ],
    });
    const sessionId = session.id;
    await ok('secretariat', 'session:open', { sessionId });
    const seen = collect(sockets.cgt);
    await join(sockets.cgt, demo.negotiationId, await head());

    // Refusals: a delegate, an organisation not at the table, an item or a speaker that does not exist.
    const before = await head();
    expect(await send('cfdt', 'session:speaker-add', { sessionId, index: 0, org: o.CFDT })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send('chair', 'session:speaker-add', { sessionId, index: 0, org: 'aaaaaaaaaaaaaaaaaaaaaaaa' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await send('chair', 'session:speaker-add', { sessionId, index: 5, org: o.CFDT })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await send('chair', 'session:speaker-spoke', { sessionId, index: 0, speakerId: 'nobody' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await head()).toBe(before);

    await ok('chair', 'session:speaker-add', { sessionId, index: 0, org: o.CFDT, name: 'Marie Dupont' });
    const added = await ok<SessionView>('secretariat', 'session:speaker-add', { sessionId, index: 0, org: o.CGT });
    expect(added.speakers[0].map((s) => [s.shortName, s.name, s.spoke])).toEqual([
      ['CFDT', 'Marie Dupont', false],
      ['CGT', null, false],
    ]);
    const [cfdt, cgt] = added.speakers[0];
    expect(await send('cgt', 'session:speaker-move', { sessionId, index: 0, speakerId: cgt.id, to: 0 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const moved = await ok<SessionView>('chair', 'session:speaker-move', { sessionId, index: 0, speakerId: cgt.id, to: 0 });
    expect(moved.speakers[0].map((s) => s.shortName)).toEqual(['CGT', 'CFDT']);

    // Live: the delegates hear every change, and the projector's view shows the list in order.
    await until(() => seen.filter((e) => e.type === 'session:speakers-updated').length === 3, 'three list changes reach a delegate live');
    const last = seen.filter((e) => e.type === 'session:speakers-updated').at(-1)!.payload as { index: number; speakers: { shortName: string }[] };
    expect(last.index).toBe(0);
    expect(last.speakers.map((s) => s.shortName)).toEqual(['CGT', 'CFDT']);
    const current = await (await call(demo.server, `/negotiations/${demo.negotiationId}/sessions/${sessionId}/current`, { cookie: cookies.cfdt })).json() as CurrentItemView;
    expect(current.speakers.map((s) => s.shortName)).toEqual(['CGT', 'CFDT']);

    await ok('chair', 'session:speaker-spoke', { sessionId, index: 0, speakerId: cgt.id });
    await ok('chair', 'session:speaker-spoke', { sessionId, index: 0, speakerId: cfdt.id });
    await ok('chair', 'session:speaker-add', { sessionId, index: 0, org: o.FO });
    const afterAdd = await ok<SessionView>('chair', 'session:goto', { sessionId, index: 1 }).catch(() => null);
    expect(afterAdd).toBeNull(); // moving between items is the secretariat's
    const fo = (await ok<SessionView>('secretariat', 'session:goto', { sessionId, index: 1 })).speakers[0][2];
    const removed = await ok<SessionView>('chair', 'session:speaker-remove', { sessionId, index: 0, speakerId: fo.id });
    expect(removed.speakers[0].map((s) => [s.shortName, s.spoke])).toEqual([
      ['CGT', true],
      ['CFDT', true],
    ]);
    // Moving the item moves its list.
    const reordered = await ok<SessionView>('chair', 'session:move-item', { sessionId, from: 0, to: 1 });
    expect(reordered.speakers.map((list) => list.map((s) => s.shortName))).toEqual([[], ['CGT', 'CFDT']]);

    await ok('secretariat', 'session:close', { sessionId });
    expect(await send('chair', 'session:speaker-add', { sessionId, index: 0, org: o.SUD })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const minutes = await (await call(demo.server, `/negotiations/${demo.negotiationId}/sessions/${sessionId}/minutes`, { cookie: cookies.cfdt })).json() as MinutesView;
    expect(minutes.text).toContain('### 2. Déclarations liminaires\nOnt pris la parole : CGT, CFDT (Marie Dupont).');
  });
});
