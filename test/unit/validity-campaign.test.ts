import { describe, expect, it } from 'vitest';
import { scenarioOf, type CampaignView } from '../../shared/signature/campaign.ts';
import { assess } from '../../shared/validity/assess.ts';
import { parseScenario, type Assessment } from '../../shared/validity/scenario.ts';
import { PERSON, campaignView, signed } from '../helpers/campaign-view.ts';

// The verdict the signature page, GET /validity, the exports and the reminders show is the
// engine's assessment of the campaign as scenarioOf reads it.
function sut(campaign: CampaignView, asOf: string): Assessment {
  const parsed = parseScenario(scenarioOf(campaign, asOf));
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return assess(parsed.scenario);
}

describe('a campaign the secretariat closed below 30 % before its deadline', () => {
  // Opened Tuesday 26 September 2023 until 31 October; FO alone signs (14,69 %) on the 27th and
  // the secretariat closes the campaign on Friday 29 September (POST /close): « not concluded »
  // from that day. The engine knew only the deadline of 31 October and read « open for
  // signature » until then, on the close day and after it, in every view of the verdict.
  const closed = campaignView({
    state: 'not concluded',
    signatureDeadline: '2023-10-31',
    signatures: [signed('axess', '2023-09-26'), signed('fo', '2023-09-27')],
    notifications: [],
    nonSignatories: ['cfdt', 'cgt', 'sud', 'cftc'],
    history: [
      { state: 'open for signature', at: '2023-09-26', seq: 1, by: PERSON, document: null },
      { state: 'not concluded', at: '2023-09-29', seq: 4, by: PERSON, document: null },
    ],
  });

  it.each([
    ['2023-09-28', 'open for signature', 'the day before the close, the campaign ran'],
    ['2023-09-29', 'not concluded', 'the close day: the export of a closed campaign is assessed on it'],
    ['2023-10-05', 'not concluded', 'after the close, before the deadline it replaced'],
    ['2023-11-15', 'not concluded', 'after the deadline'],
  ])('seen on %s it is %s (%s)', (asOf, status) => {
    const result = sut(closed, asOf);
    expect(result.signatureWeight).toBe(14.69);
    expect(result.status).toBe(status);
  });

  it('says when the campaign ended', () => {
    expect(sut(closed, '2023-10-05').reasons).toContain('La campagne de signature a pris fin le 29 septembre 2023.');
  });
});
