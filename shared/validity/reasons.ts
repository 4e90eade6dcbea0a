import type { IsoDate } from './calendar.ts';

/**
 * The reasons of a validity verdict as codes with parameters, so that each reader gets them in
 * their language while the law stays exact: the figures, thresholds and dates are parameters
 * (a date as its ISO day, a weight in hundredths of a percent), written out by each language's
 * formatter, never retyped in a translation. The server writes them in French for the
 * assessment's `reasons` (the exports and the validity command print those); the client writes
 * them from `reasonCodes` through its catalogue (`validity.<code>`).
 */

/** A parameter: data (a name, a status code) as it is, or a value each language writes its way. */
export type ReasonParam =
  | string
  | number
  | { date: IsoDate }
  /** A date with its weekday ("vendredi 13 octobre 2023"). */
  | { day: IsoDate }
  /** Hundredths of a percent. */
  | { percent: number }
  /** A phrase of its own (or nothing: null). */
  | { reason: Reason | null }
  /** Phrases joined as a list ("CGT, FO et SUD"). */
  | { list: Reason[] };

export interface Reason {
  code: ReasonCode;
  params: Record<string, ReasonParam>;
}

export function reason(code: ReasonCode, params: Record<string, ReasonParam> = {}): Reason {
  return { code, params };
}

/**
 * The French wording of every code, as the law's users read it. Thresholds and articles of law
 * written in a template are the same in every language (a unit test compares their figures).
 */
export const REASONS_FR = {
  // Signatures (both levels).
  'signature.after-as-of': 'Signature {org} du {at} : postérieure à la date d’appréciation ({asOf}), non prise en compte.',
  'signature.after-deadline':
    'Signature {org} du {at} : après la date limite fixée par le secrétariat ({deadline}), mais avant toute notification ; elle compte, la procédure de signature n’étant close que par la notification (L2231-5).',
  'signatures.counted': 'Signatures de syndicats représentatifs au {asOf} : {signatories}, soit {weight}.',
  'signatures.none': 'Aucun syndicat représentatif n’a signé au {asOf} : {weight}.',
  'signatures.without-weight': 'Signatures sans incidence sur le calcul de la représentativité syndicale : {others}.',
  'org-weight': '{org} {weight}',
  'signatory.employer': '{org} (collège employeur)',
  'signatory.not-representative': '{org} (non représentative, poids 0)',
  'campaign.closed': 'La procédure de signature est close : l’accord a été notifié le {at} (L2231-5).',
  'campaign.open-until': 'La campagne de signature est ouverte jusqu’au {deadline}.',
  'campaign.ended': 'La campagne de signature a pris fin le {deadline}.',
  'campaign.running': 'La campagne de signature est en cours : aucune notification n’a encore été faite.',
  // Branch level (L2232-6).
  'notification.after-as-of': 'Notification à {org} du {at} : postérieure à la date d’appréciation ({asOf}), non prise en compte.',
  'signature-test.passed': 'Test de signature (L2232-6) : {weight} ≥ 30\u202f% : l’accord est conclu.',
  'signature-test.failed': 'Test de signature (L2232-6) : {weight} < 30\u202f% : le seuil n’est pas atteint.',
  'window.not-notified': '{org} n’a pas reçu notification de l’accord au {asOf} : son délai d’opposition n’a pas commencé à courir.',
  'window.runs': '{org} : notifiée le {notifiedAt}, délai d’opposition de {days} jours expirant le {deadline}.',
  'window.prorogued':
    '{org} : notifiée le {notifiedAt}, délai d’opposition de {days} jours : le dernier jour, {last}, n’est pas ouvrable{more} ; le délai est prorogé au {deadline} (art. 642 CPC).',
  'window.next-day': ', pas plus que le jour suivant ({days})',
  'window.next-days': ', pas plus que les jours suivants ({days})',
  'day-off.weekend': '{day}',
  'day-off.holiday': '{day} ({holiday})',
  'opposition.counted': 'Opposition {org} du {at} : retenue, reçue dans le délai (jusqu’au {deadline}) — {weight}.',
  'opposition.after-as-of': 'Opposition {org} du {at} : postérieure à la date d’appréciation ({asOf}), non prise en compte.',
  'opposition.employer':
    'Opposition {org} du {at} : écartée, le droit d’opposition appartient aux seuls syndicats de salariés représentatifs non signataires (L2232-6) ; {org} est une organisation d’employeurs.',
  'opposition.not-representative':
    'Opposition {org} du {at} : écartée, {org} n’est pas représentative dans le champ de l’accord (poids 0) ; seuls les syndicats représentatifs peuvent s’opposer.',
  'opposition.signatory': 'Opposition {org} du {at} : écartée, {org} a signé l’accord ; un signataire ne peut pas s’y opposer.',
  'opposition.not-concluded': 'Opposition {org} du {at} : sans objet, l’accord n’atteint pas le seuil de signature de 30\u202f%.',
  'opposition.not-notified':
    'Opposition {org} du {at} : écartée, l’accord n’avait pas été notifié à {org} au {asOf} ; le délai d’opposition court à compter de la notification, l’opposition devra être renouvelée dans les {days} jours qui la suivent.',
  'opposition.before-notification.renewed':
    'Opposition {org} du {at} : écartée, antérieure à la notification de l’accord à {org} ({notifiedAt}) ; le délai court à compter de la notification ; {org} l’a renouvelée dans son délai.',
  'opposition.before-notification.may-renew':
    'Opposition {org} du {at} : écartée, antérieure à la notification de l’accord à {org} ({notifiedAt}) ; le délai court à compter de la notification, {org} peut la renouveler jusqu’au {deadline}.',
  'opposition.before-notification.not-renewed':
    'Opposition {org} du {at} : écartée, antérieure à la notification de l’accord à {org} ({notifiedAt}) ; le délai court à compter de la notification et {org} ne l’a pas renouvelée avant le {deadline}.',
  'opposition.late': 'Opposition {org} du {at} : écartée, reçue après l’expiration du délai de {org} ({deadline}).',
  'opposition.duplicate': 'Opposition {org} du {at} : {org} s’est déjà opposée, son poids n’est compté qu’une fois.',
  'opposition.other': 'Opposition {org} du {at} : non retenue ({ground}).',
  'oppositions.majority': 'Oppositions retenues : {weight}{detail} > 50\u202f% : opposition majoritaire, l’accord est réputé non écrit (L2232-6).',
  'oppositions.no-majority': 'Oppositions retenues : {weight}{detail} : pas de majorité d’opposition (il faut strictement plus de 50\u202f%).',
  'oppositions.detail': ' ({list})',
  unanimous: 'Tous les syndicats représentatifs ont signé : aucune opposition n’est possible.',
  'threshold-before-notification': 'Le seuil de 30\u202f% est atteint ; les délais d’opposition courront à compter de la notification de l’accord.',
  'windows.open': 'Au {asOf}, des délais d’opposition restent ouverts : {open}.',
  'open-window.until': '{org} (jusqu’au {deadline})',
  'open-window.not-notified': '{org} (non notifiée : délai non commencé)',
  'majority.possible': 'Une opposition majoritaire reste possible : il manque {missing} d’oppositions pour dépasser 50\u202f%.',
  'majority.impossible':
    'Même si tous les syndicats qui le peuvent encore s’opposaient, les oppositions n’atteindraient que {weight} : l’opposition majoritaire n’est plus possible, mais l’accord n’est valide qu’à l’expiration des délais.',
  'windows.expired': 'Tous les délais d’opposition ont expiré (le dernier le {last}) sans opposition majoritaire : l’accord est valide.',
  status: 'Statut au {asOf} : {status}.',
  'status.not concluded': 'non conclu',
  'status.open for signature': 'ouvert à la signature',
  'status.opposition window': 'en délai d’opposition',
  'status.referendum pending': 'en attente du référendum des salariés',
  'status.valid': 'valide',
  'status.void': 'réputé non écrit (nul)',
  // Company level (L2232-12).
  'company.majority': 'Signatures {weight} > 50\u202f% des suffrages exprimés en faveur des syndicats représentatifs (L2232-12) : l’accord est valide.',
  'company.no-employer': 'L’employeur n’a pas signé au {asOf} : sans sa signature, l’accord d’entreprise n’est pas conclu (L2232-12).',
  'company.majority-reached': 'Signatures {weight} > 50\u202f% des suffrages exprimés en faveur des syndicats représentatifs (L2232-12).',
  'company.referendum-needed':
    'Signatures {weight} : plus de 30\u202f% mais pas plus de 50\u202f% ; l’accord n’est valide que s’il est approuvé par les salariés (référendum, L2232-12).',
  'company.below-threshold': 'Signatures {weight} : pas plus de 30\u202f% ; ni la majorité ni le seuil du référendum (plus de 30\u202f%) ne sont atteints (L2232-12).',
  'company.opposition': 'Opposition {org} du {at} : écartée, le droit d’opposition n’existe plus pour les accords d’entreprise (L2232-12, depuis 2017).',
  'referendum.after-as-of': 'Référendum du {at} : postérieur à la date d’appréciation ({asOf}), non pris en compte.',
  'referendum.moot': 'Référendum du {at} ({result}) : sans objet, les signatures dépassent 50\u202f%.',
  'referendum.ignored': 'Référendum du {at} ({result}) : écarté, seul un accord signé par des syndicats pesant plus de 30\u202f% peut être soumis aux salariés (L2232-12).',
  'referendum.approved': 'Référendum du {at} : les salariés ont approuvé l’accord à la majorité des suffrages exprimés ; il est valide.',
  'referendum.rejected': 'Référendum du {at} : les salariés n’ont pas approuvé l’accord ; il est réputé non écrit.',
  'referendum.result.approved': 'approuvé',
  'referendum.result.rejected': 'rejeté',
  // Extension (L2261-19).
  'extension.not-valid': 'Extension : seul un accord valide peut être étendu ; au {asOf}, l’accord est « {status} ».',
  'extension.published':
    'Extension : avis publié le {noticeAt} ; les organisations d’employeurs représentatives peuvent s’opposer pendant un mois, jusqu’au {deadline} inclus{shift} (L2261-19).',
  'extension.deadline': ' ({deadline})',
  'extension.deadline.prorogued': ' (le {nominal} n’étant pas ouvrable, prorogé au {deadline}, art. 642 CPC)',
  'extension.not-published': 'Extension : l’avis d’extension, daté du {noticeAt}, n’est pas encore publié au {asOf}.',
  'extension.opposition.counted': 'Extension : opposition {org} du {at} : retenue — {weight} des salariés du côté employeur.',
  'extension.opposition.after-as-of': 'Extension : opposition {org} du {at} : postérieure à la date d’appréciation ({asOf}), non prise en compte.',
  'extension.opposition.union':
    'Extension : opposition {org} du {at} : écartée, l’opposition à l’extension appartient aux organisations d’employeurs représentatives (L2261-19).',
  'extension.opposition.not-representative': 'Extension : opposition {org} du {at} : écartée, {org} n’est pas une organisation d’employeurs représentative.',
  'extension.opposition.before-notice': 'Extension : opposition {org} du {at} : écartée, antérieure à la publication de l’avis d’extension ({noticeAt}).',
  'extension.opposition.late': 'Extension : opposition {org} du {at} : écartée, reçue après le {deadline}.',
  'extension.opposition.duplicate': 'Extension : opposition {org} du {at} : {org} s’est déjà opposée, son poids n’est compté qu’une fois.',
  'extension.opposition.other': 'Extension : opposition {org} du {at} : non retenue.',
  'extension.majority': 'Extension : oppositions {weight}{detail} > 50\u202f% : l’accord ne peut pas être étendu (L2261-19).',
  'extension.no-majority-yet': 'Extension : oppositions {weight}{detail}, pas de majorité à ce jour ; le délai court jusqu’au {deadline}.',
  'extension.no-majority': 'Extension : oppositions {weight}{detail}, pas de majorité d’opposition au terme du délai : l’extension reste possible.',
  'recommendation': 'Recommandation patronale : texte unilatéral de la partie employeur, sans signature ni opposition syndicale, soumis à l’agrément (CASF L314-6).',
  // Public holidays (art. 642 CPC moves a deadline falling on one).
  'holiday.Jour de l’an': 'Jour de l’an',
  'holiday.Lundi de Pâques': 'Lundi de Pâques',
  'holiday.Fête du Travail': 'Fête du Travail',
  'holiday.Victoire 1945': 'Victoire 1945',
  'holiday.Ascension': 'Ascension',
  'holiday.Lundi de Pentecôte': 'Lundi de Pentecôte',
  'holiday.Fête nationale': 'Fête nationale',
  'holiday.Assomption': 'Assomption',
  'holiday.Toussaint': 'Toussaint',
  'holiday.Armistice 1918': 'Armistice 1918',
  'holiday.Noël': 'Noël',
} as const;

export type ReasonCode = keyof typeof REASONS_FR;

/** How one language writes the reasons: its templates and its way with dates, weights and lists. */
export interface ReasonWriter {
  template(code: ReasonCode): string;
  date(date: IsoDate): string;
  day(date: IsoDate): string;
  percent(hundredths: number): string;
  list(items: readonly string[]): string;
}

/** A reason in the writer's language, its phrases written first. */
export function writeReason(r: Reason, writer: ReasonWriter): string {
  const value = (param: ReasonParam | undefined): string => {
    if (param === undefined) return '';
    if (typeof param === 'string' || typeof param === 'number') return String(param);
    if ('date' in param) return writer.date(param.date);
    if ('day' in param) return writer.day(param.day);
    if ('percent' in param) return writer.percent(param.percent);
    if ('reason' in param) return param.reason ? writeReason(param.reason, writer) : '';
    return writer.list(param.list.map((item) => writeReason(item, writer)));
  };
  return writer.template(r.code).replace(/\{(\w+)\}/g, (_, name: string) => value(r.params[name]));
}
