import { compareDates, type IsoDate } from './calendar.ts';
import { reason, type Reason } from './reasons.ts';
import type { Scenario, ScenarioOrganisation } from './scenario.ts';
import { THIRTY_PERCENT, fromHundredths, toHundredths } from './weights.ts';

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
  /** The threshold of the level reached (reachesThreshold): at least 30 % (branch), more than 30 % (company). */
  passed: boolean;
  /** The employer or an employer organisation signed (on or before `asOf`). */
  employerSigned: boolean;
  /** The first notification on or before `asOf`, which ends the signature procedure (L2231-5). */
  firstNotification: IsoDate | null;
  /** The day the secretariat closed the campaign without a notification, if on or before `asOf`. */
  closedAt: IsoDate | null;
  /** No notification yet, not closed, and the secretariat's signature deadline (if any) not passed. */
  campaignRunning: boolean;
  reasons: Reason[];
}

/**
 * Whether the representative unions' signatures (in hundredths) reach the signature threshold of
 * their level: « au moins 30 % » for a branch agreement (L2232-6: 30,00 % concludes it), « plus de
 * 30 % » for a company agreement (L2232-12, second paragraph: only a text signed by unions weighing
 * more than 30 % may be put to the employees; 30,00 % may not).
 */
export function reachesThreshold(level: Scenario['level'], weight: number): boolean {
  return missingToThreshold(level, weight) === 0;
}

/** What the signatures (hundredths) lack to reach their level's threshold (0,01 % over 30 % at company level); 0 once reached. */
export function missingToThreshold(level: Scenario['level'], weight: number): number {
  return Math.max(0, (level === 'company' ? THIRTY_PERCENT + 1 : THIRTY_PERCENT) - weight);
}

export function countSignatures(scenario: Scenario, organisations: Map<string, ScenarioOrganisation>): SignatureCount {
  const { asOf } = scenario;
  const reasons: Reason[] = [];
  const signed = new Set<string>();
  const signatories: SignatureCount['signatories'] = [];
  const others: Reason[] = [];

  for (const signature of scenario.signatures) {
    const org = organisations.get(signature.org)!;
    if (compareDates(signature.at, asOf) > 0) {
      reasons.push(reason('signature.after-as-of', { org: orgName(org), at: { date: signature.at }, asOf: { date: asOf } }));
      continue;
    }
    signed.add(org.id);
    if (scenario.signatureDeadline && compareDates(signature.at, scenario.signatureDeadline) > 0) {
      reasons.push(reason('signature.after-deadline', { org: orgName(org), at: { date: signature.at }, deadline: { date: scenario.signatureDeadline } }));
    }
    const weight = weightOf(org);
    if (weight > 0) signatories.push({ org, at: signature.at, weight });
    else others.push(reason(org.college === 'employer' ? 'signatory.employer' : 'signatory.not-representative', { org: orgName(org) }));
  }

  const weight = signatories.reduce((sum, s) => sum + s.weight, 0);
  const passed = reachesThreshold(scenario.level, weight);
  const employerSigned = [...signed].some((id) => organisations.get(id)!.college === 'employer');
  const firstNotification =
    scenario.notifications
      .map((n) => n.at)
      .filter((at) => compareDates(at, asOf) <= 0)
      .sort(compareDates)[0] ?? null;
  const closedAt = scenario.signatureClosedAt && compareDates(scenario.signatureClosedAt, asOf) <= 0 ? scenario.signatureClosedAt : null;
  const campaignRunning =
    firstNotification === null && closedAt === null && (!scenario.signatureDeadline || compareDates(asOf, scenario.signatureDeadline) <= 0);

  const counted = signatories.map((s) => reason('org-weight', { org: orgName(s.org), weight: { percent: s.weight } }));
  reasons.push(
    signatories.length > 0
      ? reason('signatures.counted', { asOf: { date: asOf }, signatories: { list: counted }, weight: { percent: weight } })
      : reason('signatures.none', { asOf: { date: asOf }, weight: { percent: 0 } }),
  );
  if (others.length > 0) reasons.push(reason('signatures.without-weight', { others: { list: others } }));
  return { signed, signatories, weight, passed, employerSigned, firstNotification, closedAt, campaignRunning, reasons };
}

export function signatoriesOutput(count: SignatureCount): { org: string; at: IsoDate; weight: number }[] {
  return count.signatories.map((s) => ({ org: s.org.id, at: s.at, weight: fromHundredths(s.weight) }));
}

/** Why the campaign is (not) running, for the reasons. */
export function campaignReason(scenario: Scenario, count: SignatureCount): Reason {
  if (count.firstNotification) return reason('campaign.closed', { at: { date: count.firstNotification } });
  if (count.closedAt) return reason('campaign.ended', { deadline: { date: count.closedAt } });
  if (scenario.signatureDeadline) {
    return reason(count.campaignRunning ? 'campaign.open-until' : 'campaign.ended', { deadline: { date: scenario.signatureDeadline } });
  }
  return reason('campaign.running');
}
