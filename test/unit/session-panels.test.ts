import { describe, expect, it } from 'vitest';
import type { EventPayload, EventType, NegotiationEvent } from '../../shared/events.ts';
import { foldSessions } from '../../shared/sessions/session.fold.ts';
import { applySessionListEvents, applySessionPanelEvents, currentItemView, type SessionPanels } from '../../shared/sessions/session-panels.fold.ts';
import type { AgendaItem, CurrentItemContent } from '../../shared/sessions/session.ts';

const N = 'n1';
const S = 's1';
let seq = 0;
function event<K extends EventType>(type: K, payload: EventPayload<K>): NegotiationEvent<K> {
  seq += 1;
  return { negotiationId: N, seq, actor: 'u1', org: null, at: `2026-12-04T09:${String(seq).padStart(2, '0')}:00.000Z`, visibility: { scope: 'committee' }, type, payload } as NegotiationEvent<K>;
}

const parties = [
  { id: 'fo', shortName: 'FO', college: 'union' as const, weight: 14.69 },
  { id: 'axess', shortName: 'AXESS', college: 'employer' as const, weight: 100 },
  { id: 'cgt', shortName: 'CGT', college: 'union' as const, weight: 35.18 },
];
const agenda: AgendaItem[] = [
  { kind: 'free', title: 'Déclarations liminaires', text: '' },
  { kind: 'amendment', amendmentId: 'a1' },
  { kind: 'vote', title: 'Pause de 20 minutes', voteId: 'v1' },
];
const amendmentContent: CurrentItemContent = {
  heading: 'Amendement n° 2 (CGT) – article 3 – Temps de pause',
  article: null,
  amendment: { org: 'CGT', formula: 'L’article 3 est complété…', justification: 'Une pause effective.', status: 'tabled' },
  vote: null,
  text: null,
};
const voteContent: CurrentItemContent = {
  heading: 'Pause de 20 minutes',
  article: null,
  amendment: null,
  vote: { id: 'v1', negotiationId: N, title: 'Pause de 20 minutes', item: { kind: 'question', text: 'Pause' }, rule: 'consensus', sessionId: S, status: 'open', openedAt: '2026-12-04T09:00:00.000Z', openedBy: 'Secrétariat', ballots: [], closedAt: null, result: null },
  text: null,
};

/** A session convened and opened on its first item, as a page reads it before following the stream. */
function openSession(): SessionPanels {
  const events = [
    event('session:convened', { sessionId: S, title: 'Séance de décembre', startsAt: '2026-12-04T08:30:00.000Z', endsAt: '2026-12-04T11:30:00.000Z', place: 'Paris', videoLink: null, agenda, documents: [] }),
    event('session:opened', { sessionId: S, current: { heading: 'Déclarations liminaires', article: null, amendment: null, vote: null, text: '' } }),
  ];
  const [session] = foldSessions(events);
  return { session, content: (events[1] as NegotiationEvent<'session:opened'>).payload.current ?? null };
}

describe('the session panels kept by events', () => {
  it('an item change brings the item’s content; its speakers list and the attendance follow their own events', () => {
    const sut = applySessionPanelEvents(openSession(), [
      event('session:speakers-updated', { sessionId: S, index: 1, speakers: [{ id: 'sp1', org: 'cgt', shortName: 'CGT', name: 'Mme Roux', spoke: false }] }),
      event('session:item-changed', { sessionId: S, index: 1, item: agenda[1], current: amendmentContent }),
      event('session:attendance-recorded', { sessionId: S, entries: [{ org: 'fo', shortName: 'FO', status: 'excused', delegates: [] }], observers: ['M. Durand (DGT)'] }),
    ]);
    const view = currentItemView(sut.session, parties, sut.content);
    expect(view).toMatchObject({ index: 1, total: 3, heading: 'Amendement n° 2 (CGT) – article 3 – Temps de pause', amendment: { status: 'tabled' }, observers: ['M. Durand (DGT)'] });
    expect(view.speakers.map((s) => s.name)).toEqual(['Mme Roux']);
    // The parties in the negotiation's order, each with what was recorded.
    expect(view.attendance.map((l) => [l.shortName, l.status])).toEqual([
      ['AXESS', null],
      ['CGT', null],
      ['FO', 'excused'],
    ]);
  });

  it('the current amendment’s outcome and the current vote’s ballots follow their events', () => {
    let sut = applySessionPanelEvents(openSession(), [event('session:item-changed', { sessionId: S, index: 1, item: agenda[1], current: amendmentContent })]);
    const by = { userId: 'u1', name: 'Secrétariat', org: 'sec', orgShortName: 'SEC' } as never;
    sut = applySessionPanelEvents(sut, [event('amendment:discussed', { amendmentId: 'a1', by }), event('amendment:adopted', { amendmentId: 'a1', by }), event('amendment:adopted', { amendmentId: 'other', by })]);
    expect(sut.content?.amendment?.status).toBe('adopted');

    sut = applySessionPanelEvents(sut, [
      event('session:item-changed', { sessionId: S, index: 2, item: agenda[2], current: voteContent }),
      event('ballot:cast', { voteId: 'v1', org: 'cgt', choice: 'pour', castBy: { userId: 'u2', name: 'Mme Roux' } }),
    ]);
    expect(currentItemView(sut.session, parties, sut.content).vote?.ballots.map((b) => [b.org, b.choice])).toEqual([['cgt', 'pour']]);
  });

  it('replaying events the panels already reflect changes nothing, an agenda move included', () => {
    const read = openSession();
    const events = [
      event('session:speakers-updated', { sessionId: S, index: 0, speakers: [{ id: 'sp1', org: 'fo', shortName: 'FO', name: null, spoke: false }] }),
      event('session:agenda-updated', { sessionId: S, agenda: [agenda[1], agenda[0], agenda[2]], documents: [], currentIndex: 1, moved: { from: 0, to: 1 }, current: null }),
      event('session:item-changed', { sessionId: S, index: 0, item: agenda[1], current: amendmentContent }),
      event('amendment:discussed', { amendmentId: 'a1', by: { userId: 'u1', name: 'Secrétariat' } as never }),
      event('session:attendance-recorded', { sessionId: S, entries: [{ org: 'cgt', shortName: 'CGT', status: 'present', delegates: ['Mme Roux'] }] }),
    ];
    const once = applySessionPanelEvents(read, events);
    expect(once.session.speakers[1].map((s) => s.id)).toEqual(['sp1']);
    expect(once.content?.amendment?.status).toBe('under discussion');
    expect(applySessionPanelEvents(once, events)).toEqual(once);
  });

  it('the close ends the current item; events of another session change nothing', () => {
    const open = openSession();
    expect(applySessionPanelEvents(open, [event('session:item-changed', { sessionId: 'other', index: 1, item: agenda[1], current: amendmentContent })])).toBe(open);
    const closed = applySessionPanelEvents(open, [event('session:closed', { sessionId: S, versionId: 'v9', nextSession: null })]);
    expect(closed.session.status).toBe('closed');
    expect(closed.content).toBeNull();
  });
});

describe('the sessions list kept by events', () => {
  it('a convened session joins the list in start order and its status follows; a replay changes nothing', () => {
    const list = [{ id: 'later', title: 'Séance de janvier', startsAt: '2027-01-14T08:30:00.000Z', status: 'convened' as const }];
    const events = [
      event('session:convened', { sessionId: S, title: 'Séance de décembre', startsAt: '2026-12-04T08:30:00.000Z', endsAt: '2026-12-04T11:30:00.000Z', place: 'Paris', videoLink: null, agenda, documents: [] }),
      event('session:opened', { sessionId: S }),
      event('session:cancelled', { sessionId: 'later', reason: 'Grève des transports' }),
    ];
    const sut = applySessionListEvents(list, events);
    expect(sut.map((s) => [s.id, s.status])).toEqual([
      [S, 'open'],
      ['later', 'cancelled'],
    ]);
    expect(applySessionListEvents(sut, events)).toBe(sut);
  });
});
