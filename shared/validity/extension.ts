import { compareDates } from './calendar.ts';
import { deadlineInMonths, isOpenOn, timing } from './deadline.ts';
import { reason, type Reason, type ReasonCode } from './reasons.ts';
import type { AssessedOpposition, ExtensionAssessment, OppositionGround, Scenario, ValidityStatus } from './scenario.ts';
import { orgName } from './signature.ts';
import { FIFTY_PERCENT, fromHundredths, toHundredths } from './weights.ts';

const EXTENSION_OPPOSITION_REASONS: Partial<Record<OppositionGround, ReasonCode>> = {
  counted: 'extension.opposition.counted',
  'after asOf': 'extension.opposition.after-as-of',
  'union organisation': 'extension.opposition.union',
  'not representative': 'extension.opposition.not-representative',
  'before notice': 'extension.opposition.before-notice',
  late: 'extension.opposition.late',
  duplicate: 'extension.opposition.duplicate',
};

/**
 * Opposition to the extension of a branch agreement (Code du travail L2261-19): the text
 * cannot be extended when representative employer organisations whose member companies
 * employ more than 50 % of the employees of all the representative employer organisations'
 * members oppose it, in writing, within one month of the publication of the notice of
 * extension. The month is counted by CPC art. 641 al. 2 (same day-number, else the last
 * day of the month) and 642 (a non-working last day moves to the next working day).
 *
 * The employer organisations' `weight` is that share of employees. Oppositions that do not
 * count: dated after `asOf`; filed by a union (this right is the employers'); by a
 * non-representative employer organisation; before the notice; after the deadline; a
 * second one of the same organisation.
 *
 * Statuses on `asOf`: `notice not published` (the notice is dated later), `blocked` (more
 * than 50 % opposed), `opposition window` (the month still runs), `unopposed` (the month
 * is over without a majority opposition: the minister may extend).
 */

export const EXTENSION_OPPOSITION_MONTHS = 1;

export function assessExtension(
  scenario: Scenario,
  extension: NonNullable<Scenario['extension']>,
  agreementStatus: ValidityStatus,
): { extension: ExtensionAssessment; reasons: Reason[] } {
  const { asOf } = scenario;
  const organisations = new Map(scenario.organisations.map((o) => [o.id, o]));
  const period = deadlineInMonths(extension.noticeAt, EXTENSION_OPPOSITION_MONTHS);
  const published = compareDates(extension.noticeAt, asOf) <= 0;
  const reasons: Reason[] = [];

  if (agreementStatus !== 'valid') {
    reasons.push(reason('extension.not-valid', { asOf: { date: asOf }, status: agreementStatus }));
  }
  const shift =
    period.skipped.length > 0
      ? reason('extension.deadline.prorogued', { nominal: { day: period.nominal }, deadline: { day: period.deadline } })
      : reason('extension.deadline', { deadline: { day: period.deadline } });
  const noticeAt = { date: extension.noticeAt };
  reasons.push(
    published
      ? reason('extension.published', { noticeAt, deadline: { date: period.deadline }, shift: { reason: shift } })
      : reason('extension.not-published', { noticeAt, asOf: { date: asOf } }),
  );

  const seen = new Set<string>();
  const oppositions: AssessedOpposition[] = extension.oppositions.map((act) => {
    const org = organisations.get(act.org)!;
    let ground: OppositionGround;
    if (compareDates(act.at, asOf) > 0) ground = 'after asOf';
    else if (org.college !== 'employer') ground = 'union organisation';
    else if (!org.representative || toHundredths(org.weight) === 0) ground = 'not representative';
    else {
      const when = timing(act.at, period);
      ground = when === 'before' ? 'before notice' : when === 'late' ? 'late' : seen.has(org.id) ? 'duplicate' : 'counted';
    }
    if (ground === 'counted') seen.add(org.id);
    const weight = ground === 'counted' ? toHundredths(org.weight) : 0;
    const code: ReasonCode = EXTENSION_OPPOSITION_REASONS[ground] ?? 'extension.opposition.other';
    reasons.push(reason(code, { org: orgName(org), at: { date: act.at }, weight: { percent: weight }, asOf: { date: asOf }, noticeAt, deadline: { date: period.deadline } }));
    return { org: act.org, at: act.at, counted: ground === 'counted', ground, weight };
  });

  const weight = oppositions.reduce((sum, o) => sum + o.weight, 0);
  const majority = weight > FIFTY_PERCENT;
  const names = oppositions.filter((o) => o.counted).map((o) => reason('org-weight', { org: orgName(organisations.get(o.org)!), weight: { percent: o.weight } }));
  const detail = { reason: names.length > 0 ? reason('oppositions.detail', { list: { list: names } }) : null };

  let status: ExtensionAssessment['status'];
  if (!published) status = 'notice not published';
  else if (majority) status = 'blocked';
  else if (isOpenOn(period, asOf)) status = 'opposition window';
  else status = 'unopposed';

  if (published) {
    const code = majority ? 'extension.majority' : status === 'opposition window' ? 'extension.no-majority-yet' : 'extension.no-majority';
    reasons.push(reason(code, { weight: { percent: weight }, detail, deadline: { date: period.deadline } }));
  }

  return {
    extension: {
      status,
      noticeAt: extension.noticeAt,
      nominalDeadline: period.nominal,
      deadline: period.deadline,
      oppositionWeight: fromHundredths(weight),
      oppositionMajority: majority,
      oppositions: oppositions.map((o) => ({ ...o, weight: fromHundredths(o.weight) })),
    },
    reasons,
  };
}
