import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventPayload, type EventType, type NegotiationEvent } from '../../shared/events.ts';
import { activitySentence, type SentenceContext } from '../../client/src/activity/activity-sentence.ts';
import type { Locale } from '../../client/src/lib/messages.ts';
import { loadLaterMessages } from '../../client/src/lib/i18n.svelte.ts';

// The activity's words come after the first pages' (lib/later-messages.ts), as in the browser.
await loadLaterMessages();

const ORGS: Record<string, string> = { cgt: 'CGT', cfdt: 'CFDT', axess: 'AXESS' };
const person = { userId: 'u1', name: 'Marie Martin' };

/**
 * A payload for every event type of the catalogue (the mapped type makes this list complete:
 * a new event type fails the type check here until it has one), with the fields its sentence reads.
 */
const SAMPLES: { [K in EventType]: Partial<EventPayload<K>> } = {
  'amendment:drafted': { amendmentId: 'a1', org: { id: 'cgt', shortName: 'CGT' } },
  'amendment:tabled': { amendmentId: 'a1', org: { id: 'cgt', shortName: 'CGT' } },
  'amendment:discussed': { amendmentId: 'a1' },
  'amendment:adopted': { amendmentId: 'a1' },
  'amendment:rejected': { amendmentId: 'a1' },
  'amendment:withdrawn': { amendmentId: 'a1' },
  'amendment:merged': { amendmentId: 'a1', automatic: true },
  'annotation:created': { annotationId: 'n1' },
  'annotation:replied': { annotationId: 'n1' },
  'annotation:resolved': { annotationId: 'n1', by: person },
  'annotation:reopened': { annotationId: 'n1', by: person },
  'article:added': { articleId: 'x', number: '14', title: 'Working time' },
  'article:edited': { articleId: 'x', title: 'Working time' },
  'article:moved': { articleId: 'x', position: 2 },
  'article:deleted': { articleId: 'x' },
  'articles:renumbered': { renumbered: { '4': '5', '5': '6' } },
  'article:status-changed': { articleId: 'x', number: '3', from: 'open', to: 'bracketed' },
  'member:joined': { userId: 'u1', organisationId: 'cfdt', roles: ['delegate'], name: 'Marie Martin' },
  'member:roles-changed': { userId: 'u1', organisationId: 'cfdt', roles: ['delegate'] },
  'member:revoked': { userId: 'u1', organisationId: 'cfdt', roles: ['delegate'] },
  'member:suspended': { userId: 'u1', organisationId: 'cfdt', roles: ['delegate'], reason: 'Left' },
  'member:reinstated': { userId: 'u1', organisationId: 'cfdt', roles: ['delegate'], reason: null },
  'member:lead-invited': { organisationId: 'cftc', organisation: 'CFTC' },
  'invitation:sent': { invitationId: 'i1', email: 'paul.durand@cgt.demo', organisationId: 'cgt', roles: ['delegate'], expiresAt: '2026-12-11T10:00:00Z' },
  'invitation:cancelled': { invitationId: 'i1', organisationId: 'cgt' },
  'invitation:accepted': {
    invitationId: 'i1',
    organisationId: 'cgt',
    member: { id: 'm1', user: { id: 'u2', name: 'Paul Durand', email: 'paul.durand@cgt.demo' }, organisation: { id: 'cgt', shortName: 'CGT', college: 'union' }, roles: ['delegate'], suspension: null },
  },
  'position:declared': { org: 'cgt', orgShortName: 'CGT', stance: 's’opposera', item: { kind: 'text' } },
  'session:convened': { sessionId: 's1', title: 'Plenary', startsAt: '2026-12-17T13:00:00Z' },
  'session:agenda-updated': { sessionId: 's1' },
  'session:speakers-updated': { sessionId: 's1', index: 0, speakers: [] },
  'session:attendance-recorded': { sessionId: 's1' },
  'session:opened': { sessionId: 's1' },
  'session:item-changed': { sessionId: 's1', index: 1 },
  'session:closed': { sessionId: 's1' },
  'minutes:drafted': { sessionId: 's1' },
  'minutes:circulated': { sessionId: 's1' },
  'minutes:approved': { sessionId: 's1' },
  'session:cancelled': { sessionId: 's1', reason: 'Strike' },
  'signature:opened': { campaignId: 'c1', title: 'Amendment No 1' },
  'recommendation:adopted': { campaignId: 'c1', title: 'Recommendation' },
  'signature:signed': { campaignId: 'c1', org: 'cfdt', signatory: person },
  'signature:closed': { campaignId: 'c1', outcome: 'concluded' },
  'agreement:notified': { campaignId: 'c1', org: 'cgt' },
  'opposition:filed': { campaignId: 'c1', org: 'cgt', filedBy: person, counted: true },
  'referendum:recorded': { campaignId: 'c1', at: '2024-03-04', approved: true, recordedBy: person },
  'agreement:voided': { campaignId: 'c1', oppositionWeight: 61.5 },
  'agreement:validated': { campaignId: 'c1' },
  'agreement:transitioned': { campaignId: 'c1', to: 'approval refused' },
  'version:created': { versionId: 'v1', name: 'After session 3', kind: 'manual' },
  'vote:opened': { voteId: 'v1', title: 'Article 3' },
  'ballot:cast': { voteId: 'v1', org: 'cgt', choice: 'contre' },
  'vote:closed': { voteId: 'v1', result: { adopted: false } as EventPayload<'vote:closed'>['result'] },
};

const event = (type: EventType): NegotiationEvent =>
  ({ negotiationId: 'n', seq: 1, actor: 'u1', org: 'cgt', at: '2026-12-03T10:00:00Z', visibility: { scope: 'committee' }, type, payload: SAMPLES[type] }) as unknown as NegotiationEvent;
const context = (locale: Locale): SentenceContext => ({ locale, orgName: (id) => (id ? (ORGS[id] ?? '') : '') });

describe('activity entries are sentences, never codes', () => {
  for (const type of EVENT_TYPES) {
    it(`says « ${type} » as a sentence in French and in English`, () => {
      const fr = activitySentence(event(type), context('fr'));
      const en = activitySentence(event(type), context('en'));
      for (const sentence of [fr, en]) {
        expect(sentence.split(' ').length).toBeGreaterThanOrEqual(2);
        expect(sentence).not.toContain(type);
        // No event or message code (entity:verb, activity.event…), no unfilled {param}, no missing value.
        expect(sentence).not.toMatch(/\b[a-z]+:[a-z-]+\b|activity\.|\{\w+\}|undefined|null|NaN|\[object/);
      }
      expect(en).not.toBe(fr);
      // English with no French in it: no accented letters or French quotes (the samples' names have none).
      expect(en).not.toMatch(/[àâçéèêëîïôûùüÿœ«»]/i);
    });
  }

  it('names the organisation that acted: « CGT a déposé une opposition »', () => {
    expect(activitySentence(event('opposition:filed'), context('fr'))).toBe('CGT a déposé une opposition');
    expect(activitySentence(event('opposition:filed'), context('en'))).toBe('CGT filed an opposition');
  });

  it('says why a text became valid: no majority opposition (branch, and events recorded before the ground was kept), a majority signature or the employees (company)', () => {
    const validated = (ground?: string) => ({ ...event('agreement:validated'), payload: { campaignId: 'c1', at: '2024-03-04', ...(ground ? { ground } : {}) } }) as NegotiationEvent;
    expect(activitySentence(validated(), context('fr'))).toBe('Le texte est valide : aucune opposition majoritaire dans le délai');
    expect(activitySentence(validated('no majority opposition'), context('fr'))).toBe('Le texte est valide : aucune opposition majoritaire dans le délai');
    expect(activitySentence(validated('majority signature'), context('fr'))).toBe('Le texte est valide : signé par l’employeur et par des syndicats pesant plus de 50 % des suffrages');
    expect(activitySentence(validated('referendum'), context('en'))).toBe('The text is valid: approved by the employees');
  });

  it('says why a text is void: a majority opposition (and events recorded before the ground was kept) or the employees’ rejection by referendum', () => {
    const voided = (ground?: string) => ({ ...event('agreement:voided'), payload: { campaignId: 'c1', at: '2024-03-04', oppositionWeight: 61.5, ...(ground ? { ground } : {}) } }) as NegotiationEvent;
    expect(activitySentence(voided(), context('fr'))).toBe('Le texte est réputé non écrit : les opposants pèsent 61,50 %');
    expect(activitySentence(voided('majority opposition'), context('en'))).toBe('The text is void: the opposing unions weigh 61.50 %');
    expect(activitySentence(voided('referendum'), context('fr'))).toBe('Le texte est réputé non écrit : les salariés l’ont rejeté par référendum');
    expect(activitySentence(voided('referendum'), context('en'))).toBe('The text is void: the employees rejected it by referendum');
  });

  it('says the referendum’s result once recorded', () => {
    const recorded = (approved: boolean) => ({ ...event('referendum:recorded'), payload: { campaignId: 'c1', at: '2024-03-04', approved, recordedBy: person } }) as NegotiationEvent;
    expect(activitySentence(recorded(true), context('fr'))).toBe('Le résultat du référendum des salariés a été enregistré : texte approuvé');
    expect(activitySentence(recorded(false), context('en'))).toBe('The result of the employees’ referendum was recorded: text rejected');
  });

  it('counts with the language’s plural rules', () => {
    const one = { ...event('articles:renumbered'), payload: { renumbered: { '4': '5' } } } as NegotiationEvent;
    expect(activitySentence(one, context('fr'))).toBe('1 article a été renuméroté');
    expect(activitySentence(event('articles:renumbered'), context('fr'))).toBe('2 articles ont été renumérotés');
    expect(activitySentence(event('articles:renumbered'), context('en'))).toBe('2 articles were renumbered');
  });

  it('says something, never the code, for a type this client does not know', () => {
    const unknown = { ...event('session:opened'), type: 'quorum:reached' } as unknown as NegotiationEvent;
    expect(activitySentence(unknown, context('fr'))).toBe('Une modification a été enregistrée');
  });
});
