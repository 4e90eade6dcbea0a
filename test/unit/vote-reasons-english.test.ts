import { describe, expect, it } from 'vitest';
import { TALLY_REASONS_EN, THRESHOLDS_EN } from '../../client/src/votes/messages.ts';
import { SCENARIO_ISSUES_EN } from '../../client/src/signature/messages.ts';
import { TALLY_REASONS_FR, THRESHOLDS_FR } from '../../shared/votes/tally-reasons.ts';
import { SCENARIO_ISSUES_FR } from '../../shared/validity/scenario-issues.ts';
import { frenchTallyReason, tallyReasons, tallyVote } from '../../shared/votes/tally.ts';

/** The placeholders and the figures and articles of law a template writes out. */
const fixed = (template: string) => ({
  params: (template.match(/\{\w+\}/g) ?? []).sort(),
  figures: (template.match(/\d+(?:[.,]\d+)?|L\d{4}-\d+/g) ?? []).map((f) => f.replace(',', '.')).sort(),
});

describe('the English wording of a vote’s reasons and of a scenario’s problems', () => {
  it('keeps every parameter, figure and article of law of the French', () => {
    for (const [fr, en] of [
      [TALLY_REASONS_FR, TALLY_REASONS_EN],
      [THRESHOLDS_FR, THRESHOLDS_EN],
      [SCENARIO_ISSUES_FR, SCENARIO_ISSUES_EN],
    ] as const) {
      expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
      for (const [code, template] of Object.entries(fr)) expect({ code, ...fixed((en as Record<string, string>)[code]!) }).toEqual({ code, ...fixed(template) });
    }
  });

  it('the codes of a result give back, in French, the sentences it carries', () => {
    const organisations = [
      { id: 'axess', shortName: 'AXESS', college: 'employer' as const, weight: 100 },
      { id: 'cfdt', shortName: 'CFDT', college: 'union' as const, weight: 38.5 },
      { id: 'cgt', shortName: 'CGT', college: 'union' as const, weight: 35.18 },
      { id: 'fo', shortName: 'FO', college: 'union' as const, weight: 14.69 },
    ];
    const sut = tallyVote('consensus', organisations, [
      { org: 'cgt', choice: 'contre' },
      { org: 'fo', choice: 'contre' },
    ]);
    expect(sut.reasons).toEqual(['Pas de consensus : CGT, FO votent contre.']);
    expect(tallyReasons(sut).map(frenchTallyReason)).toEqual(sut.reasons);
  });
});
