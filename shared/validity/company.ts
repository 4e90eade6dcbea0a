import { compareDates } from './calendar.ts';
import { frenchDate } from './format.ts';
import type { AssessedOpposition, Assessment, Scenario, ValidityStatus } from './scenario.ts';
import { campaignReason, countSignatures, orgName, signatoriesOutput } from './signature.ts';
import { STATUS_FR } from './branch.ts';
import { FIFTY_PERCENT, formatPercent, fromHundredths } from './weights.ts';

/**
 * Company agreements (Code du travail L2232-12). The weights are the unions' shares of the
 * votes cast for representative unions at the first round of the last CSE elections.
 * - Signed by unions weighing strictly more than 50 %: valid.
 * - From 30 % to 50 % included: valid if the employees approve it by referendum (majority
 *   of the votes cast), void ("réputé non écrit") if they reject it; until the result is
 *   known, `referendum pending`. A referendum given for a text below 30 % is ignored: only
 *   a text signed by 30 % may be submitted to the employees.
 * - Below 30 %: `open for signature` while the campaign runs (as at branch level: no
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

  if (majority) {
    reasons.push(`Signatures ${formatPercent(count.weight)} > 50\u202f% des suffrages exprimés en faveur des syndicats représentatifs (L2232-12) : l’accord est valide.`);
  } else if (count.passed) {
    reasons.push(
      `Signatures ${formatPercent(count.weight)} : au moins 30\u202f% mais pas plus de 50\u202f% ; l’accord n’est valide que s’il est approuvé par les salariés (référendum, L2232-12).`,
    );
  } else {
    reasons.push(`Signatures ${formatPercent(count.weight)} < 30\u202f% : ni la majorité ni le seuil du référendum ne sont atteints (L2232-12).`);
  }

  const given = scenario.referendum && compareDates(scenario.referendum.at, asOf) <= 0 ? scenario.referendum : null;
  if (scenario.referendum && !given) {
    reasons.push(
      `Référendum du ${frenchDate(scenario.referendum.at)} : postérieur à la date d’appréciation (${frenchDate(asOf)}), non pris en compte.`,
    );
  }
  const taken = given !== null && count.passed && !majority;
  if (given) {
    const result = given.approved ? 'approuvé' : 'rejeté';
    if (majority) reasons.push(`Référendum du ${frenchDate(given.at)} (${result}) : sans objet, les signatures dépassent 50\u202f%.`);
    else if (!count.passed)
      reasons.push(`Référendum du ${frenchDate(given.at)} (${result}) : écarté, seul un accord signé par des syndicats pesant au moins 30\u202f% peut être soumis aux salariés.`);
    else
      reasons.push(
        given.approved
          ? `Référendum du ${frenchDate(given.at)} : les salariés ont approuvé l’accord à la majorité des suffrages exprimés ; il est valide.`
          : `Référendum du ${frenchDate(given.at)} : les salariés n’ont pas approuvé l’accord ; il est réputé non écrit.`,
      );
  }

  let status: ValidityStatus;
  if (majority) status = 'valid';
  else if (taken) status = given!.approved ? 'valid' : 'void';
  else if (count.campaignRunning) status = 'open for signature';
  else status = count.passed ? 'referendum pending' : 'not concluded';
  if (!majority && !taken) reasons.push(campaignReason(scenario, count));

  const oppositions: AssessedOpposition[] = scenario.oppositions.map((o) => ({
    org: o.org,
    at: o.at,
    counted: false,
    ground: 'company level',
    weight: 0,
  }));
  for (const o of oppositions) {
    reasons.push(
      `Opposition ${orgName(organisations.get(o.org)!)} du ${frenchDate(o.at)} : écartée, le droit d’opposition n’existe plus pour les accords d’entreprise (L2232-12, depuis 2017).`,
    );
  }
  reasons.push(`Statut au ${frenchDate(asOf)} : ${STATUS_FR[status]}.`);

  return {
    status,
    signatureWeight: fromHundredths(count.weight),
    signatureTestPassed: count.passed,
    oppositionWeight: 0,
    oppositionMajority: false,
    oppositionDeadline: null,
    reasons,
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
