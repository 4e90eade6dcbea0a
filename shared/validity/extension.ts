import { compareDates } from './calendar.ts';
import { deadlineInMonths, isOpenOn, timing } from './deadline.ts';
import { frenchDate, frenchDateWithWeekday, frenchList } from './format.ts';
import type { AssessedOpposition, ExtensionAssessment, OppositionGround, Scenario, ValidityStatus } from './scenario.ts';
import { orgName } from './signature.ts';
import { FIFTY_PERCENT, formatPercent, fromHundredths, toHundredths } from './weights.ts';

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
): { extension: ExtensionAssessment; reasons: string[] } {
  const { asOf } = scenario;
  const organisations = new Map(scenario.organisations.map((o) => [o.id, o]));
  const period = deadlineInMonths(extension.noticeAt, EXTENSION_OPPOSITION_MONTHS);
  const published = compareDates(extension.noticeAt, asOf) <= 0;
  const reasons: string[] = [];

  if (agreementStatus !== 'valid') {
    reasons.push(`Extension : seul un accord valide peut être étendu ; au ${frenchDate(asOf)}, l’accord est « ${agreementStatus} ».`);
  }
  const shift =
    period.skipped.length > 0
      ? ` (le ${frenchDateWithWeekday(period.nominal)} n’étant pas ouvrable, prorogé au ${frenchDateWithWeekday(period.deadline)}, art. 642 CPC)`
      : ` (${frenchDateWithWeekday(period.deadline)})`;
  reasons.push(
    published
      ? `Extension : avis publié le ${frenchDate(extension.noticeAt)} ; les organisations d’employeurs représentatives peuvent s’opposer pendant un mois, jusqu’au ${frenchDate(period.deadline)} inclus${shift} (L2261-19).`
      : `Extension : l’avis d’extension, daté du ${frenchDate(extension.noticeAt)}, n’est pas encore publié au ${frenchDate(asOf)}.`,
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
    const head = `Extension : opposition ${orgName(org)} du ${frenchDate(act.at)}`;
    const wording: Partial<Record<OppositionGround, string>> = {
        counted: `${head} : retenue — ${formatPercent(weight)} des salariés du côté employeur.`,
        'after asOf': `${head} : postérieure à la date d’appréciation (${frenchDate(asOf)}), non prise en compte.`,
        'union organisation': `${head} : écartée, l’opposition à l’extension appartient aux organisations d’employeurs représentatives (L2261-19).`,
        'not representative': `${head} : écartée, ${orgName(org)} n’est pas une organisation d’employeurs représentative.`,
        'before notice': `${head} : écartée, antérieure à la publication de l’avis d’extension (${frenchDate(extension.noticeAt)}).`,
        late: `${head} : écartée, reçue après le ${frenchDate(period.deadline)}.`,
        duplicate: `${head} : ${orgName(org)} s’est déjà opposée, son poids n’est compté qu’une fois.`,
    };
    reasons.push(wording[ground] ?? `${head} : non retenue.`);
    return { org: act.org, at: act.at, counted: ground === 'counted', ground, weight };
  });

  const weight = oppositions.reduce((sum, o) => sum + o.weight, 0);
  const majority = weight > FIFTY_PERCENT;
  const names = oppositions.filter((o) => o.counted).map((o) => `${orgName(organisations.get(o.org)!)} ${formatPercent(o.weight)}`);
  const detail = names.length > 0 ? ` (${frenchList(names)})` : '';

  let status: ExtensionAssessment['status'];
  if (!published) status = 'notice not published';
  else if (majority) status = 'blocked';
  else if (isOpenOn(period, asOf)) status = 'opposition window';
  else status = 'unopposed';

  if (published) {
    reasons.push(
      majority
        ? `Extension : oppositions ${formatPercent(weight)}${detail} > 50\u202f% : l’accord ne peut pas être étendu (L2261-19).`
        : status === 'opposition window'
          ? `Extension : oppositions ${formatPercent(weight)}${detail}, pas de majorité à ce jour ; le délai court jusqu’au ${frenchDate(period.deadline)}.`
          : `Extension : oppositions ${formatPercent(weight)}${detail}, pas de majorité d’opposition au terme du délai : l’extension reste possible.`,
    );
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
