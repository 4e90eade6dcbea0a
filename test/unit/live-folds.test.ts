import { describe, expect, it } from 'vitest';
import type { NegotiationEvent } from '../../shared/events.ts';
import { positionMatrix, withPosition } from '../../shared/positions/position.fold.ts';
import type { Position } from '../../shared/positions/position.ts';
import type { VersionSummary } from '../../shared/text-diff.ts';
import { applyVersionEvents, withVersions } from '../../shared/versions/version.fold.ts';
import { applyVoteEvents, foldVotes } from '../../shared/votes/vote.fold.ts';
import { applyAnnotationEvents, foldAnnotations } from '../../shared/annotations/annotation.fold.ts';
import { applyCampaignEvents } from '../../shared/signature/campaign.fold.ts';
import { scenarioOf } from '../../shared/signature/campaign.ts';
import { assess } from '../../shared/validity/assess.ts';
import { parseScenario, type Scenario, type ScenarioInput } from '../../shared/validity/scenario.ts';
import { campaignActions } from '../../shared/signature/eligibility.ts';

const N = 'n1';

function versionCreated(seq: number, versionId: string, at: string): NegotiationEvent<'version:created'> {
  return {
    negotiationId: N,
    seq,
    actor: 'u1',
    org: null,
    at,
    visibility: { scope: 'committee' },
    type: 'version:created',
    payload: { versionId, name: `Version ${versionId}`, kind: 'manual' },
  } as NegotiationEvent<'version:created'>;
}

const listed = (id: string, createdAt: string): VersionSummary => ({ id, name: `Version ${id}`, kind: 'manual', createdAt });

describe('the version list kept by events', () => {
  it('a version:created event puts its version at the head of the list', () => {
    const sut = applyVersionEvents([listed('a', '2026-12-01T09:00:00.000Z')], [versionCreated(7, 'b', '2026-12-02T09:00:00.000Z')]);
    expect(sut.map((v) => v.id)).toEqual(['b', 'a']);
    expect(sut[0]).toEqual({ id: 'b', name: 'Version b', kind: 'manual', createdAt: '2026-12-02T09:00:00.000Z' });
  });

  it('a version already listed (from the command’s answer or a replayed catch-up) is not listed twice', () => {
    const list = [listed('b', '2026-12-02T09:00:00.000Z'), listed('a', '2026-12-01T09:00:00.000Z')];
    const event = versionCreated(7, 'b', '2026-12-02T09:00:00.001Z');
    expect(applyVersionEvents(list, [event, event])).toEqual(list);
    expect(withVersions(list, [listed('c', '2026-12-03T00:00:00.000Z'), listed('c', '2026-12-03T00:00:00.000Z')]).map((v) => v.id)).toEqual(['c', 'b', 'a']);
  });

  it('other events leave the list as it was', () => {
    const list = [listed('a', '2026-12-01T09:00:00.000Z')];
    const other = { ...versionCreated(8, 'x', '2026-12-05T00:00:00.000Z'), type: 'session:opened', payload: { sessionId: 's' } } as unknown as NegotiationEvent;
    expect(applyVersionEvents(list, [other])).toEqual(list);
  });
});

describe('the positions matrix kept by events', () => {
  const organisations = [
    { id: 'cgt', shortName: 'CGT' },
    { id: 'fo', shortName: 'FO' },
  ];
  const articles = [{ id: 'art1', number: '1', title: 'Objet' }];
  const position = (seq: number, org: string, stance: Position['stance'], item: Position['item'] = { kind: 'article', id: 'art1' }): Position => ({
    seq,
    negotiationId: N,
    org,
    orgShortName: org.toUpperCase(),
    declaredBy: { userId: 'u', name: 'Délégué' },
    stance,
    statement: '',
    item,
    sessionId: null,
    liminary: false,
    at: '2026-12-01T09:00:00.000Z',
  });

  it('a declared position fills its organisation’s cell, as the matrix read afresh would', () => {
    const empty = positionMatrix(organisations, articles, []);
    const declared = position(3, 'cgt', 'réservé');
    expect(withPosition(empty, declared)).toEqual(positionMatrix(organisations, articles, [declared]));
  });

  it('an older position does not replace a newer one, whatever order they arrive in', () => {
    const newer = position(9, 'cgt', 'favorable');
    const matrix = positionMatrix(organisations, articles, [newer]);
    expect(withPosition(matrix, position(4, 'cgt', 'défavorable'))?.cells.cgt['article:art1']).toEqual(newer);
  });

  it('a position on an item with no column yet asks for the matrix to be read again (null)', () => {
    const matrix = positionMatrix(organisations, articles, []);
    expect(withPosition(matrix, position(5, 'fo', 'favorable', { kind: 'amendment', id: 'am1' }))).toBeNull();
  });
});

/** An event of the log, as the channel delivers it. */
function event<T extends NegotiationEvent['type']>(seq: number, type: T, payload: unknown, visibility: NegotiationEvent['visibility'] = { scope: 'committee' }): NegotiationEvent {
  return { negotiationId: N, seq, actor: 'u1', org: null, at: `2026-12-01T09:00:${String(seq).padStart(2, '0')}.000Z`, visibility, type, payload } as unknown as NegotiationEvent;
}

describe('the votes kept by events', () => {
  const by = { userId: 'u1', name: 'Présidente' };
  const log = [
    event(1, 'vote:opened', { voteId: 'v1', title: 'Article 3', item: { kind: 'article', id: 'a3' }, rule: 'indicative', sessionId: null, openedBy: by }),
    event(2, 'ballot:cast', { voteId: 'v1', org: 'cgt', choice: 'pour', castBy: by }),
    event(3, 'ballot:cast', { voteId: 'v1', org: 'fo', choice: 'contre', castBy: by }),
    event(4, 'ballot:cast', { voteId: 'v1', org: 'cgt', choice: 'abstention', castBy: by }),
  ];

  it('a list read earlier, kept by the events after it, is the list the whole log folds to', () => {
    for (let cut = 0; cut <= log.length; cut++) {
      expect(applyVoteEvents(foldVotes(log.slice(0, cut)), log.slice(cut))).toEqual(foldVotes(log));
    }
  });

  it('events the list already reflects (a catch-up that overlaps the read) change nothing', () => {
    const sut = applyVoteEvents(foldVotes(log), log.slice(1));
    expect(sut).toEqual(foldVotes(log));
    expect(sut[0].ballots.map((b) => `${b.org}:${b.choice}`).sort()).toEqual(['cgt:abstention', 'fo:contre']);
  });

  it('a newly opened vote joins the list in the order votes were opened', () => {
    const second = event(5, 'vote:opened', { voteId: 'v0', title: 'Ensemble', item: { kind: 'text' }, rule: 'indicative', sessionId: null, openedBy: by });
    expect(applyVoteEvents(foldVotes(log), [second]).map((v) => v.id)).toEqual(['v1', 'v0']);
  });
});

describe('the annotation threads kept by events', () => {
  const author = { userId: 'u1', name: 'Déléguée', org: 'cgt', orgShortName: 'CGT' };
  const message = (id: string, body: string) => ({ id, author, body, at: '2026-12-01T09:00:00.000Z' });
  const delegation = { scope: 'delegation', org: 'cgt' } as NegotiationEvent['visibility'];
  const log = [
    event(1, 'annotation:created', { annotationId: 't1', articleId: 'a3', anchor: { start: 'x', end: 'y' }, quote: 'astreintes', visibility: 'delegation', message: message('m1', 'À revoir') }, delegation),
    event(2, 'annotation:replied', { annotationId: 't1', message: message('m2', 'D’accord') }, delegation),
    event(3, 'annotation:resolved', { annotationId: 't1', by: { userId: 'u1', name: 'Déléguée' } }, delegation),
  ];
  const views = (events: NegotiationEvent[]) => foldAnnotations(events).map(({ scope: _scope, ...view }) => view);

  it('a list read earlier, kept by the events after it, is the list the whole log folds to', () => {
    for (let cut = 0; cut <= log.length; cut++) {
      expect(applyAnnotationEvents(views(log.slice(0, cut)), log.slice(cut))).toEqual(views(log));
    }
  });

  it('a reply already in the thread (a replayed catch-up) is not shown twice', () => {
    const sut = applyAnnotationEvents(views(log), log);
    expect(sut[0].messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(foldAnnotations([...log, log[1]])[0].messages).toHaveLength(2);
  });

  it('a view carries no audience of the server’s (the fold’s scope stays out of it)', () => {
    expect(Object.keys(applyAnnotationEvents([], log)[0])).not.toContain('scope');
  });
});

function parseOk(input: ScenarioInput): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.errors.join(' ; '));
  return parsed.scenario;
}

describe('the signature campaign kept by events', () => {
  const by = { userId: 'u0', name: 'Secrétariat' };
  const party = (id: string, college: 'union' | 'employer', weight: number) => ({ id, shortName: id.toUpperCase(), fullName: id, college, weight, representative: true, source: null });
  const opened = (seq: number, campaignId: string) =>
    event(seq, 'signature:opened', {
      campaignId,
      kind: 'agreement',
      title: 'Accord',
      level: 'branch',
      version: { id: 'v1', name: 'Version 1', hash: 'h' },
      at: '2026-12-01',
      by,
      signatureDeadline: '2099-06-30',
      parties: [party('axess', 'employer', 100), party('cfdt', 'union', 38.5), party('cgt', 'union', 30)],
    });
  const signed = (seq: number, org: string) => event(seq, 'signature:signed', { campaignId: 'c1', org, signatory: by, signedAt: '2026-12-01T10:00:00.000Z', date: '2026-12-01', versionHash: 'h' });
  const log = [
    opened(1, 'c1'),
    signed(2, 'cfdt'),
    event(3, 'signature:closed', { campaignId: 'c1', outcome: 'concluded', at: '2026-12-02', nonSignatories: ['cgt'], by }),
    event(4, 'agreement:notified', { campaignId: 'c1', org: 'cgt', at: '2026-12-03', recordedBy: by }),
    event(5, 'opposition:filed', { campaignId: 'c1', org: 'cgt', at: '2026-12-04', text: 'Nous nous opposons.', filedBy: by, counted: true, ground: 'L2232-6' }),
  ];
  const folded = (events: NegotiationEvent[]) => applyCampaignEvents(null, events);

  it('a campaign read earlier, kept by the events after it, is the campaign the whole log folds to', () => {
    for (let cut = 0; cut <= log.length; cut++) expect(applyCampaignEvents(folded(log.slice(0, cut)), log.slice(cut))).toEqual(folded(log));
  });

  it('events the campaign already reflects change nothing: no second notification step, no second opposition', () => {
    const sut = applyCampaignEvents(folded(log), log);
    expect(sut).toEqual(folded(log));
    expect(sut?.oppositions).toHaveLength(1);
    expect(sut?.history.map((h) => h.state)).toEqual(['open for signature', 'notified']);
  });

  it('a signature event takes the signing organisation’s « sign » away, as the server judges it', () => {
    const cfdt = { orgId: 'cfdt', roles: ['signatory' as const] };
    expect(campaignActions(folded(log.slice(0, 1)), cfdt).sign).toBe(true);
    expect(campaignActions(folded(log.slice(0, 2)), cfdt).sign).toBe(false);
  });

  it('a campaign opened after the one held replaces it', () => {
    expect(applyCampaignEvents(folded(log), [opened(9, 'c2')])?.id).toBe('c2');
  });

  it('a company campaign keeps the referendum recorded (once) and the engine reads it: approved, valid', () => {
    const company = [
      // The employer and two unions, CFDT 40 % and CGT 60 %: the CFDT's signature alone goes to the employees.
      { ...opened(1, 'c1'), payload: { ...opened(1, 'c1').payload, level: 'company', parties: [party('axess', 'employer', 100), party('cfdt', 'union', 40), party('cgt', 'union', 60)] } } as NegotiationEvent,
      signed(2, 'axess'),
      signed(3, 'cfdt'),
      event(4, 'signature:closed', { campaignId: 'c1', outcome: 'concluded', at: '2026-12-02', nonSignatories: ['cgt'], by }),
      event(5, 'agreement:notified', { campaignId: 'c1', org: 'cgt', at: '2026-12-03', recordedBy: by }),
    ];
    const pending = folded(company)!;
    expect(pending.referendum).toBeNull();
    expect(assess(parseOk(scenarioOf(pending, '2026-12-04'))).status).toBe('referendum pending');
    const vote = (seq: number, approved: boolean) => event(seq, 'referendum:recorded', { campaignId: 'c1', at: '2026-12-04', approved, recordedBy: by });
    const sut = applyCampaignEvents(pending, [vote(6, true), vote(7, false)])!;
    expect(sut.referendum).toEqual({ at: '2026-12-04', approved: true, recordedBy: by });
    expect(assess(parseOk(scenarioOf(sut, '2026-12-04'))).status).toBe('valid');
    expect(applyCampaignEvents(sut, [event(8, 'agreement:validated', { campaignId: 'c1', at: '2026-12-04', ground: 'referendum' })])?.state).toBe('valid');
  });
});
