import { compareDates, type IsoDate } from './calendar.ts';
import { frenchDate, frenchList } from './format.ts';
import type { Scenario, ScenarioOrganisation } from './scenario.ts';
import { THIRTY_PERCENT, formatPercent, fromHundredths, toHundredths } from './weights.ts';

/**
 * The signatures of a scenario as they stand on `asOf`, common to both levels: who signed,
 * what the signing unions weigh, and whether the signature campaign is still running.
 */

export function orgName(org: ScenarioOrganisation): string {
  return org.name ?? org.id.toUpperCase();
}

export function weightOf(org: ScenarioOrganisation): number {
  return org.representative && org.college === 'union' ? toHundredths(org.weight) : 0;
}

export interface SignatureCount {
  /** Every organisation whose signature is dated on or before `asOf` (either college). */
  signed: Set<string>;
  /** The representative unions among them, with their weights (hundredths). */
  signatories: { org: ScenarioOrganisation; at: IsoDate; weight: number }[];
  /** Hundredths of a percent. */
  weight: number;
  /** At least 30 %. */
  passed: boolean;
  /** The first notification on or before `asOf`, which ends the signature procedure (L2231-5). */
  firstNotification: IsoDate | null;
  /** No notification yet, and the secretariat's signature deadline (if any) not passed. */
  campaignRunning: boolean;
  reasons: string[];
}

export function countSignatures(scenario: Scenario, organisations: Map<string, ScenarioOrganisation>): SignatureCount {
  const { asOf } = scenario;
  const reasons: string[] = [];
  const signed = new Set<string>();
  const signatories: SignatureCount['signatories'] = [];
  const others: string[] = [];

  for (const signature of scenario.signatures) {
    const org = organisations.get(signature.org)!;
    if (compareDates(signature.at, asOf) > 0) {
      reasons.push(
        `Signature ${orgName(org)} du ${frenchDate(signature.at)} : postérieure à la date d’appréciation (${frenchDate(asOf)}), non prise en compte.`,
      );
      continue;
    }
    signed.add(org.id);
    if (scenario.signatureDeadline && compareDates(signature.at, scenario.signatureDeadline) > 0) {
      reasons.push(
        `Signature ${orgName(org)} du ${frenchDate(signature.at)} : après la date limite fixée par le secrétariat (${frenchDate(scenario.signatureDeadline)}), mais avant toute notification ; elle compte, la procédure de signature n’étant close que par la notification (L2231-5).`,
      );
    }
    const weight = weightOf(org);
    if (weight > 0) signatories.push({ org, at: signature.at, weight });
    else if (org.college === 'employer') others.push(`${orgName(org)} (collège employeur)`);
    else others.push(`${orgName(org)} (non représentative, poids 0)`);
  }

  const weight = signatories.reduce((sum, s) => sum + s.weight, 0);
  const passed = weight >= THIRTY_PERCENT;
  const firstNotification =
    scenario.notifications
      .map((n) => n.at)
      .filter((at) => compareDates(at, asOf) <= 0)
      .sort(compareDates)[0] ?? null;
  const campaignRunning =
    firstNotification === null && (!scenario.signatureDeadline || compareDates(asOf, scenario.signatureDeadline) <= 0);

  const counted = signatories.map((s) => `${orgName(s.org)} ${formatPercent(s.weight)}`);
  reasons.push(
    signatories.length > 0
      ? `Signatures de syndicats représentatifs au ${frenchDate(asOf)} : ${frenchList(counted)}, soit ${formatPercent(weight)}.`
      : `Aucun syndicat représentatif n’a signé au ${frenchDate(asOf)} : 0,00\u202f%.`,
  );
  if (others.length > 0) {
    reasons.push(`Signatures sans incidence sur le calcul de la représentativité syndicale : ${frenchList(others)}.`);
  }
  return { signed, signatories, weight, passed, firstNotification, campaignRunning, reasons };
}

export function signatoriesOutput(count: SignatureCount): { org: string; at: IsoDate; weight: number }[] {
  return count.signatories.map((s) => ({ org: s.org.id, at: s.at, weight: fromHundredths(s.weight) }));
}

/** Why the campaign is (not) running, for the reasons. */
export function campaignReason(scenario: Scenario, count: SignatureCount): string {
  if (count.firstNotification) {
    return `La procédure de signature est close : l’accord a été notifié le ${frenchDate(count.firstNotification)} (L2231-5).`;
  }
  if (scenario.signatureDeadline) {
    return count.campaignRunning
      ? `La campagne de signature est ouverte jusqu’au ${frenchDate(scenario.signatureDeadline)}.`
      : `La campagne de signature a pris fin le ${frenchDate(scenario.signatureDeadline)}.`;
  }
  return 'La campagne de signature est en cours : aucune notification n’a encore été faite.';
}
