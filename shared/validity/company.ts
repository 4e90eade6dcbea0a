import { compareDates } from './calendar.ts';
import { inFrench } from './format.ts';
import { reason } from './reasons.ts';
import type { AssessedOpposition, Assessment, Scenario, ValidityStatus } from './scenario.ts';
import { campaignReason, countSignatures, orgName, signatoriesOutput } from './signature.ts';
import { statusReason } from './branch.ts';
import { FIFTY_PERCENT, fromHundredths } from './weights.ts';

/**
 * Company agreements (Code du travail L2232-12). The weights are the unions' shares of the
 * votes cast for representative unions at the first round of the last CSE elections.
 * - Signed by the employer and by unions weighing strictly more than 50 %: valid. Without the
 *   employer's signature (« sa signature par, d'une part, l'employeur ou son représentant »),
 *   no union weight makes it valid: `open for signature` while the campaign runs, then
 *   `not concluded`.
 * - More than 30 % and up to 50 % included (« plus de 30 % », second paragraph): valid if the
 *   employees approve it by referendum (majority of the votes cast), void ("réputé non écrit")
 *   if they reject it; until the result is known, `referendum pending`. A referendum given for
 *   a text at 30 % or below is ignored: it may not be submitted to the employees.
 * - 30 % or below: `open for signature` while the campaign runs (as at branch level: no
 *   notification yet and the secretariat's deadline not passed), then `not concluded`.
 * There is no opposition right at company level since 2017: oppositions are listed and
 * ignored. The timing of the referendum (request within one month of the signature,
 * vote within two months) is the organisers' business, not assessed here.
 */

export function assessCompany(scenario: Scenario): Assessment {
  const { asOf } = scenario;
  const organisations = new Map(scenario.organisations.map((o) => [o.id, o]));
  const count = countSignatures(scenario, organisations);
  const reasons = [...count.reasons];
  const majority = count.weight > FIFTY_PERCENT;
  // Concluded on the signatures: the employer's and more than 30 % of the unions'.
  const concluded = count.passed && count.employerSigned;

  const weight = { percent: count.weight };
  if (!count.employerSigned) reasons.push(reason('company.no-employer', { asOf: { date: asOf } }));
  const majorityReason = count.employerSigned ? 'company.majority' : 'company.majority-reached';
  reasons.push(reason(majority ? majorityReason : count.passed ? 'company.referendum-needed' : 'company.below-threshold', { weight }));

  const given = scenario.referendum && compareDates(scenario.referendum.at, asOf) <= 0 ? scenario.referendum : null;
  if (scenario.referendum && !given) {
    reasons.push(reason('referendum.after-as-of', { at: { date: scenario.referendum.at }, asOf: { date: asOf } }));
  }
  const taken = given !== null && concluded && !majority;
  if (given) {
    const at = { date: given.at };
    const result = { reason: reason(given.approved ? 'referendum.result.approved' : 'referendum.result.rejected') };
    if (majority) reasons.push(reason('referendum.moot', { at, result }));
    else if (!count.passed) reasons.push(reason('referendum.ignored', { at, result }));
    else if (count.employerSigned) reasons.push(reason(given.approved ? 'referendum.approved' : 'referendum.rejected', { at }));
  }

  let status: ValidityStatus;
  if (majority && count.employerSigned) status = 'valid';
  else if (taken) status = given!.approved ? 'valid' : 'void';
  else if (count.campaignRunning) status = 'open for signature';
  else status = concluded ? 'referendum pending' : 'not concluded';
  if (status !== 'valid' && !taken) reasons.push(campaignReason(scenario, count));

  const oppositions: AssessedOpposition[] = scenario.oppositions.map((o) => ({
    org: o.org,
    at: o.at,
    counted: false,
    ground: 'company level',
    weight: 0,
  }));
  for (const o of oppositions) {
    reasons.push(reason('company.opposition', { org: orgName(organisations.get(o.org)!), at: { date: o.at } }));
  }
  reasons.push(statusReason(status, asOf));

  return {
    status,
    signatureWeight: fromHundredths(count.weight),
    signatureTestPassed: count.passed,
    oppositionWeight: 0,
    oppositionMajority: false,
    oppositionDeadline: null,
    reasons: reasons.map(inFrench),
    reasonCodes: reasons,
    level: 'company',
    asOf,
    signatories: signatoriesOutput(count),
    majoritySignature: majority,
    deadlines: [],
    oppositions,
    pendingOppositionWeight: 0,
    referendum: scenario.referendum ? { ...scenario.referendum, taken } : null,
    extension: null,
  };
}
