/**
 * The French words and formats of the exports: one catalogue for the PDF, DOCX and Akoma
 * Ntoso renderers, so that a status or a date reads the same in every file.
 */

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** The non-breaking space French typography puts before « % », « : » and inside guillemets. */
export const NBSP = '\u00a0';

/**
 * French typography for display: a non-breaking space inside « guillemets », before the
 * high punctuation (: ; ! ?) and %, after "n°" and in article references ("L. 2232-6"), so that
 * a line never starts with a lone « : » or « » ». Documents only; the JSON and XML keep the
 * text as written.
 */
export function frenchSpacing(text: string): string {
  return text
    .replace(/«[ \u00a0\u202f]?/g, `«${NBSP}`)
    .replace(/[ \u00a0\u202f]?»/g, `${NBSP}»`)
    .replace(/ ([:;!?%])/g, `${NBSP}$1`)
    .replace(/\bn° /g, `n°${NBSP}`)
    .replace(/\b([LRD])\. (?=\d)/g, `$1.${NBSP}`);
}

/** "2023-09-26" (or a date-time) → "26 septembre 2023"; the first of the month is "1er". */
export function frenchDate(iso: string): string {
  const [year, month, day] = iso.slice(0, 10).split('-').map(Number);
  const d = day === 1 ? '1er' : String(day);
  return `${d}${NBSP}${MONTHS[month - 1]}${NBSP}${year}`;
}

/** "2023-09-26" → "26/09/2023", for tables. */
export function frenchShortDate(iso: string): string {
  const [year, month, day] = iso.slice(0, 10).split('-');
  return `${day}/${month}/${year}`;
}

/** 38.5 → "38,50 %" (weights are published to two decimals). */
export function frenchPercent(value: number): string {
  return `${value.toFixed(2).replace('.', ',')}${NBSP}%`;
}

/** `not concluded`… → the French name of the status, as a secretariat writes it. */
export const STATUS_LABELS: Record<string, string> = {
  'not concluded': 'non conclu',
  'open for signature': 'ouvert à la signature',
  'opposition window': 'en cours de délai d’opposition',
  'referendum pending': 'en attente du référendum des salariés',
  valid: 'valide',
  void: 'réputé non écrit',
};

export const STATUS_EXPLANATIONS: Record<string, string> = {
  'not concluded':
    'Les organisations syndicales représentatives signataires pèsent moins de 30 % : le texte n’est pas conclu (article L. 2232-6 du code du travail).',
  'open for signature': 'Le texte est ouvert à la signature ; sa validité ne peut pas encore être appréciée.',
  'opposition window':
    'Le texte est conclu ; le délai d’opposition de quinze jours à compter de la notification n’est pas expiré.',
  'referendum pending':
    'Les organisations signataires pèsent au moins 30 % sans dépasser 50 % : l’accord d’entreprise attend l’approbation des salariés par référendum (article L. 2232-12 du code du travail).',
  valid: 'Le texte est conclu et n’a pas fait l’objet d’une opposition majoritaire dans le délai : il est valide.',
  void: 'Les organisations syndicales représentatives non signataires qui ont formé opposition pèsent plus de 50 % : le texte est réputé non écrit (article L. 2232-6 du code du travail).',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

export const LABELS = {
  between: 'Entre :',
  onOneHand: 'd’une part,',
  and: 'et',
  onOtherHand: 'd’autre part,',
  preamble: 'Préambule',
  titre: 'Titre',
  chapitre: 'Chapitre',
  article: 'Article',
  closing: 'Dispositions finales',
  signatures: 'Signatures',
  for: 'Pour',
  notSignatory: 'Non signataire',
  signedOn: 'signé le',
  annexTitle: 'Annexe – Appréciation de la validité',
  status: 'Statut',
  weightsSource: 'Source des audiences',
  organisation: 'Organisation',
  weight: 'Audience',
  signature: 'Signature',
  notification: 'Notification',
  opposition: 'Opposition',
  none: '—',
  criterion: 'Critère',
  cumulatedWeight: 'Audience cumulée',
  threshold: 'Seuil',
  outcome: 'Résultat',
  signatureTest: 'Signatures des organisations syndicales représentatives',
  signatureThreshold: 'au moins 30 %',
  oppositionTest: 'Oppositions recevables',
  oppositionThreshold: 'plus de 50 % (majorité)',
  reached: 'atteint',
  notReached: 'non atteint',
  oppositionDeadline: 'Fin du délai d’opposition',
  reasons: 'Motifs',
  fingerprint: 'Empreinte SHA-256 de l’export JSON canonique',
  fingerprintHow:
    'Cette empreinte est le SHA-256 du fichier JSON exporté (JSON canonique de l’instantané signé) : elle se vérifie avec « sha256sum » sur ce fichier.',
  version: 'Version',
  versionHash: 'Empreinte de la version signée',
  page: 'Page',
  nonRepresentative: 'non représentative',
  liveText: 'Texte en cours',
  workingNotice: 'Document de travail — non signé',
  comparison: 'Comparaison',
  comparativeTable: 'Tableau comparatif',
  reference: 'Texte de référence',
  compared: 'Texte comparé',
  comparisonNotice:
    'Les modifications apparaissent en marques de révision, au nom de leurs auteurs : acceptez-les ou refusez-les dans Word ou LibreOffice. Ce document n’engage aucune des parties.',
  changesBy: 'Modifications de',
  textInForce: 'Texte en vigueur',
  proposedText: 'Texte proposé',
  amendments: 'Amendements',
  newArticle: 'nouvel article',
  removedArticle: 'article supprimé',
  movedArticle: 'déplacé',
  renumberedFrom: 'ex-article',
  unchangedArticles: 'Articles inchangés',
  noAmendment: 'aucun',
  amendmentBook: 'Cahier d’amendements',
  workingNoticeDetail:
    'Ce document reproduit un état du texte en négociation. Il n’a été ni ouvert à la signature ni signé : il n’engage aucune des parties.',
} as const;
