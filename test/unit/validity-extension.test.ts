import { describe, expect, it } from 'vitest';
import { assess } from '../../shared/validity/assess.ts';
import { parseScenario, type Assessment, type ScenarioInput } from '../../shared/validity/scenario.ts';
import { ARRETE_2017 } from '../helpers/domain-example.ts';

// Employer weights here are shares of the employees of the representative employer
// organisations' members (made up, summing to 100).
function extended(
  employers: Record<string, number>,
  extension: NonNullable<ScenarioInput['extension']>,
  asOf = '2023-06-30',
): ScenarioInput {
  return {
    level: 'branch',
    organisations: [
      ...Object.entries(employers).map(([id, weight]) => ({ id, college: 'employer' as const, weight, representative: true })),
      { id: 'syndeco', college: 'employer', weight: 0, representative: false },
      // The unions of DOMAIN.md's example (the arrêté of 22 December 2017).
      ...ARRETE_2017.filter((organisation) => organisation.college === 'union'),
    ],
    signatures: [
      { org: 'nexem', at: '2023-01-10' },
      { org: 'cfdt', at: '2023-01-10' },
      { org: 'cgt', at: '2023-01-10' },
    ],
    notifications: [
      { org: 'fo', at: '2023-01-12' },
      { org: 'sud', at: '2023-01-12' },
    ],
    asOf,
    extension,
  };
}

function sut(input: ScenarioInput): Assessment {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return assess(parsed.scenario);
}

const EMPLOYERS = { nexem: 50, fehap: 35.5, crf: 10.5, unicancer: 4 };
// Notice published Friday 31 March 2023: one month → Sunday 30 April, then Monday 1 May → Tuesday 2 May.
const NOTICE = '2023-03-31';

describe('opposition to extension (L2261-19)', () => {
  it('the month runs to the same day-number, or the month’s last day, then past weekends and holidays', () => {
    const result = sut(extended(EMPLOYERS, { noticeAt: NOTICE, oppositions: [] }));
    expect(result.extension).toMatchObject({ nominalDeadline: '2023-04-30', deadline: '2023-05-02', status: 'unopposed' });
    expect(result.status).toBe('valid');
  });

  it.each([
    ['employers weighing more than 50 % within the month block the extension', ['nexem', 'unicancer'], '2023-05-02', 54, 'blocked'],
    ['exactly 50 % of the employees does not block it', ['nexem'], '2023-04-20', 50, 'unopposed'],
    ['an opposition received after the month (3 May) does not count', ['nexem', 'unicancer'], '2023-05-03', 0, 'unopposed'],
  ])('%s', (_name, orgs, at, weight, status) => {
    const result = sut(extended(EMPLOYERS, { noticeAt: NOTICE, oppositions: orgs.map((org) => ({ org, at })) }));
    expect(result.extension?.oppositionWeight).toBe(weight);
    expect(result.extension?.oppositionMajority).toBe(weight > 50);
    expect(result.extension?.status).toBe(status);
  });

  // One month from the notice (CPC 641 al. 2): the same day-number, else the month's last day,
  // then art. 642. An opposition received on the deadline counts; the next day it is late.
  it.each([
    // 31 January 2024 + 1 month: no 31 February, 29 February (leap year), a Thursday.
    ['2024-01-31', '2024-02-29', '2024-03-01'],
    // 31 January 2027 + 1 month: 28 February (common year), a Sunday → Monday 1 March.
    ['2027-01-31', '2027-03-01', '2027-03-02'],
    // 31 December 2026 + 1 month: Sunday 31 January 2027 → Monday 1 February.
    ['2026-12-31', '2027-02-01', '2027-02-02'],
    // 30 January 2028 + 1 month: 29 February 2028 is the last day of February, a Tuesday.
    ['2028-01-30', '2028-02-29', '2028-03-01'],
  ])('notice on %s: an opposition on %s counts, one on %s is late', (noticeAt, deadline, dayAfter) => {
    const inTime = sut(extended(EMPLOYERS, { noticeAt, oppositions: [{ org: 'nexem', at: deadline }, { org: 'fehap', at: deadline }] }, '2028-12-31'));
    expect(inTime.extension).toMatchObject({ deadline, oppositionWeight: 85.5, status: 'blocked' });
    const late = sut(extended(EMPLOYERS, { noticeAt, oppositions: [{ org: 'nexem', at: dayAfter }, { org: 'fehap', at: dayAfter }] }, '2028-12-31'));
    expect(late.extension).toMatchObject({ deadline, oppositionWeight: 0, status: 'unopposed' });
    expect(late.extension?.oppositions.map((o) => o.ground)).toEqual(['late', 'late']);
  });

  it('within the month and without a majority yet, the window is open', () => {
    const result = sut(extended(EMPLOYERS, { noticeAt: NOTICE, oppositions: [{ org: 'fehap', at: '2023-04-10' }] }, '2023-04-15'));
    expect(result.extension?.status).toBe('opposition window');
  });

  it('before the notice is published, there is nothing to oppose yet', () => {
    const result = sut(extended(EMPLOYERS, { noticeAt: NOTICE, oppositions: [{ org: 'nexem', at: '2023-03-20' }] }, '2023-03-25'));
    expect(result.extension?.status).toBe('notice not published');
    expect(result.extension?.oppositions[0].ground).toBe('before notice');
  });

  it('unions and non-representative employer organisations cannot oppose an extension', () => {
    const result = sut(
      extended(EMPLOYERS, {
        noticeAt: NOTICE,
        oppositions: [
          { org: 'cgt', at: '2023-04-10' },
          { org: 'syndeco', at: '2023-04-10' },
          { org: 'nexem', at: '2023-04-10' },
          { org: 'nexem', at: '2023-04-11' },
        ],
      }),
    );
    expect(result.extension?.oppositions.map((o) => o.ground)).toEqual(['union organisation', 'not representative', 'counted', 'duplicate']);
    expect(result.extension?.oppositionWeight).toBe(50);
    expect(result.extension?.status).toBe('unopposed');
  });

  it('an extension of a text that is not valid is flagged in the reasons', () => {
    const input = extended(EMPLOYERS, { noticeAt: NOTICE, oppositions: [] });
    const voided = sut({
      ...input,
      signatures: [{ org: 'cfdt', at: '2023-01-10' }],
      notifications: ['cgt', 'fo', 'sud'].map((org) => ({ org, at: '2023-01-12' })),
      oppositions: ['cgt', 'fo', 'sud'].map((org) => ({ org, at: '2023-01-20' })),
    });
    expect(voided.status).toBe('void');
    expect(voided.reasons.join('\n')).toContain('seul un accord valide peut être étendu');
  });
});
