import { compareDates, type IsoDate } from './calendar.ts';
import { deadlineInDays, isOpenOn, timing, type Deadline } from './deadline.ts';
import { frenchDate, frenchDateWithWeekday, frenchList } from './format.ts';
import type { AssessedOpposition, Assessment, DeadlineEntry, OppositionGround, Scenario, ScenarioOrganisation, ValidityStatus } from './scenario.ts';
import { campaignReason, countSignatures, orgName, signatoriesOutput, weightOf } from './signature.ts';
import { FIFTY_PERCENT, formatPercent, fromHundredths } from './weights.ts';

/**
 * Branch agreements (Code du travail L2232-6):
 * - signature test: the representative unions that signed weigh at least 30 %, whatever the
 *   turnout; below, the text is not concluded;
 * - each representative union that did not sign may oppose within 15 days of ITS
 *   notification (days counted as CPC 641–642 count them); the text is void ("réputé non
 *   écrit") when the opposing unions weigh strictly more than 50 % — exactly 50 % is not a
 *   majority.
 *
 * Oppositions that do not count, each explained in the reasons:
 * - dated after `asOf` (not filed yet on that day);
 * - filed by an employer organisation, by a non-representative union, or by a signatory;
 * - filed while the text is not concluded (nothing to oppose);
 * - filed by a union that has not been notified (on `asOf`), or before its notification:
 *   the period runs "à compter de la date de notification", so an opposition sent before it
 *   is premature; the union may renew it within its window, which the reasons say;
 * - received after the union's deadline;
 * - a second opposition of a union already counted (its weight counts once).
 * An opposition received on the notification day itself is in time (dates carry no hour).
 *
 * Statuses on `asOf`:
 * - `valid` at once when every representative union signed (nobody may oppose);
 * - `open for signature`: the campaign runs (no notification yet, the secretariat's
 *   signature deadline not passed) — whether or not 30 % is already reached, since the
 *   opposition windows open only with the notification;
 * - `not concluded`: the campaign is over (notified, or its deadline passed) below 30 %;
 * - `void`: the counted oppositions weigh more than 50 %;
 * - `opposition window`: concluded, no majority opposition yet, and the window of some
 *   non-signatory representative union is not over on `asOf` (open, or not even started for
 *   want of a notification) — even when that union has already opposed, or when a majority
 *   can no longer be reached: the text is valid only once every window has closed;
 * - `valid`: concluded, every window closed, no majority opposition.
 */

export const OPPOSITION_PERIOD_DAYS = 15;

export const STATUS_FR: Record<ValidityStatus, string> = {
  'not concluded': 'non conclu',
  'open for signature': 'ouvert à la signature',
  'opposition window': 'en délai d’opposition',
  'referendum pending': 'en attente du référendum des salariés',
  valid: 'valide',
  void: 'réputé non écrit (nul)',
};

interface Window {
  org: ScenarioOrganisation;
  notifiedAt: IsoDate | null;
  period: Deadline | null;
}

export function assessBranch(scenario: Scenario): Assessment {
  const { asOf } = scenario;
  const organisations = new Map(scenario.organisations.map((o) => [o.id, o]));
  const reasons: string[] = [];

  for (const n of scenario.notifications) {
    if (compareDates(n.at, asOf) > 0) {
      reasons.push(
        `Notification à ${orgName(organisations.get(n.org)!)} du ${frenchDate(n.at)} : postérieure à la date d’appréciation (${frenchDate(asOf)}), non prise en compte.`,
      );
    }
  }
  const count = countSignatures(scenario, organisations);
  reasons.push(...count.reasons);

  const representativeUnions = scenario.organisations.filter((o) => o.college === 'union' && weightOf(o) > 0);
  const entitled = representativeUnions.filter((o) => !count.signed.has(o.id));
  const unanimous = entitled.length === 0;

  if (count.passed) {
    reasons.push(`Test de signature (L2232-6) : ${formatPercent(count.weight)} ≥ 30\u202f% : l’accord est conclu.`);
  } else {
    reasons.push(`Test de signature (L2232-6) : ${formatPercent(count.weight)} < 30\u202f% : le seuil n’est pas atteint.`);
  }
  reasons.push(campaignReason(scenario, count));

  // Each non-signatory representative union's own window, from its own notification.
  const notifiedAt = new Map<string, IsoDate>();
  for (const n of scenario.notifications) if (compareDates(n.at, asOf) <= 0) notifiedAt.set(n.org, n.at);
  const windows: Window[] = count.passed
    ? entitled.map((org) => {
        const at = notifiedAt.get(org.id) ?? null;
        return { org, notifiedAt: at, period: at ? deadlineInDays(at, OPPOSITION_PERIOD_DAYS) : null };
      })
    : [];
  for (const w of windows) reasons.push(describeWindow(w, asOf));

  const oppositions = scenario.oppositions.map((act) => judgeOpposition(act, organisations, count.signed, count.passed, windows, asOf));
  const counted = new Set<string>();
  for (const o of oppositions) {
    if (o.ground !== 'counted') continue;
    if (counted.has(o.org)) {
      o.ground = 'duplicate';
      o.counted = false;
      o.weight = 0;
    }
    counted.add(o.org);
  }
  for (const o of oppositions) reasons.push(describeOpposition(o, organisations, windows, counted, asOf));

  const opposing = oppositions.filter((o) => o.counted);
  const oppositionWeight = opposing.reduce((sum, o) => sum + o.weight, 0);
  const oppositionMajority = oppositionWeight > FIFTY_PERCENT;
  // Windows not over on asOf (open, or not started for want of a notification). The text is
  // not valid before they all close, even when no majority can be reached any more.
  const stillOpen = windows.filter((w) => w.period === null || isOpenOn(w.period, asOf));
  const pendingWeight = stillOpen.filter((w) => !counted.has(w.org.id)).reduce((sum, w) => sum + weightOf(w.org), 0);

  if (count.passed && !unanimous) {
    const names = opposing.map((o) => `${orgName(organisations.get(o.org)!)} ${formatPercent(o.weight)}`);
    const detail = names.length > 0 ? ` (${frenchList(names)})` : '';
    reasons.push(
      oppositionMajority
        ? `Oppositions retenues : ${formatPercent(oppositionWeight)}${detail} > 50\u202f% : opposition majoritaire, l’accord est réputé non écrit (L2232-6).`
        : `Oppositions retenues : ${formatPercent(oppositionWeight)}${detail} : pas de majorité d’opposition (il faut strictement plus de 50\u202f%).`,
    );
  }

  let status: ValidityStatus;
  if (unanimous) {
    status = 'valid';
    reasons.push('Tous les syndicats représentatifs ont signé : aucune opposition n’est possible.');
  } else if (!count.passed) {
    status = count.campaignRunning ? 'open for signature' : 'not concluded';
  } else if (oppositionMajority) {
    status = 'void';
  } else if (count.campaignRunning) {
    status = 'open for signature';
    reasons.push('Le seuil de 30\u202f% est atteint ; les délais d’opposition courront à compter de la notification de l’accord.');
  } else if (stillOpen.length > 0) {
    status = 'opposition window';
    const open = stillOpen.map((w) =>
      w.period ? `${orgName(w.org)} (jusqu’au ${frenchDate(w.period.deadline)})` : `${orgName(w.org)} (non notifiée : délai non commencé)`,
    );
    reasons.push(`Au ${frenchDate(asOf)}, des délais d’opposition restent ouverts : ${frenchList(open)}.`);
    reasons.push(
      oppositionWeight + pendingWeight > FIFTY_PERCENT
        ? `Une opposition majoritaire reste possible : il manque ${formatPercent(FIFTY_PERCENT + 1 - oppositionWeight)} d’oppositions pour dépasser 50\u202f%.`
        : `Même si tous les syndicats qui le peuvent encore s’opposaient, les oppositions n’atteindraient que ${formatPercent(oppositionWeight + pendingWeight)} : l’opposition majoritaire n’est plus possible, mais l’accord n’est valide qu’à l’expiration des délais.`,
    );
  } else {
    status = 'valid';
    reasons.push(
      `Tous les délais d’opposition ont expiré (le dernier le ${frenchDate(windows.map((w) => w.period!.deadline).sort(compareDates)[windows.length - 1])}) sans opposition majoritaire : l’accord est valide.`,
    );
  }
  reasons.push(`Statut au ${frenchDate(asOf)} : ${STATUS_FR[status]}.`);

  const deadlines: DeadlineEntry[] = windows.map((w) => ({
    org: w.org.id,
    notifiedAt: w.notifiedAt,
    nominalDeadline: w.period?.nominal ?? null,
    deadline: w.period?.deadline ?? null,
    state: w.period === null ? 'not notified' : isOpenOn(w.period, asOf) ? 'open' : 'closed',
  }));
  const known = deadlines.map((d) => d.deadline).filter((d): d is string => d !== null);
  const oppositionDeadline = known.length > 0 ? known.sort(compareDates)[known.length - 1] : null;

  return {
    status,
    signatureWeight: fromHundredths(count.weight),
    signatureTestPassed: count.passed,
    oppositionWeight: fromHundredths(oppositionWeight),
    oppositionMajority,
    oppositionDeadline,
    reasons,
    level: 'branch',
    asOf,
    signatories: signatoriesOutput(count),
    majoritySignature: count.weight > FIFTY_PERCENT,
    deadlines,
    oppositions: oppositions.map((o) => ({ ...o, weight: fromHundredths(o.weight) })),
    pendingOppositionWeight: fromHundredths(pendingWeight),
    referendum: null,
    extension: null,
  };
}

function judgeOpposition(
  act: { org: string; at: IsoDate },
  organisations: Map<string, ScenarioOrganisation>,
  signed: Set<string>,
  concluded: boolean,
  windows: Window[],
  asOf: IsoDate,
): AssessedOpposition {
  const org = organisations.get(act.org)!;
  const verdict = (ground: OppositionGround): AssessedOpposition => ({
    org: act.org,
    at: act.at,
    counted: ground === 'counted',
    ground,
    weight: ground === 'counted' ? weightOf(org) : 0,
  });
  if (compareDates(act.at, asOf) > 0) return verdict('after asOf');
  if (org.college === 'employer') return verdict('employer organisation');
  if (weightOf(org) === 0) return verdict('not representative');
  if (signed.has(org.id)) return verdict('signatory');
  if (!concluded) return verdict('not concluded');
  const window = windows.find((w) => w.org.id === org.id);
  if (!window?.period) return verdict('not notified');
  const when = timing(act.at, window.period);
  if (when === 'before') return verdict('before notification');
  if (when === 'late') return verdict('late');
  return verdict('counted');
}

function describeWindow(w: Window, asOf: IsoDate): string {
  const name = orgName(w.org);
  if (!w.period || !w.notifiedAt) {
    return `${name} n’a pas reçu notification de l’accord au ${frenchDate(asOf)} : son délai d’opposition n’a pas commencé à courir.`;
  }
  const start = `${name} : notifiée le ${frenchDate(w.notifiedAt)}, délai d’opposition de ${OPPOSITION_PERIOD_DAYS} jours`;
  if (w.period.skipped.length === 0) return `${start} expirant le ${frenchDateWithWeekday(w.period.deadline)}.`;
  const dayOff = (s: { date: IsoDate; why: string }) =>
    s.why === 'samedi' || s.why === 'dimanche' ? frenchDateWithWeekday(s.date) : `${frenchDateWithWeekday(s.date)} (${s.why})`;
  const [last, ...following] = w.period.skipped;
  const more = following.length > 0 ? `, pas plus que ${following.length > 1 ? 'les jours suivants' : 'le jour suivant'} (${frenchList(following.map(dayOff))})` : '';
  return `${start} : le dernier jour, ${dayOff(last)}, n’est pas ouvrable${more} ; le délai est prorogé au ${frenchDateWithWeekday(w.period.deadline)} (art. 642 CPC).`;
}

function describeOpposition(
  o: AssessedOpposition,
  organisations: Map<string, ScenarioOrganisation>,
  windows: Window[],
  counted: Set<string>,
  asOf: IsoDate,
): string {
  const org = organisations.get(o.org)!;
  const name = orgName(org);
  const head = `Opposition ${name} du ${frenchDate(o.at)}`;
  const period = windows.find((w) => w.org.id === o.org)?.period ?? null;
  switch (o.ground) {
    case 'counted':
      return `${head} : retenue, reçue dans le délai (jusqu’au ${frenchDate(period!.deadline)}) — ${formatPercent(o.weight)}.`;
    case 'after asOf':
      return `${head} : postérieure à la date d’appréciation (${frenchDate(asOf)}), non prise en compte.`;
    case 'employer organisation':
      return `${head} : écartée, le droit d’opposition appartient aux seuls syndicats de salariés représentatifs non signataires (L2232-6) ; ${name} est une organisation d’employeurs.`;
    case 'not representative':
      return `${head} : écartée, ${name} n’est pas représentative dans le champ de l’accord (poids 0) ; seuls les syndicats représentatifs peuvent s’opposer.`;
    case 'signatory':
      return `${head} : écartée, ${name} a signé l’accord ; un signataire ne peut pas s’y opposer.`;
    case 'not concluded':
      return `${head} : sans objet, l’accord n’atteint pas le seuil de signature de 30\u202f%.`;
    case 'not notified':
      return `${head} : écartée, l’accord n’avait pas été notifié à ${name} au ${frenchDate(asOf)} ; le délai d’opposition court à compter de la notification, l’opposition devra être renouvelée dans les ${OPPOSITION_PERIOD_DAYS} jours qui la suivent.`;
    case 'before notification':
      return `${head} : écartée, antérieure à la notification de l’accord à ${name} (${frenchDate(period!.from)}) ; le délai court à compter de la notification${
        counted.has(o.org)
          ? ` ; ${name} l’a renouvelée dans son délai.`
          : isOpenOn(period!, asOf)
            ? `, ${name} peut la renouveler jusqu’au ${frenchDate(period!.deadline)}.`
            : ` et ${name} ne l’a pas renouvelée avant le ${frenchDate(period!.deadline)}.`
      }`;
    case 'late':
      return `${head} : écartée, reçue après l’expiration du délai de ${name} (${frenchDateWithWeekday(period!.deadline)}).`;
    case 'duplicate':
      return `${head} : ${name} s’est déjà opposée, son poids n’est compté qu’une fois.`;
    default:
      return `${head} : non retenue (${o.ground}).`;
  }
}
