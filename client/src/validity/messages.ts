import { REASONS_FR, type ReasonCode } from '../../../shared/validity/reasons.ts';
import { defineMessages } from '../lib/messages.ts';

/**
 * The validity verdict's reasons (shared/validity/reasons.ts), keyed `validity.<code>`. The
 * French wording is the one the server writes; the English one keeps every figure, threshold
 * and article of law of the French (test/unit/validity-reasons.test.ts compares them).
 */
export const REASONS_EN: Record<ReasonCode, string> = {
  'signature.after-as-of': 'Signature by {org} on {at}: after the assessment date ({asOf}), not taken into account.',
  'signature.after-deadline':
    'Signature by {org} on {at}: after the deadline set by the secretariat ({deadline}) but before any notification; it counts, as only the notification closes the signature procedure (L2231-5).',
  'signatures.counted': 'Signatures of representative unions on {asOf}: {signatories}, that is {weight}.',
  'signatures.none': 'No representative union had signed on {asOf}: {weight}.',
  'signatures.without-weight': 'Signatures that do not count towards union representativeness: {others}.',
  'org-weight': '{org} {weight}',
  'signatory.employer': '{org} (employer side)',
  'signatory.not-representative': '{org} (not representative, weight 0)',
  'campaign.closed': 'The signature procedure is closed: the agreement was notified on {at} (L2231-5).',
  'campaign.open-until': 'The signature campaign is open until {deadline}.',
  'campaign.ended': 'The signature campaign ended on {deadline}.',
  'campaign.running': 'The signature campaign is under way: no notification has been made yet.',
  'notification.after-as-of': 'Notification to {org} on {at}: after the assessment date ({asOf}), not taken into account.',
  'signature-test.passed': 'Signature test (L2232-6): {weight} ≥ 30\u202f%: the agreement is concluded.',
  'signature-test.failed': 'Signature test (L2232-6): {weight} < 30\u202f%: the threshold is not reached.',
  'window.not-notified': '{org} had not been notified of the agreement on {asOf}: its opposition period has not started.',
  'window.runs': '{org}: notified on {notifiedAt}, opposition period of {days} days ending on {deadline}.',
  'window.prorogued':
    '{org}: notified on {notifiedAt}, opposition period of {days} days: the last day, {last}, is not a working day{more}; the period is extended to {deadline} (art. 642 CPC).',
  'window.next-day': ', nor is the following day ({days})',
  'window.next-days': ', nor are the following days ({days})',
  'day-off.weekend': '{day}',
  'day-off.holiday': '{day} ({holiday})',
  'opposition.counted': 'Opposition by {org} on {at}: counted, received within the period (until {deadline}) — {weight}.',
  'opposition.after-as-of': 'Opposition by {org} on {at}: after the assessment date ({asOf}), not taken into account.',
  'opposition.employer':
    'Opposition by {org} on {at}: set aside, the right of opposition belongs only to the representative employees’ unions that did not sign (L2232-6); {org} is an employers’ organisation.',
  'opposition.not-representative':
    'Opposition by {org} on {at}: set aside, {org} is not representative within the agreement’s scope (weight 0); only representative unions may oppose.',
  'opposition.signatory': 'Opposition by {org} on {at}: set aside, {org} signed the agreement; a signatory cannot oppose it.',
  'opposition.not-concluded': 'Opposition by {org} on {at}: moot, the agreement does not reach the 30\u202f% signature threshold.',
  'opposition.not-notified':
    'Opposition by {org} on {at}: set aside, the agreement had not been notified to {org} on {asOf}; the opposition period runs from the notification, and the opposition must be renewed within the {days} days that follow it.',
  'opposition.before-notification.renewed':
    'Opposition by {org} on {at}: set aside, earlier than the notification of the agreement to {org} ({notifiedAt}); the period runs from the notification; {org} renewed it within its period.',
  'opposition.before-notification.may-renew':
    'Opposition by {org} on {at}: set aside, earlier than the notification of the agreement to {org} ({notifiedAt}); the period runs from the notification, {org} may renew it until {deadline}.',
  'opposition.before-notification.not-renewed':
    'Opposition by {org} on {at}: set aside, earlier than the notification of the agreement to {org} ({notifiedAt}); the period runs from the notification and {org} did not renew it by {deadline}.',
  'opposition.late': 'Opposition by {org} on {at}: set aside, received after the end of {org}’s period ({deadline}).',
  'opposition.duplicate': 'Opposition by {org} on {at}: {org} has already opposed, its weight counts once.',
  'opposition.other': 'Opposition by {org} on {at}: not counted ({ground}).',
  'oppositions.majority': 'Oppositions counted: {weight}{detail} > 50\u202f%: majority opposition, the agreement is deemed unwritten (L2232-6).',
  'oppositions.no-majority': 'Oppositions counted: {weight}{detail}: no majority opposition (strictly more than 50\u202f% is needed).',
  'oppositions.detail': ' ({list})',
  unanimous: 'Every representative union signed: no opposition is possible.',
  'threshold-before-notification': 'The 30\u202f% threshold is reached; the opposition periods will run from the notification of the agreement.',
  'windows.open': 'On {asOf}, opposition periods are still open: {open}.',
  'open-window.until': '{org} (until {deadline})',
  'open-window.not-notified': '{org} (not notified: period not started)',
  'majority.possible': 'A majority opposition is still possible: {missing} of oppositions are missing to exceed 50\u202f%.',
  'majority.impossible':
    'Even if every union still able to oppose did so, the oppositions would reach only {weight}: a majority opposition is no longer possible, but the agreement is valid only once the periods have ended.',
  'windows.expired': 'Every opposition period has ended (the last on {last}) without a majority opposition: the agreement is valid.',
  status: 'Status on {asOf}: {status}.',
  'status.not concluded': 'not concluded',
  'status.open for signature': 'open for signature',
  'status.opposition window': 'in the opposition period',
  'status.referendum pending': 'awaiting the employees’ referendum',
  'status.valid': 'valid',
  'status.void': 'deemed unwritten (void)',
  'company.majority': 'Signatures {weight} > 50\u202f% of the votes cast for representative unions (L2232-12): the agreement is valid.',
  'company.no-employer': 'The employer had not signed on {asOf}: without its signature the company agreement is not concluded (L2232-12).',
  'company.majority-reached': 'Signatures {weight} > 50\u202f% of the votes cast for representative unions (L2232-12).',
  'company.referendum-needed':
    'Signatures {weight}: more than 30\u202f% but not more than 50\u202f%; the agreement is valid only if the employees approve it (referendum, L2232-12).',
  'company.below-threshold': 'Signatures {weight}: not more than 30\u202f%; neither the majority nor the referendum threshold (more than 30\u202f%) is reached (L2232-12).',
  'company.opposition': 'Opposition by {org} on {at}: set aside, company agreements no longer carry a right of opposition (L2232-12, since 2017).',
  'referendum.after-as-of': 'Referendum of {at}: after the assessment date ({asOf}), not taken into account.',
  'referendum.moot': 'Referendum of {at} ({result}): moot, the signatures exceed 50\u202f%.',
  'referendum.ignored': 'Referendum of {at} ({result}): set aside, only an agreement signed by unions weighing more than 30\u202f% may be put to the employees (L2232-12).',
  'referendum.approved': 'Referendum of {at}: the employees approved the agreement by a majority of the votes cast; it is valid.',
  'referendum.rejected': 'Referendum of {at}: the employees did not approve the agreement; it is deemed unwritten.',
  'referendum.result.approved': 'approved',
  'referendum.result.rejected': 'rejected',
  'extension.not-valid': 'Extension: only a valid agreement can be extended; on {asOf}, the agreement is “{status}”.',
  'extension.published':
    'Extension: notice published on {noticeAt}; the representative employers’ organisations may oppose for one month, until {deadline} inclusive{shift} (L2261-19).',
  'extension.deadline': ' ({deadline})',
  'extension.deadline.prorogued': ' ({nominal} not being a working day, extended to {deadline}, art. 642 CPC)',
  'extension.not-published': 'Extension: the notice of extension, dated {noticeAt}, is not yet published on {asOf}.',
  'extension.opposition.counted': 'Extension: opposition by {org} on {at}: counted — {weight} of the employees on the employer side.',
  'extension.opposition.after-as-of': 'Extension: opposition by {org} on {at}: after the assessment date ({asOf}), not taken into account.',
  'extension.opposition.union': 'Extension: opposition by {org} on {at}: set aside, opposing an extension is for the representative employers’ organisations (L2261-19).',
  'extension.opposition.not-representative': 'Extension: opposition by {org} on {at}: set aside, {org} is not a representative employers’ organisation.',
  'extension.opposition.before-notice': 'Extension: opposition by {org} on {at}: set aside, earlier than the publication of the notice of extension ({noticeAt}).',
  'extension.opposition.late': 'Extension: opposition by {org} on {at}: set aside, received after {deadline}.',
  'extension.opposition.duplicate': 'Extension: opposition by {org} on {at}: {org} has already opposed, its weight counts once.',
  'extension.opposition.other': 'Extension: opposition by {org} on {at}: not counted.',
  'extension.majority': 'Extension: oppositions {weight}{detail} > 50\u202f%: the agreement cannot be extended (L2261-19).',
  'extension.no-majority-yet': 'Extension: oppositions {weight}{detail}, no majority so far; the period runs until {deadline}.',
  'extension.no-majority': 'Extension: oppositions {weight}{detail}, no majority opposition at the end of the period: extension remains possible.',
  recommendation: 'Employers’ recommendation: a unilateral text of the employer side, without union signature or opposition, submitted for approval (CASF L314-6).',
  'holiday.Jour de l’an': 'New Year’s Day',
  'holiday.Lundi de Pâques': 'Easter Monday',
  'holiday.Fête du Travail': 'Labour Day',
  'holiday.Victoire 1945': 'Victory in Europe Day 1945',
  'holiday.Ascension': 'Ascension Day',
  'holiday.Lundi de Pentecôte': 'Whit Monday',
  'holiday.Fête nationale': 'Bastille Day',
  'holiday.Assomption': 'Assumption Day',
  'holiday.Toussaint': 'All Saints’ Day',
  'holiday.Armistice 1918': 'Armistice Day 1918',
  'holiday.Noël': 'Christmas Day',
};

type Keyed<T> = { [K in keyof T & string as `validity.${K}`]: T[K] };
function keyed<T extends Record<string, string>>(templates: T): Keyed<T> {
  return Object.fromEntries(Object.entries(templates).map(([code, text]) => [`validity.${code}`, text])) as Keyed<T>;
}

export const validityMessages = defineMessages(keyed(REASONS_FR), keyed(REASONS_EN));
