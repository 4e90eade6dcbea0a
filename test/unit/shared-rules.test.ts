import { describe, expect, it } from 'vitest';
import { competingAmendments, isOutdated, type AmendmentRecord } from '../../shared/amendments/amendment.ts';
import { AMENDMENT_STATUSES, isFinal, isLive, isVotable } from '../../shared/amendments/lifecycle.ts';
import { annotationAudiences, annotationVisibility } from '../../shared/annotations/annotation.fold.ts';
import { amendmentLabel, articleLabel } from '../../shared/labels.ts';
import { parisDate } from '../../shared/sessions/paris-time.ts';
import type { CampaignView } from '../../shared/signature/campaign.ts';
import { campaignActions, mayOppose, maySign } from '../../shared/signature/eligibility.ts';
import { DOMAIN_PARTIES } from '../helpers/domain-example.ts';

describe('amendment statuses', () => {
  it('a rejected, withdrawn or merged amendment is final; the others are live', () => {
    expect(['rejected', 'withdrawn', 'merged'].every((s) => isFinal(s as never) && !isLive(s as never))).toBe(true);
    expect(['draft', 'tabled', 'under discussion', 'adopted'].every((s) => isLive(s as never) && !isFinal(s as never))).toBe(true);
  });

  it('an amendment is put to the vote while tabled or under discussion, and in no other status', () => {
    expect(AMENDMENT_STATUSES.filter(isVotable)).toEqual(['tabled', 'under discussion']);
  });
});

describe('outdated and competing amendments', () => {
  const base = { blocks: ['La durée est de 35 heures.'], quote: null, stateVector: '', snapshot: '', at: '' };
  const replace = (from: string, to: string): AmendmentRecord['content'] => ({ kind: 'replace-words', from, to });

  it('an amendment whose words still read as written is not outdated; once they changed, it is', () => {
    const sut = { status: 'tabled' as const, content: replace('35 heures', '32 heures'), anchor: null, base };
    expect(isOutdated(sut, ['La durée est de 35 heures.'], null)).toBe(false);
    expect(isOutdated(sut, ['La durée est de 36 heures.'], null)).toBe(true);
  });

  it('a merged amendment is never outdated, whatever the text now says', () => {
    const sut = { status: 'merged' as const, content: replace('35 heures', '32 heures'), anchor: null, base };
    expect(isOutdated(sut, ['Tout autre texte.'], null)).toBe(false);
  });

  it('two live amendments on the same words of one article compete; a withdrawn one competes with none', () => {
    const amendments = [
      { id: 'a', articleId: 'art', status: 'tabled' as const },
      { id: 'b', articleId: 'art', status: 'adopted' as const },
      { id: 'c', articleId: 'art', status: 'withdrawn' as const },
      { id: 'd', articleId: 'other', status: 'tabled' as const },
    ];
    const span = [{ start: 3, end: 8 }];
    const targets = new Map([['a', span], ['b', span], ['c', span], ['d', span]]);
    const sut = competingAmendments(amendments, targets);
    expect(sut.get('a')).toEqual(['b']);
    expect(sut.get('b')).toEqual(['a']);
    expect(sut.get('c')).toEqual([]);
    expect(sut.get('d')).toEqual([]);
  });
});

describe('who may sign and who may oppose', () => {
  const parties = [
    ...DOMAIN_PARTIES.filter((party) => ['axess', 'cfdt', 'cgt'].includes(party.id)),
    { id: 'cftc', shortName: 'CFTC', college: 'union', weight: 0, representative: false },
  ];
  const campaign = (over: Partial<CampaignView>): CampaignView =>
    ({ kind: 'agreement', state: 'open for signature', parties, signatures: [], notifications: [], oppositions: [], ...over }) as unknown as CampaignView;
  const signatory = (orgId: string) => ({ orgId, roles: ['signatory' as const] });

  it('a signatory of a party signs an agreement open for signature, once', () => {
    expect(maySign(campaign({}), signatory('cfdt'))).toBe(true);
    expect(maySign(campaign({ signatures: [{ org: 'cfdt' }] as never }), signatory('cfdt'))).toBe(false);
    expect(maySign(campaign({}), { orgId: 'cfdt', roles: ['delegate'] })).toBe(false);
    expect(maySign(campaign({ state: 'notified' }), signatory('cfdt'))).toBe(false);
  });

  it('only a notified representative union that did not sign may oppose, once', () => {
    const notified = campaign({ state: 'notified', signatures: [{ org: 'cfdt' }] as never, notifications: [{ org: 'cgt' }, { org: 'cfdt' }, { org: 'cftc' }] as never });
    expect(mayOppose(notified, signatory('cgt'))).toBe(true);
    expect(mayOppose(notified, signatory('cfdt'))).toBe(false);
    expect(mayOppose(notified, signatory('cftc'))).toBe(false);
    expect(mayOppose({ ...notified, oppositions: [{ org: 'cgt' }] } as never, signatory('cgt'))).toBe(false);
    expect(mayOppose({ ...notified, notifications: [] }, signatory('cgt'))).toBe(false);
  });

  it('nobody opposes a company agreement: the right of opposition no longer exists there (L2232-12)', () => {
    const notified = campaign({ level: 'company', state: 'notified', signatures: [{ org: 'cfdt' }] as never, notifications: [{ org: 'cgt' }] as never });
    expect(mayOppose(notified, signatory('cgt'))).toBe(false);
  });

  it('without a campaign nobody may do anything', () => {
    expect(campaignActions(null, signatory('cgt'))).toEqual({ sign: false, oppose: false });
  });
});

describe('annotation audiences', () => {
  it('the presidency, in no college, may not address a college', () => {
    expect(annotationAudiences({ college: 'neutral' })).not.toContain('college');
    expect(annotationVisibility({ userId: 'u', orgId: 'cmp', college: 'neutral' }, 'college')).toBeNull();
  });

  it('a union delegate’s college note reaches the union side', () => {
    expect(annotationVisibility({ userId: 'u', orgId: 'cgt', college: 'union' }, 'college')).toEqual({ scope: 'college', college: 'union' });
    expect(annotationVisibility({ userId: 'u', orgId: 'cgt', college: 'union' }, 'private')).toEqual({ scope: 'private', user: 'u' });
  });
});

describe('labels and Paris dates', () => {
  it('a numbered article reads « Article 3 – Durée », the preamble by its title', () => {
    expect(articleLabel({ number: '3', title: 'Durée' })).toBe('Article 3 – Durée');
    expect(articleLabel({ number: 'Préambule', title: 'Préambule' })).toBe('Préambule');
  });

  it('an amendment reads « Amendement n° 2 (CGT) », and without a number « Amendement »', () => {
    expect(amendmentLabel({ number: 2, org: 'CGT' })).toBe('Amendement n° 2 (CGT)');
    expect(amendmentLabel({ number: null, org: 'CGT' })).toBe('Amendement');
  });

  it('an instant late on 31 December in UTC is already New Year’s Day in Paris', () => {
    expect(parisDate('2025-12-31T23:30:00Z')).toBe('2026-01-01');
    expect(parisDate(new Date('2026-07-14T21:59:00Z'))).toBe('2026-07-14');
  });
});
