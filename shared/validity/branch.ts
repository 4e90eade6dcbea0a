import { compareDates, type IsoDate } from './calendar.ts';
import { deadlineInDays, isOpenOn, timing, type Deadline } from './deadline.ts';
import { inFrench } from './format.ts';
import { reason, type Reason, type ReasonCode } from './reasons.ts';
import type { AssessedOpposition, Assessment, DeadlineEntry, OppositionGround, Scenario, ScenarioOrganisation, ValidityStatus } from './scenario.ts';
import { campaignReason, countSignatures, orgName, signatoriesOutput, weightOf } from './signature.ts';
import { FIFTY_PERCENT, fromHundredths } from './weights.ts';

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

/** The verdict's last line: the status on `asOf`. */
export function statusReason(status: ValidityStatus, asOf: IsoDate): Reason {
  return reason('status', { asOf: { date: asOf }, status: { reason: reason(`status.${status}`) } });
}

interface Window {
  org: ScenarioOrganisation;
  notifiedAt: IsoDate | null;
  period: Deadline | null;
}

export function assessBranch(scenario: Scenario): Assessment {
  const { asOf } = scenario;
  const organisations = new Map(scenario.organisations.map((o) => [o.id, o]));
  const reasons: Reason[] = [];

  for (const n of scenario.notifications) {
    if (compareDates(n.at, asOf) > 0) {
      reasons.push(reason('notification.after-as-of', { org: orgName(organisations.get(n.org)!), at: { date: n.at }, asOf: { date: asOf } }));
    }
  }
  const count = countSignatures(scenario, organisations);
  reasons.push(...count.reasons);

  const representativeUnions = scenario.organisations.filter((o) => o.college === 'union' && weightOf(o) > 0);
  const entitled = representativeUnions.filter((o) => !count.signed.has(o.id));
  const unanimous = entitled.length === 0;

  reasons.push(reason(count.passed ? 'signature-test.passed' : 'signature-test.failed', { weight: { percent: count.weight } }));
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
    const names = opposing.map((o) => reason('org-weight', { org: orgName(organisations.get(o.org)!), weight: { percent: o.weight } }));
    const detail = { reason: names.length > 0 ? reason('oppositions.detail', { list: { list: names } }) : null };
    reasons.push(reason(oppositionMajority ? 'oppositions.majority' : 'oppositions.no-majority', { weight: { percent: oppositionWeight }, detail }));
  }

  let status: ValidityStatus;
  if (unanimous) {
    status = 'valid';
    reasons.push(reason('unanimous'));
  } else if (!count.passed) {
    status = count.campaignRunning ? 'open for signature' : 'not concluded';
  } else if (oppositionMajority) {
    status = 'void';
  } else if (count.campaignRunning) {
    status = 'open for signature';
    reasons.push(reason('threshold-before-notification'));
  } else if (stillOpen.length > 0) {
    status = 'opposition window';
    const open = stillOpen.map((w) =>
      w.period ? reason('open-window.until', { org: orgName(w.org), deadline: { date: w.period.deadline } }) : reason('open-window.not-notified', { org: orgName(w.org) }),
    );
    reasons.push(reason('windows.open', { asOf: { date: asOf }, open: { list: open } }));
    reasons.push(
      oppositionWeight + pendingWeight > FIFTY_PERCENT
        ? reason('majority.possible', { missing: { percent: FIFTY_PERCENT + 1 - oppositionWeight } })
        : reason('majority.impossible', { weight: { percent: oppositionWeight + pendingWeight } }),
    );
  } else {
    status = 'valid';
    reasons.push(reason('windows.expired', { last: { date: windows.map((w) => w.period!.deadline).sort(compareDates)[windows.length - 1] } }));
  }
  reasons.push(statusReason(status, asOf));

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
    reasons: reasons.map(inFrench),
    reasonCodes: reasons,
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

function describeWindow(w: Window, asOf: IsoDate): Reason {
  const org = orgName(w.org);
  if (!w.period || !w.notifiedAt) return reason('window.not-notified', { org, asOf: { date: asOf } });
  const start = { org, notifiedAt: { date: w.notifiedAt }, days: OPPOSITION_PERIOD_DAYS, deadline: { day: w.period.deadline } };
  if (w.period.skipped.length === 0) return reason('window.runs', start);
  const dayOff = (s: { date: IsoDate; why: string }) =>
    s.why === 'samedi' || s.why === 'dimanche'
      ? reason('day-off.weekend', { day: { day: s.date } })
      : reason('day-off.holiday', { day: { day: s.date }, holiday: { reason: reason(`holiday.${s.why}` as ReasonCode) } });
  const [last, ...following] = w.period.skipped;
  const more = following.length > 0 ? reason(following.length > 1 ? 'window.next-days' : 'window.next-day', { days: { list: following.map(dayOff) } }) : null;
  return reason('window.prorogued', { ...start, last: { reason: dayOff(last) }, more: { reason: more } });
}

const OPPOSITION_REASONS: Record<OppositionGround, ReasonCode> = {
  counted: 'opposition.counted',
  'after asOf': 'opposition.after-as-of',
  'employer organisation': 'opposition.employer',
  'not representative': 'opposition.not-representative',
  signatory: 'opposition.signatory',
  'not concluded': 'opposition.not-concluded',
  'not notified': 'opposition.not-notified',
  'before notification': 'opposition.before-notification.not-renewed',
  late: 'opposition.late',
  duplicate: 'opposition.duplicate',
  'company level': 'opposition.other',
  'union organisation': 'opposition.other',
  'before notice': 'opposition.other',
};

function describeOpposition(
  o: AssessedOpposition,
  organisations: Map<string, ScenarioOrganisation>,
  windows: Window[],
  counted: Set<string>,
  asOf: IsoDate,
): Reason {
  const period = windows.find((w) => w.org.id === o.org)?.period ?? null;
  const params = { org: orgName(organisations.get(o.org)!), at: { date: o.at }, asOf: { date: asOf }, days: OPPOSITION_PERIOD_DAYS, ground: o.ground };
  switch (o.ground) {
    case 'counted':
      return reason('opposition.counted', { ...params, deadline: { date: period!.deadline }, weight: { percent: o.weight } });
    case 'before notification': {
      const code = counted.has(o.org)
        ? 'opposition.before-notification.renewed'
        : isOpenOn(period!, asOf)
          ? 'opposition.before-notification.may-renew'
          : 'opposition.before-notification.not-renewed';
      return reason(code, { ...params, notifiedAt: { date: period!.from }, deadline: { date: period!.deadline } });
    }
    case 'late':
      return reason('opposition.late', { ...params, deadline: { day: period!.deadline } });
    default:
      return reason(OPPOSITION_REASONS[o.ground], params);
  }
}
