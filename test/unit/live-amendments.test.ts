import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AmendmentStep, AmendmentWritten } from '../../shared/amendments/amendment.ts';
import { amendmentFlags, amendmentView, readLiveArticle } from '../../shared/amendments/amendment-view.ts';
import { applyAmendmentEvent, applyAmendmentEvents, foldAmendments } from '../../shared/amendments/amendment.fold.ts';
import { articleFragment, writeParagraphs } from '../../shared/structure.ts';
import { COMMITTEE, type NegotiationEvent, type Visibility } from '../../shared/events.ts';
import type { AmendmentContent } from '../../shared/amendments/formula.ts';

const N = 'n1';
const ARTICLE = 'art3';
const TEXT = ['Le salarié bénéficie d’une pause de vingt minutes.', 'La pause du soir est facultative.'];
const person = { userId: 'u-cgt', name: 'Camille CGT' };

let seq = 0;
function event<K extends NegotiationEvent['type']>(type: K, payload: unknown, visibility: Visibility = COMMITTEE, org = 'cgt'): NegotiationEvent<K> {
  seq += 1;
  return { negotiationId: N, seq, actor: 'u', org, at: `2026-12-03T10:00:${String(seq).padStart(2, '0')}.000Z`, visibility, type, payload } as NegotiationEvent<K>;
}

function written(amendmentId: string, org: string, content: AmendmentContent): AmendmentWritten {
  return {
    amendmentId,
    articleId: ARTICLE,
    target: { number: '3', kind: 'article', title: 'Pauses' },
    org: { id: org, shortName: org.toUpperCase() },
    author: { userId: `u-${org}`, name: `Délégué ${org.toUpperCase()}` },
    content,
    justification: 'Une pause plus longue.',
    anchor: null,
    formula: 'À l’article 3, …',
    base: { blocks: TEXT, quote: null, stateVector: '', snapshot: '', at: '2026-12-03T09:00:00.000Z' },
  };
}

const step = (amendmentId: string): AmendmentStep => ({ amendmentId, by: person });
const thirty: AmendmentContent = { kind: 'replace-words', from: 'vingt minutes', to: 'trente minutes' };

describe('the amendments list kept by events (shared/amendments/amendment.fold.ts)', () => {
  it('a list read half-way and kept by the events that follow is the fold of the whole log', () => {
    const log = [
      event('amendment:drafted', written('a1', 'cgt', thirty), { scope: 'delegation', org: 'cgt' }),
      event('amendment:tabled', written('a2', 'fo', { kind: 'delete-words', words: 'du soir' }), COMMITTEE, 'fo'),
      event('amendment:tabled', written('a1', 'cgt', thirty)),
      event('amendment:discussed', step('a1')),
      event('amendment:adopted', step('a1')),
      event('amendment:withdrawn', step('a2'), COMMITTEE, 'fo'),
      event('amendment:merged', { ...step('a1'), versionId: 'v1', automatic: false, manual: false }),
    ];
    for (let cut = 0; cut <= log.length; cut++) {
      expect(applyAmendmentEvents(foldAmendments(log.slice(0, cut)), log.slice(cut))).toEqual(foldAmendments(log));
    }
    const [a1, a2] = foldAmendments(log);
    expect([a1.number, a1.status, a1.merge?.versionId]).toEqual([2, 'merged', 'v1']);
    expect([a2.number, a2.status]).toEqual([1, 'withdrawn']);
  });

  it('events the list already reflects, replayed (a catch-up over a fresh read), change nothing', () => {
    const log = [
      event('amendment:tabled', written('a1', 'cgt', thirty)),
      event('amendment:discussed', step('a1')),
      event('amendment:adopted', step('a1')),
    ];
    const list = foldAmendments(log);
    expect(applyAmendmentEvents(list, log)).toEqual(list);
    expect(applyAmendmentEvents(list, [...log, ...log])).toEqual(list);
    // One step replayed on its own: the amendment is already past it, its history is not written twice.
    const adopted = list[0];
    expect(applyAmendmentEvent(adopted, log[1])).toBe(adopted);
    expect(applyAmendmentEvent(adopted, log[2])).toBe(adopted);
    expect(adopted.history.map((h) => h.status)).toEqual(['tabled', 'under discussion', 'adopted']);
  });

  it('a tabled amendment takes the number after the last one, a draft takes none, and a replayed tabling keeps its number', () => {
    const first = event('amendment:tabled', written('a1', 'cgt', thirty));
    const list = applyAmendmentEvents([], [first, event('amendment:drafted', written('a2', 'fo', thirty), { scope: 'delegation', org: 'fo' }, 'fo')]);
    expect(list.map((a) => a.number)).toEqual([1, null]);
    const tabled = applyAmendmentEvents(list, [event('amendment:tabled', written('a2', 'fo', thirty), COMMITTEE, 'fo'), first]);
    expect(tabled.map((a) => [a.id, a.number])).toEqual([
      ['a1', 1],
      ['a2', 2],
    ]);
  });

  it('other events leave the list as it was', () => {
    const list = foldAmendments([event('amendment:tabled', written('a1', 'cgt', thirty))]);
    expect(applyAmendmentEvents(list, [event('version:created', { versionId: 'v', name: 'V', kind: 'manual' })])).toEqual(list);
  });
});

describe('what a reader sees of an amendment, from the live text (shared/amendments/amendment-view.ts)', () => {
  function article(paragraphs: string[]): Y.Doc {
    const doc = new Y.Doc({ gc: false });
    writeParagraphs(doc, paragraphs);
    return doc;
  }

  it('amendments on the same words compete while live; a withdrawn one competes with none', () => {
    const log = [
      event('amendment:tabled', written('a1', 'cgt', thirty)),
      event('amendment:tabled', written('a2', 'fo', { kind: 'replace-words', from: 'vingt', to: 'vingt-cinq' }), COMMITTEE, 'fo'),
      event('amendment:tabled', written('a3', 'cfdt', { kind: 'delete-words', words: 'du soir' }), COMMITTEE, 'cfdt'),
    ];
    const list = foldAmendments(log);
    const live = new Map([[ARTICLE, readLiveArticle(article(TEXT), list)]]);
    const sut = amendmentFlags(list, live);
    expect(sut.get('a1')).toEqual({ outdated: false, competing: ['a2'] });
    expect(sut.get('a2')).toEqual({ outdated: false, competing: ['a1'] });
    expect(sut.get('a3')).toEqual({ outdated: false, competing: [] });

    const withdrawn = applyAmendmentEvents(list, [event('amendment:withdrawn', step('a2'), COMMITTEE, 'fo')]);
    expect(amendmentFlags(withdrawn, live).get('a1')).toEqual({ outdated: false, competing: [] });
  });

  it('an amendment is outdated once the paragraph holding its words is rewritten, and not for a change elsewhere', () => {
    const list = foldAmendments([event('amendment:tabled', written('a1', 'cgt', thirty))]);
    const doc = article(TEXT);
    const flags = () => amendmentFlags(list, new Map([[ARTICLE, readLiveArticle(doc, list)]])).get('a1');
    const second = articleFragment(doc).get(1) as Y.XmlElement;
    (second.get(0) as Y.XmlText).insert(0, 'Désormais, ');
    expect(flags()).toEqual({ outdated: false, competing: [] });
    const first = articleFragment(doc).get(0) as Y.XmlElement;
    (first.get(0) as Y.XmlText).insert(TEXT[0].length - 1, ' au moins');
    expect(flags()).toEqual({ outdated: true, competing: [] });
  });

  it('an amendment on an article the reader does not hold gets no flags (the reader keeps those it had)', () => {
    const list = foldAmendments([event('amendment:tabled', written('a1', 'cgt', thirty))]);
    expect(amendmentFlags(list, new Map()).size).toBe(0);
  });

  it('another organisation sees the story from the tabling on; each reader is offered what their mandate allows', () => {
    const log = [
      event('amendment:drafted', written('a1', 'cgt', thirty), { scope: 'delegation', org: 'cgt' }),
      event('amendment:tabled', written('a1', 'cgt', thirty)),
    ];
    const [record] = foldAmendments(log);
    const flags = { outdated: false, competing: [] };
    const author = amendmentView(record, { roles: ['delegate'], orgId: 'cgt' }, flags);
    const secretariat = amendmentView(record, { roles: ['secretariat'], orgId: 'axess' }, flags);
    expect(author.history.map((h) => h.status)).toEqual(['draft', 'tabled']);
    expect(secretariat.history.map((h) => h.status)).toEqual(['tabled']);
    expect(secretariat.createdAt).toBe(log[1].at);
    expect(author.actions).toEqual(['withdraw']);
    expect(secretariat.actions).toEqual(['discuss']);
    expect('visibility' in secretariat).toBe(false);
  });
});
