/**
 * The decisions the scripted session of sessions.test.ts takes, as its minutes must number
 * them: nothing more, nothing less, in the order they were taken.
 */
export const SCRIPTED_SESSION_DECISIONS = [
  'La délégation CFDT dépose l’amendement n° 1 à l’article 3. L’article 3 est complété par un alinéa ainsi rédigé : « La pause est prise hors de la présence des personnes accompagnées. »',
  'La commission adopte l’amendement n° 1 (CFDT) à l’article 3.',
  'L’amendement n° 1 (CFDT) à l’article 3 est intégré au texte.',
  'Vote indicatif « Principe d’un temps de pause de 20 minutes », à la double majorité (majorité pondérée dans chaque collège) : adopté. Pour : AXESS (100,00 %), CFDT (38,50 %), FO (14,69 %) ; Contre : CGT (35,18 %) ; Abstention : SUD (11,63 %) ; Sans bulletin : CFE-CGC (0,00 %), CFTC (0,00 %).',
  'L’article 3 passe du statut « ouvert » au statut « accord ad referendum ».',
  'Vote indicatif « Temps d’habillage : décompte intégral », au consensus (aucune voix contre) : non adopté. Pour : CGT ; Contre : AXESS ; Sans bulletin : CFDT, FO, SUD, CFE-CGC, CFTC.',
  'La délégation CGT dépose l’amendement n° 2 à l’article 4. L’article 4 est complété par un alinéa ainsi rédigé : « Le temps d’habillage est intégralement décompté comme temps de travail effectif. »',
  'La commission rejette l’amendement n° 2 (CGT) à l’article 4.',
  'L’article 4 passe du statut « ouvert » au statut « entre crochets ».',
  'La version « Fin de séance du jeudi 3 décembre 2026 » du texte est établie à la clôture de la séance.',
];

export const SCRIPTED_SESSION_DECLARATIONS = [
  'Déclaration liminaire de la délégation CFDT (Nadia Benali) sur l’ensemble du texte (position : favorable) : « La CFDT veut aboutir avant l’été ; ce texte en est la base. »',
  'Déclaration liminaire de la délégation CGT (Thomas Lefèvre) sur l’ensemble du texte (position : réservée) : « Pas de signature sans décompte intégral des temps d’habillage. »',
  'Déclaration de la délégation FO (Isabelle Moreau) sur l’article 3 (position : favorable) : « FO soutient une pause de 20 minutes. »',
];

/** The agenda of the scripted session as its minutes take it up, item by item (items 4 and 5 were taken in reverse). */
export const SCRIPTED_SESSION_ITEMS = [
  '### 1. Déclarations liminaires',
  'Déclarations : CFDT, CGT. Examiné, sans décision.',
  '### 2. Article 3 – Temps de pause',
  'Déclarations : FO. Décisions n° 1 à 3 : amendement n° 1 (CFDT) déposé ; amendement n° 1 (CFDT) adopté ; amendement n° 1 (CFDT) intégré au texte.',
  '### 3. Principe d’un temps de pause de 20 minutes',
  'Décisions n° 4, 5 : vote « Principe d’un temps de pause de 20 minutes » adopté ; article 3 : accord ad referendum.',
  '### 4. Article 4 – Temps d’habillage et de déshabillage',
  'Décisions n° 7 à 9 : amendement n° 2 (CGT) déposé ; amendement n° 2 (CGT) rejeté ; article 4 : entre crochets.',
  '### 5. Temps d’habillage : décompte intégral',
  'Décision n° 6 : vote « Temps d’habillage : décompte intégral » non adopté.',
];
