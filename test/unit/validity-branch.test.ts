import { describe, expect, it } from 'vitest';
import { assess } from '../../shared/validity/assess.ts';
import { parseScenario, type Assessment, type ScenarioInput } from '../../shared/validity/scenario.ts';
import { ARRETE_2017, DOMAIN_EXAMPLE } from '../helpers/domain-example.ts';

// The branch arrêté of 22 December 2017 and the 2023 story around it: DOMAIN.md's example.
type Org = ScenarioInput['organisations'][number];
const AXESS: Org = ARRETE_2017.find((organisation) => organisation.id === 'axess')!;
const CFTC: Org = { id: 'cftc', college: 'union', weight: 0, representative: false };

/** A made-up arrêté: the union weights given, in this order (cfdt, cgt, fo, sud by default). */
function arrete(weights: Record<string, number>): Org[] {
  return [AXESS, ...Object.entries(weights).map(([id, weight]) => ({ id, college: 'union' as const, weight, representative: true }))];
}

const on = (at: string, ...orgs: string[]) => orgs.map((org) => ({ org, at }));

/** The 2023 story, with the changes a case makes. */
function story(changes: Partial<ScenarioInput> = {}): ScenarioInput {
  return { ...DOMAIN_EXAMPLE, ...changes };
}

function sut(input: ScenarioInput): Assessment {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return assess(parsed.scenario);
}

const groundOf = (a: Assessment) => Object.fromEntries(a.oppositions.map((o) => [`${o.org}@${o.at}`, o.ground]));

describe('the 2023 story (DOMAIN.md)', () => {
  it('CFDT alone signs, CGT, FO and SUD oppose in time: the text is void', () => {
    const result = sut(story());
    expect(result).toMatchObject({
      status: 'void',
      signatureWeight: 38.5,
      signatureTestPassed: true,
      oppositionWeight: 61.5,
      oppositionMajority: true,
      oppositionDeadline: '2023-10-13',
    });
    expect(result.deadlines).toEqual(
      ['cgt', 'fo', 'sud'].map((org) => ({ org, notifiedAt: '2023-09-28', nominalDeadline: '2023-10-13', deadline: '2023-10-13', state: 'closed' })),
    );
    expect(result.reasons.join('\n')).toMatch(/61,50\u202f%.*> 50\u202f%.*réputé non écrit/);
  });

  it.each([
    ['2023-09-27', 'open for signature', 0, null],
    ['2023-10-10', 'opposition window', 35.18, '2023-10-13'],
    ['2023-10-11', 'opposition window', 49.87, '2023-10-13'],
    ['2023-10-12', 'void', 61.5, '2023-10-13'],
  ])('seen on %s, the text is %s (opposition %s %%)', (asOf, status, oppositionWeight, deadline) => {
    const result = sut(story({ asOf }));
    expect(result.status).toBe(status);
    expect(result.oppositionWeight).toBe(oppositionWeight);
    expect(result.oppositionDeadline).toBe(deadline);
  });

  it('without oppositions the window is open through Friday 13 October and the text is valid on the 14th', () => {
    expect(sut(story({ oppositions: [], asOf: '2023-10-13' })).status).toBe('opposition window');
    expect(sut(story({ oppositions: [], asOf: '2023-10-14' })).status).toBe('valid');
  });

  it('acts dated after asOf have not happened yet and are explained', () => {
    const result = sut(story({ asOf: '2023-10-10' }));
    expect(groundOf(result)).toEqual({ 'cgt@2023-10-10': 'counted', 'fo@2023-10-11': 'after asOf', 'sud@2023-10-12': 'after asOf' });
    expect(result.reasons.some((r) => r.includes('FO du 11 octobre 2023') && r.includes('postérieure'))).toBe(true);
  });
});

describe('the signature test (≥ 30 %, whatever the turnout)', () => {
  const closed = { oppositions: [], asOf: '2023-11-30' };
  it.each([
    ['cfdt', 38.5, 'valid'],
    ['cgt', 35.18, 'valid'],
    ['fo', 14.69, 'not concluded'],
    ['sud', 11.63, 'not concluded'],
  ])('%s signing alone weighs %s %%: %s', (org, weight, status) => {
    const others = ['cfdt', 'cgt', 'fo', 'sud'].filter((o) => o !== org);
    const result = sut(story({ ...closed, signatures: on('2023-09-26', 'axess', org), notifications: on('2023-09-28', ...others) }));
    expect(result.signatureWeight).toBe(weight);
    expect(result.signatureTestPassed).toBe(weight >= 30);
    expect(result.status).toBe(status);
  });

  it.each([
    ['exactly 30.00 % concludes the text', { cfdt: 30, cgt: 35.18, fo: 14.69, sud: 20.13 }, true, 'valid'],
    ['29.99 % does not', { cfdt: 29.99, cgt: 35.18, fo: 14.69, sud: 20.14 }, false, 'not concluded'],
  ])('%s', (_name, weights, passed, status) => {
    const result = sut(story({ ...closed, organisations: arrete(weights) }));
    expect(result.signatureTestPassed).toBe(passed);
    expect(result.status).toBe(status);
  });

  it('float noise never decides: 1.42 + 16.99 + 11.59 is exactly 30 % (a float sum gives 29.999999999999996)', () => {
    const result = sut({
      level: 'branch',
      organisations: arrete({ a: 1.42, b: 16.99, c: 11.59, d: 70 }),
      signatures: on('2023-09-26', 'a', 'b', 'c'),
      notifications: on('2023-09-28', 'd'),
      asOf: '2023-11-30',
    });
    expect(result.signatureWeight).toBe(30);
    expect(result.signatureTestPassed).toBe(true);
    expect(result.status).toBe('valid');
  });

  it('employer and non-representative signatures weigh nothing', () => {
    const result = sut(story({ organisations: [...ARRETE_2017, CFTC], signatures: on('2023-09-26', 'axess', 'cftc', 'fo'), ...closed }));
    expect(result.signatureWeight).toBe(14.69);
    expect(result.status).toBe('not concluded');
    expect(result.oppositionDeadline).toBeNull();
  });

  it('below 30 % with no notification yet, the text is still open for signature', () => {
    const result = sut(story({ signatures: on('2023-09-26', 'fo'), notifications: [], oppositions: [], asOf: '2023-09-27' }));
    expect(result.status).toBe('open for signature');
  });

  it('below 30 % once the secretariat’s signature deadline has passed, the text is not concluded', () => {
    const input = story({ signatures: on('2023-09-26', 'fo'), notifications: [], oppositions: [], signatureDeadline: '2023-09-30' });
    expect(sut({ ...input, asOf: '2023-09-30' }).status).toBe('open for signature');
    expect(sut({ ...input, asOf: '2023-10-01' }).status).toBe('not concluded');
  });

  it('30 % reached but not yet notified: still open for signature, no window has started', () => {
    const result = sut(story({ notifications: [], oppositions: [], asOf: '2023-09-27' }));
    expect(result.signatureTestPassed).toBe(true);
    expect(result.status).toBe('open for signature');
    expect(result.deadlines.every((d) => d.state === 'not notified')).toBe(true);
  });

  it('when every representative union signed, nobody may oppose: valid at once', () => {
    const result = sut(story({ signatures: on('2023-09-26', 'cfdt', 'cgt', 'fo', 'sud'), notifications: [], oppositions: [], asOf: '2023-09-26' }));
    expect(result.status).toBe('valid');
    expect(result.signatureWeight).toBe(100);
  });

  it('oppositions to a text that is not concluded have nothing to oppose', () => {
    const result = sut(story({ signatures: on('2023-09-26', 'sud'), notifications: on('2023-09-28', 'cfdt', 'cgt', 'fo') }));
    expect(result.status).toBe('not concluded');
    expect(result.oppositionWeight).toBe(0);
    expect(result.oppositionMajority).toBe(false);
    expect(new Set(result.oppositions.map((o) => o.ground))).toEqual(new Set(['signatory', 'not concluded']));
  });
});

describe('the opposition test (strictly more than 50 %)', () => {
  it.each([
    ['exactly 50.00 % is not a majority: the text is valid', { cfdt: 38.5, cgt: 35.18, fo: 14.82, sud: 11.5 }, 50, false, 'valid'],
    ['50.01 % is a majority: the text is void', { cfdt: 38.5, cgt: 35.18, fo: 14.83, sud: 11.49 }, 50.01, true, 'void'],
  ])('%s', (_name, weights, weight, majority, status) => {
    const result = sut(
      story({
        organisations: arrete(weights),
        signatures: on('2023-09-26', 'cfdt', 'sud'),
        notifications: on('2023-09-28', 'cgt', 'fo'),
        oppositions: on('2023-10-05', 'cgt', 'fo'),
      }),
    );
    expect(result.oppositionWeight).toBe(weight);
    expect(result.oppositionMajority).toBe(majority);
    expect(result.status).toBe(status);
  });

  it('float noise never decides: 31.10 + 16.16 + 2.74 opposing is exactly 50 %, not a majority (a float sum gives 50.00000000000001)', () => {
    // Signed by a (40 %) and e (10 %); b, c and d, notified on Thursday 28 September 2023,
    // oppose in time. 3110 + 1616 + 274 = 5000 hundredths: not strictly more than half, so once
    // the windows close (Friday 13 October) the text is valid. Compared as floats the same
    // weights make 50.00000000000001 > 50 and would void it.
    const result = sut({
      level: 'branch',
      organisations: arrete({ a: 40, b: 31.1, c: 16.16, d: 2.74, e: 10 }),
      signatures: on('2023-09-26', 'a', 'e'),
      notifications: on('2023-09-28', 'b', 'c', 'd'),
      oppositions: on('2023-10-05', 'b', 'c', 'd'),
      asOf: '2023-10-20',
    });
    expect([result.oppositionWeight, result.oppositionMajority, result.status]).toEqual([50, false, 'valid']);
  });

  it('a tie between signatories and opponents (50 / 50) leaves the text valid', () => {
    const result = sut({
      level: 'branch',
      organisations: arrete({ a: 50, b: 50 }),
      signatures: on('2023-09-26', 'a'),
      notifications: on('2023-09-28', 'b'),
      oppositions: on('2023-10-02', 'b'),
      asOf: '2023-10-20',
    });
    expect([result.signatureWeight, result.oppositionWeight, result.oppositionMajority, result.status]).toEqual([50, 50, false, 'valid']);
  });

  it('while the windows run, a majority not yet reached gives « opposition window », and says what is missing', () => {
    const result = sut(story({ oppositions: on('2023-10-02', 'cgt'), asOf: '2023-10-05' }));
    expect(result.status).toBe('opposition window');
    expect(result.pendingOppositionWeight).toBe(26.32);
    expect(result.reasons.join('\n')).toContain('il manque 14,83\u202f%');
  });

  it('when every non-signatory has already opposed without a majority, the text stays in the window until the windows close', () => {
    const input = story({ signatures: on('2023-09-26', 'cfdt', 'fo'), notifications: on('2023-09-28', 'cgt', 'sud'), oppositions: on('2023-10-02', 'cgt', 'sud') });
    expect(sut({ ...input, asOf: '2023-10-05' }).status).toBe('opposition window');
    expect(sut({ ...input, asOf: '2023-10-13' }).status).toBe('opposition window');
    expect(sut({ ...input, asOf: '2023-10-14' }).status).toBe('valid');
  });

  it('when the remaining unions could not reach a majority, the window is still reported open', () => {
    const result = sut(story({ signatures: on('2023-09-26', 'cfdt', 'cgt'), notifications: on('2023-09-28', 'fo', 'sud'), oppositions: [], asOf: '2023-10-05' }));
    expect(result.status).toBe('opposition window');
    expect(result.reasons.join('\n')).toContain('l’opposition majoritaire n’est plus possible');
  });
});

describe('which oppositions count', () => {
  it('an opposition received on day 16 does not count', () => {
    const result = sut(story({ oppositions: [...on('2023-10-10', 'cgt', 'fo'), { org: 'sud', at: '2023-10-14' }] }));
    expect(groundOf(result)['sud@2023-10-14']).toBe('late');
    expect(result.oppositionWeight).toBe(49.87);
    expect(result.status).toBe('valid');
    expect(result.reasons.join('\n')).toMatch(/SUD du 14 octobre 2023 : écartée, reçue après l’expiration du délai/);
  });

  it('an opposition on the last day after a weekend shift counts (notified Saturday 30 September, 15th day Sunday → Monday 16 October)', () => {
    const input = story({ notifications: on('2023-09-30', 'cgt', 'fo', 'sud'), asOf: '2023-10-31' });
    const inTime = sut({ ...input, oppositions: [...on('2023-10-10', 'cgt', 'fo'), { org: 'sud', at: '2023-10-16' }] });
    expect(inTime.oppositionDeadline).toBe('2023-10-16');
    expect(inTime.status).toBe('void');
    expect(inTime.reasons.join('\n')).toContain('prorogé au lundi 16 octobre 2023');
    const late = sut({ ...input, oppositions: [...on('2023-10-10', 'cgt', 'fo'), { org: 'sud', at: '2023-10-17' }] });
    expect(late.status).toBe('valid');
  });

  it('an opposition received on the notification day itself counts', () => {
    const result = sut(story({ oppositions: on('2023-09-28', 'cgt', 'fo', 'sud') }));
    expect(result.status).toBe('void');
  });

  it('each union’s window runs from ITS notification', () => {
    const result = sut(
      story({
        notifications: [...on('2023-09-28', 'cgt', 'fo'), { org: 'sud', at: '2023-09-30' }],
        oppositions: [{ org: 'cgt', at: '2023-10-16' }, { org: 'fo', at: '2023-10-12' }, { org: 'sud', at: '2023-10-16' }],
      }),
    );
    expect(result.deadlines.map((d) => [d.org, d.deadline])).toEqual([
      ['cgt', '2023-10-13'],
      ['fo', '2023-10-13'],
      ['sud', '2023-10-16'],
    ]);
    expect(result.oppositionDeadline).toBe('2023-10-16');
    expect(groundOf(result)).toEqual({ 'cgt@2023-10-16': 'late', 'fo@2023-10-12': 'counted', 'sud@2023-10-16': 'counted' });
    expect(result.oppositionWeight).toBe(26.32);
    expect(result.status).toBe('valid');
  });

  it('with notifications on different days, the text is valid only after the LAST window', () => {
    // CGT and FO notified Thursday 28 September 2023: day 15 is Friday 13 October. SUD notified
    // Saturday 30 September: day 15 is Sunday 15 October, moved to Monday 16 (CPC 642). Nobody
    // opposes: the text is in its opposition window through 16 October, valid on the 17th.
    const input = story({ notifications: [...on('2023-09-28', 'cgt', 'fo'), { org: 'sud', at: '2023-09-30' }], oppositions: [] });
    const seen = (asOf: string) => sut({ ...input, asOf });
    expect(seen('2023-10-14').status).toBe('opposition window');
    expect(seen('2023-10-14').deadlines.map((d) => [d.org, d.state])).toEqual([
      ['cgt', 'closed'],
      ['fo', 'closed'],
      ['sud', 'open'],
    ]);
    expect(seen('2023-10-14').pendingOppositionWeight).toBe(11.63);
    expect(seen('2023-10-16').status).toBe('opposition window');
    expect(seen('2023-10-17').status).toBe('valid');
    expect(seen('2023-10-17').oppositionDeadline).toBe('2023-10-16');
  });

  it('an opposition by a signatory does not count', () => {
    const result = sut(
      story({ signatures: on('2023-09-26', 'cfdt', 'fo'), notifications: on('2023-09-28', 'cgt', 'sud'), oppositions: on('2023-10-05', 'cfdt', 'cgt', 'sud') }),
    );
    expect(groundOf(result)['cfdt@2023-10-05']).toBe('signatory');
    expect(result.oppositionWeight).toBe(46.81);
    expect(result.status).toBe('valid');
    expect(result.reasons.join('\n')).toContain('un signataire ne peut pas s’y opposer');
  });

  it('an opposition by a non-representative union (CFTC) does not count', () => {
    const result = sut(
      story({
        organisations: [...ARRETE_2017, CFTC],
        notifications: on('2023-09-28', 'cgt', 'fo', 'sud', 'cftc'),
        oppositions: on('2023-10-05', 'cgt', 'fo', 'cftc'),
      }),
    );
    expect(groundOf(result)['cftc@2023-10-05']).toBe('not representative');
    expect(result.oppositionWeight).toBe(49.87);
    expect(result.status).toBe('valid');
  });

  it('an opposition by an employer organisation does not count', () => {
    const result = sut(story({ signatures: on('2023-09-26', 'cfdt'), oppositions: on('2023-10-05', 'axess', 'cgt', 'fo') }));
    expect(groundOf(result)['axess@2023-10-05']).toBe('employer organisation');
    expect(result.oppositionWeight).toBe(49.87);
  });

  it('an opposition by a union never notified does not count, and its window has not started: the text cannot become valid', () => {
    const result = sut(story({ notifications: on('2023-09-28', 'cgt', 'fo'), asOf: '2024-01-31' }));
    expect(groundOf(result)['sud@2023-10-12']).toBe('not notified');
    expect(result.oppositionWeight).toBe(49.87);
    expect(result.status).toBe('opposition window');
    expect(result.deadlines.find((d) => d.org === 'sud')).toEqual({ org: 'sud', notifiedAt: null, nominalDeadline: null, deadline: null, state: 'not notified' });
    expect(result.oppositionDeadline).toBe('2023-10-13');
  });

  it('an opposition received before the notification does not count; renewed in time, it does', () => {
    const early = sut(story({ oppositions: [...on('2023-10-05', 'cgt', 'fo'), { org: 'sud', at: '2023-09-27' }] }));
    expect(groundOf(early)['sud@2023-09-27']).toBe('before notification');
    expect(early.status).toBe('valid');
    expect(early.reasons.join('\n')).toContain('antérieure à la notification');

    const renewed = sut(story({ oppositions: [...on('2023-10-05', 'cgt', 'fo'), { org: 'sud', at: '2023-09-27' }, { org: 'sud', at: '2023-10-13' }] }));
    expect(groundOf(renewed)).toMatchObject({ 'sud@2023-09-27': 'before notification', 'sud@2023-10-13': 'counted' });
    expect(renewed.status).toBe('void');
  });

  it('a union that opposes twice is counted once', () => {
    const result = sut(story({ oppositions: [...on('2023-10-02', 'cgt', 'fo'), { org: 'cgt', at: '2023-10-05' }] }));
    expect(groundOf(result)['cgt@2023-10-05']).toBe('duplicate');
    expect(result.oppositionWeight).toBe(49.87);
    expect(result.status).toBe('valid');
  });
});
