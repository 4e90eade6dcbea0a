import { describe, expect, it } from 'vitest';
import { assess } from '../../shared/validity/assess.ts';
import { inFrench } from '../../shared/validity/format.ts';
import { REASONS_FR, writeReason, type ReasonCode } from '../../shared/validity/reasons.ts';
import { parseScenario, type ScenarioInput } from '../../shared/validity/scenario.ts';
import { DOMAIN_EXAMPLE } from '../helpers/domain-example.ts';
import { ENGLISH_REASONS } from '../../client/src/validity/english.ts';
import { REASONS_EN } from '../../client/src/validity/messages.ts';

const CODES = Object.keys(REASONS_FR) as ReasonCode[];
const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** The figures a template writes itself: thresholds, articles of law, years. */
const figures = (template: string) => (template.match(/\d+/g) ?? []).sort();

function assessed(input: ScenarioInput) {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return assess(parsed.scenario);
}

// The 2023 CPPNI avenant, as DOMAIN.md tells it.
const CPPNI: ScenarioInput = DOMAIN_EXAMPLE;

describe('the validity reasons as codes', () => {
  it('every code has an English wording with the same parameters and the same figures as the French', () => {
    for (const code of CODES) {
      expect.soft(placeholders(REASONS_EN[code]), code).toEqual(placeholders(REASONS_FR[code]));
      expect.soft(figures(REASONS_EN[code]), code).toEqual(figures(REASONS_FR[code]));
    }
  });

  it('the codes written in French are the reasons the server gives', () => {
    const assessment = assessed({ ...CPPNI, extension: { noticeAt: '2023-12-28', oppositions: [{ org: 'axess', at: '2024-01-02' }] }, asOf: '2024-02-15' });
    expect(assessment.reasonCodes.map(inFrench)).toEqual(assessment.reasons);
    expect(assessment.reasonCodes).toHaveLength(assessment.reasons.length);
  });

  it('the 2023 CPPNI verdict reads in English with the same weights, dates and thresholds', () => {
    const english = assessed(CPPNI).reasonCodes.map((r) => writeReason(r, ENGLISH_REASONS));
    expect(english).toContain('Signatures of representative unions on 20 October 2023: CFDT 38.50\u202f%, that is 38.50\u202f%.');
    expect(english).toContain('Signature test (L2232-6): 38.50\u202f% ≥ 30\u202f%: the agreement is concluded.');
    expect(english).toContain('CGT: notified on 28 September 2023, opposition period of 15 days ending on Friday 13 October 2023.');
    expect(english).toContain('Opposition by SUD on 12 October 2023: counted, received within the period (until 13 October 2023) — 11.63\u202f%.');
    expect(english).toContain(
      'Oppositions counted: 61.50\u202f% (CGT 35.18\u202f%, FO 14.69\u202f% and SUD 11.63\u202f%) > 50\u202f%: majority opposition, the agreement is deemed unwritten (L2232-6).',
    );
    expect(english.at(-1)).toBe('Status on 20 October 2023: deemed unwritten (void).');
  });

  it('a deadline moved past a public holiday names the holiday in English', () => {
    // Notified on 27 October 2023: day 15 is Saturday 11 November (Armistice), moved to Monday 13.
    const english = assessed({ ...CPPNI, notifications: [{ org: 'cgt', at: '2023-10-27' }], oppositions: [], asOf: '2023-11-30' }).reasonCodes.map((r) =>
      writeReason(r, ENGLISH_REASONS),
    );
    expect(english.find((r) => r.startsWith('CGT: notified'))).toBe(
      'CGT: notified on 27 October 2023, opposition period of 15 days: the last day, Saturday 11 November 2023 (Armistice Day 1918), is not a working day, nor is the following day (Sunday 12 November 2023); the period is extended to Monday 13 November 2023 (art. 642 CPC).',
    );
  });
});
